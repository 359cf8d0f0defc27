"""A workshop's public pages, plain HTTP like the questionnaire (web/respondent.py): the
collection form at /c/{token} and the phone vote at /v/{token}. No sign-in, no Reflex state.

Both work without JavaScript: the collection page is one form; the voting page has a small form
per theme (add a vote, take one back), each carrying the participant's ballot key. The script
(static/workshop.js) keeps that key in the phone's local storage, so the same ballot comes back
after the page is closed, and stops a second press of Send.

Nothing here logs a request (the token is in the path) and nothing of the sender is stored: the
address and browser go to the service for its in-memory limit only. A token of the wrong shape
is answered as a broken link before the database is asked, and a collection token opens no
ballot (nor a voting token a form): the service looks a link up by token and purpose together.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs

from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.limits import WORKSHOP_ENTRY_LENGTH
from culturetool.domain.workshop.kinds import EntryKind, VotingState
from culturetool.domain.workshop.stages import ANSWERS_PER_QUESTION
from culturetool.services import workshop_links as links
from culturetool.web import respondent
from culturetool.web.respondent import COMPRESSED, SECURITY_HEADERS, TOKEN_SHAPE, BodyTooLarge

# Six answers of 500 characters, each character up to 4 bytes and sent percent-encoded (3
# characters a byte), come to 36 KB; anything larger is not from this page.
MAX_BODY_BYTES = 40 * 1024
KEY_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")
EASY_READ_FIELD = "easy_read"
SUBMISSION_KEY_FIELD = "submission_key"
BALLOT_KEY_FIELD = "ballot_key"

CSS = respondent._served("workshop.css", "text/css; charset=utf-8")
JS = respondent._served("workshop.js", "text/javascript; charset=utf-8")
PICTURES = {
    EntryKind.WORKING_WELL: respondent._served("working-well.svg", "image/svg+xml"),
    EntryKind.NOT_WORKING_WELL: respondent._served("not-working-well.svg", "image/svg+xml"),
    EntryKind.FUTURE: respondent._served("future.svg", "image/svg+xml"),
}

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Say:
    """One text in standard English and in easy read (short sentences, everyday words)."""

    standard: str
    easy: str

    def __call__(self, easy_read: bool) -> str:
        return self.easy if easy_read else self.standard


QUESTIONS = {
    EntryKind.WORKING_WELL: Say("What is working well?", "What is good?"),
    EntryKind.NOT_WORKING_WELL: Say("What is not working well?", "What is not good?"),
    EntryKind.FUTURE: Say(
        "What is important for the future?", "What matters to you for the future?"
    ),
}
QUESTION_HELP = {
    EntryKind.WORKING_WELL: Say(
        "About your care and support, or the support you give.",
        "Tell us what helps you.",
    ),
    EntryKind.NOT_WORKING_WELL: Say(
        "What gets in the way, or makes things harder than they should be.",
        "Tell us what makes things hard.",
    ),
    EntryKind.FUTURE: Say(
        "What you would want to stay, to change or to start.",
        "Tell us what you want to happen next.",
    ),
}
ANSWER_LABELS = (Say("First answer", "Answer 1"), Say("Second answer", "Answer 2"))
TITLE = Say("Tell us what you think", "Tell us what you think")
INTRO = Say(
    "{organisation} is asking people for their views for the workshop “{title}”. Answer each "
    "question in your own words: up to two answers each. Leave out any you would rather not "
    "answer.",
    "We want to hear from you. This is for the meeting called “{title}”. "
    "Write what you think. You can write 2 answers to each question.",
)
ANONYMOUS = Say(
    "You do not sign in and we do not ask your name. We keep only what you write and, if you "
    "choose one, which group you belong to. We do not keep your device, your internet address "
    "or when you answered.",
    "You do not need to give your name. We do not keep anything that says who you are.",
)
DO_NOT_NAME = Say(
    "Please do not name anyone: not yourself, not staff, not family or friends. Write “my "
    "support worker” or “my daughter” instead. Everyone at the workshop will read your words.",
    "Do not write anyone's name. Not your name. Not anyone else's name. "
    "Write “my carer” or “my friend” instead.",
)
PERSPECTIVE_QUESTION = Say(
    "Which of these describes you best? You do not have to say.",
    "Who are you? You do not have to say.",
)
RATHER_NOT_SAY = Say("I would rather not say", "I do not want to say")
SEND = Say("Send my answers", "Send")
SWITCH_TO_EASY = "Easy read"
SWITCH_TO_STANDARD = "Standard wording"
THANKS = Say(
    "Thank you. Your answers have been sent to the workshop.",
    "Thank you. We have your answers.",
)
THANKS_MORE = Say(
    "You can close this page. Nothing on this device says what you wrote.",
    "You can close this page now.",
)
NOT_OPEN_EASY = "This link does not work now. Ask the person who gave it to you."
CLOSED_EASY = "You cannot send answers here any more. Thank you for wanting to help."
UNREADABLE = "The form did not arrive as this page sends it. Please go back and send it again."
TOO_LARGE = "That is more than the form takes. Please make your answers shorter and send again."
WENT_WRONG = "Something went wrong on our side. Please try again in a minute."


def _field(kind: EntryKind, number: int) -> str:
    return f"{kind.value}-{number}"


def document(title: str, body: str, main_attributes: str = "", easy_read: bool = False) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="icon" href="{respondent.ADDRESSES.icon}" type="image/svg+xml">\n'
        f'<link rel="stylesheet" href="{respondent.ADDRESSES.css}">\n'
        f'<link rel="stylesheet" href="{CSS}">\n'
        f'<script src="{JS}" defer></script>\n'
        "</head>\n<body>\n"
        f'<main id="main" class="page workshop-public{" easy-read" if easy_read else ""}"'
        f"{main_attributes}>\n"
        f"{body}\n</main>\n</body>\n</html>\n"
    )


def _page(content: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(content, status_code=status, headers=SECURITY_HEADERS)


def _message(heading: str, text: str, status: int, easy: str = "") -> HTMLResponse:
    """A page of its own, with the easy read below when there is one."""
    body = f"<h1>{escape(heading)}</h1>\n<p>{escape(text)}</p>"
    if easy:
        body += f'\n<p class="easy-read-line" lang="en-GB">{escape(easy)}</p>'
    return _page(document(heading, body), status)


def _not_open() -> HTMLResponse:
    return _message("This link is not open", links.NOT_OPEN, 404, NOT_OPEN_EASY)


def _form_fields(body: bytes) -> dict[str, list[str]]:
    return parse_qs(
        body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=50
    )


def _last(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name)
    return values[-1] if values else ""


async def _posted_form(request: Request) -> dict[str, list[str]] | Response:
    """The posted form's fields, or the page that says why it cannot be read."""
    if request.headers.get("content-type", "").split(";")[0].strip() != (
        "application/x-www-form-urlencoded"
    ):
        return _message("Please send the form again", UNREADABLE, 415)
    try:
        body = await _body(request)
    except BodyTooLarge:
        return _message("Your answers are too long", TOO_LARGE, 413)
    except ClientDisconnect:
        return Response(status_code=400, headers=SECURITY_HEADERS)
    try:
        return _form_fields(body)
    except (UnicodeDecodeError, ValueError):
        return _message("Please send the form again", UNREADABLE, 400)


