"""Test helper: a page's router data as Reflex gets it from the event socket.

`EventSocketPrivacy` turns the browser's session cookie into a header holding its hash and
drops the rest; tests give the state the same headers by running a browser's handshake scope
through it.
"""

from __future__ import annotations

from reflex.istate.data import RouterData

from culturetool.web.privacy import SESSION_COOKIE, scrubbed_event_scope


def socket_headers(token: str) -> dict[str, str]:
    """The headers Reflex would record for a browser holding this session cookie ("" = none)."""
    handshake = [
        (b"host", b"localhost:3000"),
        (b"origin", b"http://localhost:3000"),
        (b"user-agent", b"Mozilla/5.0 (test browser)"),
    ]
    if token:
        handshake.append((b"cookie", f"{SESSION_COOKIE}={token}".encode()))
    scope = {
        "type": "websocket",
        "path": "/_event/",
        "headers": handshake,
        "client": ("10.1.2.3", 5),
    }
    return {name.decode(): value.decode() for name, value in scrubbed_event_scope(scope)["headers"]}


def router_for(token: str, **router_data) -> RouterData:
    """Router data of a page at router_data's pathname/query, signed in with this token."""
    headers = {**router_data.pop("headers", {}), **socket_headers(token)}
    return RouterData.from_router_data({"pathname": "/", **router_data, "headers": headers})
