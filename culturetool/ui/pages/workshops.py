"""The workshops a person reaches, and (for administrators and the innovation team) the form
that sets up a new one."""

from __future__ import annotations

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.services import workshops
from culturetool.ui import routes
from culturetool.ui.layout import data_table, field, notice, page_frame, shown_if
from culturetool.ui.session import SessionState, signed_in
from culturetool.ui.workshop_form import (
    FACILITATOR_PREFIX,
    TEAM_PREFIX,
    day_fields,
    draft_from,
    number_fields,
    perspective_fields,
    text_fields,
    ticks,
)
from culturetool.views.workshop_pages import AreaTeams, WorkshopList, WorkshopRow


class WorkshopsState(SessionState):
    view: WorkshopList | None = None
    form_message: str = ""
    form_version: int = 0  # a new number draws an empty form again

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.form_message = ""
        self.view = None
        self.view = workshops.list_workshops(actor)

    @rx.event
    @signed_in
    def create(self, actor: Actor, form: dict):
        self.form_message = ""
        try:
            workshop_id = workshops.create_workshop(actor, draft_from(form))
        except (InputProblem, NotFound) as problem:
            self.form_message = str(problem)
            return None
        self.form_version += 1
        return rx.redirect(routes.workshop(workshop_id))


def _row(row: WorkshopRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(row.title, href=routes.workshop(row.id))),
        rx.table.cell(row.area_name),
        rx.table.cell(row.dates),
        rx.table.cell(row.stage_label),
        rx.table.cell(row.facilitators),
    )


def _area_teams(area: AreaTeams) -> rx.Component:
    return shown_if(
        area.teams.length() > 0,
        ticks(
            "Teams of " + area.area_name + " it is about (optional)",
            TEAM_PREFIX,
            area.teams,
        ),
    )


def _new_workshop_form(view: rx.Var) -> rx.Component:
    choices = view.choices
    return rx.el.details(
        rx.el.summary("New workshop", class_name="form-summary"),
        rx.form(
            *text_fields(),
            field(
                "Area",
                rx.el.select(
                    rx.foreach(
                        choices.areas, lambda area: rx.el.option(area.label, value=area.value)
                    ),
                    id="area_id",
                    name="area_id",
                    class_name="text-input",
                ),
            ),
            rx.el.p(
                "Leave the teams unticked for a workshop about the whole area. Teams of "
                "another area than the one chosen are refused.",
                class_name="help",
            ),
            rx.foreach(choices.teams_by_area, _area_teams),
            day_fields(),
            rx.cond(
                choices.facilitators.length() > 0,
                ticks("Facilitators", FACILITATOR_PREFIX, choices.facilitators),
                rx.el.p(
                    "There are no workshop facilitators to choose yet: an administrator "
                    "invites them on the People page, with the role Workshop facilitator.",
                    class_name="help",
                ),
            ),
            *perspective_fields(choices.perspectives),
            *number_fields(),
            shown_if(WorkshopsState.form_message != "", notice(WorkshopsState.form_message)),
            rx.button("Set up the workshop", type="submit"),
            on_submit=WorkshopsState.create,
            key=WorkshopsState.form_version.to_string(),
            class_name="new-action",
        ),
        id="new-workshop",
        class_name="new-action-box",
    )


def _list(view: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.cond(
            view.rows.length() > 0,
            data_table(["Workshop", "Area", "When", "Stage", "Facilitators"], view.rows, _row),
            rx.text(view.empty_text, class_name="lead"),
        ),
        shown_if(view.can_arrange, _new_workshop_form(view)),
        spacing="4",
        width="100%",
    )


def workshops_page() -> rx.Component:
    return page_frame(
        rx.text(
            "Working Together for Change workshops: what people who draw on care and support, "
            "carers, staff and partners say is working, not working and important for the "
            "future, themed, voted on and turned into actions.",
            class_name="lead",
        ),
        rx.cond(WorkshopsState.view, _list(WorkshopsState.view), rx.text("Loading workshops…")),
        title="Workshops",
    )
