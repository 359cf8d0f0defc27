"""The respondent's questionnaire as server-rendered HTML.

Without JavaScript the page is one long form that works on its own: every statement, the
easy-read wording folded under each one, the comment box and one send button. With JavaScript
(static/questionnaire.js) the same markup becomes balanced pages (domain/questionnaire_pages)
with Next and Back, a progress count, the introduction on the first page only, an Easy read
switch and answers kept on this device until they are sent.

Easy read changes every text the respondent reads. Each element that shows a text carries its
easy-read wording in `data-easy-read` (from the model: domain/questionnaire_wording), and the
script swaps the two; texts the script writes itself (the page heading, the progress, the
message on Next) come as templates in both wordings on the form. Every piece of text is escaped
here; the page carries no inline script or style, so the Content-Security-Policy can forbid both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape

from culturetool.domain.kinds import AccessMode
from culturetool.domain.questionnaire_pages import page_count, page_of_each
from culturetool.domain.questionnaire_wording import Message, NotSentYet, PageText, Wording

ASSETS = "/respondent-assets"
# The switch keeps its name in both wordings, so that it can always be found and switched back.
EASY_READ = "Easy read"
EASY_READ_FIELD = "easy_read"  # posted as "yes" by the script when easy read is on


@dataclass
class Entered:
    """What the person sent, shown again when the form comes back with a problem."""

    answers: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    code: str = ""


@dataclass(frozen=True)
class Assets:
    """The addresses of the page's stylesheet, script and icon (named by their content)."""

    css: str
    js: str
    icon: str


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


def _say(tag: str, wording: Wording, values: Mapping[str, object] | None = None, **attrs) -> str:
    """An element showing a text in standard English, with its easy read for the script."""
    values = values or {}
    standard = wording.filled(False, **values)
    easy = wording.filled(True, **values)
    return f"<{tag}{_attrs(**attrs, data_easy_read=easy)}>{escape(standard)}</{tag}>"


def document(
    title: str,
    body: str,
    assets: Assets,
    main_attributes: Mapping[str, str] | None = None,
    easy_title: str | None = None,
) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title{_attrs(data_easy_read=easy_title)}>{escape(title)}</title>\n"
        f'<link rel="icon" href="{assets.icon}" type="image/svg+xml">\n'
        f'<link rel="stylesheet" href="{assets.css}">\n'
        f'<script src="{assets.js}" defer></script>\n'
        "</head>\n<body>\n"
        f'<main id="main" class="page respondent"{_attrs(**(main_attributes or {}))}>\n'
        f"{body}\n</main>\n</body>\n</html>\n"
    )


def plain_message(
    message: Message,
    assets: Assets,
    easy_read: bool = False,
    main_attributes: Mapping[str, str] | None = None,
    note: str = "",
    after: str = "",
) -> str:
    """A page of its own. In easy read when the person chose it; otherwise in standard English
    with the easy read folded below, as whether they chose it is not known. `note`, a plain
    sentence of the page's own, goes under the heading; `after` (HTML) under the text."""
    heading = message.heading.filled(easy_read)
    body = f"<h1>{escape(heading)}</h1>\n"
    if note:
        body += f"<p><strong>{escape(note)}</strong></p>\n"
    body += f"<p>{escape(message.body.filled(easy_read))}</p>"
    if after:
        body += "\n" + after
    if not easy_read:
        body += "\n" + _easy_read_fold(message)
    return document(heading, body, assets, main_attributes)


def _easy_read_fold(message: Message) -> str:
    return (
        f'<details class="easy-read-fold"><summary>{EASY_READ}</summary>'
        f"<p><strong>{escape(message.heading.easy_read)}</strong></p>"
        f"<p>{escape(message.body.easy_read)}</p></details>"
    )


def privacy_notice(text: PageText, values: Mapping[str, object]) -> str:
    kept = "".join(_say("li", item) for item in text.kept)
    not_kept = "".join(_say("li", item) for item in text.not_kept)
    return f"""<section class="privacy" aria-labelledby="privacy-heading">
{_say("h2", text.privacy_heading, id="privacy-heading")}
{_say("p", text.privacy, values)}
<details class="privacy-detail">
{_say("summary", text.privacy_more)}
{_say("h3", text.kept_heading)}
<ul>{kept}</ul>
{_say("h3", text.not_kept_heading)}
<ul>{not_kept}</ul>
</details>
</section>"""


