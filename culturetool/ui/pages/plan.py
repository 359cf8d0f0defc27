"""An action plan, for a team (/teams/[team_id]/plan) or a whole area (/areas/[area_id]/plan):
its actions with overdue ones flagged, a status to move each on and its notes to edit, a form
to add one (filled in when the page is opened from a recommendation), and downloads.

Above 500 lines because it is one page of one state: the form, the table and the downloads share
PlanState's fields, and splitting the components from the state they bind would scatter a
single screen over several files without making any part simpler."""

from __future__ import annotations

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import ActionStatus, TargetScope
from culturetool.domain.limits import ACTION_NOTES_LENGTH, ACTION_TITLE_LENGTH, NAME_LENGTH
from culturetool.services import exports, plans
from culturetool.services.plans import (
    ORDER_HELP,
    STATUS_LABELS,
    TIMESCALE_LABELS,
    ActionDraft,
    ActionRow,
    PlanView,
)
from culturetool.ui import routes
from culturetool.ui.layout import (
    breadcrumb,
    field,
    loading_or_not_found,
    notice,
    page_frame,
    radio_choice,
    shown_if,
    text_field,
)
from culturetool.ui.scores import download_buttons, download_file
from culturetool.ui.session import SessionState, id_number, show_view, signed_in
from culturetool.views.plans import RequestRow

CONDITION_FIELD_PREFIX = "condition_"
DEFAULT_TIMESCALE = "three_months"
# Once the page has drawn the form: scroll to it and put the cursor in its first box.
SHOW_FORM = (
    "setTimeout(() => { const box = document.getElementById('new-action'); if (box) { "
    "box.scrollIntoView({block: 'start'}); "
    "document.getElementById('title')?.focus({preventScroll: true}); } }, 300)"
)