async def _body(request: Request) -> bytes:
    """The request body, refused as soon as it is known to be over this page's limit."""
    declared = request.headers.get("content-length", "")
    if declared and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_BODY_BYTES:
            raise BodyTooLarge
    return bytes(body)


# ---- the collection form ---------------------------------------------------------------------


def _question(kind: EntryKind, easy: bool, entered: dict[str, str]) -> str:
    boxes = []
    for number, label in enumerate(ANSWER_LABELS, start=1):
        name = _field(kind, number)
        boxes.append(
            f'<div class="field"><label for="{name}">{escape(label(easy))}</label>'
            f'<textarea id="{name}" name="{name}" rows="3" maxlength="{WORKSHOP_ENTRY_LENGTH}" '
            f'class="text-input">{escape(entered.get(name, ""))}</textarea></div>'
        )
    heading_id = f"{kind.value}-heading"
    return (
        f'<fieldset class="question collect-question" aria-describedby="{kind.value}-help">'
        f'<legend id="{heading_id}"><img src="{PICTURES[kind]}" alt="" class="picture" '
        f'width="48" height="48"> {escape(QUESTIONS[kind](easy))}</legend>'
        f'<p class="help" id="{kind.value}-help">{escape(QUESTION_HELP[kind](easy))}</p>'
        f"{''.join(boxes)}</fieldset>"
    )


