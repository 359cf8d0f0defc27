"""The county dashboard for leaders and the innovation team (`/county`): every area against the
county on each condition, in one assessment period, with the spread of teams over the maturity
levels, response rates and change since the previous period; and the drill-down into one area's
teams (`/county/areas/<id>`).

Areas are shown against the county average, never ranked: ordering by a condition only puts the
lowest first, and every row keeps its own level and difference from the county.
"""

from __future__ import annotations

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.services import county, exports
from culturetool.ui import routes
from culturetool.ui.county_report import report_button
from culturetool.ui.layout import loading_or_not_found, page_frame, shown_if
from culturetool.ui.scores import download_buttons, download_file
from culturetool.ui.session import SessionState, id_number, show_view, signed_in
from culturetool.views.county import (
    ORDER_BY_NAME,
    AreaChange,
    ChangeCell,
    ConditionColumn,
    CountyAreaView,
    CountyView,
    HeatCell,
    HeatRow,
    LevelCount,
)
from culturetool.views.results import DoneAction, Hidden, hidden_short_words

AREA_FIELD_PREFIX = "area_"
# A cell hidden without a reason belongs to a row with too few responses for any figure.
UNSHOWN_REASON = hidden_short_words(Hidden.TOO_FEW)


def _period_asked(state: rx.State) -> int | None:
    """The period in the address (`?period=3`), or None for the newest."""
    return id_number(state.router.url.query_parameters.get("period") or "") or None


class CountyState(SessionState):
    found: bool = True
    view: CountyView | None = None

    def _show(self, actor: Actor, period_id: int | None, order_by: str, area_ids: list[int]):
        # The new view replaces the old only once the service has let it through.
        self.view = county.county_view(actor, period_id, order_by, area_ids)
        self.found = True

    def _shown(self) -> tuple[int | None, str, list[int]]:
        """What the page shows now: its period, order and chosen areas."""
        if self.view is None:
            return None, ORDER_BY_NAME, []
        return self.view.period_id or None, self.view.order_by, list(self.view.selected_area_ids)

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.view = None
        self._show(actor, _period_asked(self), ORDER_BY_NAME, [])

    @rx.event
    @signed_in
    def choose_period(self, actor: Actor, value: str):
        _, order_by, area_ids = self._shown()
        self._show(actor, id_number(value) or None, order_by, area_ids)

    @rx.event
    @signed_in
    def choose_order(self, actor: Actor, value: str):
        period_id, _, area_ids = self._shown()
        self._show(actor, period_id, value, area_ids)

    @rx.event
    @signed_in
    def apply_filter(self, actor: Actor, form_data: dict):
        period_id, order_by, _ = self._shown()
        chosen = [
            id_number(key.removeprefix(AREA_FIELD_PREFIX))
            for key in form_data
            if key.startswith(AREA_FIELD_PREFIX)
        ]
        self._show(actor, period_id, order_by, chosen)

    @rx.event
    @signed_in
    def clear_filter(self, actor: Actor):
        period_id, order_by, _ = self._shown()
        self._show(actor, period_id, order_by, [])

    @rx.event
    @signed_in
    def download(self, actor: Actor, file_format: str):
        """The page as it is shown (period, order, chosen areas), built again on the server."""
        period_id, order_by, area_ids = self._shown()
        return download_file(
            self,
            lambda chosen: exports.county_file(actor, period_id, order_by, area_ids, chosen),
            file_format,
        )


class CountyAreaState(SessionState):
    found: bool = True
    view: CountyAreaView | None = None

    def _order(self) -> str:
        return self.view.order_by if self.view is not None else ORDER_BY_NAME

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        show_view(
            self,
            lambda: county.county_area_view(actor, id_number(self.area_id), _period_asked(self)),
        )

    @rx.event
    @signed_in
    def choose_order(self, actor: Actor, value: str):
        area_id, period_id = id_number(self.area_id), _period_asked(self)
        # The new view replaces the old only once the service has let it through.
        self.view = county.county_area_view(actor, area_id, period_id, value)

    @rx.event
    @signed_in
    def download(self, actor: Actor, file_format: str):
        """The teams in the order the page shows them, built again on the server."""
        area_id, period_id, order_by = id_number(self.area_id), _period_asked(self), self._order()
        return download_file(
            self,
            lambda chosen: exports.county_area_file(actor, area_id, period_id, chosen, order_by),
            file_format,
        )