class PlanState(SessionState):
    found: bool = True
    view: PlanView | None = None
    message: str = ""  # about a status change, shown above the actions
    confirmation: str = ""
    form_message: str = ""  # why a new action was not saved, shown in the form
    saved: str = ""  # shown where the form was
    # After an action's notes were saved (or not): which action, and what to say beside it.
    notes_for: int = 0
    notes_message: str = ""
    notes_saved: bool = False
    # The new-action form: a new version number clears it (its inputs are uncontrolled).
    form_version: int = 0
    form_open: bool = False
    prefill_intervention: str = ""
    prefill_intervention_name: str = ""
    prefill_bundle: str = ""
    prefill_conditions: list[str] = []
    prefill_title: str = ""
    # The plan already has an action for the recommended intervention: said above the form.
    already_planned: str = ""

    def _clear_messages(self) -> None:
        self.message = self.confirmation = self.form_message = self.saved = ""
        self.notes_message = ""
        self.notes_for = 0
        self.notes_saved = False

    def _scope(self) -> tuple[TargetScope, int]:
        """The team's plan on /teams/[team_id]/plan, the area's on /areas/[area_id]/plan."""
        team = self.team_id
        if team:
            return TargetScope.TEAM, id_number(team)
        return TargetScope.AREA, id_number(self.area_id)

    def _read(self, actor: Actor) -> PlanView:
        scope, number = self._scope()
        if scope is TargetScope.TEAM:
            return plans.team_plan(actor, number)
        view = plans.area_plan(actor, number)
        for request in view.requests:  # a team's request becomes a whole-area action from here
            request.plan_link = routes.plan_with_suggestion(
                TargetScope.AREA, view.area_id, request.intervention_id, request.bundle_id, []
            )
        return view

    def _refresh(self, actor: Actor) -> PlanView | None:
        show_view(self, lambda: self._read(actor))
        return self.view

    def _fill_from_link(self) -> None:
        query = self.router.url.query_parameters
        filled = plans.prefill(
            query.get("intervention", ""),
            query.get("bundle", ""),
            query.get("conditions", ""),
            query.get("title", ""),
        )
        self.prefill_intervention = filled.intervention_id
        self.prefill_intervention_name = filled.intervention_name
        self.prefill_bundle = filled.bundle_id
        self.prefill_conditions = filled.condition_ids
        self.prefill_title = filled.title
        self.form_open = filled.from_recommendation or bool(filled.title)
        view = self.view
        self.already_planned = (
            plans.already_planned(view, filled.intervention_id) if view is not None else ""
        )

    def _forget_prefill(self) -> None:
        self.prefill_intervention = self.prefill_intervention_name = self.prefill_bundle = ""
        self.prefill_conditions = []
        self.prefill_title = self.already_planned = ""
        self.form_open = False

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self._clear_messages()
        self.form_version += 1
        if self._refresh(actor) is not None:
            self._fill_from_link()
            if self.form_open and self.view is not None and self.view.can_edit:
                return rx.call_script(SHOW_FORM)  # opened from a recommendation: the form
        return None

    def _draft(self, form: dict, view: PlanView) -> ActionDraft:
        if view.scope == TargetScope.TEAM:
            team_id: int | None = view.team_id
        else:
            raw = str(form.get("team", "")).strip()
            if raw and not raw.isdigit():
                raise InputProblem("Choose who the action is for: the whole area or one team.")
            team_id = int(raw) if raw else None
        conditions = tuple(
            key.removeprefix(CONDITION_FIELD_PREFIX)
            for key, ticked in form.items()
            if key.startswith(CONDITION_FIELD_PREFIX) and ticked
        )
        return ActionDraft(
            title=str(form.get("title", "")),
            owner=str(form.get("owner", "")),
            team_id=team_id,
            condition_ids=conditions,
            timescale=str(form.get("timescale", "")),
            due_on=str(form.get("due_on", "")),
            notes=str(form.get("notes", "")),
            intervention_id=self.prefill_intervention or None,
            bundle_id=self.prefill_bundle or None,
        )

    @rx.event
    @signed_in
    def save_action(self, actor: Actor, form_data: dict):
        self._clear_messages()
        view = self.view if self.view is not None else self._refresh(actor)
        if view is None:
            return
        try:
            draft = self._draft(form_data, view)
            plans.create_action(actor, view.area_id, draft)
        except (InputProblem, NotFound) as problem:
            self.form_message = f"The action was not saved. {problem}"
            return
        self.saved = f"Saved: “{' '.join(draft.title.split())}” is now in the plan."
        self._forget_prefill()
        self.form_version += 1
        self._refresh(actor)
        # Drop the recommendation from the address, so reloading does not offer it again.
        return rx.call_script("history.replaceState(null, '', location.pathname)")

    @rx.event
    @signed_in
    def save_status(self, actor: Actor, form_data: dict):
        """An action's status form: its id (hidden) and the status chosen."""
        self._clear_messages()
        action_id = id_number(form_data.get("action_id", ""))
        status = str(form_data.get("status", ""))
        try:
            plans.set_action_status(actor, action_id, status)
        except (InputProblem, NotFound) as problem:
            self.message = str(problem)
        else:
            rows = self.view.actions if self.view is not None else []
            title = next((r.title for r in rows if r.id == action_id), "")
            label = STATUS_LABELS[status].lower()
            self.confirmation = f"“{title}” is now {label}." if title else f"Status: {label}."
        self._refresh(actor)

    @rx.event
    @signed_in
    def save_notes(self, actor: Actor, form_data: dict):
        """An action's notes form: its id (hidden) and the notes (empty clears them)."""
        self._clear_messages()
        action_id = id_number(form_data.get("action_id", ""))
        rows = self.view.actions if self.view is not None else []
        title = next((r.title for r in rows if r.id == action_id), "")
        try:
            plans.update_action_notes(actor, action_id, str(form_data.get("notes", "")))
        except (InputProblem, NotFound) as problem:
            if title:  # said beside the action
                self.notes_for, self.notes_message = action_id, f"Notes not saved. {problem}"
            else:
                self.message = str(problem)
        else:
            self.notes_for, self.notes_saved = action_id, True
            self.notes_message = f"Notes saved for “{title}”." if title else "Notes saved."
        self._refresh(actor)

    @rx.event
    @signed_in
    def download(self, actor: Actor, file_format: str):
        scope = self._scope()
        return download_file(
            self, lambda chosen: exports.plan_file(actor, *scope, chosen), file_format
        )


