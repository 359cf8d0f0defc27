"""A PostgreSQL and a Redis of the test's own, on spare ports, that a fault test may stop and
start again while the app runs on them. The shared servers (5432, 6379) are never touched.

PostgreSQL is Debian's (`make test` installs it): its initdb and pg_ctl run as the user
`postgres` when the tests run as root, as PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from scaled_mode import cannot_run

from culturetool.scaled import free_port


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    cannot_run("PostgreSQL's pg_ctl is not installed (make test installs Debian's postgresql)")
    raise AssertionError  # cannot_run skips or fails


def _version(path: str) -> tuple[int, ...]:
    number = path.split("/")[4]
    return tuple(int(part) for part in number.split(".") if part.isdigit())


class PrivatePostgres:
    """initdb into a folder of its own under /tmp; start() and stop() as often as needed."""

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        # Not under pytest's folder: that is private to root, and the server runs as postgres.
        self.folder = Path(tempfile.mkdtemp(prefix="culturetool-faults-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--no-sync")  # fmt: skip

    def _run(self, program: str, *arguments: str) -> None:
        command = [str(self.bin / program), *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stdout}\n{done.stderr}")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options,
                  "-l", str(self.folder / "server.log"), "-w", "start")  # fmt: skip

    def stop(self) -> None:
        """As an operator's restart does: connections are ended, the server stops."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(RuntimeError):  # already stopped
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateRedis:
    """redis-server on a spare port with no persistence: a restart loses every key, as a
    Redis restarted without a save file does."""

    def __init__(self) -> None:
        program = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(program).exists():
            cannot_run("redis-server is not installed (make test installs Debian's redis-server)")
        self.program = program
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = Path(tempfile.mkdtemp(prefix="culturetool-faults-redis-"))
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            [
                self.program,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],  # fmt: skip
            stdout=(self.folder / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
                return
            except redis.RedisError:
                time.sleep(0.2)
        raise RuntimeError("the test's Redis did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
