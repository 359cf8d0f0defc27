"""The respondent's questionnaire at /r/{token}: plain HTTP, nothing kept on the server.

No Reflex state is involved, so no state file, websocket or client token exists for a
respondent. Answers in progress live in the person's browser (static/questionnaire.js); the
server sees them once, in the POST that sends them, and hands them to the service.

Nothing here logs a request: not the path (the token is in it), the address or the browser.
The address and the browser's name go to the service as arguments only, for its rate limit in
memory.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from pathlib import Path
from urllib.parse import parse_qs

from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from culturetool.domain.errors import InputProblem, NotFound, RoundClosed
from culturetool.domain.limits import COMMENT_LENGTH
from culturetool.services import responding
from culturetool.web import questionnaire_page as html
from culturetool.web.questionnaire_page import Entered

MAX_BODY_BYTES = 64 * 1024  # 37 answers and a 2,000-character comment fit many times over
# A share link's token is URL-safe base64 (192 random bits make 32 characters); anything else
# is answered as a broken link before the database is asked.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")
ANSWER_FIELD = "answer-"
NOT_ON_SCALE = -1  # a sent value that is not a number: the service names the statement

STATIC = Path(__file__).with_name("static")
ASSET_TYPES = {
    "questionnaire.js": "text/javascript; charset=utf-8",
    "questionnaire.css": "text/css; charset=utf-8",
}

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


def _not_found() -> HTMLResponse:
    return _page(html.not_found_page(), 404)


def _unreadable(status: int) -> HTMLResponse:
    """The form did not arrive as the questionnaire page sends it."""
    return _page(
        html.plain_message(
            "Your answers could not be read",
            "Please go back and press “Send my answers” on the questionnaire page.",
        ),
        status,
    )


def _open_questionnaire(token: str) -> responding.QuestionnaireView | HTMLResponse:
    """The questionnaire of the round this link opens, or the page that says why there is none:
    not found for a link that opens no round, gone for a closed round."""
    try:
        return responding.questionnaire_for(token)
    except NotFound:
        return _not_found()
    except RoundClosed:
        return _page(html.closed_page(token), 410)


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


def _entered(fields: dict[str, list[str]]) -> tuple[Entered, str]:
    """The answers, comment and code from a posted form, and the submission key."""

    def last(name: str) -> str:
        values = fields.get(name)
        return values[-1] if values else ""

    answers = {}
    for name, values in fields.items():
        if name.startswith(ANSWER_FIELD) and values:
            value = values[-1].strip()
            answers[name[len(ANSWER_FIELD) :]] = int(value) if value.isdigit() else NOT_ON_SCALE
    return Entered(answers=answers, comment=last("comment"), code=last("code")), last(
        "submission_key"
    )


def _questionnaire(view, entered: Entered | None = None, message: str = "") -> str:
    return html.questionnaire(
        view,
        action=f"/r/{view.token}",
        # Made afresh for each page shown and kept nowhere: the browser's script replaces it
        # with the one this device keeps for the round, so a retry from another tab saves once.
        submission_key=secrets.token_urlsafe(24),
        access_mode=view.access_mode,
        comment_length=COMMENT_LENGTH,
        entered=entered,
        message=message,
    )


async def show_questionnaire(request: Request) -> Response:
    token = request.path_params["token"]
    if not TOKEN_SHAPE.fullmatch(token):
        return _not_found()
    view = _open_questionnaire(token)
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
        return _page(
            html.plain_message(
                "That was too much to send",
                "The answers and comment together must be under 64 KB. Please shorten your "
                "comment and send again.",
            ),
            413,
        )
    except ClientDisconnect:
        return Response(status_code=400, headers=SECURITY_HEADERS)
    try:
        fields = parse_qs(
            body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=200
        )
    except (UnicodeDecodeError, ValueError):
        return _unreadable(400)
    entered, submission_key = _entered(fields)
    view = _open_questionnaire(token)
    if isinstance(view, HTMLResponse):
        return view
    missing = [q.number for q in view.questions if q.id not in entered.answers]
    if missing:
        message = html.missing_statements_message(missing)
        return _page(_questionnaire(view, entered, message), 422)
    try:
        responding.submit_response(
            token,
            entered.answers,
            entered.comment,
            code=entered.code,
            submission_key=submission_key,
            # For the service's limit on sends per device, held in memory only.
            sender_ip=_sender_ip(request),
            sender_agent=request.headers.get("user-agent", ""),
        )
    except NotFound:
        return _not_found()
    except RoundClosed:
        return _page(html.closed_page(token), 410)
    except InputProblem as problem:
        return _page(_questionnaire(view, entered, str(problem)), 422)
    # A repeated key (a double click, a retry) saved nothing more: that is success too.
    return _page(html.sent_page(token))


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    media_type = ASSET_TYPES.get(name)
    if media_type is None:
        return Response(status_code=404, headers=SECURITY_HEADERS)
    return Response((STATIC / name).read_bytes(), media_type=media_type, headers=SECURITY_HEADERS)


def _quietly(endpoint):
    """Answer an unexpected failure with a plain page and log only the kind of error."""

    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except Exception as error:  # noqa: BLE001 - the message could hold what was sent
            _log.error("The respondent's page failed with %s", type(error).__name__)
            return _page(
                html.plain_message(
                    "Something went wrong",
                    "Your answers were not sent. They are still on this device: please try "
                    "again in a minute.",
                ),
                500,
            )

    return guarded


def routes() -> list[Route]:
    return [
        Route("/r/{token}", _quietly(show_questionnaire), methods=["GET", "HEAD"]),
        Route("/r/{token}", _quietly(send_answers), methods=["POST"]),
        Route(f"{html.ASSETS}/{{name}}", asset, methods=["GET", "HEAD"]),
    ]