# ---- the actions -----------------------------------------------------------------------------


def _status_control(row: ActionRow) -> rx.Component:
    """A status list and a button: nothing changes until the button is pressed, so moving
    through the list with the keyboard cannot change an action by accident."""
    number = row.id.to_string()
    return rx.cond(
        row.can_edit,
        rx.form(
            rx.el.input(type="hidden", name="action_id", value=number),
            rx.el.label("Status", html_for="status-" + number, class_name="status-label"),
            rx.el.select(
                *[rx.el.option(label, value=value) for value, label in STATUS_LABELS.items()],
                id="status-" + number,
                name="status",
                default_value=row.status,
                key=number + "-" + row.status,
                aria_label=f"Status of {row.title}",
                class_name="text-input status-select",
            ),
            rx.button(
                "Save status",
                type="submit",
                variant="surface",
                size="2",
                aria_label=f"Save status for {row.title}",
            ),
            on_submit=PlanState.save_status,
            class_name="status-control",
        ),
        rx.el.p(rx.el.strong("Status: "), row.status_label, class_name="status-text"),
    )


def _notes_control(row: ActionRow) -> rx.Component:
    """Folded away under "Edit notes"; what was typed stays in the box if it is refused."""
    number = row.id.to_string()
    said_here = PlanState.notes_for == row.id
    return shown_if(
        row.can_edit,
        rx.fragment(
            rx.el.details(
                rx.el.summary(
                    "Edit notes",
                    aria_label=f"Edit notes: {row.title}",
                    style={"cursor": "pointer", "width": "fit-content"},
                ),
                rx.form(
                    rx.el.input(type="hidden", name="action_id", value=number),
                    rx.el.label("Notes", html_for="notes-" + number, class_name="status-label"),
                    rx.el.textarea(
                        id="notes-" + number,
                        name="notes",
                        rows=3,
                        max_length=ACTION_NOTES_LENGTH,
                        default_value=row.notes,
                        aria_label=f"Notes on {row.title}",
                        class_name="text-input comment-input",
                    ),
                    rx.button(
                        "Save notes",
                        type="submit",
                        variant="surface",
                        size="2",
                        aria_label=f"Save notes for {row.title}",
                    ),
                    on_submit=PlanState.save_notes,
                    style={
                        "display": "flex",
                        "flexDirection": "column",
                        "alignItems": "flex-start",
                        "gap": ".4rem",
                        "marginTop": ".4rem",
                        "maxWidth": "640px",
                    },
                ),
                style={"marginTop": ".6rem"},
            ),
            shown_if(
                said_here & (PlanState.notes_message != ""),
                rx.cond(
                    PlanState.notes_saved,
                    notice(PlanState.notes_message, "ok"),
                    notice(PlanState.notes_message),
                ),
            ),
        ),
    )


def _fact(label: str, value: rx.Var | str) -> rx.Component:
    return rx.fragment(rx.el.dt(label), rx.el.dd(value))


