"""The scaled mode: several app processes behind nginx, sharing page state through Redis.

`culturetool serve --workers N` builds the frontend once, starts N backend processes on
loopback ports (each serves the built pages and the app's events, exactly as the one-process
`reflex run --env prod --single-port` does), and nginx in front of them with the shipped
configuration (deploy/nginx/culturetool.conf.template). It then watches them: a process that
dies is started again, and the others carry on meanwhile. `culturetool proxy-config` prints
the same nginx configuration for a council's own nginx.

The run folder (`--run-dir`, data/run by default) holds nginx's files and `processes.json`,
which names each backend's port and process id (for the operator, and the fault tests).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from culturetool import config
from culturetool.web.privacy import LARGEST_UPLOAD_BODY
from culturetool.web.respondent import MAX_BODY_BYTES as LARGEST_FORM_BODY

TEMPLATE = config.PROJECT_ROOT / "deploy" / "nginx" / "culturetool.conf.template"
# nginx's own pages, for when no app process answers (nginx's user must be able to read them).
ERROR_PAGES = config.PROJECT_ROOT / "deploy" / "nginx" / "pages"
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")
RESTART_PAUSE_SECONDS = 1.0
# nginx makes the folder itself but not its parent: Debian's nginx package makes this one.
DEFAULT_CACHE_DIR = "/var/lib/nginx/culturetool-cache"


class ScaledModeProblem(Exception):
    """Something the operator must fix before the scaled mode can start, said plainly."""


def proxy_config(
    listen: str,
    backends: list[str],
    *,
    server_name: str = "_",
    error_log: str = "/var/log/nginx/error.log",
    cache_dir: str = DEFAULT_CACHE_DIR,
) -> str:
    """The nginx configuration (an http-level file) for these backend addresses."""
    if not backends:
        raise ScaledModeProblem("Give at least one backend address, such as 127.0.0.1:8001.")
    servers = "\n".join(
        f"    server {address} max_fails=1 fail_timeout=5s;" for address in backends
    )
    return string.Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        listen=listen,
        server_name=server_name,
        upstream_servers=servers,
        body_limit=LARGEST_FORM_BODY,
        upload_limit=LARGEST_UPLOAD_BODY,
        error_log=error_log,
        error_pages=ERROR_PAGES,
        cache_dir=cache_dir,
    )


def run_site_config(run_dir: Path, port: int, backend_ports: list[int]) -> str:
    """The site configuration of nginx run by `serve`: on this machine, its logs and cache in
    the run folder."""
    return proxy_config(
        f"127.0.0.1:{port}",
        [f"127.0.0.1:{backend}" for backend in backend_ports],
        server_name="localhost",
        error_log=str(run_dir / "nginx-error.log"),
        cache_dir=str(run_dir / "nginx-cache"),
    )


def _main_nginx_config(run_dir: Path, site: Path) -> str:
    """A whole nginx.conf for nginx run by `serve` (not as a system service): its files under
    the run folder, in the foreground, with the site configuration included."""
    mime_types = Path("/etc/nginx/mime.types")
    mime = f"include {mime_types};" if mime_types.exists() else ""
    # Its workers run as the user who started `serve`, who owns the run folder (its cache of
    # the respondent's files is written there). Started as root, nginx would otherwise run them
    # as `nobody`, who may not enter the folder; started as anyone else, it cannot switch.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        user + "worker_processes auto;\n"
        f"pid {run_dir / 'nginx.pid'};\n"
        f"error_log {run_dir / 'nginx-error.log'} warn;\n"
        "events { worker_connections 2048; }\n"
        "http {\n"
        f"    {mime}\n"
        # The staff pages' requests, without query strings (a search could hold a name).
        "    log_format culturetool '$time_iso8601 $remote_addr $request_method $uri $status';\n"
        f"    access_log {run_dir / 'nginx-access.log'} culturetool;\n"
        f"    client_body_temp_path {run_dir / 'nginx-body'};\n"
        f"    proxy_temp_path {run_dir / 'nginx-proxy'};\n"
        f"    fastcgi_temp_path {run_dir / 'nginx-fastcgi'};\n"
        f"    uwsgi_temp_path {run_dir / 'nginx-uwsgi'};\n"
        f"    scgi_temp_path {run_dir / 'nginx-scgi'};\n"
        f"    include {site};\n"
        "}\n"
    )


def nginx_program() -> str:
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise ScaledModeProblem(
        "nginx is not installed: on Debian or Ubuntu, `sudo apt-get install nginx` "
        "(make test installs it when run as root)."
    )


def check_redis(url: str) -> None:
    """Refuse to start several processes without a Redis they can all reach."""
    if not url:
        raise ScaledModeProblem(
            "Several processes share each open page's state through Redis: set "
            "REFLEX_REDIS_URL, for example redis://127.0.0.1:6379/0."
        )
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as problem:
        raise ScaledModeProblem(f"Redis at {url} does not answer: {problem}") from None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _reflex_environment(public_url: str, web_dir: Path) -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return dict(
        os.environ,
        REFLEX_ENV_MODE="prod",
        # A build folder of its own: the pages name the proxy's address, so they must not
        # replace those a one-process `culturetool serve` (or a test's app) is serving.
        REFLEX_WEB_WORKDIR=str(web_dir),
        # The pages ask for the event socket at the address people use (the proxy's).
        REFLEX_API_URL=public_url,
        REFLEX_DEPLOY_URL=public_url,
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="0",
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    )


def build_frontend(public_url: str, web_dir: Path, log) -> None:
    """Compile and build the pages once, for every process to serve."""
    reflex = str(Path(sys.executable).with_name("reflex"))
    done = subprocess.run(
        [reflex, "export", "--frontend-only", "--no-zip", "--env", "prod", "--loglevel", "warning"],
        cwd=config.PROJECT_ROOT,
        env=_reflex_environment(public_url, web_dir),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    if done.returncode != 0:
        raise ScaledModeProblem("The pages could not be built: see the log above.")


def backend_command(port: int) -> list[str]:
    """One app process: Reflex's app on granian (the server `reflex run` uses), one worker."""
    granian = str(Path(sys.executable).with_name("granian"))
    return [granian, "--interface", "asgi", "--factory", "--workers", "1",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
            "culturetool.culturetool:app"]  # fmt: skip