def _perspective_choice(view: links.CollectionForm, easy: bool, chosen: str) -> str:
    if not view.perspectives:
        return ""
    options = [("", RATHER_NOT_SAY(easy))] + list(view.perspectives)
    radios = "".join(
        f'<label class="choice"><input type="radio" class="choice-input" name="perspective" '
        f'value="{escape(key)}"{" checked" if key == chosen else ""}> '
        f"<span>{escape(words)}</span></label>"
        for key, words in options
    )
    return (
        '<fieldset class="question">'
        f"<legend>{escape(PERSPECTIVE_QUESTION(easy))}</legend>"
        f'<div class="choices choices-column">{radios}</div></fieldset>'
    )


def collection_page(
    view: links.CollectionForm,
    easy: bool,
    entered: dict[str, str] | None = None,
    message: str = "",
) -> str:
    entered = entered or {}
    address = f"/c/{view.token}"
    switch = (
        f'<a class="switch" href="{address}">{SWITCH_TO_STANDARD}</a>'
        if easy
        else f'<a class="switch" href="{address}?easy=yes">{SWITCH_TO_EASY}</a>'
    )
    values = {"organisation": view.organisation_name or "The council", "title": view.workshop_title}
    notice = (
        f'<p class="notice notice-error" role="alert" id="server-message">{escape(message)}</p>'
        if message
        else ""
    )
    questions = "".join(_question(kind, easy, entered) for kind in EntryKind)
    key = secrets.token_urlsafe(24)  # made afresh for each page shown and kept nowhere
    body = f"""<div class="toolbar">
<h1>{escape(TITLE(easy))}</h1>
{switch}
</div>
<p>{escape(INTRO(easy).format(**values))}</p>
<p class="anonymous">{escape(ANONYMOUS(easy))}</p>
<p class="do-not-name" id="do-not-name"><strong>{escape(DO_NOT_NAME(easy))}</strong></p>
{notice}
<form method="post" action="{address}" id="collection" class="questionnaire">
<input type="hidden" name="{SUBMISSION_KEY_FIELD}" value="{key}">
<input type="hidden" name="{EASY_READ_FIELD}" value="{"yes" if easy else ""}">
{questions}
{_perspective_choice(view, easy, entered.get("perspective", ""))}
<div class="buttons"><button type="submit" class="button" id="send">{escape(SEND(easy))}</button>
</div>
</form>"""
    return document(f"{TITLE(easy)}: {view.workshop_title}", body, easy_read=easy)


def _open_form(token: str) -> links.CollectionForm | HTMLResponse:
    try:
        return links.collection_form(token)
    except NotFound:
        return _not_open()
    except InputProblem as problem:
        return _message("This collection is closed", str(problem), 410, CLOSED_EASY)


async def show_collection(request: Request) -> Response:
    token = request.path_params["token"]
    if not TOKEN_SHAPE.fullmatch(token):
        return _not_open()
    easy = request.query_params.get("easy") == "yes"
    view = _open_form(token)
    if isinstance(view, HTMLResponse):
        return view
    return _page(collection_page(view, easy))


