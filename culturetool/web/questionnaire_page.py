"""The respondent's questionnaire as server-rendered HTML.

Without JavaScript the page is one long form that works on its own: every statement, the
easy-read wording folded under each one, the comment box and one send button. With JavaScript
(static/questionnaire.js) the same markup becomes pages of six with Next and Back, a progress
count, an Easy read switch and answers kept on this device until they are sent. Every piece of
text is escaped here; the page carries no inline script or style, so the Content-Security-Policy
can forbid both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape

from culturetool.domain.kinds import AccessMode

QUESTIONS_PER_PAGE = 6
ANSWER_EVERY_STATEMENT = (
    "Please answer every statement on this page. If you are not sure, choose “Don't know”."
)
ASSETS = "/respondent-assets"


@dataclass
class Entered:
    """What the person sent, shown again when the form comes back with a problem."""

    answers: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    code: str = ""


def _attrs(**attributes: str | int | bool | None) -> str:
    """HTML attributes, escaped; True gives a bare attribute, False or None leaves it out."""
    parts = []
    for name, value in attributes.items():
        name = name.rstrip("_").replace("_", "-")
        if value is True:
            parts.append(f" {name}")
        elif value is not None and value is not False:
            parts.append(f' {name}="{escape(str(value))}"')
    return "".join(parts)


def document(title: str, body: str, main_attributes: Mapping[str, str] | None = None) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{ASSETS}/questionnaire.css">\n'
        f'<script src="{ASSETS}/questionnaire.js" defer></script>\n'
        "</head>\n<body>\n"
        f'<main id="main" class="page respondent"{_attrs(**(main_attributes or {}))}>\n'
        f"{body}\n</main>\n</body>\n</html>\n"
    )


def plain_message(heading: str, body: str, main_attributes: Mapping[str, str] | None = None) -> str:
    return document(
        heading,
        f"<h1>{escape(heading)}</h1>\n<p>{escape(body)}</p>",
        main_attributes,
    )


NOT_FOUND = (
    "This link does not work",
    "Check that you copied the whole link, or ask your manager to send it again.",
)
CLOSED = (
    "This survey has closed",
    "It no longer takes answers. If you think this is a mistake, ask your manager for the link "
    "to the current survey.",
)
SENT = (
    "Thank you: your answers have been sent",
    "Your answers were saved anonymously. You can close this page.",
)
ALREADY_SENT = (
    "You have already sent your answers",
    "This device sent answers to this survey. Thank you: there is nothing more to do. If "
    "someone else uses this device, they can answer on their own phone or computer.",
)


def privacy_notice(threshold: int, comment_threshold: int) -> str:
    return f"""<section class="privacy" aria-labelledby="privacy-heading">
<h2 id="privacy-heading">Your answers are anonymous</h2>
<p>We do not ask your name. Your manager sees only the team's combined scores, and only once at
least {threshold} people have answered. Comments are shown exactly as written, mixed together
and in no order, once at least {comment_threshold} people have answered.</p>
<details class="privacy-detail">
<summary>What is kept, and what is not</summary>
<h3>Kept</h3>
<ul>
<li>In the survey: your answers and your comment, with no name, no date or time, no device,
browser or network address, and nothing that puts them in the order they were sent.</li>
<li>On this device, until you send: your answers so far, so you can leave and come back. Sending
deletes them; only a note that this survey was sent stays, so the link then says you have
already sent your answers.</li>
</ul>
<h3>Not kept</h3>
<ul>
<li>Who you are or your email address.</li>
<li>Your computer's or phone's network address.</li>
<li>Your browser or device.</li>
<li>When you answered.</li>
</ul>
</details>
</section>"""


def _choice(question_id: str, value: int, label: str, easy_read: str, checked: bool) -> str:
    classes = "choice choice-dont-know" if value == 0 else "choice"
    radio = _attrs(
        type="radio",
        name=f"answer-{question_id}",
        value=value,
        checked=checked,
        class_="choice-input",
    )
    return (
        f'<label class="{classes}"><input{radio}>'
        f"<span{_attrs(data_easy_read=easy_read)}>{escape(label)}</span></label>"
    )


def _question(question, choices, page: int, entered: Entered, show_missing: bool) -> str:
    selected = entered.answers.get(question.id)
    missing = show_missing and selected is None
    options = "".join(
        _choice(question.id, c.value, c.label, c.easy_read, selected == c.value) for c in choices
    )
    missing_note = (
        '<p class="question-missing-note">This statement has no answer yet.</p>' if missing else ""
    )
    fieldset = _attrs(
        class_="question question-missing" if missing else "question",
        id=f"q-{question.id}",
        data_page=page,
    )
    text = _attrs(class_="q-text", data_easy_read=question.easy_read)
    return (
        f"<fieldset{fieldset}>"
        f'<legend><span class="q-number">{question.number}.</span> '
        f"<span{text}>"
        f"{escape(question.text)}</span></legend>"
        f'<details class="easy-read-text"><summary>Easy read</summary>'
        f"<p>{escape(question.easy_read)}</p></details>"
        f"{missing_note}"
        f'<div class="choices">{options}</div></fieldset>'
    )


def _scale_in_easy_read(choices) -> str:
    rows = "".join(f"<li>{escape(c.label)}: {escape(c.easy_read)}</li>" for c in choices)
    return (
        '<details class="easy-read-text easy-read-scale"><summary>The answers in easy read'
        f"</summary><ul>{rows}</ul></details>"
    )


def _comment_box(comment_threshold: int, comment: str, comment_length: int) -> str:
    textarea = _attrs(
        id="comment",
        name="comment",
        rows=4,
        maxlength=comment_length,
        aria_describedby="comment-help",
        class_="text-input comment-input",
    )
    return f"""<div class="field" data-page="last">
