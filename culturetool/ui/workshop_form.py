"""The fields a workshop's preparation is made of, shared by the new workshop form (the list
page) and the preparation form (the overview page), and turning what a form sent into a
`services.workshops.WorkshopDraft`."""

from __future__ import annotations

import reflex as rx

from culturetool.domain.limits import (
    MAX_TABLES,
    MAX_VOTES_PER_PARTICIPANT,
    NAME_LENGTH,
    WORKSHOP_PURPOSE_LENGTH,
)
from culturetool.services.workshops import WorkshopDraft
from culturetool.ui.layout import field
from culturetool.ui.session import id_number

DAY_FIELDS = ("day_1", "day_2", "day_3")
TEAM_PREFIX, PERSPECTIVE_PREFIX, FACILITATOR_PREFIX = "team_", "perspective_", "facilitator_"


def ticked(form: dict, prefix: str) -> tuple[str, ...]:
    """The values of the ticks named prefix + value that the form sent ticked."""
    return tuple(
        name.removeprefix(prefix)
        for name, value in form.items()
        if name.startswith(prefix) and value
    )


def draft_from(form: dict) -> WorkshopDraft:
    return WorkshopDraft(
        title=str(form.get("title", "")),
        purpose=str(form.get("purpose", "")),
        place=str(form.get("place", "")),
        days=tuple(str(form.get(name, "")) for name in DAY_FIELDS),
        team_ids=tuple(id_number(value) for value in ticked(form, TEAM_PREFIX)),
        perspectives=ticked(form, PERSPECTIVE_PREFIX),
        more_perspectives=str(form.get("more_perspectives", "")),
        tables=str(form.get("tables", "")),
        vote_budget=str(form.get("vote_budget", "")),
        votes_per_theme=str(form.get("votes_per_theme", "")),
        area_id=id_number(form.get("area_id", "")),
        facilitator_ids=tuple(id_number(value) for value in ticked(form, FACILITATOR_PREFIX)),
    )


def tick(prefix: str, choice: rx.Var, id_prefix: str = "") -> rx.Component:
    """A tick box inside its label; `choice` is a views.workshop_pages.Choice."""
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name=prefix + choice.value,
            id=id_prefix + prefix + choice.value,
            default_checked=choice.chosen,
        ),
        " ",
        choice.label,
        class_name="tick",
    )


def ticks(legend: str, prefix: str, choices: rx.Var, help_text: str = "") -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(legend),
        rx.cond(help_text != "", rx.el.p(help_text, class_name="help")),
        rx.foreach(choices, lambda choice: tick(prefix, choice)),
        class_name="field team-ticks",
    )


def _input(label: str, name: str, default=None, **props) -> rx.Component:
    return field(
        label,
        rx.el.input(id=name, name=name, default_value=default, class_name="text-input", **props),
    )


def text_fields(title="", purpose="", place="") -> list[rx.Component]:
    return [
        _input("Title", "title", title, required=True, max_length=NAME_LENGTH),
        field(
            "What the workshop is for (optional)",
            rx.el.textarea(
                id="purpose",
                name="purpose",
                default_value=purpose,
                rows=3,
                max_length=WORKSHOP_PURPOSE_LENGTH,
                class_name="text-input comment-input",
            ),
        ),
        _input("Where it happens (optional)", "place", place, max_length=NAME_LENGTH),
    ]


def day_fields(day_values: rx.Var | None = None) -> rx.Component:
    """Up to three days; the first is needed."""
    inputs = []
    for index, name in enumerate(DAY_FIELDS):
        default = (
            rx.cond(day_values.length() > index, day_values[index], "")
            if day_values is not None
            else ""
        )
        label = "First day" if index == 0 else f"Day {index + 1} (if it runs over more days)"
        inputs.append(_input(label, name, default, type="date", required=index == 0))
    return rx.el.fieldset(rx.el.legend("When it is held"), *inputs, class_name="field day-fields")


def number_fields(tables="1", vote_budget="5", votes_per_theme="3") -> list[rx.Component]:
    return [
        _input("Tables in the room", "tables", tables, type="number", min=1, max=MAX_TABLES),
        _input(
            "Votes each participant has",
            "vote_budget",
            vote_budget,
            type="number",
            min=1,
            max=MAX_VOTES_PER_PARTICIPANT,
        ),
        _input(
            "Most votes one person may put on one theme",
            "votes_per_theme",
            votes_per_theme,
            type="number",
            min=1,
            max=MAX_VOTES_PER_PARTICIPANT,
        ),
    ]


def perspective_fields(choices: rx.Var) -> list[rx.Component]:
    return [
        ticks("Perspectives taking part", PERSPECTIVE_PREFIX, choices),
        field(
            "Other perspectives taking part (optional, one a line)",
            rx.el.textarea(
                id="more_perspectives",
                name="more_perspectives",
                rows=2,
                max_length=NAME_LENGTH * 5,
                class_name="text-input comment-input",
            ),
        ),
    ]