def _choice(question_id: str, choice, checked: bool, described_by: str | None = None) -> str:
    radio = _attrs(
        type="radio",
        name=f"answer-{question_id}",
        value=choice.value,
        checked=checked,
        class_="choice-input",
        aria_describedby=described_by,
    )
    classes = "choice choice-dont-know" if choice.value == 0 else "choice"
    return (
        f'<label class="{classes}"><input{radio}>'
        f"<span{_attrs(data_easy_read=choice.easy_read)}>{escape(choice.label)}</span></label>"
    )


def _question(question, choices, page: int, entered: Entered, show_missing: bool, text) -> str:
    selected = entered.answers.get(question.id)
    missing = show_missing and selected is None
    on_scale = "".join(
        _choice(question.id, c, selected == c.value) for c in choices if c.value != 0
    )
    # "Don't know" stands apart from the scale, below a rule: it is no point on it.
    apart = "".join(
        _choice(question.id, c, selected == c.value, "dont-know-help")
        for c in choices
        if c.value == 0
    )
    missing_note = _say("p", text.no_answer_yet, class_="question-missing-note") if missing else ""
    fieldset = _attrs(
        class_="question question-missing" if missing else "question",
        id=f"q-{question.id}",
        data_page=page,
    )
    statement = _attrs(class_="q-text", data_easy_read=question.easy_read)
    return (
        f"<fieldset{fieldset}>"
        f'<legend><span class="q-number">{question.number}.</span> '
        f"<span{statement}>{escape(question.text)}</span></legend>"
        f'<details class="easy-read-text"><summary>{EASY_READ}</summary>'
        f"<p>{escape(question.easy_read)}</p></details>"
        f"{missing_note}"
        f'<div class="choices">{on_scale}</div>'
        f'<div class="choices choices-apart">{apart}</div></fieldset>'
    )


def _scale_in_easy_read(choices) -> str:
    rows = "".join(f"<li>{escape(c.label)}: {escape(c.easy_read)}</li>" for c in choices)
    return (
        '<details class="easy-read-text easy-read-scale"><summary>The answers in easy read'
        f"</summary><ul>{rows}</ul></details>"
    )


def _comment_box(text: PageText, values, comment: str, comment_length: int) -> str:
    textarea = _attrs(
        id="comment",
        name="comment",
        rows=4,
        maxlength=comment_length,
        aria_describedby="comment-help",
        class_="text-input comment-input",
    )
    return f"""<div class="field" data-page="last">
{_say("label", text.comment_label, for_="comment")}
{_say("p", text.comment_help, values, id="comment-help", class_="help")}
<textarea{textarea}>{escape(comment)}</textarea>
</div>"""


def _code_box(text: PageText, code: str) -> str:
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
{_say("label", text.code_label, for_="code")}
{_say("p", text.code_help, id="code-help", class_="help")}
<input{field_}>
</div>"""


def _templates(name: str, wording: Wording) -> dict[str, str]:
    """A text the script fills in itself, as form attributes in both wordings."""
    return {f"data_{name}": wording.standard, f"data_{name}_easy_read": wording.easy_read}


def questionnaire(
    view,
    *,
    action: str,
    submission_key: str,
    access_mode: str,
    comment_length: int,
    assets: Assets,
    entered: Entered | None = None,
    message: Wording | None = None,
) -> str:
    """The whole questionnaire. `entered` and `message` are set when the form comes back."""
    text: PageText = view.page_text
    entered = entered or Entered()
    questions = list(view.questions)
    total = len(questions)
    answered = sum(1 for q in questions if q.id in entered.answers)
    pages = page_of_each(total)
    fieldsets = "\n".join(
        _question(q, view.choices, page, entered, message is not None, text)
        for q, page in zip(questions, pages, strict=True)
    )
    values = {
        "team": view.team_name,
        "organisation": view.organisation_name,
        "minutes": view.minutes,
        "threshold": view.threshold,
        "comment_threshold": view.comment_threshold,
    }
    codes = access_mode == AccessMode.CODES
    code_note = " " + _say("span", text.codes_note) if codes else ""
    server_message = (
        _say("p", message, class_="notice notice-error", role="alert", id="server-message")
        if message is not None
        else ""
    )
    # In both modes: with a code too, a send whose reply was lost and is sent again must be
    # told its answers were saved, not that the code is used.
    key_field = f"<input{_attrs(type='hidden', name='submission_key', value=submission_key)}>"
    form_attributes = _attrs(
        method="post",
        action=action,
        id="questionnaire",
        class_="questionnaire",
        data_round_token=view.token,
        data_access_mode=access_mode,
        data_page_count=page_count(total),
        data_posted="yes" if entered.answers or message is not None else None,
        **_templates("message", text.answer_every_statement),
        **_templates("page_heading", text.page_heading),
        **_templates("progress", text.progress),
    )
    body = f"""<div class="intro">
{_say("h1", text.intro_heading, values)}
<div class="intro-first-page">
<p>{_say("span", text.intro, values)}{code_note}</p>
{privacy_notice(text, values)}
</div>
</div>
<section id="already-sent" class="already-sent" hidden>
<h1>{escape(text.already_sent.heading.standard)}</h1>
<p>{escape(text.already_sent.body.standard)}</p>
{_easy_read_fold(text.already_sent)}
</section>
<form{form_attributes}>
{key_field}
<input type="hidden" name="{EASY_READ_FIELD}" id="easy-read-field" value="">
<div class="toolbar">
{_say("h2", text.all_statements, {"total": total}, id="questions-heading", tabindex="-1")}
<label class="easy-read-toggle" hidden><input type="checkbox" id="easy-read"> {EASY_READ}</label>
</div>
<div class="how-to-answer">
{_say("p", text.how_to_answer)}
{_say("p", text.dont_know_help, id="dont-know-help", class_="help")}
</div>
<p class="help no-script-help">Choose one answer for each statement, then press “Send my answers”
at the end.</p>
<div class="progress" hidden>
{
        _say(
            "label",
            text.progress,
            {"answered": answered, "total": total},
            for_="progress",
            id="progress-label",
        )
    }