<label for="comment">Anything else you would like to say about care technology in your team?
(optional)</label>
<p id="comment-help" class="help">Your manager will see your words exactly as you write them, mixed
in with other people's and in no order, once at least {comment_threshold} people have answered.
Please do not write names or anything that shows who you are.</p>
<textarea{textarea}>{escape(comment)}</textarea>
</div>"""


def _code_box(code: str) -> str:
    field_ = _attrs(
        id="code",
        name="code",
        value=code,
        autocomplete="off",
        autocapitalize="characters",
        spellcheck="false",
        aria_describedby="code-help",
        class_="text-input code-input",
    )
    return f"""<div class="field" data-page="last">
<label for="code">Your personal code, from the card your manager gave you</label>
<p id="code-help" class="help">Each code works once, so nobody can answer twice. It does not say who
you are: codes are handed out at random.</p>
<input{field_}>
</div>"""


def questionnaire(
    view,
    *,
    action: str,
    submission_key: str,
    access_mode: str,
    comment_length: int,
    entered: Entered | None = None,
    message: str = "",
) -> str:
    """The whole questionnaire. `entered` and `message` are set when the form comes back."""
    entered = entered or Entered()
    show_missing = bool(message)
    questions = list(view.questions)
    total = len(questions)
    answered = sum(1 for q in questions if q.id in entered.answers)
    page_count = max(1, -(-total // QUESTIONS_PER_PAGE))
    fieldsets = "\n".join(
        _question(q, view.choices, index // QUESTIONS_PER_PAGE, entered, show_missing)
        for index, q in enumerate(questions)
    )
    codes = access_mode == AccessMode.CODES
    code_note = (
        " You will need the personal code from the card your manager gave you." if codes else ""
    )
    server_message = (
        f'<p class="notice notice-error" role="alert" id="server-message">{escape(message)}</p>'
        if message
        else ""
    )
    key_field = (
        ""
        if codes
        else f"<input{_attrs(type='hidden', name='submission_key', value=submission_key)}>"
    )
    form_attributes = _attrs(
        method="post",
        action=action,
        id="questionnaire",
        class_="questionnaire",
        data_round_token=view.token,
        data_access_mode=access_mode,
        data_page_count=page_count,
        data_posted="yes" if entered.answers or message else None,
        data_message=ANSWER_EVERY_STATEMENT,
    )
    team = escape(view.team_name)
    body = f"""<div class="intro">
<h1>How does {team} feel about care technology?</h1>
<p>{escape(view.organisation_name)} is asking everyone in {team} these questions to understand how
your team uses, trusts and feels about care technology, and what would help. It takes about
{view.minutes} minutes.{code_note}</p>
{privacy_notice(view.threshold, view.comment_threshold)}
</div>
<section id="already-sent" class="already-sent" hidden>
<h1>{escape(ALREADY_SENT[0])}</h1>
<p>{escape(ALREADY_SENT[1])}</p>
</section>
<form{form_attributes}>
{key_field}
<div class="toolbar">
<h2 id="questions-heading" tabindex="-1">All {total} statements</h2>
<label class="easy-read-toggle" hidden><input type="checkbox" id="easy-read"> Easy read</label>
</div>
<p class="help no-script-help">Choose one answer for each statement, then press “Send my answers”
at the end.</p>
<div class="progress" hidden>
<label for="progress" id="progress-label">{answered} of {total} answered</label>
<progress id="progress" max="{total}" value="{answered}"></progress>
</div>
{server_message}
{_scale_in_easy_read(view.choices)}
{fieldsets}
{_comment_box(view.comment_threshold, entered.comment, comment_length)}
{_code_box(entered.code) if codes else ""}
<p class="notice notice-error" role="alert" id="page-message" hidden></p>
<div class="buttons">
<button type="button" class="button button-soft" id="back" hidden>Back</button>
<button type="button" class="button" id="next" hidden>Next</button>
<button type="submit" class="button" id="send">Send my answers</button>
</div>
</form>"""
    return document("Team questionnaire", body)


def sent_page(token: str) -> str:
    """The thank-you page; its script deletes this survey's answers and key from the device."""
    return plain_message(*SENT, {"data_round_token": token, "data_view": "sent"})


def closed_page(token: str) -> str:
    """The survey has closed: the script forgets any unsent answers to it on this device."""
    return plain_message(*CLOSED, {"data_round_token": token, "data_view": "closed"})


def not_found_page() -> str:
    return plain_message(*NOT_FOUND)


def missing_statements_message(numbers: Iterable[int]) -> str:
    numbers = list(numbers)
    if len(numbers) == 1:
        which = f"Statement {numbers[0]} has"
    elif len(numbers) <= 8:
        which = f"Statements {', '.join(map(str, numbers[:-1]))} and {numbers[-1]} have"
    else:
        which = f"{len(numbers)} statements have"
    return (
        f"{which} no answer yet (marked below). Please answer every statement; if you are not "
        "sure, choose “Don't know”."
    )
