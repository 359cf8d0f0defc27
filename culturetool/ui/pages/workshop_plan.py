"""Stages 5 to 8, success, plan and review (/workshops/[workshop_id]/plan): for each theme
chosen to address, what success would look like from each perspective; what is already
happening; the actions from the traditional, community and radical viewpoints, each with its
owner and timescale, its status as the area's plan has it and its review notes; the parking
board; and the entries not covered on the day, marked for a follow-up session."""

from __future__ import annotations

from typing import Any

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.limits import (
    ACTION_NOTES_LENGTH,
    ACTION_TITLE_LENGTH,
    NAME_LENGTH,
    SUCCESS_STATEMENT_LENGTH,
    WORKSHOP_ENTRY_LENGTH,
)
from culturetool.services import workshop_outcomes as service
from culturetool.services.workshop_outcomes import (
    ALREADY_HAPPENING_LENGTH,
    ActionItem,
    ChosenTheme,
    FollowUpEntry,
    ParkedItem,
    PlanPageView,
    SuccessItem,
    ViewpointActions,
)
from culturetool.ui import routes
from culturetool.ui.layout import notice, shown_if
from culturetool.ui.session import SessionState, id_number, signed_in
from culturetool.ui.workshop_frame import WorkshopChangeState, workshop_frame


class WorkshopPlanState(WorkshopChangeState, SessionState):
    view: PlanPageView | None = None

    def _reload(self, actor: Actor) -> None:
        self.view = service.plan_view(actor, self.workshop_id_shown)

    @rx.event
    @signed_in
    def add_success(self, actor: Actor, form: dict[str, Any]):
        theme_id = id_number(form.get("theme_id", ""))
        perspective, text = str(form.get("perspective", "")), str(form.get("text", ""))
        self._change(
            actor,
            lambda: service.add_success_statement(
                actor, self.workshop_id_shown, theme_id, perspective, text
            ),
            "Success statement added.",
        )

    @rx.event
    @signed_in
    def remove_success(self, actor: Actor, success_id: int):
        self._change(
            actor,
            lambda: service.remove_success_statement(
                actor, self.workshop_id_shown, id_number(success_id)
            ),
            "Success statement removed.",
        )

    @rx.event
    @signed_in
    def save_already_happening(self, actor: Actor, form: dict[str, Any]):
        text = str(form.get("already_happening", ""))
        self._change(
            actor,
            lambda: service.set_already_happening(actor, self.workshop_id_shown, text),
            "Saved what is already happening.",
        )

    @rx.event
    @signed_in
    def add_action(self, actor: Actor, form: dict[str, Any]):
        theme_id = id_number(form.get("theme_id", ""))
        fields = [str(form.get(name, "")) for name in ("title", "owner", "viewpoint", "timescale")]
        self._change(
            actor,
            lambda: service.add_action(actor, self.workshop_id_shown, theme_id, *fields),
            "Action added. It is on the area's plan too.",
        )

    @rx.event
    @signed_in
    def save_review_notes(self, actor: Actor, form: dict[str, Any]):
        action_id = id_number(form.get("action_id", ""))
        notes = str(form.get("notes", ""))
        self._change(
            actor,
            lambda: service.save_review_notes(actor, self.workshop_id_shown, action_id, notes),
            "Review notes saved.",
        )

    @rx.event
    @signed_in
    def park_issue(self, actor: Actor, form: dict[str, Any]):
        issue, owner = str(form.get("issue", "")), str(form.get("owner", ""))
        self._change(
            actor,
            lambda: service.park_issue(actor, self.workshop_id_shown, issue, owner),
            "Issue added to the parking board.",
        )

    @rx.event
    @signed_in
    def save_parked_status(self, actor: Actor, form: dict[str, Any]):
        parked_id = id_number(form.get("parked_id", ""))
        status = str(form.get("status", ""))
        self._change(
            actor,
            lambda: service.set_parked_status(actor, self.workshop_id_shown, parked_id, status),
            "Status saved.",
        )

    @rx.event
    @signed_in
    def mark_follow_up(self, actor: Actor, entry_id: int, follow_up: bool):
        marked = bool(follow_up)
        self._change(
            actor,
            lambda: service.mark_follow_up(
                actor, self.workshop_id_shown, id_number(entry_id), marked
            ),
            "Marked for a follow-up session." if marked else "Taken off the follow-up list.",
        )


