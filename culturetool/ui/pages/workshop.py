"""A workshop's overview and its preparation (stage 1): what it is, how far it has got, the
preparation form, who runs it and moving it to another stage."""

from __future__ import annotations

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.errors import InputProblem
from culturetool.domain.workshop.board import Conflict
from culturetool.services import workshops
from culturetool.ui import routes
from culturetool.ui.layout import field, notice, shown_if
from culturetool.ui.session import SessionState, id_number, signed_in
from culturetool.ui.workshop_form import (
    FACILITATOR_PREFIX,
    TEAM_PREFIX,
    day_fields,
    draft_from,
    number_fields,
    perspective_fields,
    text_fields,
    ticked,
    ticks,
)
from culturetool.ui.workshop_frame import WorkshopPageState, workshop_frame
from culturetool.views.workshop_pages import WorkshopOverview


class WorkshopOverviewState(WorkshopPageState, SessionState):
    view: WorkshopOverview | None = None
    # The revision the preparation form was drawn at: a save from an older form is refused
    # rather than overwriting someone else's change. Others' changes update the facts above the
    # form at once, but not what this person may be typing.
    form_revision: int = 0
    confirmation: str = ""

    def _reload(self, actor: Actor) -> None:
        self.view = None
        self.view = workshops.workshop_overview(actor, self.workshop_id_shown)
        if self.form_revision == 0:
            self.form_revision = self.view.revision

    def _after_own_change(self, actor: Actor, done: str) -> None:
        self.form_revision = 0  # the form is drawn again with what is saved now
        self._refresh(actor)
        self.live_update = ""
        self.confirmation = done

    def _opened(self) -> None:
        self.form_revision = 0
        self.confirmation = ""

    @rx.event
    @signed_in
    def save_preparation(self, actor: Actor, form: dict):
        self.message = self.confirmation = ""
        try:
            workshops.update_preparation(
                actor, self.workshop_id_shown, draft_from(form), self.form_revision
            )
        except InputProblem as problem:
            self.message = str(problem)
            if isinstance(problem, Conflict):  # draw the form again with their version
                self.form_revision = 0
                self._refresh(actor)
            return
        self._after_own_change(actor, "The preparation is saved.")

    @rx.event
    @signed_in
    def save_facilitators(self, actor: Actor, form: dict):
        self.message = self.confirmation = ""
        chosen = [id_number(value) for value in ticked(form, FACILITATOR_PREFIX)]
        try:
            workshops.set_facilitators(actor, self.workshop_id_shown, chosen)
        except InputProblem as problem:
            self.message = str(problem)
            return
        self._after_own_change(actor, "The facilitators are saved.")

    @rx.event
    @signed_in
    def move_stage(self, actor: Actor, form: dict):
        self.message = self.confirmation = ""
        try:
            stage = workshops.move_stage(actor, self.workshop_id_shown, str(form.get("stage", "")))
        except InputProblem as problem:
            self.message = str(problem)
            return
        self._after_own_change(actor, f"The workshop is now at the stage {stage.label}.")


def _fact(label: str, value: rx.Var) -> rx.Component:
    return rx.fragment(rx.el.dt(label), rx.el.dd(value, class_name="fact"))


def _facts(view: rx.Var) -> rx.Component:
    return rx.el.dl(
        _fact("Purpose", rx.cond(view.purpose != "", view.purpose, "not written yet")),
        _fact("Area", view.area_name),
        _fact("Teams", view.teams_text),
        _fact("When", view.dates),
        _fact("Where", view.place),
        _fact("Facilitators", view.facilitators),
        _fact("Perspectives", view.perspectives_text),
        _fact("Tables", view.tables.to_string()),
        _fact(
            "Votes",
            view.vote_budget.to_string()
            + " for each participant, at most "
            + view.votes_per_theme.to_string()
            + " on one theme",
        ),
        _fact("So far", view.counts_text),
        class_name="action-facts workshop-facts",
        id="workshop-facts",
    )


def _stage_form(view: rx.Var) -> rx.Component:
    return rx.form(
        rx.heading("Stage", as_="h2", size="5", class_name="workshop-section-title"),
        rx.text("Now at " + view.stage_label + "."),
        rx.hstack(
            field(
                "Move the workshop",
                rx.el.select(
                    rx.foreach(
                        view.stage_moves,
                        lambda move: rx.el.option(move.label, value=move.value),
                    ),
                    id="stage",
                    name="stage",
                    class_name="text-input",
                ),
            ),
            rx.button("Move", type="submit"),
            align="end",
            wrap="wrap",
        ),
        on_submit=WorkshopOverviewState.move_stage,
        key="stage-" + view.revision.to_string(),
        class_name="new-action",
    )


def _preparation_form(view: rx.Var) -> rx.Component:
    form_revision = WorkshopOverviewState.form_revision
    return rx.el.section(
        rx.heading("Preparation", as_="h2", size="5", class_name="workshop-section-title"),
        shown_if(
            (form_revision > 0) & (form_revision != view.revision),
            rx.el.p(
                "Someone else has changed this workshop since this form was drawn: the facts "
                "above show their change. Saving this form will be refused; reload the page to "
                "start from their version.",
                class_name="help",
            ),
        ),
        rx.form(
            *text_fields(
                view.title, view.purpose, rx.cond(view.place == "not set yet", "", view.place)
            ),
            rx.cond(
                view.teams.length() > 0,
                ticks(
                    "Teams it is about (none ticked: the whole area)",
                    TEAM_PREFIX,
                    view.teams,
                ),
            ),
            day_fields(view.day_values),
            *perspective_fields(view.perspectives),
            *number_fields(
                view.tables.to_string(),
                view.vote_budget.to_string(),
                view.votes_per_theme.to_string(),
            ),
            rx.button("Save the preparation", type="submit"),
            on_submit=WorkshopOverviewState.save_preparation,
            key="preparation-" + form_revision.to_string(),
            class_name="new-action",
        ),
        aria_label="Preparation",
    )


def _facilitators_form(view: rx.Var) -> rx.Component:
    return rx.form(
        rx.heading("Facilitators", as_="h2", size="5", class_name="workshop-section-title"),
        ticks(
            "Who runs this workshop",
            FACILITATOR_PREFIX,
            view.facilitator_choices,
            "Each facilitator sees only the workshops they are ticked for.",
        ),
        rx.button("Save the facilitators", type="submit"),
        on_submit=WorkshopOverviewState.save_facilitators,
        key="facilitators-" + view.revision.to_string(),
        class_name="new-action",
    )


def _overview(view: rx.Var) -> rx.Component:
    state = WorkshopOverviewState
    return rx.vstack(
        rx.text(view.what_you_can_do, class_name="lead"),
        shown_if(state.message != "", notice(state.message)),
        shown_if(state.confirmation != "", notice(state.confirmation, tone="ok")),
        _facts(view),
        shown_if(view.can_prepare, _stage_form(view)),
        shown_if(view.can_assign, _facilitators_form(view)),
        shown_if(view.can_prepare, _preparation_form(view)),
        spacing="4",
        width="100%",
    )


def workshop_page() -> rx.Component:
    return workshop_frame(
        WorkshopOverviewState,
        routes.WORKSHOP,
        rx.cond(
            WorkshopOverviewState.view,
            _overview(WorkshopOverviewState.view),
            rx.text("Loading the workshop…"),
        ),
    )