# ---- the heatmap's cells and rows, shared by both pages ---------------------------------------


def _short_reason(reason: rx.Var) -> rx.Var:
    return rx.match(reason, *((m.value, hidden_short_words(m)) for m in Hidden), UNSHOWN_REASON)


def _difference(cell: HeatCell) -> rx.Component:
    """The difference from the county and, smaller, its 95% interval. "Above" or "below" only
    where the whole interval is on one side, so a small wobble is not read as a difference."""
    return shown_if(
        cell.difference_text != "",
        rx.fragment(
            rx.match(
                cell.differs,
                (1, rx.el.span("▲ above county", class_name="cell-line differs")),
                (-1, rx.el.span("▼ below county", class_name="cell-line differs")),
                rx.fragment(),
            ),
            rx.el.span(_split_interval(cell.difference_text), class_name="cell-line"),
        ),
    )


def _split_interval(text: rx.Var) -> rx.Component:
    """The figure of "+0.32 (−0.05 to +0.69)" and, in small print below, its interval."""
    parts = text.to(str).split(" (")
    return rx.fragment(
        parts[0],
        rx.cond(
            parts.length() > 1,
            rx.el.span("(" + parts[1].to(str), class_name="cell-line interval"),
        ),
    )


def heat_cell(cell: HeatCell) -> rx.Component:
    """A score shaded by its level with the level in words; a suppressed one says why."""
    return rx.el.td(
        rx.cond(
            cell.shown,
            rx.fragment(
                rx.el.span(cell.mean, class_name="cell-score"),
                rx.el.span(cell.level_name, class_name="cell-line cell-level"),
                _difference(cell),
                rx.el.span(cell.people, " people", class_name="cell-line"),
                shown_if(
                    cell.agreement_low,
                    rx.el.span("◆ low agreement", class_name="cell-line cell-mark"),
                ),
                shown_if(cell.note != "", rx.el.span("as before", class_name="cell-line")),
            ),
            rx.el.span(
                "Suppressed:",
                rx.el.span(_short_reason(cell.hidden), class_name="hidden-reason"),
                class_name="hidden-figure suppressed",
            ),
        ),
        class_name=rx.cond(
            cell.shown, "level-cell level-" + cell.level.to_string(), "level-cell suppressed-cell"
        ),
    )


def _row_facts(row: HeatRow) -> rx.Component:
    return rx.fragment(
        rx.el.span(row.response_rate_text, class_name="cell-line row-fact"),
        shown_if(
            ~row.disclosed,
            rx.el.span(row.still_needed, " more responses needed", class_name="cell-line row-fact"),
        ),
    )


def _suppressed_cell(_name: rx.Var) -> rx.Component:
    return heat_cell(rx.Var.create(HeatCell(shown=False)).to(HeatCell))


def heat_row(
    row: HeatRow, header: rx.Component, condition_names: rx.Var, kind: str = ""
) -> rx.Component:
    """A group's row; one with too few responses for any figure may come without cells, and
    then says so in every column rather than leaving them blank."""
    return rx.el.tr(
        rx.el.th(header, _row_facts(row), scope="row"),
        rx.cond(
            row.cells.length() > 0,
            rx.foreach(row.cells, heat_cell),
            rx.foreach(condition_names, _suppressed_cell),
        ),
        class_name=kind,
    )


def heat_table(
    caption: rx.Var | str, first_column: str, condition_names: rx.Var, *rows: rx.Component
) -> rx.Component:
    """A real table, in a named region that scrolls sideways (and takes keyboard focus) when
    the conditions do not fit; the names of the rows stay in view."""
    return rx.el.div(
        rx.el.table(
            # The heading above says the same: on a phone a caption as wide as the table
            # would be cut off where the region scrolls.
            rx.el.caption(caption, class_name="visually-hidden"),
            rx.el.thead(
                rx.el.tr(
                    rx.el.th(first_column, scope="col"),
                    rx.foreach(condition_names, lambda name: rx.el.th(name, scope="col")),
                )
            ),
            rx.el.tbody(*rows),
            class_name="heatmap",
        ),
        role="region",
        aria_label=caption,
        tab_index=0,
        class_name="area-grid-region heatmap-region",
    )