async def send_collection(request: Request) -> Response:
    token = request.path_params["token"]
    if not TOKEN_SHAPE.fullmatch(token):
        return _not_open()
    fields = await _posted_form(request)
    if not isinstance(fields, dict):
        return fields
    easy = _last(fields, EASY_READ_FIELD) == "yes"
    view = _open_form(token)
    if isinstance(view, HTMLResponse):
        return view
    entered = {
        _field(kind, number): _last(fields, _field(kind, number))
        for kind in EntryKind
        for number in range(1, ANSWERS_PER_QUESTION + 1)
    }
    entered["perspective"] = _last(fields, "perspective")
    answers = {
        kind: [entered[_field(kind, n)] for n in range(1, ANSWERS_PER_QUESTION + 1)]
        for kind in EntryKind
    }
    try:
        links.send_collection(
            token,
            answers,
            entered["perspective"],
            easy_read=easy,
            submission_key=_last(fields, SUBMISSION_KEY_FIELD),
            sender_ip=respondent._sender_ip(request),
            sender_agent=request.headers.get("user-agent", ""),
        )
    except NotFound:
        return _not_open()
    except InputProblem as problem:
        return _page(collection_page(view, easy, entered, str(problem)), 422)
    # A resend of the same form (a double tap, a retry) added nothing more: that is success too.
    heading, more = THANKS(easy), THANKS_MORE(easy)
    body = f"<h1>{escape(heading)}</h1>\n<p>{escape(more)}</p>"
    return _page(document(heading, body, easy_read=easy))


# ---- the phone vote --------------------------------------------------------------------------

VOTING_CLOSED_WORDS = {
    VotingState.NOT_OPEN: "Voting has not started yet. Your facilitator will say when it opens.",
    VotingState.CLOSED: "Voting has closed. Thank you for taking part.",
}


def _votes_left_words(shown: links.BallotShown) -> str:
    if shown.votes_left == 0:
        return f"You have no votes left (you have used all {shown.budget})."
    plural = "vote" if shown.votes_left == 1 else "votes"
    return f"You have {shown.votes_left} {plural} left of {shown.budget}."


def _vote_form(shown: links.BallotShown, key: str, theme: links.BallotTheme, change: str) -> str:
    words = "Add a vote" if change == "add" else "Take a vote back"
    style = "button" if change == "add" else "button button-soft"
    disabled = " disabled" if change == "take" and theme.mine == 0 else ""
    return (
        f'<form method="post" action="/v/{shown.token}#theme-{theme.theme_id}" class="vote-form">'
        f'<input type="hidden" name="{BALLOT_KEY_FIELD}" value="{escape(key)}">'
        f'<input type="hidden" name="theme" value="{theme.theme_id}">'
        f'<input type="hidden" name="change" value="{change}">'
        f'<button type="submit" class="{style}" '
        f'aria-describedby="statement-{theme.theme_id}"{disabled}>{words}</button></form>'
    )


def _theme_card(
    shown: links.BallotShown, key: str, theme: links.BallotTheme, open_: bool, message: str
) -> str:
    mine = f"Your votes: {theme.mine}" if theme.mine != 1 else "Your votes: 1"
    buttons = (
        f'<div class="vote-buttons">{_vote_form(shown, key, theme, "add")}'
        f"{_vote_form(shown, key, theme, 'take')}</div>"
        if open_
        else ""
    )
    notice = f'<p class="notice notice-error" role="alert">{escape(message)}</p>' if message else ""
    return (
        f'<li class="ballot-theme" id="theme-{theme.theme_id}">'
        f'<p class="theme-kind">{escape(theme.kind_label)}</p>'
        f'<p class="theme-statement" id="statement-{theme.theme_id}">'
        f"{escape(theme.statement)}</p>"
        f'<p class="theme-mine">{mine}</p>{notice}{buttons}</li>'
    )


