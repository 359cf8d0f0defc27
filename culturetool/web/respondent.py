"""The respondent's questionnaire at /r/{token}: plain HTTP, nothing kept on the server.

No Reflex state is involved, so no state file, websocket or client token exists for a
respondent. Answers in progress live in the person's browser (static/questionnaire.js); the
server sees them once, in the POST that sends them, and hands them to the service.

Nothing here logs a request: not the path (the token is in it), the address or the browser.
The address and the browser's name go to the service as arguments only, for its rate limit in
memory.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import io
import logging
import os
import re
import secrets
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

import anyio
import anyio.to_thread
import segno
from sqlalchemy.engine import make_url
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from culturetool import config
from culturetool.domain.errors import InputProblem, NotFound, RoundClosed, Unavailable
from culturetool.domain.limits import COMMENT_LENGTH
from culturetool.services import responding
from culturetool.web import questionnaire_page as html
from culturetool.web.questionnaire_page import EASY_READ_FIELD, Entered

MAX_BODY_BYTES = 64 * 1024  # 37 answers and a 2,000-character comment fit many times over
# A share link's token is URL-safe base64 (192 random bits make 32 characters); anything else
# is answered as a broken link before the database is asked.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")
ANSWER_FIELD = "answer-"
NOT_ON_SCALE = -1  # a sent value that is not a number: the service names the statement

STATIC = Path(__file__).with_name("static")


@dataclass(frozen=True)
class Asset:
    content: bytes
    media_type: str
    # Compressed once, when the process starts: every new browser asks for every file, and a
    # crowd of respondents opening the link at once would otherwise compress each for each.
    gzipped: bytes | None = None  # None where compressing does not make the file smaller


# The page's files by the names they are served under. Each name carries a hash of the file's
# content, so a browser may keep a file for good and a changed file gets a new name.
ASSETS: dict[str, Asset] = {}


def _served(name: str, media_type: str) -> str:
    """Serve static/<name> under its hashed name; its address."""
    content = (STATIC / name).read_bytes()
    stem, suffix = name.rsplit(".", 1)
    hashed = f"{stem}.{hashlib.sha256(content).hexdigest()[:12]}.{suffix}"
    packed = gzip.compress(content, mtime=0)
    ASSETS[hashed] = Asset(content, media_type, packed if len(packed) < len(content) else None)
    return f"{html.ASSETS}/{hashed}"


ADDRESSES = html.Assets(
    css=_served("questionnaire.css", "text/css; charset=utf-8"),
    js=_served("questionnaire.js", "text/javascript; charset=utf-8"),
    icon=_served("icon.svg", "image/svg+xml"),
)

SECURITY_HEADERS = {
    # The page holds answers being given; no cache, shared or private, may keep a copy.
    "Cache-Control": "no-store",
    # The token is in the address: never pass it on to another site.
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
}

# The page's own files hold no answers and never change under their name.
ASSET_HEADERS = SECURITY_HEADERS | {"Cache-Control": "public, max-age=31536000, immutable"}

# Errors are reported by their kind only: a message could carry what a person sent.
_log = logging.getLogger(__name__)


class BodyTooLarge(Exception):
    pass


def _page(content: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(content, status_code=status, headers=SECURITY_HEADERS)


def _sender_ip(request: Request) -> str:
    """The sender's network address, for the in-memory limit only. Behind a reverse proxy
    (CULTURETOOL_TRUST_PROXY=1) every request comes from the proxy, so the address it adds last
    to X-Forwarded-For is the sender's."""
    if os.environ.get("CULTURETOOL_TRUST_PROXY", "") == "1":
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.client.host if request.client else ""


def _message(message, status: int, easy_read: bool = False) -> HTMLResponse:
    return _page(html.plain_message(message, ADDRESSES, easy_read), status)


def _not_found() -> HTMLResponse:
    return _message(responding.page_text().not_found, 404)


def _unreadable(status: int) -> HTMLResponse:
    """The form did not arrive as the questionnaire page sends it."""
    return _message(responding.page_text().unreadable, status)


def _closed(token: str, closed: RoundClosed) -> HTMLResponse:
    page = html.closed_page(token, responding.page_text(), ADDRESSES, closed.period_note)
    return _page(page, 410)


def _open_questionnaire(token: str) -> responding.QuestionnaireView | HTMLResponse:
    """The questionnaire of the round this link opens, or the page that says why there is none:
    not found for a link that opens no round, gone for a closed round."""
    try:
        return responding.questionnaire_for(token)
    except NotFound:
        return _not_found()
    except RoundClosed as closed:
        return _closed(token, closed)


async def _body(request: Request) -> bytes:
    """The request body, refused as soon as it is known to be over the limit."""
    declared = request.headers.get("content-length", "")
    if declared and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_BODY_BYTES:
            raise BodyTooLarge
    return bytes(body)


