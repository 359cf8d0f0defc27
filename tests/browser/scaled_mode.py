"""The scaled mode for tests: `culturetool serve --workers 2` (nginx in front of two app
processes sharing state through Redis) on PostgreSQL, started as an operator would.

Tests steer where requests go as an operator could: `route_only(port)` rewrites nginx's list of
app processes and reloads nginx, which sends new requests and sockets to that process alone
while sockets already open stay where they are (nginx's graceful reload); `route_all()` puts
both back. `kill(port)` is kill -9 of one app process; `culturetool serve` starts it again.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, BUN, CHROMIUM, PROJECT_ROOT

from culturetool.scaled import free_port, run_site_config

REDIS_URL = os.environ.get("CULTURETOOL_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def cannot_run(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"the scaled-mode test cannot run in CI: {reason}")
    pytest.skip(reason)


def check_prerequisites(redis_url: str = REDIS_URL) -> None:
    if not Path(CHROMIUM).exists():
        cannot_run("Chromium is not installed (make test installs Debian's chromium as root)")
    if not BUN.exists():
        cannot_run("bun is not installed (make test installs it from the npm registry)")
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        cannot_run("nginx is not installed (make test installs Debian's nginx as root)")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as problem:
        cannot_run(f"Redis is not reachable at {redis_url}: {problem}")


@dataclass
class ScaledRun:
    url: str
    db_url: str
    run_dir: Path
    log: Path
    process: subprocess.Popen

    def processes(self) -> dict:
        return json.loads((self.run_dir / "processes.json").read_text())

    def backend_ports(self) -> list[int]:
        return [b["port"] for b in self.processes()["backends"]]

    def pid_of(self, port: int) -> int:
        """The process that answers the requests of the app process on `port`."""
        backend = next(b for b in self.processes()["backends"] if b["port"] == port)
        (serving,) = backend["serving_pids"]
        return serving

    def _route(self, ports: list[int]) -> None:
        site = self.run_dir / "culturetool.conf"
        site.write_text(run_site_config(self.run_dir, int(self.url.rsplit(":", 1)[1]), ports))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        main = str(self.run_dir / "nginx.conf")
        # A reload with a configuration nginx refuses keeps the old one and says so only in
        # its log: check it first, so the test fails here and says why.
        checked = subprocess.run([nginx, "-t", "-q", "-c", main], capture_output=True, text=True)
        assert checked.returncode == 0, f"nginx refuses the new routing: {checked.stderr}"
        master = int((self.run_dir / "nginx.pid").read_text())
        workers_before = set(_nginx_workers(master))
        subprocess.run([nginx, "-c", main, "-s", "reload"], check=True)
        _wait_for_new_routing(master, workers_before)

    def route_only(self, port: int) -> None:
        self._route([port])

    def route_all(self) -> None:
        self._route(self.backend_ports())

    def kill(self, port: int) -> int:
        """kill -9 the app process on `port`; returns its process id."""
        pid = self.pid_of(port)
        os.kill(pid, signal.SIGKILL)
        return pid

    def wait_started_again(self, port: int, old_pid: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                started_again = self.pid_of(port) != old_pid
            except ValueError:  # being started: no serving process yet
                started_again = False
            if started_again and _answers(f"http://127.0.0.1:{port}/ping"):
                return
            time.sleep(0.5)
        raise AssertionError(f"the app process on port {port} was not started again")


def _nginx_workers(master: int) -> dict[int, str]:
    """nginx's worker processes under `master`, each with its title ("nginx: worker process",
    "... is shutting down" once told to quit)."""
    try:
        listed = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return {}
    workers = {}
    for pid in map(int, listed):
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # it has just exited
        if "worker process" in title:
            workers[pid] = title
    return workers


def _wait_for_new_routing(master: int, workers_before: set[int], timeout: float = 30) -> None:
    """Until nginx runs workers with the new configuration and every worker from before has
    stopped taking requests. `nginx -s reload` only signals the master, which on a busy machine
    can take longer than any fixed sleep to start the new workers; until it has, new requests
    still go to the old list of app processes (a send to a killed one is answered 503)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = _nginx_workers(master)
        started = set(workers) - workers_before
        old_still_taking = [
            pid for pid in workers_before if pid in workers and "shutting down" not in workers[pid]
        ]
        if started and not old_still_taking:
            # An old worker closes its idle connections as it is told to quit; give the
            # browser's kept-alive connections that moment.
            time.sleep(0.3)
            return
        time.sleep(0.1)
    raise AssertionError(f"nginx did not take its new routing within {timeout:.0f} s")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


@contextmanager
def scaled_app(tmp: Path, db_url: str, redis_url: str = REDIS_URL) -> Iterator[ScaledRun]:
    """`culturetool serve --workers 2` on this database and Redis (the fault tests give it a
    Redis of their own, which they stop and start)."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # this test's own Redis database number
    port = free_port()
    env = dict(
        os.environ,
        CULTURETOOL_DB_URL=db_url,
        REFLEX_REDIS_URL=redis_url,
        REFLEX_BUN_PATH=str(BUN),
        CULTURETOOL_PUBLIC_URL=f"http://localhost:{port}",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    subprocess.run(
        [
            sys.executable, "-m", "culturetool.cli", "user", "create-admin",
            "--email", ADMIN_EMAIL, "--name", "Ada Admin",
            "--organisation", "Testshire County Council",
        ],
        env=dict(env, CULTURETOOL_ADMIN_PASSWORD=ADMIN_PASSWORD),
        check=True,
        cwd=PROJECT_ROOT,
    )  # fmt: skip
    run_dir = tmp / "run"
    log = tmp / "serve.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "culturetool.cli",
                "serve",
                "--workers",
                "2",
                "--port",
                str(port),
                "--run-dir",
                str(run_dir),
            ],  # fmt: skip
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 600
        while not _answers(f"http://127.0.0.1:{port}/ping"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the scaled app did not start:\n{log.read_text()[-4000:]}")
            time.sleep(1)
        yield ScaledRun(f"http://localhost:{port}", db_url, run_dir, log, process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