def heat_notes(threshold: rx.Var, any_hidden: rx.Var) -> rx.Component:
    return rx.el.ul(
        rx.el.li(
            "Each cell: the score from 1 (weakest) to 5 (strongest), shaded and named by its "
            "maturity level; the difference from the county average; and how many people "
            "the score rests on (“don't know” answers are left out)."
        ),
        rx.el.li(
            "The figures in brackets are a 95% interval: the difference is very likely to lie "
            "between them. “▲ above county” or “▼ below county” is shown only when the whole "
            "interval is on that side; without either, the group may not really differ from "
            "the county."
        ),
        rx.el.li(
            "“◆ low agreement”: people in the group answered very differently from each other "
            "(agreement index rwg(j) below 0.7), so the average hides a split. Talk to the "
            "team before acting on it."
        ),
        shown_if(
            any_hidden,
            rx.el.li(
                f"“Suppressed: too few answers”: fewer than {threshold} people answered, so "
                "the score is not shown to keep answers anonymous. “Suppressed: protects a "
                "smaller team”: enough people answered, but with the other figures on this "
                "page it would let someone work out a smaller team's answers."
            ),
        ),
        rx.el.li(
            "“as before”: the score as it was when fewer people had answered; it updates once "
            "enough new people have answered that nobody's answers can be worked out."
        ),
        class_name="grid-notes",
    )


def _order_picker(choices: rx.Var, order_by: rx.Var, rows: str, on_change) -> rx.Component:
    """Order the rows (areas or teams) by name or by a condition, lowest score first."""
    return rx.el.div(
        rx.el.label(f"Order the {rows}s by", html_for="order-by"),
        rx.el.select(
            rx.el.option(f"{rows.capitalize()} name", value=ORDER_BY_NAME),
            rx.foreach(
                choices,
                lambda c: rx.el.option(c.name + ", lowest score first", value=c.id),
            ),
            id="order-by",
            value=order_by,
            on_change=on_change,
            class_name="text-input",
            width="100%",
        ),
        class_name="field narrow",
        width="100%",
    )


def _ordered_by(choices: rx.Var, order_by: rx.Var, rows: str) -> rx.Component:
    """Says how the rows are ordered, and that it is not a ranking."""
    return shown_if(
        order_by != ORDER_BY_NAME,
        rx.el.p(
            rx.foreach(
                choices,
                lambda c: shown_if(
                    c.id == order_by,
                    rx.el.span(f"The {rows}s are ordered by ", c.name, ", lowest first. "),
                ),
            ),
            f"This is not a ranking: read each {rows} against the county and its level.",
            role="status",
            class_name="help",
        ),
    )


# ---- the county page --------------------------------------------------------------------------


def _period_picker(view: rx.Var) -> rx.Component:
    return rx.el.div(
        rx.el.label("Assessment period", html_for="period"),
        rx.el.select(
            rx.foreach(
                view.periods,
                lambda p: rx.el.option(p.name + " (" + p.dates + ")", value=p.id.to_string()),
            ),
            id="period",
            value=view.period_id.to_string(),
            on_change=CountyState.choose_period,
            class_name="text-input",
            width="100%",
        ),
        class_name="field narrow",
        width="100%",
    )