def _entered(fields: dict[str, list[str]]) -> tuple[Entered, str, bool]:
    """The answers, comment and code from a posted form, the submission key, and whether the
    person reads the page in easy read (for the page sent back; it goes no further)."""

    def last(name: str) -> str:
        values = fields.get(name)
        return values[-1] if values else ""

    answers = {}
    for name, values in fields.items():
        if name.startswith(ANSWER_FIELD) and values:
            value = values[-1].strip()
            answers[name[len(ANSWER_FIELD) :]] = int(value) if value.isdigit() else NOT_ON_SCALE
    entered = Entered(answers=answers, comment=last("comment"), code=last("code"))
    return entered, last("submission_key"), last(EASY_READ_FIELD) == "yes"


# Stands for the submission key in a page kept to be shown again; a key is URL-safe base64,
# so this cannot be mistaken for one, and HTML escaping leaves both unchanged.
_KEY_PLACEHOLDER = "submission.key.placeholder"


def _render(view, submission_key: str, entered: Entered | None, message) -> str:
    return html.questionnaire(
        view,
        action=f"/r/{view.token}",
        submission_key=submission_key,
        access_mode=view.access_mode,
        comment_length=COMMENT_LENGTH,
        assets=ADDRESSES,
        entered=entered,
        message=message,
    )


@lru_cache(maxsize=256)
def _blank_questionnaire(view) -> str:
    """The questionnaire with nothing entered yet, made once per round and wording: every
    person of a round is shown the same page, and making it is most of the cost of showing it.
    Keyed by the whole view, so a renamed team or another model is a new page."""
    return _render(view, _KEY_PLACEHOLDER, None, None)


def _questionnaire(view, entered: Entered | None = None, message=None) -> str:
    # The key is made afresh for each page shown and kept nowhere: the browser's script
    # replaces it with the one this device keeps for the round, so a retry from another tab
    # saves once.
    submission_key = secrets.token_urlsafe(24)
    if entered is None and message is None:
        return _blank_questionnaire(view).replace(_KEY_PLACEHOLDER, submission_key, 1)
    return _render(view, submission_key, entered, message)


RETRY_AFTER_SECONDS = 60


