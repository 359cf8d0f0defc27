"""What the respondent's questionnaire transfers on first load on a phone, beside a Reflex page.

Loads /r/<token> (an open demo round) and /sign-in in a fresh Chromium profile at 375 px and
prints, per page and per kind of file (HTML, CSS, JS, images, fonts, other), the bytes sent over
the network (compressed as sent, headers included, from the DevTools protocol's
Network.loadingFinished) and the bytes after decompression. A second visit in the same profile
shows what the browser's cache saves. No pass or fail.

Run with `make bench`, or `.venv/bin/python bench/questionnaire_weight.py` (builds and starts the
app on a spare port with a throwaway database and the demo data, like the browser tests), or
against a running app with an open round: `... questionnaire_weight.py --url http://host:port`.
Needs Debian's Chromium and bun, as the browser tests do.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

CHROMIUM = "/usr/bin/chromium"
BUN = PROJECT_ROOT / ".tools" / "node_modules" / "bun" / "bin" / "bun.exe"
PHONE = {"width": 375, "height": 800}
KINDS = ("html", "css", "js", "image", "font", "other")


@dataclass
class Transfer:
    """What one page load fetched: per kind of file, bytes on the wire and decompressed."""

    sent: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unpacked: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    files: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    encodings: set[str] = field(default_factory=set)

    def total_sent(self) -> int:
        return sum(self.sent.values())

    def total_unpacked(self) -> int:
        return sum(self.unpacked.values())


def _kind(mime: str, url: str) -> str:
    mime = mime.lower()
    if "html" in mime:
        return "html"
    if "css" in mime or url.endswith(".css"):
        return "css"
    if "javascript" in mime or url.split("?")[0].endswith((".js", ".mjs")):
        return "js"
    if mime.startswith("image/"):
        return "image"
    if "font" in mime or url.split("?")[0].endswith((".woff", ".woff2", ".ttf")):
        return "font"
    return "other"


def measure(context, url: str) -> Transfer:
    """Load `url` in a new tab of `context` and add up what came over the network."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    requests: dict[str, dict] = {}
    transfer = Transfer()

    def on_response(event) -> None:
        response = event["response"]
        headers = {name.lower(): value for name, value in response.get("headers", {}).items()}
        requests[event["requestId"]] = {
            "kind": _kind(response.get("mimeType", ""), response["url"]),
            "encoding": headers.get("content-encoding", "none"),
            "cached": response.get("fromDiskCache") or response.get("fromMemoryCache"),
        }

    def on_data(event) -> None:
        if event["requestId"] in requests:
            requests[event["requestId"]]["unpacked"] = (
                requests[event["requestId"]].get("unpacked", 0) + event["dataLength"]
            )

    def on_finished(event) -> None:
        request = requests.get(event["requestId"])
        if request is None:
            return
        kind = request["kind"]
        transfer.sent[kind] += int(event["encodedDataLength"])
        transfer.unpacked[kind] += request.get("unpacked", 0)
        transfer.files[kind] += 1
        if not request["cached"]:
            transfer.encodings.add(f"{kind}:{request['encoding']}")

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.dataReceived", on_data)
    cdp.on("Network.loadingFinished", on_finished)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(1500)  # late chunks a page asks for after it first settles
    page.close()
    return transfer


def _kb(count: int) -> str:
    return f"{count / 1024:7.1f} KB"


def report(name: str, transfer: Transfer) -> None:
    print(f"\n{name}")
    print(f"  {'kind':6} {'files':>5} {'sent':>11} {'unpacked':>11}")
    for kind in KINDS:
        if transfer.files.get(kind):
            print(
                f"  {kind:6} {transfer.files[kind]:5d} {_kb(transfer.sent[kind])} "
                f"{_kb(transfer.unpacked[kind])}"
            )
    print(f"  {'total':6} {sum(transfer.files.values()):5d} {_kb(transfer.total_sent())} "
          f"{_kb(transfer.total_unpacked())}")  # fmt: skip
    print(f"  content-encoding: {', '.join(sorted(transfer.encodings)) or 'none'}")


def run(base_url: str, token: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            for name, path in (("Questionnaire /r/<token>", f"/r/{token}"), ("Reflex /sign-in",
                               "/sign-in")):  # fmt: skip
                context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
                report(f"{name}, first load at 375 px", measure(context, base_url + path))
                report(f"{name}, second visit (same browser)", measure(context, base_url + path))
                context.close()
        finally:
            chromium.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _open_demo_token() -> str:
    import sqlalchemy as sa

    from culturetool.store.db import transaction
    from culturetool.store.tables import AssessmentRound

    with transaction() as session:
        token = session.scalar(
            sa.select(AssessmentRound.token).where(AssessmentRound.closed_at.is_(None)).limit(1)
        )
    assert token, "the demo data has no open round"
    return token


def with_own_app() -> None:
    from culturetool.cli import reflex_run_command

    folder = Path(tempfile.mkdtemp(prefix="questionnaire-weight-"))
    db_url = f"sqlite:///{folder / 'bench.db'}"
    os.environ["CULTURETOOL_DB_URL"] = db_url
    env = dict(
        os.environ,
        REFLEX_BUN_PATH=str(BUN),
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="0",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    cli = [sys.executable, "-m", "culturetool.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, cwd=PROJECT_ROOT)
    subprocess.run([*cli, "demo", "load"], env=env, check=True, cwd=PROJECT_ROOT)
    token = _open_demo_token()
    port = _free_port()
    print("Building and starting the app (a minute or more)...", flush=True)
    with (folder / "app.log").open("w") as log:
        process = subprocess.Popen(
            reflex_run_command(port),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_for(f"http://127.0.0.1:{port}/ping", process)
            run(f"http://localhost:{port}", token)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def _wait_for(url: str, process: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the app stopped while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit("the app did not start in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running app (its database must hold an open round)")
    parser.add_argument("--token", help="the open round's link token (with --url)")
    args = parser.parse_args()
    if args.url:
        run(args.url.rstrip("/"), args.token or _open_demo_token())
    else:
        with_own_app()


if __name__ == "__main__":
    main()