def _action_item(row: ActionRow) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.h3(row.title, class_name="action-title"),
            shown_if(row.overdue, rx.el.span("Overdue", class_name="flag flag-overdue")),
            rx.cond(
                row.status == ActionStatus.DONE.value,
                rx.el.span("Done", class_name="flag flag-done"),
                shown_if(
                    row.status == ActionStatus.DROPPED.value,
                    rx.el.span("Dropped", class_name="flag flag-dropped"),
                ),
            ),
            class_name="action-head",
        ),
        shown_if(
            row.workshop_origin != "", rx.el.p(row.workshop_origin, class_name="action-origin")
        ),
        rx.el.dl(
            _fact("For", row.team_name),
            _fact("Who leads it", row.owner),
            _fact(
                "Due",
                rx.fragment(
                    row.due_label,
                    rx.el.span(f" ({row.timescale_label.lower()})", class_name="muted"),
                    shown_if(row.overdue, rx.el.strong(" – this date has passed")),
                ),
            ),
            shown_if(row.done_label != "", _fact("Done on", row.done_label)),
            shown_if(  # a workshop's action helps with what its theme was tagged with, maybe none
                row.condition_names.length() > 0,
                _fact("Helps with", row.condition_names.join("; ")),
            ),
            shown_if(
                row.intervention_name != "",
                _fact("Recommended intervention", row.intervention_name),
            ),
            shown_if(
                row.notes != "", _fact("Notes", rx.el.span(row.notes, class_name="action-notes"))
            ),
            class_name="action-facts",
        ),
        _status_control(row),
        _notes_control(row),
        class_name=rx.cond(row.overdue, "action action-overdue", "action"),
        key=row.id.to_string(),  # focus stays with its action when the list is reordered
    )


def _actions(view: rx.Var) -> rx.Component:
    return rx.cond(
        view.actions.length() > 0,
        rx.el.ul(rx.foreach(view.actions, _action_item), class_name="actions"),
        rx.text(
            rx.cond(
                view.can_edit,
                "No actions yet. Add the first one with the form below.",
                "No actions yet.",
            )
        ),
    )


# ---- what teams asked of the area's plan ------------------------------------------------------


def _request(row: RequestRow) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.h3(row.intervention_name, class_name="action-title"),
            shown_if(row.planned, rx.el.span("In the plan", class_name="flag flag-done")),
            class_name="action-head",
        ),
        rx.el.p(rx.el.strong(row.team_name), " asked for this ", row.asked, "."),
        shown_if(
            ~row.planned,
            rx.link(
                "Add to the area's plan",
                href=row.plan_link,
                class_name="button-link",
                aria_label="Add to the area's plan: " + row.intervention_name,
            ),
        ),
        class_name="action",
    )


def _requests(view: rx.Var) -> rx.Component:
    return shown_if(
        view.requests.length() > 0,
        rx.el.section(
            rx.heading("Asked for by teams", as_="h2", size="5"),
            rx.text(
                "Team managers asked for these in the area's plan: each needs the area's or the "
                "organisation's leaders. Add one as an action for the whole area, or talk to "
                "the team about it.",
                class_name="help",
            ),
            rx.el.ul(rx.foreach(view.requests, _request), class_name="actions"),
            aria_label="Asked for by teams",
            style={"display": "flex", "flexDirection": "column", "gap": ".6rem", "width": "100%"},
        ),
    )


# ---- the new-action form ---------------------------------------------------------------------


def _condition_tick(choice: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name=CONDITION_FIELD_PREFIX + choice[0],
            default_checked=PlanState.prefill_conditions.contains(choice[0]),
        ),
        " ",
        choice[1],
        class_name="tick",
    )


def _team_option(choice: rx.Var) -> rx.Component:
    return rx.el.option(choice[1], value=choice[0])