def _unavailable_headers() -> dict[str, str]:
    return SECURITY_HEADERS | {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _log_unavailable(kind: str, doing: str) -> None:
    # The kind of error only (its message can hold the statement and what was sent).
    _log.warning("The database could not be reached (%s) %s: asked to try again", kind, doing)


def _cannot_open_now(problem: Unavailable) -> HTMLResponse:
    """The questionnaire cannot be shown without the database: 503, try again in a minute.
    Anything typed so far stays in the browser's storage, untouched by this page."""
    _log_unavailable(str(problem), "opening a questionnaire")
    text = responding.page_text_without_database().cannot_open_now
    assert text is not None  # page_text_without_database has it
    return HTMLResponse(
        html.plain_message(text, ADDRESSES), status_code=503, headers=_unavailable_headers()
    )


def _not_sent_yet(
    token: str, fields: dict[str, list[str]], easy_read: bool, problem: Unavailable
) -> HTMLResponse:
    """Nothing was saved: 503, try again in a minute, and a button that sends the same form
    again (the same key, so a send that did get through saves nothing more). Made without the
    database; the browser's storage keeps the answers as well."""
    _log_unavailable(str(problem), "saving a response")
    text = responding.page_text_without_database().not_sent_yet
    assert text is not None  # page_text_without_database has it
    page = html.not_sent_yet_page(f"/r/{token}", fields, text, ADDRESSES, easy_read)
    return HTMLResponse(page, status_code=503, headers=_unavailable_headers())


async def show_questionnaire(request: Request) -> Response:
    try:
        return await _show_questionnaire(request)
    except Unavailable as problem:
        return _cannot_open_now(problem)


# At most this many of a process's respondent requests use the database at once, each on a
# thread of its own, so the event loop serves the pages' files and the staff's events while
# they wait on it. On PostgreSQL fewer than the engine's pool keeps open (5, store/db.py), so
# a crowd of respondents neither waits for a connection until the pool gives up nor opens and
# closes extra ones, and the staff's pages keep one; a round's row lock puts sends to one
# round in turn. (More threads only contend for the interpreter: the load bench's crowds of
# 300 were no faster with 8.) On SQLite one at a time, as without threads: it has no row
# locks, and the driver begins a transaction only at its first write, so two sends at once to
# a round with one place left would both pass the check.
DATABASE_TURNS = 4
SQLITE_DATABASE_TURNS = 1
_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def database_turns(url: str) -> int:
    return SQLITE_DATABASE_TURNS if make_url(url).get_backend_name() == "sqlite" else DATABASE_TURNS


async def _off_the_loop(work, *args):
    """Run the database work of a respondent's request on a thread, so many at a time (a
    limiter per event loop: a test client runs each request on a loop of its own)."""
    loop = asyncio.get_running_loop()
    turns = _turns.get(loop)
    if turns is None:
        turns = _turns[loop] = anyio.CapacityLimiter(database_turns(config.database_url()))
    return await anyio.to_thread.run_sync(work, *args, limiter=turns)


async def _show_questionnaire(request: Request) -> Response:
    token = request.path_params["token"]
    if not TOKEN_SHAPE.fullmatch(token):
        return _not_found()
    view = await _off_the_loop(_open_questionnaire, token)
    if isinstance(view, HTMLResponse):
        return view
    return _page(_questionnaire(view))


async def send_answers(request: Request) -> Response:
    token = request.path_params["token"]
    if not TOKEN_SHAPE.fullmatch(token):
        return _not_found()
    if request.headers.get("content-type", "").split(";")[0].strip() != (
        "application/x-www-form-urlencoded"
    ):
        return _unreadable(415)
    try:
        body = await _body(request)
    except BodyTooLarge:
        return _message(responding.page_text().too_large, 413)
    except ClientDisconnect:
        return Response(status_code=400, headers=SECURITY_HEADERS)
    try:
        fields = parse_qs(
            body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=200
        )
    except (UnicodeDecodeError, ValueError):
        return _unreadable(400)
    entered, submission_key, easy_read = _entered(fields)
    try:
        return await _off_the_loop(
            _saved, _sender(request), token, entered, submission_key, easy_read
        )
    except Unavailable as problem:
        return _not_sent_yet(token, fields, easy_read, problem)


def _sender(request: Request) -> tuple[str, str]:
    """The network address and browser, for the service's limit on sends per device: held in
    memory only."""
    return _sender_ip(request), request.headers.get("user-agent", "")


def _saved(
    sender: tuple[str, str], token: str, entered: Entered, submission_key: str, easy_read: bool
) -> Response:
    view = _open_questionnaire(token)
    if isinstance(view, HTMLResponse):
        return view
    missing = [q.number for q in view.questions if q.id not in entered.answers]
    if missing:
        message = html.missing_statements_message(missing, view.page_text)
        return _page(_questionnaire(view, entered, message), 422)
    try:
        responding.submit_response(
            token,
            entered.answers,
            entered.comment,
            code=entered.code,
            submission_key=submission_key,
            sender_ip=sender[0],
            sender_agent=sender[1],
        )
    except NotFound:
        return _not_found()
    except RoundClosed as closed:
        return _closed(token, closed)
    except InputProblem as problem:
        refusal = view.page_text.refusal(str(problem))
        return _page(_questionnaire(view, entered, refusal), 422)
    # A repeated key (a double click, a retry) saved nothing more: that is success too.
    return _page(html.sent_page(token, view.page_text, ADDRESSES, easy_read))


async def asset(request: Request) -> Response:
    found = ASSETS.get(request.path_params["name"])
    if found is None:
        return Response(status_code=404, headers=SECURITY_HEADERS)
    # As GZipMiddleware decides for the pages.
    if found.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        return Response(
            found.gzipped,
            media_type=found.media_type,
            headers=ASSET_HEADERS | {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return Response(
        found.content,
        media_type=found.media_type,
        headers=ASSET_HEADERS | ({"Vary": "Accept-Encoding"} if found.gzipped else {}),
    )


def share_link_qr_path(token: str) -> str:
    """Where the QR code of a round's share link is drawn (`share_link_qr`)."""
    return f"/r/{token}/qr.png"


async def share_link_qr(request: Request) -> Response:
    """The QR code of the share link with this token, as a PNG to print (the period's sheet
    of links shows one per team). It holds only the link, which whoever has the token has
    already, so the database is not asked; it is drawn on request rather than carried in the
    sheet's page state (hundreds of teams in a county)."""
    token = request.path_params["token"]
    if not TOKEN_SHAPE.fullmatch(token):
        return _not_found()
    base = config.public_base_url() or str(request.base_url).rstrip("/")
    picture = io.BytesIO()
    segno.make(f"{base}/r/{token}", error="m").save(picture, kind="png", scale=4, border=2)
    return Response(picture.getvalue(), media_type="image/png", headers=SECURITY_HEADERS)


def _quietly(endpoint):
    """Answer an unexpected failure with a plain page and log only the kind of error."""

    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except Exception as error:  # noqa: BLE001 - the message could hold what was sent
            _log.error("The respondent's page failed with %s", type(error).__name__)
            # Without the database: it may be why this failed.
            return _message(responding.page_text_without_database().went_wrong, 500)

    return guarded


# Text goes out compressed when the browser takes it (a phone on a slow network). The pages
# echo back only what the same person just sent, so compression tells no one else anything.
COMPRESSED = [Middleware(GZipMiddleware, minimum_size=512)]


def routes() -> list[Route]:
    return [
        Route(
            "/r/{token}",
            _quietly(show_questionnaire),
            methods=["GET", "HEAD"],
            middleware=COMPRESSED,
        ),
        Route("/r/{token}", _quietly(send_answers), methods=["POST"], middleware=COMPRESSED),
        Route("/r/{token}/qr.png", _quietly(share_link_qr), methods=["GET", "HEAD"]),
        Route(f"{html.ASSETS}/{{name}}", asset, methods=["GET", "HEAD"]),
    ]
