"""Every text of the respondent's pages, in standard English and in easy read.

The statements and answers carry their own easy read (model_schema.Item, ScaleOption); this is
everything else the respondent reads: the introduction, the privacy promise, the help, the
buttons, the progress, the messages and the pages after sending. It lives in the model
(`page_text` in model/questionnaire.yaml) so that the two wordings are written, reviewed and
versioned together, and every field is required, so no text can lack its easy read.

A text may name a few things the page fills in, in braces: `{team}`, `{minutes}`... Which
names each text may use is fixed here (PLACEHOLDERS), and checked when the model is loaded.
"""

from __future__ import annotations

import string
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

ROUND = frozenset({"team", "organisation", "minutes", "threshold", "comment_threshold"})
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "intro_heading": frozenset({"team"}),
    "intro": ROUND,
    "privacy": ROUND,
    "comment_help": ROUND,
    "all_statements": frozenset({"total"}),
    "page_heading": frozenset({"page", "pages"}),
    "progress": frozenset({"answered", "total"}),
    "missing_one": frozenset({"numbers"}),
    "missing_some": frozenset({"numbers"}),
    "missing_many": frozenset({"count"}),
}


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Wording(_Entry):
    """One text in both wordings."""

    standard: Text
    easy_read: Text

    def placeholders(self) -> set[str]:
        return {
            name
            for text in (self.standard, self.easy_read)
            for _, name, _, _ in string.Formatter().parse(text)
            if name is not None
        }

    def filled(self, easy_read: bool, **values: object) -> str:
        return (self.easy_read if easy_read else self.standard).format(**values)


class Message(_Entry):
    """A page of its own: a heading and a sentence or two."""

    heading: Wording
    body: Wording


class NotSentYet(Message):
    """The page after a send the server could not save (its database out of reach): the
    answers were not sent yet and are kept, with a button that sends them again."""

    send_again: Wording


class PageText(_Entry):
    """The respondent's pages, text by text (model/questionnaire.yaml, `page_text`)."""

    title: Wording
    intro_heading: Wording
    intro: Wording
    codes_note: Wording
    privacy_heading: Wording
    privacy: Wording
    privacy_more: Wording
    kept_heading: Wording
    # Tuples, not lists: the texts are frozen and hashable, so a page made from them can be
    # kept and shown again (web/respondent.py).
    kept: tuple[Wording, ...] = Field(min_length=1)
    not_kept_heading: Wording
    not_kept: tuple[Wording, ...] = Field(min_length=1)
    how_to_answer: Wording
    dont_know_help: Wording
    all_statements: Wording
    page_heading: Wording
    progress: Wording
    no_answer_yet: Wording
    answer_every_statement: Wording
    missing_one: Wording
    missing_some: Wording
    missing_many: Wording
    comment_label: Wording
    comment_help: Wording
    code_label: Wording
    code_help: Wording
    back: Wording
    next: Wording
    send: Wording
    sent: Message
    already_sent: Message
    closed: Message
    not_found: Message
    unreadable: Message
    too_large: Message
    went_wrong: Message
    # Said when the database cannot be reached, so shown from the last texts this process
    # showed that have them, or the model folder's; None in a model saved before they were
    # written (the loader requires them of the model files).
    not_sent_yet: NotSentYet | None = None
    cannot_open_now: Message | None = None
    # What the service says when it refuses answers (a used code, a full round...), matched by
    # the standard text the service sends; a message not listed here shows as it is.
    refusals: tuple[Wording, ...] = ()

    @model_validator(mode="after")
    def _only_known_placeholders(self) -> PageText:
        problems = []
        for name, wording in self.wordings():
            unknown = wording.placeholders() - PLACEHOLDERS.get(name.split("[")[0], frozenset())
            if unknown:
                problems.append(f"'{name}' names {', '.join(sorted(unknown))}, which it cannot")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def wordings(self) -> list[tuple[str, Wording]]:
        """Every text, by its name in the YAML (a list's texts as kept[0], kept[1]...)."""
        found: list[tuple[str, Wording]] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Wording):
                found.append((name, value))
            elif value is None:
                continue
            elif isinstance(value, Message):
                found += [(f"{name}.heading", value.heading), (f"{name}.body", value.body)]
                if isinstance(value, NotSentYet):
                    found.append((f"{name}.send_again", value.send_again))
            else:
                found += [(f"{name}[{index}]", item) for index, item in enumerate(value)]
        return found

    def refusal(self, standard: str) -> Wording:
        """The service's refusal in both wordings; as it is in both when none is listed."""
        for wording in self.refusals:
            if wording.standard == standard:
                return wording
        return Wording(standard=standard, easy_read=standard)