S = WorkshopPlanState
VIEW: Any = S.view
CAN_RUN = VIEW.can_run


def _section(heading: str, *children: rx.Component) -> rx.Component:
    return rx.el.section(
        rx.heading(heading, as_="h2", size="5"),
        *children,
        aria_label=heading,
        class_name="workshop-section",
    )


def _option(choice: rx.Var) -> rx.Component:
    return rx.el.option(choice[1], value=choice[0])


def _select(label: str, id_: rx.Var | str, name: str, choices: rx.Var) -> rx.Component:
    return rx.el.div(
        rx.el.label(label, html_for=id_),
        rx.el.select(
            rx.el.option("Choose…", value=""),
            rx.foreach(choices, _option),
            id=id_,
            name=name,
            required=True,
            class_name="text-input",
        ),
        class_name="field",
    )


def _input(label: str, id_: rx.Var | str, name: str, max_length: int) -> rx.Component:
    return rx.el.div(
        rx.el.label(label, html_for=id_),
        rx.el.input(
            id=id_, name=name, required=True, max_length=max_length, class_name="text-input"
        ),
        class_name="field",
    )


# ---- success ---------------------------------------------------------------------------------


def _success_item(item: SuccessItem) -> rx.Component:
    return rx.el.li(
        rx.el.strong(item.perspective_label + ": "),
        item.text,
        shown_if(
            CAN_RUN,
            rx.button(
                "Remove",
                type="button",
                variant="outline",
                color_scheme="gray",
                size="1",
                on_click=S.remove_success(item.id),
                aria_label="Remove the success statement: " + item.text,
                margin_left=".5rem",
            ),
        ),
    )


def _success_theme(theme: ChosenTheme) -> rx.Component:
    number = theme.id.to_string()
    return rx.el.li(
        rx.heading(theme.statement, as_="h3", size="3"),
        shown_if(
            theme.root_causes.length() > 0,
            rx.text("Root causes: " + theme.root_causes.join("; "), class_name="muted"),
        ),
        rx.cond(
            theme.success.length() > 0,
            rx.el.ul(rx.foreach(theme.success, _success_item), class_name="success-list"),
            rx.text("No success statements yet.", class_name="muted"),
        ),
        shown_if(
            CAN_RUN,
            rx.el.details(
                rx.el.summary("Add a success statement", class_name="form-summary"),
                rx.form(
                    rx.el.input(type="hidden", name="theme_id", value=number),
                    _select(
                        "Whose perspective",
                        "perspective-" + number,
                        "perspective",
                        VIEW.perspective_choices,
                    ),
                    rx.el.div(
                        rx.el.label("What success would look like", html_for="success-" + number),
                        rx.text(
                            "In their words, with I or we: “As a carer I know who to call”.",
                            class_name="help",
                        ),
                        rx.el.input(
                            id="success-" + number,
                            name="text",
                            required=True,
                            max_length=SUCCESS_STATEMENT_LENGTH,
                            class_name="text-input",
                        ),
                        class_name="field",
                    ),
                    rx.button("Add the success statement", type="submit"),
                    on_submit=S.add_success,
                    key=number + "-" + S.form_version.to_string(),
                    class_name="new-action",
                ),
                class_name="new-action-box",
            ),
        ),
        class_name="outcome-card",
    )


# ---- actions ---------------------------------------------------------------------------------


def _action(item: ActionItem) -> rx.Component:
    number = item.id.to_string()
    return rx.el.li(
        rx.el.h5(item.title, class_name="action-title"),
        rx.el.dl(
            rx.el.dt("Who makes sure it happens"),
            rx.el.dd(item.owner),
            rx.el.dt("When"),
            rx.el.dd(item.timescale_label + " (due " + item.due_label + ")"),
            rx.el.dt("Status on the area's plan"),
            rx.el.dd(item.status_label),
            class_name="action-facts",
        ),
        rx.cond(
            CAN_RUN,
            rx.form(
                rx.el.input(type="hidden", name="action_id", value=number),
                rx.el.label("Review notes", html_for="review-" + number),
                rx.el.textarea(
                    id="review-" + number,
                    name="notes",
                    rows=2,
                    max_length=ACTION_NOTES_LENGTH,
                    default_value=item.notes,
                    key=number + "-" + item.notes,
                    class_name="text-input comment-input",
                ),
                rx.button(
                    "Save review notes",
                    type="submit",
                    variant="surface",
                    size="2",
                    aria_label="Save review notes for " + item.title,
                ),
                on_submit=S.save_review_notes,
                class_name="field",
            ),
            shown_if(
                item.notes != "",
                rx.text("Review notes: " + item.notes, class_name="action-notes"),
            ),
        ),
        class_name="action",
    )


