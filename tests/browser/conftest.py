"""Start the real app (production build) on a spare port with its own database, and Chromium.

Browser tests need bun (installed by `make test`) and Debian's Chromium; where either is
missing they are skipped with the reason, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from culturetool.cli import reflex_run_command

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BUN = PROJECT_ROOT / ".tools" / "node_modules" / "bun" / "bin" / "bun.exe"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
ADMIN_EMAIL = "ada@testshire.example"
ADMIN_PASSWORD = "admin password for tests"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing_prerequisite() -> str | None:
    if not Path(CHROMIUM).exists():
        return "Chromium is not installed (make test installs Debian's chromium when run as root)"
    if not BUN.exists():
        return "bun is not installed (make test installs it from the npm registry)"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app stopped while starting:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"the app did not start within {timeout:.0f} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def app_db_url(tmp_path_factory) -> str:
    """The app's database, so a test can set up many responses quickly, as the store would."""
    return f"sqlite:///{tmp_path_factory.mktemp('app-db') / 'browser-test.db'}"


@pytest.fixture(scope="session")
def app_log(tmp_path_factory) -> Path:
    """Everything the app server writes (stdout and stderr), so a test can read it."""
    return tmp_path_factory.mktemp("app") / "app.log"


@pytest.fixture(scope="session")
def app_url(app_db_url, app_log) -> Iterator[str]:
    reason = _missing_prerequisite()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    db_url = app_db_url
    port = _free_port()
    env = dict(
        os.environ,
        CULTURETOOL_DB_URL=db_url,
        REFLEX_BUN_PATH=str(BUN),
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="0",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    subprocess.run(
        [sys.executable, "-m", "culturetool.cli", "db", "upgrade"],
        env=env,
        check=True,
        cwd=PROJECT_ROOT,
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
    log = app_log
    with log.open("w") as log_file:
        process = subprocess.Popen(
            reflex_run_command(port),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_for(f"http://127.0.0.1:{port}/ping", process, log, timeout=600)
            yield f"http://localhost:{port}"
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright for the whole run: its sync API keeps an event loop in the main thread
    while it lives, and a second one started beside it refuses to run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    """Chromium for the whole run, with no app of its own: the scaled-mode and fault tests
    start theirs."""
    launched = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def browser(app_url, chromium):
    """Chromium, once the app the browser tests share is running."""
    return chromium


@pytest.fixture
def screenshot_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