def _area_filter(view: rx.Var) -> rx.Component:
    return rx.el.details(
        rx.el.summary("Look at some areas together"),
        rx.form(
            rx.el.fieldset(
                rx.el.legend("Areas to put together"),
                rx.el.p(
                    "Their pooled scores appear as one row under the county. To keep answers "
                    "anonymous, the chosen areas and the areas left out must each have "
                    f"no answers or at least {view.threshold}.",
                    class_name="help",
                ),
                rx.foreach(
                    view.areas,
                    lambda row: rx.el.label(
                        rx.el.input(
                            type="checkbox",
                            name=AREA_FIELD_PREFIX + row.group_id.to_string(),
                            default_checked=view.selected_area_ids.contains(row.group_id),
                        ),
                        " ",
                        row.name,
                        class_name="tick",
                    ),
                ),
                class_name="field team-ticks",
            ),
            rx.hstack(
                rx.button("Apply", type="submit"),
                rx.button(
                    "Clear", type="button", variant="soft", on_click=CountyState.clear_filter
                ),
                spacing="3",
            ),
            on_submit=CountyState.apply_filter,
            # Drawn afresh for each selection, so the ticks show what the server applied.
            # They follow the rows' order, so a new order draws them afresh too.
            key=view.selected_area_ids.to_string() + view.period_id.to_string() + view.order_by,
        ),
        open=view.selected_area_ids.length() > 0,
        class_name="area-filter",
    )


def _selection_note(view: rx.Var) -> rx.Component:
    return shown_if(
        view.selection_note != "",
        rx.el.p(view.selection_note, role="alert", class_name="notice notice-error"),
    )


def _county_row(view: rx.Var) -> rx.Component:
    """The county on top, from each condition's county cell."""
    return rx.el.tr(
        rx.el.th(
            rx.el.strong("County"),
            rx.el.span(view.response_rate_text, class_name="cell-line row-fact"),
            scope="row",
        ),
        rx.foreach(view.conditions, lambda c: heat_cell(c.county)),
        class_name="county-row",
    )


def _heatmap(view: rx.Var) -> rx.Component:
    selection = view.selection.to(HeatRow)
    return rx.vstack(
        rx.heading(
            "Areas against the county, " + view.period_name, as_="h2", size="5", id="heatmap"
        ),
        _ordered_by(view.conditions, view.order_by, "area"),
        _level_legend(view),
        heat_table(
            "Scores of each area by condition, " + view.period_name,
            "Area",
            view.condition_names,
            _county_row(view),
            rx.cond(
                view.selection,
                heat_row(
                    selection,
                    rx.el.strong(selection.name),
                    view.condition_names,
                    "selection-row",
                ),
            ),
            rx.foreach(
                view.areas,
                lambda row: heat_row(
                    row,
                    rx.link(
                        row.name,
                        href=routes.county_area(row.group_id, view.period_id),
                        aria_label=row.name + ": its teams",
                    ),
                    view.condition_names,
                ),
            ),
        ),
        rx.text("Open an area's name to see its teams.", class_name="help"),
        heat_notes(view.threshold, view.any_hidden),
        spacing="3",
        width="100%",
    )


def _level_legend(view: rx.Var) -> rx.Component:
    """The shades of the maturity levels, lowest first (every condition has the same levels)."""
    return shown_if(
        view.conditions.length() > 0,
        rx.el.ul(
            rx.foreach(
                view.conditions[0].levels,
                lambda level: rx.el.li(
                    rx.el.span(class_name="swatch level-" + level.level.to_string()),
                    rx.el.span(level.level_name),
                ),
            ),
            aria_label="Maturity levels, lowest first",
            class_name="band-legend",
        ),
    )


def _level_segment(level: LevelCount) -> rx.Component:
    # Each segment grows in proportion to its count, so the bar needs no arithmetic here.
    return shown_if(
        level.teams > 0,
        rx.el.div(
            class_name="level-segment level-" + level.level.to_string(),
            style={"flex_grow": level.teams},
        ),
    )