def _viewpoint(group: ViewpointActions) -> rx.Component:
    return rx.el.div(
        rx.heading(group.label, as_="h4", size="2"),
        rx.cond(
            group.actions.length() > 0,
            rx.el.ul(rx.foreach(group.actions, _action), class_name="actions"),
            rx.text("No actions from this viewpoint yet.", class_name="muted"),
        ),
        class_name="viewpoint",
    )


def _new_action(theme: ChosenTheme) -> rx.Component:
    number = theme.id.to_string()
    return rx.el.details(
        rx.el.summary("Add an action", class_name="form-summary"),
        rx.form(
            rx.el.input(type="hidden", name="theme_id", value=number),
            _select("Viewpoint", "viewpoint-" + number, "viewpoint", VIEW.viewpoint_choices),
            _input("What will be done", "action-title-" + number, "title", ACTION_TITLE_LENGTH),
            _input("Who will make sure it happens", "owner-" + number, "owner", NAME_LENGTH),
            _select("When", "timescale-" + number, "timescale", VIEW.timescale_choices),
            rx.button("Add the action", type="submit"),
            on_submit=S.add_action,
            key=number + "-" + S.form_version.to_string(),
            class_name="new-action",
        ),
        class_name="new-action-box",
    )


def _action_theme(theme: ChosenTheme) -> rx.Component:
    return rx.el.li(
        rx.heading(theme.statement, as_="h3", size="3"),
        rx.foreach(theme.viewpoints, _viewpoint),
        shown_if(CAN_RUN, _new_action(theme)),
        class_name="outcome-card",
    )


def _already_happening() -> rx.Component:
    return _section(
        "What is already happening",
        rx.text(
            "Before planning anything new: what is already being done about these themes? One "
            "thing a line.",
            class_name="help",
        ),
        rx.cond(
            CAN_RUN,
            rx.form(
                rx.el.label(
                    "What is already happening",
                    html_for="already-happening",
                    class_name="visually-hidden",
                ),
                rx.el.textarea(
                    id="already-happening",
                    name="already_happening",
                    rows=4,
                    max_length=ALREADY_HAPPENING_LENGTH,
                    default_value=VIEW.already_happening,
                    key=VIEW.already_happening,
                    class_name="text-input comment-input",
                ),
                rx.button("Save", type="submit", variant="surface"),
                on_submit=S.save_already_happening,
                class_name="field",
            ),
            rx.text(
                rx.cond(VIEW.already_happening != "", VIEW.already_happening, "Nothing noted yet."),
                class_name="action-notes",
            ),
        ),
    )


# ---- the parking board and follow-up ---------------------------------------------------------


def _parked(item: ParkedItem) -> rx.Component:
    number = item.id.to_string()
    return rx.el.li(
        rx.el.p(rx.el.strong(item.issue)),
        rx.el.p("Followed up by " + item.owner),
        rx.cond(
            CAN_RUN,
            rx.form(
                rx.el.input(type="hidden", name="parked_id", value=number),
                rx.el.label("Status", html_for="parked-" + number, class_name="status-label"),
                rx.el.select(
                    rx.foreach(VIEW.status_choices, _option),
                    id="parked-" + number,
                    name="status",
                    default_value=item.status,
                    key=number + "-" + item.status,
                    class_name="text-input",
                ),
                rx.button(
                    "Save status",
                    type="submit",
                    variant="surface",
                    size="2",
                    aria_label="Save status for " + item.issue,
                ),
                on_submit=S.save_parked_status,
                class_name="status-control",
            ),
            rx.text("Status: " + item.status_label),
        ),
        class_name="action",
    )


