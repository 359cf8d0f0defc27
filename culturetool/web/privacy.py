"""What Reflex is allowed to know about a browser, and uploads refused before they are read.

Reflex copies every request header of the event socket, and the client's address, into each
tab's persisted state (`router_data`, in .states/ on disk or in Redis), and prints events with
them in its logs. `EventSocketPrivacy` rewrites the socket's ASGI scope before Reflex sees it:
only the headers the socket handshake needs are kept, the address becomes 0.0.0.0, and the
session cookie is replaced by its sha256 (`SESSION_HEADER`), which is what `user_session`
stores: it identifies the session on the server but cannot be replayed as a cookie.

`UploadGate` answers POST /_upload with 401, 403, 411 or 413 before a byte of the body is read
when the caller has no session, may not import (areas and teams, a workshop's entries, or a
round's responses), or sends no or too long a Content-Length.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from starlette.concurrency import run_in_threadpool
from starlette.requests import cookie_parser
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from culturetool.domain.access import Permission
from culturetool.domain.team_import import MAX_BYTES as IMPORT_FILE_MAX_BYTES
from culturetool.services import accounts
from culturetool.services.response_import import IMPORT_MAX_BYTES as RESPONSES_FILE_MAX_BYTES
from culturetool.services.workshop_board import IMPORT_MAX_BYTES as ENTRIES_FILE_MAX_BYTES

SESSION_COOKIE = "culturetool_session"
# Reflex keeps `authorization` out of what it sends to the page (reflex/istate/data.py), so page
# scripts never see even the hash; a browser's own Authorization header is dropped above.
SESSION_HEADER = "authorization"
EVENT_PATH = "/_event"
UPLOAD_PATH = "/_upload"
# The import's one CSV file plus the multipart envelope (boundaries, part headers, file name).
UPLOAD_BODY_LIMIT = IMPORT_FILE_MAX_BYTES + 16 * 1024
# A facilitator's one CSV or XLSX file of workshop entries, with the same envelope.
ENTRIES_UPLOAD_BODY_LIMIT = ENTRIES_FILE_MAX_BYTES + 16 * 1024
# A team manager's one CSV or XLSX file of responses collected elsewhere, with the envelope.
RESPONSES_UPLOAD_BODY_LIMIT = RESPONSES_FILE_MAX_BYTES + 16 * 1024
# What a reverse proxy in front must let through to /_upload (deploy/nginx): the largest above.
LARGEST_UPLOAD_BODY = max(UPLOAD_BODY_LIMIT, ENTRIES_UPLOAD_BODY_LIMIT, RESPONSES_UPLOAD_BODY_LIMIT)
HIDDEN_CLIENT = ("0.0.0.0", 0)

# What the socket needs: the handshake (engineio/socketio check origin and upgrade; Reflex reads
# sec-websocket-protocol for its version check) and, for the HTTP long-polling fallback, the
# body's type and length. Everything else (cookie, user-agent, x-forwarded-*, referer,
# accept-language...) is dropped; without x-forwarded-for, Reflex's trusted_proxy_hops finds
# no address to put back.
EVENT_SOCKET_HEADERS = frozenset(
    {
        b"host",
        b"origin",
        b"connection",
        b"upgrade",
        b"sec-websocket-key",
        b"sec-websocket-version",
        b"sec-websocket-extensions",
        b"sec-websocket-protocol",
        b"content-type",
        b"content-length",
    }
)


def session_hash(token: str) -> str:
    return accounts.token_hash(token)


def session_cookie(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The session cookie's value among raw ASGI headers, or "" when there is none."""
    for name, value in headers:
        if name.lower() == b"cookie":
            token = cookie_parser(value.decode("latin-1")).get(SESSION_COOKIE, "")
            if token:
                return token
    return ""


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