def _condition_item(condition: ConditionColumn) -> rx.Component:
    county_cell = condition.county
    return rx.el.li(
        rx.el.h3(condition.name, class_name="score-name"),
        rx.cond(
            county_cell.shown,
            rx.el.p(
                "County: ",
                rx.el.strong(county_cell.mean),
                " out of 5, ",
                rx.el.strong(county_cell.level_name),
                " (95% interval ",
                county_cell.interval_text,
                "), from ",
                county_cell.people,
                " people.",
            ),
            rx.el.p("County: suppressed, ", _short_reason(county_cell.hidden), "."),
        ),
        rx.el.p("Do the statements hang together (Cronbach's alpha)? ", condition.alpha_text),
        shown_if(
            condition.consistency_warning != "",
            rx.el.p(condition.consistency_warning, class_name="gap-below"),
        ),
        rx.el.div(
            rx.foreach(condition.levels, _level_segment),
            class_name="level-bar",
            aria_hidden="true",
        ),
        rx.el.ul(
            rx.foreach(
                condition.levels,
                lambda level: rx.el.li(
                    rx.el.span(class_name="swatch level-" + level.level.to_string()),
                    " ",
                    level.level_name,
                    ": ",
                    level.teams,
                    rx.cond(level.teams == 1, " team", " teams"),
                ),
            ),
            aria_label="Teams at each level: " + condition.name,
            class_name="level-counts",
        ),
        shown_if(
            condition.teams_hidden > 0,
            rx.el.p(
                condition.teams_hidden,
                rx.cond(condition.teams_hidden == 1, " team is", " teams are"),
                " not counted: too few answers, or suppressed to protect a smaller team.",
                class_name="help",
            ),
        ),
        class_name="score-item condition-spread",
    )


def _conditions(view: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.heading("Each condition across the county", as_="h2", size="5"),
        rx.text(
            "The county's score, whether its statements measure one thing (a Cronbach's alpha "
            "of 0.7 or more), and how many teams are at each maturity level."
        ),
        rx.el.ul(
            rx.foreach(view.conditions, _condition_item),
            aria_label="Each condition across the county",
            class_name="score-list condition-grid",
        ),
        spacing="3",
        width="100%",
    )


def _change_cell(cell: ChangeCell) -> rx.Component:
    return rx.el.td(
        rx.cond(
            cell.compared,
            rx.fragment(
                rx.match(
                    cell.moved,
                    (1, rx.el.span("▲ up", class_name="cell-line differs")),
                    (-1, rx.el.span("▼ down", class_name="cell-line differs")),
                    rx.el.span("no clear change", class_name="cell-line"),
                ),
                rx.el.span(_split_interval(cell.change_text), class_name="cell-line"),
                rx.el.span(cell.before, " → ", cell.after, class_name="cell-line row-fact"),
            ),
            rx.el.span(cell.sentence, class_name="hidden-figure suppressed"),
        ),
        class_name=rx.cond(cell.compared, "", "suppressed-cell"),
    )


def _done_action(action: DoneAction) -> rx.Component:
    return rx.el.li(
        rx.el.strong(action.title),
        rx.el.span(action.team_name, ", done ", action.done_on, class_name="cell-line row-fact"),
    )


def _change_row(change: AreaChange) -> rx.Component:
    return rx.el.tr(
        rx.el.th(change.area_name, scope="row"),
        rx.foreach(change.cells, _change_cell),
        rx.el.td(
            rx.cond(
                change.actions_done.length() > 0,
                rx.el.ul(rx.foreach(change.actions_done, _done_action), class_name="done-list"),
                rx.el.span("None marked done", class_name="row-fact"),
            ),
            class_name="done-actions",
        ),
    )


def _changes(view: rx.Var) -> rx.Component:
    caption = "Change from " + view.previous_period_name + " to " + view.period_name
    return shown_if(
        view.changes.length() > 0,
        rx.vstack(
            rx.heading(caption, as_="h2", size="5", id="changes"),
            rx.text(
                "Each area's score this period minus its score in the previous one, with its "
                "95% interval in brackets; below, the scores before → after. “▲ up” or "
                "“▼ down” only when the whole interval is above or below zero; otherwise the "
                "score may not really have moved. The last column lists the actions of the "
                "area's plans completed in between."
            ),
            rx.el.div(
                rx.el.table(
                    rx.el.caption(caption, class_name="visually-hidden"),
                    rx.el.thead(
                        rx.el.tr(
                            rx.el.th("Area", scope="col"),
                            rx.foreach(
                                view.condition_names, lambda name: rx.el.th(name, scope="col")
                            ),
                            rx.el.th(
                                "Actions completed in between",
                                scope="col",
                                class_name="done-actions",
                            ),
                        )
                    ),
                    rx.el.tbody(rx.foreach(view.changes, _change_row)),
                    class_name="heatmap change-map",
                ),
                role="region",
                aria_label=caption,
                tab_index=0,
                class_name="area-grid-region heatmap-region",
            ),
            spacing="3",
            width="100%",
        ),
    )