def _parking_board() -> rx.Component:
    return _section(
        "Parking board",
        rx.text(
            "Issues raised that are outside this workshop's scope, so they are taken forward "
            "elsewhere rather than lost.",
            class_name="help",
        ),
        rx.cond(
            VIEW.parked.length() > 0,
            rx.el.ul(rx.foreach(VIEW.parked, _parked), class_name="actions"),
            rx.text("Nothing parked.", class_name="muted"),
        ),
        shown_if(
            CAN_RUN,
            rx.el.details(
                rx.el.summary("Park an issue", class_name="form-summary"),
                rx.form(
                    _input("The issue", "parked-issue", "issue", WORKSHOP_ENTRY_LENGTH),
                    _input("Who will follow it up", "parked-owner", "owner", NAME_LENGTH),
                    rx.button("Park the issue", type="submit"),
                    on_submit=S.park_issue,
                    key=S.form_version.to_string(),
                    class_name="new-action",
                ),
                class_name="new-action-box",
            ),
        ),
    )


def _follow_up_line(entry: FollowUpEntry) -> rx.Component:
    return rx.el.li(
        entry.text,
        rx.el.span(" (" + entry.kind_label + "; " + entry.where + ")", class_name="muted"),
    )


def _not_covered(entry: FollowUpEntry) -> rx.Component:
    return rx.el.li(
        rx.el.span(entry.text),
        rx.el.span(" (" + entry.kind_label + "; " + entry.where + ") ", class_name="muted"),
        rx.cond(
            entry.follow_up,
            rx.button(
                "Take off the follow-up list",
                type="button",
                variant="outline",
                color_scheme="gray",
                size="1",
                on_click=S.mark_follow_up(entry.id, False),
                aria_label="Take off the follow-up list: " + entry.text,
            ),
            rx.button(
                "Mark for follow-up",
                type="button",
                variant="surface",
                size="1",
                on_click=S.mark_follow_up(entry.id, True),
                aria_label="Mark for follow-up: " + entry.text,
            ),
        ),
        class_name="follow-up-entry",
    )


def _follow_up() -> rx.Component:
    return _section(
        "Entries for a follow-up session",
        rx.text(
            "What people said that the chosen themes did not cover on the day. Mark what "
            "should be picked up in a follow-up session.",
            class_name="help",
        ),
        rx.cond(
            VIEW.follow_up.length() > 0,
            rx.el.ul(rx.foreach(VIEW.follow_up, _follow_up_line), class_name="follow-up-list"),
            rx.text("No entries are marked for follow-up yet.", class_name="muted"),
        ),
        shown_if(
            CAN_RUN & (VIEW.not_covered.length() > 0),
            rx.el.details(
                rx.el.summary(
                    "Entries not covered on the day ("
                    + VIEW.not_covered.length().to_string()
                    + ")",
                    class_name="form-summary",
                ),
                rx.el.ul(rx.foreach(VIEW.not_covered, _not_covered), class_name="follow-up-list"),
                class_name="new-action-box",
            ),
        ),
    )


def _content() -> rx.Component:
    return rx.cond(
        VIEW.chosen.length() > 0,
        rx.fragment(
            _section(
                "What success would look like",
                rx.el.ul(rx.foreach(VIEW.chosen, _success_theme), class_name="outcome-list"),
            ),
            _already_happening(),
            _section(
                "Actions",
                rx.text(
                    "Each action goes on the ",
                    rx.link(
                        "action plan for " + VIEW.area_name, href=routes.area_plan(VIEW.area_id)
                    ),
                    ", where its status is kept up to date.",
                    class_name="help",
                ),
                rx.el.ul(rx.foreach(VIEW.chosen, _action_theme), class_name="outcome-list"),
            ),
            _parking_board(),
            _follow_up(),
        ),
        rx.fragment(
            rx.text(
                "No themes have been chosen to address yet. Choose them after the vote on the ",
                rx.link(
                    "understand and vote", href=routes.workshop_understand(S.workshop_id_shown)
                ),
                " page.",
            ),
            _parking_board(),
            _follow_up(),
        ),
    )


def workshop_plan_page() -> rx.Component:
    return workshop_frame(
        S,
        routes.WORKSHOP_PLAN,
        shown_if(S.message != "", notice(S.message)),
        rx.el.p(S.saved, aria_live="polite", class_name="saved-note"),
        rx.cond(VIEW, _content(), rx.text("Loading the workshop…")),
    )