def backend_environment(public_url: str, web_dir: Path) -> dict[str, str]:
    return dict(
        _reflex_environment(public_url, web_dir),
        # What `reflex run --env prod --single-port` sets for its own process: serve the pages
        # built above, and do not compile them again (several processes would race on .web/).
        # These are Reflex 0.10's internal switches (reflex_base/environment.py); the
        # multi-process browser test fails if a Reflex upgrade renames them.
        __REFLEX_MOUNT_FRONTEND_COMPILED_APP="true",
        __REFLEX_SKIP_COMPILE="true",
        # Behind nginx, the sender's address is the one nginx passes on.
        CULTURETOOL_TRUST_PROXY="1",
    )


@dataclass
class Backend:
    port: int
    process: subprocess.Popen | None = None
    starts: int = 0
    # granian's worker, the process that answers requests (granian runs it under a small
    # supervisor of its own, which exits when its worker dies).
    serving_pids: list[int] = field(default_factory=list)


def _children(pid: int) -> list[int]:
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in listed.split()]


def _kill_group(process: subprocess.Popen) -> None:
    """The process and anything it left behind (a worker outlives a killed granian)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@dataclass
class ScaledApp:
    """nginx on `port` in front of `workers` app processes, watched until stopped."""

    port: int
    workers: int
    run_dir: Path
    public_url: str = ""
    backend_ports: list[int] = field(default_factory=list)
    log_path: Path | None = None

    def __post_init__(self) -> None:
        self.run_dir = self.run_dir.resolve()
        self.web_dir = self.run_dir / "web"
        self.public_url = self.public_url or f"http://localhost:{self.port}"
        if not self.backend_ports:
            self.backend_ports = [free_port() for _ in range(self.workers)]
        self.backends = [Backend(port) for port in self.backend_ports]
        self.nginx: subprocess.Popen | None = None
        self._stopping = False

    def _log(self):
        if self.log_path is None:
            return None
        return self.log_path.open("a")

    def start(self, *, build: bool = True) -> None:
        check_redis(os.environ.get("REFLEX_REDIS_URL", ""))
        nginx = nginx_program()
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if build:
            print("Building the pages once for every process (about a minute)...", flush=True)
            build_frontend(self.public_url, self.web_dir, self._log())
        for backend in self.backends:
            self._start_backend(backend)
        for backend in self.backends:
            self._wait_for_backend(backend)
        site = self.run_dir / "culturetool.conf"
        site.write_text(run_site_config(self.run_dir, self.port, [b.port for b in self.backends]))
        main = self.run_dir / "nginx.conf"
        main.write_text(_main_nginx_config(self.run_dir, site))
        checked = subprocess.run(
            [nginx, "-t", "-q", "-c", str(main)], capture_output=True, text=True
        )
        if checked.returncode != 0:
            raise ScaledModeProblem(f"nginx refused its configuration: {checked.stderr.strip()}")
        self.nginx = subprocess.Popen(
            [nginx, "-c", str(main), "-g", "daemon off;"], start_new_session=True
        )
        self._write_processes()

    def _start_backend(self, backend: Backend) -> None:
        backend.process = subprocess.Popen(
            backend_command(backend.port),
            cwd=config.PROJECT_ROOT,
            env=backend_environment(self.public_url, self.web_dir),
            stdout=self._log(),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        backend.starts += 1

    def _wait_for_backend(self, backend: Backend, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{backend.port}/ping"
        while time.monotonic() < deadline:
            assert backend.process is not None
            if backend.process.poll() is not None:
                raise ScaledModeProblem(f"The app process on port {backend.port} stopped at start.")
            try:
                with urllib.request.urlopen(url, timeout=2) as reply:
                    if reply.status == 200:
                        backend.serving_pids = _children(backend.process.pid)
                        return
            except OSError:
                time.sleep(0.3)
        raise ScaledModeProblem(f"The app process on port {backend.port} did not start.")

    def _write_processes(self) -> None:
        listing = {
            "proxy": {"port": self.port, "pid": self.nginx.pid if self.nginx else None},
            "backends": [
                {
                    "port": b.port,
                    "pid": b.process.pid if b.process else None,
                    "serving_pids": b.serving_pids,
                    "starts": b.starts,
                }
                for b in self.backends
            ],
        }
        target = self.run_dir / "processes.json"
        partial = target.with_suffix(".json.part")
        partial.write_text(json.dumps(listing, indent=2))
        partial.replace(target)

    def watch(self) -> int:
        """Start again any app process that stops; return when nginx stops or on stop()."""
        while not self._stopping:
            assert self.nginx is not None
            if self.nginx.poll() is not None:
                print("nginx stopped: stopping culturetool.", file=sys.stderr, flush=True)
                return 1
            for backend in self.backends:
                assert backend.process is not None
                code = backend.process.poll()
                if code is not None and not self._stopping:
                    print(
                        f"The app process on port {backend.port} stopped (exit code {code}): "
                        "starting it again; the others carry on.",
                        file=sys.stderr,
                        flush=True,
                    )
                    _kill_group(backend.process)
                    time.sleep(RESTART_PAUSE_SECONDS)
                    self._start_backend(backend)
                    try:
                        self._wait_for_backend(backend)
                    except ScaledModeProblem as problem:
                        # Tried again on the next turn; the other processes carry on.
                        print(problem, file=sys.stderr, flush=True)
                    self._write_processes()
            time.sleep(0.3)
        return 0

    def stop(self) -> None:
        self._stopping = True
        running = [b.process for b in self.backends if b.process is not None]
        if self.nginx is not None:
            running.append(self.nginx)
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