class EventSocketPrivacy:
    """ASGI middleware: Reflex's event socket sees no cookie, address or browser details."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("websocket", "http") and _under(scope.get("path", ""), EVENT_PATH):
            scope = scrubbed_event_scope(scope)
        await self.app(scope, receive, send)


def scrubbed_event_scope(scope: Scope) -> Scope:
    headers = list(scope.get("headers", []))
    token = session_cookie(headers)
    # A session header sent by the browser itself is dropped with the rest: only the hash of
    # the real cookie is ever passed on.
    kept = [(name, value) for name, value in headers if name.lower() in EVENT_SOCKET_HEADERS]
    if token:
        kept.append((SESSION_HEADER.encode(), session_hash(token).encode()))
    return {**scope, "headers": kept, "client": HIDDEN_CLIENT}


class UploadGate:
    """ASGI middleware: an upload is refused before its body is read unless it may be taken."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope.get("method") == "POST"
            and _under(scope.get("path", ""), UPLOAD_PATH)
        ):
            refusal = await _upload_refusal(scope)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _upload_refusal(scope: Scope) -> PlainTextResponse | None:
    headers = scope.get("headers", [])
    actor = await run_in_threadpool(accounts.actor_for_session, session_cookie(headers))
    if actor is None:
        return _refuse(401, "Your session has ended. Sign in again, then upload the file again.")
    # What each may upload: an administrator areas and teams, a facilitator workshop entries,
    # a team manager responses collected elsewhere.
    if actor.can(Permission.MANAGE_ORGANISATION):
        body_limit, file_limit = UPLOAD_BODY_LIMIT, IMPORT_FILE_MAX_BYTES
    elif actor.can(Permission.RUN_WORKSHOPS):
        body_limit, file_limit = ENTRIES_UPLOAD_BODY_LIMIT, ENTRIES_FILE_MAX_BYTES
    elif actor.can(Permission.RUN_ROUNDS):
        body_limit, file_limit = RESPONSES_UPLOAD_BODY_LIMIT, RESPONSES_FILE_MAX_BYTES
    else:
        return _refuse(
            403,
            "Only an administrator can import areas and teams, only a workshop's "
            "facilitators its entries, and only a team's manager its responses.",
        )
    lengths = [value for name, value in headers if name.lower() == b"content-length"]
    if len(lengths) != 1 or not lengths[0].isdigit():
        return _refuse(411, "The upload did not say its size. Choose the file again and retry.")
    if int(lengths[0]) > body_limit:
        return _refuse(
            413,
            f"The file is too large: one import can take "
            f"{file_limit // 1024} KB at most. Split it into smaller files.",
        )
    return None


def _refuse(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message, status_code=status, headers={"Cache-Control": "no-store"})


# ---- logs -----------------------------------------------------------------------------------

# Reflex and engineio log whole events (payload and router data) when one is malformed or its
# handler unknown, and engineio prints the traceback of an exception whose message holds the
# payload. These loggers keep only the first words of such a record.
EVENT_LOGGERS = (
    "reflex.app",
    "reflex_base.event.processor.event_processor",
    "reflex_base.event.processor.base_state_processor",
    "engineio.server",
    "socketio.server",
)
_PAYLOAD_STARTS = re.compile(
    r"(?: Event data:|: Event\(| for Event\(| for handler \S+:| entry for | of type )"
)


class PayloadFreeRecords(logging.Filter):
    """Cuts event payloads and router data out of a log record, and drops its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cut = _PAYLOAD_STARTS.search(message)
        exception = record.exc_info[1] if record.exc_info else None
        if cut is None and exception is None:
            return True
        short = message[: cut.start()] if cut else message
        if exception is not None:
            short = f"{short.rstrip(':')} ({type(exception).__name__}; details withheld)"
        elif cut:
            short += " (event details withheld)"
        record.msg, record.args = short, ()
        record.exc_info = record.exc_text = None
        return True


def keep_payloads_out_of_logs() -> None:
    payload_free = PayloadFreeRecords()
    for name in EVENT_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, PayloadFreeRecords) for f in logger.filters):
            logger.addFilter(payload_free)
