"""A signed-in person's session token, browser and address are nowhere on the server's disk.

The administrator signs in through the real sign-in form and opens pages; then Reflex's state
store (.states, written for every tab) and the app's log are searched for the raw session
token (read from the browser's cookie jar), a password-reset link the administrator just made,
the browser's user agent and the address every test browser connects from. The cookie must
be HttpOnly and SameSite=Strict, and invisible to the page's scripts. Then forged events are
sent over the page's own event socket: they are refused with one plain log line each, and
neither their payload nor the address reaches the log.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path

import pytest
from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PROJECT_ROOT
from helpers import TIMEOUT, new_person, sign_in
from playwright.sync_api import Browser, expect

from culturetool.ui.pages.account import InviteState
from culturetool.web.privacy import SESSION_COOKIE

pytestmark = pytest.mark.browser

AGENT = "Mozilla/5.0 (X11; Linux x86_64) SessionProbe-4k2q Chrome/130.0 Safari/537.36"
AGENT_MARKER = "SessionProbe-4k2q"
SERVER_SAW = "127.0.0.1"  # the address every test browser connects from
FORGED_MARKER = "FORGED-PAYLOAD-x81v"
STATES = PROJECT_ROOT / ".states"


def _state_files_since(start: float) -> list[Path]:
    if not STATES.exists():
        return []
    return [p for p in STATES.rglob("*") if p.is_file() and p.stat().st_mtime >= start]


def _until(condition, what: str):
    """Poll until condition() is truthy (the server writes state and logs in the background)."""
    deadline = time.monotonic() + TIMEOUT / 1000
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


# The socket.io protocol over a plain WebSocket from the page: same origin, so the browser sends
# the session cookie with the handshake just as Reflex's own socket does.
SEND_FORGED_EVENTS = """
async ([token, events]) => {
  const url = location.origin.replace(/^http/, "ws") +
    "/_event/?EIO=4&transport=websocket&token=" + token;
  const socket = new WebSocket(url);
  await new Promise((opened, failed) => {
    socket.onmessage = (m) => { if (m.data.startsWith("40/_event")) opened(); };
    socket.onopen = () => socket.send("40/_event,");
    socket.onerror = failed;
  });
  socket.onmessage = (m) => { if (m.data === "2") socket.send("3"); };
  for (const event of events) socket.send("42/_event," + JSON.stringify(["event", event]));
  return true;
}
"""


def test_no_session_token_browser_or_address_reaches_the_state_store_or_log(
    browser: Browser, app_url: str, app_log: Path
) -> None:
    start = time.time() - 1  # file times have coarse resolution on some file systems
    admin = new_person(browser, user_agent=AGENT)
    sign_in(admin, app_url, ADMIN_EMAIL, ADMIN_PASSWORD)
    for path in ("/admin/people", "/admin/settings", "/account", "/"):
        admin.goto(app_url + path)
        expect(admin.get_by_role("button", name="Sign out")).to_be_visible()

    # A one-off reset link signs in whoever holds it: it must reach the page, never the store.
    admin.goto(app_url + "/admin/people")
    admin.get_by_role("button", name="Make a reset link for Ada Admin").click()
    link_box = admin.get_by_label("Password reset link for Ada Admin", exact=True)
    expect(link_box).to_have_value(re.compile(r"/invite/[A-Za-z0-9_-]{32,}$"))
    link_token = link_box.input_value().rsplit("/", 1)[1]

    cookie = next(c for c in admin.context.cookies() if c["name"] == SESSION_COOKIE)
    token = cookie["value"]
    assert len(token) >= 40
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    assert token not in admin.evaluate("document.cookie")

    # The state store holds this tab's state (the person's name shows it was written)...
    written = _until(
        lambda: [p for p in _state_files_since(start) if b"Ada Admin" in p.read_bytes()],
        "Reflex to write the signed-in tab's state",
    )
    # ...but no token, browser or address, in any state file written during the test.
    for path in _state_files_since(start):
        content = path.read_bytes()
        for secret in (token, link_token, AGENT_MARKER, SERVER_SAW):
            assert secret.encode() not in content, f"{secret!r} found in {path}"
    assert written

    accept = f"{InviteState.get_full_name()}.accept"
    forged = [
        '{"name": "broken json ' + FORGED_MARKER,  # a string that is not even JSON
        {"name": accept, "payload": {"form": FORGED_MARKER}, "router_data": {"pathname": "/"}},
        {"name": "state.no_such_handler", "payload": {"x": FORGED_MARKER}, "router_data": {}},
        {"name": accept, "payload": {"form": {"password": 7}}, "router_data": {"id": {"a": 1}}},
    ]
    admin.evaluate(SEND_FORGED_EVENTS, [str(uuid.uuid4()), forged])
    _until(
        lambda: (
            "An event handler failed: AttributeError in culturetool.ui.pages.account"
            in app_log.read_text()
        ),
        "the failed handler's one log line",
    )
    log = app_log.read_text()
    for secret in (token, AGENT_MARKER, SERVER_SAW, FORGED_MARKER, "Traceback"):
        assert secret not in log, f"{secret!r} found in the app's log:\n{log[-3000:]}"
    assert json.dumps(ADMIN_PASSWORD) not in log and ADMIN_PASSWORD not in log