<progress id="progress" max="{total}" value="{answered}"></progress>
</div>
{server_message}
{_scale_in_easy_read(view.choices)}
{fieldsets}
{_comment_box(text, values, entered.comment, comment_length)}
{_code_box(text, entered.code) if codes else ""}
<p class="notice notice-error" role="alert" id="page-message" hidden></p>
<div class="buttons">
{_say("button", text.back, type="button", class_="button button-soft", id="back", hidden=True)}
{_say("button", text.next, type="button", class_="button", id="next", hidden=True)}
{_say("button", text.send, type="submit", class_="button", id="send")}
</div>
</form>"""
    return document(text.title.standard, body, assets, easy_title=text.title.easy_read)


def sent_page(token: str, text: PageText, assets: Assets, easy_read: bool) -> str:
    """The thank-you page; its script deletes this survey's answers and key from the device."""
    return plain_message(
        text.sent, assets, easy_read, {"data_round_token": token, "data_view": "sent"}
    )


def not_sent_yet_page(
    action: str,
    fields: Mapping[str, list[str]],
    text: NotSentYet,
    assets: Assets,
    easy_read: bool,
) -> str:
    """The answers could not be saved: say so, and offer to send exactly what was sent again
    (every field as it came, the one-off key included, so a send that did get through is not
    saved twice). Not the questionnaire: the script leaves the answers it keeps as they are."""
    hidden = "".join(
        f"<input{_attrs(type='hidden', name=name, value=value)}>"
        for name, values in fields.items()
        for value in values[-1:]
    )
    label = escape(text.send_again.filled(easy_read))
    button = f'<div class="buttons"><button type="submit" class="button">{label}</button></div>'
    form = f'<form method="post"{_attrs(action=action)}>{hidden}{button}</form>'
    return plain_message(text, assets, easy_read, {"data_view": "not-sent-yet"}, after=form)


def closed_page(token: str, text: PageText, assets: Assets, period_note: str = "") -> str:
    """The survey has closed: the script forgets any unsent answers to it on this device.
    `period_note` says when its assessment period ended, for a round of a period."""
    return plain_message(
        text.closed,
        assets,
        main_attributes={"data_round_token": token, "data_view": "closed"},
        note=period_note,
    )


def _listed(numbers: list[int]) -> str:
    """ "4", "4 and 9", "4, 9 and 12"."""
    if len(numbers) == 1:
        return str(numbers[0])
    return f"{', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


def missing_statements_message(numbers: Iterable[int], text: PageText) -> Wording:
    numbers = list(numbers)
    values: dict[str, object]
    if len(numbers) == 1:
        template, values = text.missing_one, {"numbers": _listed(numbers)}
    elif len(numbers) <= 8:
        template, values = text.missing_some, {"numbers": _listed(numbers)}
    else:
        template, values = text.missing_many, {"count": len(numbers)}
    return Wording(
        standard=template.filled(False, **values), easy_read=template.filled(True, **values)
    )
