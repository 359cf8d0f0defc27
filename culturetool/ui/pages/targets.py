"""Targets: the maturity level each condition should reach, for the organisation, an area or a
team, where each comes from, and (for those who may) a form to change them."""

from __future__ import annotations

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.services import targets
from culturetool.services.targets import INHERIT, TargetRow, TargetsView
from culturetool.ui import routes
from culturetool.ui.layout import breadcrumb, notice, page_frame, shown_if
from culturetool.ui.session import SessionState, signed_in

FIELD_PREFIX = "target_"


class TargetsState(SessionState):
    found: bool = True
    view: TargetsView | None = None
    message: str = ""
    confirmation: str = ""

    def _show(self, actor: Actor, value: str) -> None:
        self.view = None  # never leave another place's targets on screen
        scope, scope_id = targets.parse_scope(value)
        try:
            self.view = targets.targets_view(actor, scope, scope_id)
            self.found = True
        except (NotFound, InputProblem):
            self.found = False

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        """The organisation's targets, or those of `?scope=area:3` / `?scope=team:7`."""
        self.message = self.confirmation = ""
        self._show(actor, str(self.router.url.query_parameters.get("scope") or ""))

    @rx.event
    @signed_in
    def choose_scope(self, actor: Actor, value: str):
        self.message = self.confirmation = ""
        self._show(actor, value)

    @rx.event
    @signed_in
    def save(self, actor: Actor, form_data: dict):
        self.message = self.confirmation = ""
        if self.view is None:
            return
        shown = self.view
        levels = {
            key.removeprefix(FIELD_PREFIX): str(value)
            for key, value in form_data.items()
            if key.startswith(FIELD_PREFIX)
        }
        try:
            changes = targets.set_targets(actor, shown.scope, shown.scope_id, levels)
        except InputProblem as problem:
            self.message = str(problem)
            return
        except NotFound as problem:
            self.view, self.found = None, False
            self.message = str(problem)
            return
        self._show(actor, shown.scope_value)
        self.confirmation = (
            f"Targets saved for {shown.scope_name}."
            if changes
            else f"Nothing to save: the targets for {shown.scope_name} were already as chosen."
        )


def _scope_picker(view: rx.Var) -> rx.Component:
    return rx.el.div(
        rx.el.label("Show the targets for", html_for="scope"),
        rx.el.select(
            rx.foreach(
                view.scope_choices,
                lambda choice: rx.el.option(choice[1], value=choice[0]),
            ),
            id="scope",
            name="scope",
            value=view.scope_value,
            on_change=TargetsState.choose_scope,
            class_name="text-input",
            # A width of its own, so that its longest choice does not widen the page on a phone.
            width="100%",
        ),
        class_name="field narrow",
        width="100%",
    )


def _current(row: TargetRow) -> rx.Component:
    return rx.fragment(
        rx.text(row.band, weight="bold", as_="div"),
        rx.text(row.source, size="2", as_="div", class_name="help target-source"),
    )


def _level_select(row: TargetRow, view: rx.Var) -> rx.Component:
    # Uncontrolled, keyed by what it shows, so saved values appear again after a save.
    return rx.el.select(
        rx.el.option(row.inherited_label, value=INHERIT),
        rx.foreach(
            view.level_choices,
            lambda choice: rx.el.option(choice[1], value=choice[0]),
        ),
        id=FIELD_PREFIX + row.condition_id,
        name=FIELD_PREFIX + row.condition_id,
        default_value=rx.cond(row.own, row.level.to_string(), INHERIT),
        key=view.scope_value + row.condition_id + rx.cond(row.own, row.level.to_string(), ""),
        class_name="text-input target-select",
    )


def _row(row: TargetRow, view: rx.Var) -> rx.Component:
    name = row.number.to_string() + ". " + row.condition_name
    return rx.table.row(
        rx.table.row_header_cell(
            rx.cond(
                view.can_edit,
                rx.el.label(name, html_for=FIELD_PREFIX + row.condition_id),
                rx.text(name, as_="span"),
            )
        ),
        rx.table.cell(_current(row), custom_attrs={"data-label": "Target now"}),
        shown_if(
            view.can_edit,
            rx.table.cell(_level_select(row, view), custom_attrs={"data-label": "Change to"}),
        ),
    )


def _table(view: rx.Var) -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Condition"),
                rx.table.column_header_cell("Target now"),
                shown_if(view.can_edit, rx.table.column_header_cell("Change to")),
            )
        ),
        rx.table.body(rx.foreach(view.rows, lambda row: _row(row, view))),
        width="100%",
        # One card per condition on a phone, as data_table does (assets/culturetool.css).
        class_name="targets-table stack-on-phone",
    )


def _targets(view: rx.Var) -> rx.Component:
    return rx.cond(
        view.can_edit,
        rx.form(
            _table(view),
            rx.button("Save targets", type="submit", margin_top="1rem"),
            on_submit=TargetsState.save,
            width="100%",
        ),
        rx.vstack(
            rx.text(view.who_can_edit, class_name="help"),
            _table(view),
            spacing="3",
            width="100%",
        ),
    )


def targets_page() -> rx.Component:
    view = TargetsState.view.to(TargetsView)
    return page_frame(
        rx.vstack(
            breadcrumb(rx.text("Targets", as_="span")),
            rx.heading("Targets", as_="h1", size="7"),
            rx.text(
                "A target is the maturity level you want each condition to reach; "
                "recommendations aim at the gap between a team's score and its target. "
                "Targets can be set for the whole organisation, for an area or for one team, "
                "and the most specific one wins: a team's own target, else its area's, else the "
                "organisation's, else the model's default.",
                class_name="lead",
            ),
            shown_if(TargetsState.message != "", notice(TargetsState.message)),
            shown_if(TargetsState.confirmation != "", notice(TargetsState.confirmation, "ok")),
            rx.cond(
                TargetsState.view,
                rx.fragment(
                    _scope_picker(view),
                    rx.heading("Targets for " + view.scope_name, as_="h2", size="5"),
                    _targets(view),
                ),
                rx.cond(
                    TargetsState.found,
                    rx.text("Loading targets..."),
                    rx.vstack(
                        rx.text("There is no area or team at this address."),
                        rx.link("Back to targets", href=routes.TARGETS),
                    ),
                ),
            ),
            spacing="4",
            width="100%",
        )
    )