def _new_action_form(view: rx.Var) -> rx.Component:
    return rx.el.details(
        rx.el.summary("Add an action", class_name="form-summary"),
        rx.form(
            shown_if(
                PlanState.already_planned != "",
                rx.el.p(
                    PlanState.already_planned,
                    class_name="already-planned",
                    style={"margin": "0 0 .6rem"},
                ),
            ),
            shown_if(
                PlanState.prefill_intervention_name != "",
                rx.el.p(
                    "From the recommendation: ",
                    rx.el.strong(PlanState.prefill_intervention_name),
                    ". Check the details, change anything you need, then save.",
                    class_name="from-recommendation",
                ),
            ),
            text_field(
                "What will be done",
                "title",
                max_length=ACTION_TITLE_LENGTH,
                default_value=PlanState.prefill_title,
            ),  # fmt: skip
            text_field(
                "Who will lead it (a name or a role)",
                "owner",
                max_length=NAME_LENGTH,
            ),  # fmt: skip
            shown_if(
                view.scope == TargetScope.AREA.value,
                field(
                    "Who is it for?",
                    rx.el.select(
                        rx.foreach(view.team_choices, _team_option),
                        id="team",
                        name="team",
                        class_name="text-input",
                    ),
                ),
            ),
            rx.el.fieldset(
                rx.el.legend("Conditions it will help with (tick at least one)"),
                rx.foreach(view.condition_choices, _condition_tick),
                class_name="field team-ticks condition-ticks",
            ),
            rx.el.fieldset(
                rx.el.legend("When is it due?"),
                *[
                    radio_choice("timescale", value, label, value == DEFAULT_TIMESCALE)
                    for value, label in TIMESCALE_LABELS.items()
                ],
                rx.el.div(
                    rx.el.label("Due date", html_for="due_on"),
                    rx.el.input(
                        id="due_on",
                        name="due_on",
                        type="date",
                        class_name="text-input due-date",
                    ),
                    rx.el.p("Today or a later date.", class_name="help"),
                    class_name="field due-date-field",
                ),  # fmt: skip
                class_name="field timescales",
            ),
            field(
                "Notes (optional)",
                rx.el.textarea(
                    id="notes",
                    name="notes",
                    rows=3,
                    max_length=ACTION_NOTES_LENGTH,
                    class_name="text-input comment-input",
                ),
            ),  # fmt: skip
            shown_if(PlanState.form_message != "", notice(PlanState.form_message)),
            rx.button("Save the action", type="submit"),
            on_submit=PlanState.save_action,
            key=PlanState.form_version.to_string(),
            class_name="new-action",
        ),
        open=PlanState.form_open,
        key="details-" + PlanState.form_version.to_string(),
        id="new-action",
        class_name="new-action-box",
    )


# ---- the page --------------------------------------------------------------------------------


def _breadcrumb(view: rx.Var) -> rx.Component:
    return breadcrumb(
        rx.fragment(
            rx.cond(
                view.scope == TargetScope.TEAM.value,
                rx.link(view.team_name, href=routes.team_page(view.team_id)),
                rx.cond(
                    view.can_view_area,
                    rx.link(view.area_name, href=routes.area_results(view.area_id)),
                    rx.text(view.area_name, as_="span"),
                ),
            ),
            rx.text(" › ", as_="span"),
            rx.text("Action plan", as_="span"),
        )
    )


def _about(view: rx.Var) -> rx.Component:
    return rx.cond(
        view.scope == TargetScope.TEAM.value,
        rx.text(
            f"What {view.team_name} is doing about its results. Actions for the whole of "
            f"{view.area_name} are listed too; the innovation team looks after those.",
            shown_if(
                view.can_view_area,
                rx.fragment(
                    " ",
                    rx.link(
                        "See the plan for the whole area",
                        href=routes.area_plan(view.area_id),
                    ),
                    ".",
                ),
            ),
        ),
        rx.text(f"Every action of the teams in {view.area_name}, and actions for the whole area."),
    )


def plan_page() -> rx.Component:
    view = PlanState.view.to(PlanView)
    return page_frame(
        rx.cond(
            PlanState.view,
            rx.vstack(
                _breadcrumb(view),
                rx.heading(view.heading, as_="h1", size="7"),
                _about(view),
                rx.el.p(view.summary, class_name="plan-summary", role="status"),
                download_buttons(PlanState.download),
                _requests(view),  # first: what teams are waiting for
                rx.heading("Actions", as_="h2", size="5"),
                rx.text(ORDER_HELP, class_name="help"),
                shown_if(PlanState.message != "", notice(PlanState.message)),
                shown_if(PlanState.confirmation != "", notice(PlanState.confirmation, "ok")),
                _actions(view),
                shown_if(PlanState.saved != "", notice(PlanState.saved, "ok")),
                shown_if(view.can_edit, _new_action_form(view)),
                spacing="4",
                width="100%",
            ),
            loading_or_not_found(
                PlanState.found,
                "Loading the plan...",
                "Plan not found",
                "There is no team or area at this address.",
            ),
        ),
    )