def _no_scores(view: rx.Var) -> rx.Component:
    return rx.callout(
        rx.text(
            rx.cond(
                view.period_id == 0,
                "There is no assessment period with rounds yet. Scores appear here once a "
                "period has started and enough people have answered.",
                "No scores yet for " + view.period_name + ". To keep answers anonymous, "
                f"scores appear once {view.threshold} people have answered. "
                + view.responses_text
                + " so far.",
            ),
            style={"color": "var(--amber-12)"},
        ),
        icon="lock",
        color_scheme="amber",
        size="2",
        role="status",
    )


def county_page() -> rx.Component:
    view = CountyState.view.to(CountyView)
    return page_frame(
        rx.cond(
            CountyState.view,
            rx.vstack(
                rx.heading("County dashboard: " + view.organisation_name, as_="h1", size="7"),
                rx.text(
                    view.period_name
                    + ": "
                    + view.responses_text
                    + ". Response rate: "
                    + view.response_rate_text
                    + "."
                ),
                rx.cond(
                    view.periods.length() > 0,
                    rx.flex(
                        _period_picker(view),
                        _order_picker(
                            view.conditions, view.order_by, "area", CountyState.choose_order
                        ),
                        gap="4",
                        wrap="wrap",
                        width="100%",
                        class_name="county-pickers",
                    ),
                ),
                rx.cond(
                    view.disclosed,
                    rx.fragment(
                        _area_filter(view),
                        _selection_note(view),
                        download_buttons(CountyState.download),
                        report_button(view.period_id),
                        _heatmap(view),
                        _changes(view),
                        _conditions(view),
                    ),
                    _no_scores(view),
                ),
                spacing="4",
                width="100%",
                class_name="county-page",
            ),
            loading_or_not_found(
                CountyState.found, "Loading the county...", "Not found", "There is nothing here."
            ),
        ),
    )


# ---- the drill-down ---------------------------------------------------------------------------


def county_area_page() -> rx.Component:
    view = CountyAreaState.view.to(CountyAreaView)
    names = view.condition_names
    back = routes.county(view.period_id)
    return page_frame(
        rx.cond(
            CountyAreaState.view,
            rx.vstack(
                rx.el.nav(
                    rx.link("County dashboard", href=back),
                    rx.text(" › ", as_="span"),
                    rx.text(view.area_name, as_="span"),
                    aria_label="Breadcrumb",
                    class_name="breadcrumb",
                ),
                rx.heading(view.area_name + " in the county", as_="h1", size="7"),
                rx.text(
                    view.period_name
                    + ". Responses in "
                    + view.area_name
                    + ": "
                    + view.area.response_rate_text
                    + "."
                ),  # fmt: skip
                download_buttons(CountyAreaState.download),
                report_button(view.period_id, view.area_id),
                rx.heading("Teams against the county, " + view.period_name, as_="h2", size="5"),
                _order_picker(
                    view.order_choices, view.order_by, "team", CountyAreaState.choose_order
                ),
                _ordered_by(view.order_choices, view.order_by, "team"),
                heat_table(
                    "Scores of each team in "
                    + view.area_name
                    + " by condition, "
                    + view.period_name,
                    "Team",
                    view.condition_names,
                    heat_row(view.county, rx.el.strong("County"), names, "county-row"),
                    heat_row(view.area, rx.el.strong("Whole area"), names, "selection-row"),
                    rx.foreach(
                        view.teams,
                        lambda row: heat_row(
                            row, rx.link(row.name, href=routes.team_page(row.group_id)), names
                        ),
                    ),
                ),  # fmt: skip
                heat_notes(view.threshold, view.any_hidden),
                rx.link("Back to the county dashboard", href=back),
                spacing="4",
                width="100%",
                class_name="county-page",
            ),
            loading_or_not_found(
                CountyAreaState.found,
                "Loading the area...",
                "Area not found",
                "There is no area at this address.",
            ),
        ),
    )