def ballot_page(
    shown: links.BallotShown,
    key: str,
    *,
    fresh: bool,
    message: str = "",
    about_theme: int | None = None,
) -> str:
    """The ballot; a refusal shows beside the theme it was about (where the page returns to),
    or at the top when it is about the whole vote. `fresh`: drawn with a new key, which the
    script replaces with the one this phone keeps, if it has one."""
    state = VotingState(shown.voting)
    open_ = state is VotingState.OPEN
    top_message = message if message and about_theme is None else ""
    cards = "".join(
        _theme_card(shown, key, theme, open_, message if theme.theme_id == about_theme else "")
        for theme in shown.themes
    )
    status = (
        f'<p class="votes-left" id="votes-left" role="status">{escape(_votes_left_words(shown))}'
        "</p>"
        if open_
        else f'<p class="notice" role="status">{escape(VOTING_CLOSED_WORDS[state])}</p>'
    )
    how = (
        f"<p>Give your {shown.budget} votes to the themes you think matter most. You can put up "
        f"to {shown.per_theme} on one theme, and take a vote back to use it elsewhere. Nobody "
        "can see how you voted.</p>"
        if open_
        else ""
    )
    again = (
        f'<form method="post" action="/v/{shown.token}" class="check-again">'
        f'<input type="hidden" name="{BALLOT_KEY_FIELD}" value="{escape(key)}">'
        '<input type="hidden" name="change" value="show">'
        '<button type="submit" class="button button-soft">Check again</button></form>'
        if state is VotingState.NOT_OPEN
        else ""
    )
    top = (
        f'<p class="notice notice-error" role="alert">{escape(top_message)}</p>'
        if top_message
        else ""
    )
    body = f"""<h1>Vote: {escape(shown.workshop_title)}</h1>
<div class="votes-bar">{status}</div>
{how}{top}{again}
<ol class="ballot">{cards}</ol>"""
    attributes = (
        f' data-ballot-token="{escape(shown.token)}" data-ballot-key="{escape(key)}"'
        f' data-ballot-fresh="{"yes" if fresh else "no"}"'
    )
    return document(f"Vote: {shown.workshop_title}", body, attributes)


async def show_ballot(request: Request) -> Response:
    token = request.path_params["token"]
    if not TOKEN_SHAPE.fullmatch(token):
        return _not_open()
    # A new key for a phone that has none yet; the script swaps in the one the phone keeps.
    key = links.new_ballot_key()
    try:
        shown = links.ballot(token, key)
    except NotFound:
        return _not_open()
    return _page(ballot_page(shown, key, fresh=True))


async def change_vote(request: Request) -> Response:
    token = request.path_params["token"]
    if not TOKEN_SHAPE.fullmatch(token):
        return _not_open()
    fields = await _posted_form(request)
    if not isinstance(fields, dict):
        return fields
    key = _last(fields, BALLOT_KEY_FIELD)
    if not KEY_SHAPE.fullmatch(key):
        return _message("Please open the voting link again", UNREADABLE, 400)
    change = _last(fields, "change")
    theme_text = _last(fields, "theme")
    theme_id = int(theme_text) if theme_text.isascii() and theme_text.isdigit() else 0
    try:
        if change in ("add", "take"):
            shown = links.change_vote(token, key, theme_id, more=change == "add")
        else:
            shown = links.ballot(token, key)
    except NotFound:
        return _not_open()
    except InputProblem as problem:
        shown = links.ballot(token, key)
        on_ballot = any(theme.theme_id == theme_id for theme in shown.themes)
        about = theme_id if on_ballot and VotingState(shown.voting) is VotingState.OPEN else None
        return _page(
            ballot_page(shown, key, fresh=False, message=str(problem), about_theme=about), 409
        )
    return _page(ballot_page(shown, key, fresh=False))


def _quietly(endpoint):
    """Answer an unexpected failure with a plain page and log only the kind of error."""

    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except Exception as error:  # noqa: BLE001 - the message could hold what was sent
            _log.error("A workshop's public page failed with %s", type(error).__name__)
            return _message("Something went wrong", WENT_WRONG, 500)

    return guarded


def routes() -> list[Route]:
    get, post = ["GET", "HEAD"], ["POST"]
    return [
        Route("/c/{token}", _quietly(show_collection), methods=get, middleware=COMPRESSED),
        Route("/c/{token}", _quietly(send_collection), methods=post, middleware=COMPRESSED),
        Route("/v/{token}", _quietly(show_ballot), methods=get, middleware=COMPRESSED),
        Route("/v/{token}", _quietly(change_vote), methods=post, middleware=COMPRESSED),
    ]
