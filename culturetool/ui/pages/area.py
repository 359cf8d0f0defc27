"""An area's results for leaders and innovation teams: the area's scores and its teams side by
side, with some teams' figures hidden where showing them would give a small team away."""

from __future__ import annotations

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.services import area_results, exports
from culturetool.ui import routes
from culturetool.ui.layout import breadcrumb, loading_or_not_found, page_frame, shown_if
from culturetool.ui.scores import (
    download_buttons,
    download_file,
    hidden_sentence,
    score_sections,
    withheld_notice,
)
from culturetool.ui.session import SessionState, id_number, show_view, signed_in
from culturetool.views.results import AreaResultsView, AreaTeamRow, ConditionAcrossTeams, TeamCell


class AreaState(SessionState):
    found: bool = True
    view: AreaResultsView | None = None

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        show_view(self, lambda: area_results.area_results_view(actor, id_number(self.area_id)))

    @rx.event
    @signed_in
    def download(self, actor: Actor, file_format: str):
        area_id = id_number(self.area_id)
        return download_file(
            self, lambda chosen: exports.area_results_file(actor, area_id, chosen), file_format
        )


def _cell(cell: TeamCell) -> rx.Component:
    return rx.table.cell(
        rx.cond(
            cell.shown,
            rx.fragment(
                rx.text(cell.mean, weight="bold"),
                rx.cond(cell.note != "", rx.text("as before", title=cell.note, size="1")),
            ),
            rx.text("hidden", title=hidden_sentence(cell.hidden), class_name="hidden-figure"),
        ),
        class_name=rx.cond(cell.shown, "level-cell level-" + cell.level.to_string(), "level-cell"),
    )


def _grid_row(row: ConditionAcrossTeams) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row.name),
        _cell(row.area),
        rx.foreach(row.teams, _cell),
    )


def _team_header(team: AreaTeamRow) -> rx.Component:
    return rx.table.column_header_cell(
        rx.link(team.team_name, href=routes.round_results(team.round_id)),
        rx.text(f"{team.responses} responses", size="1", as_="div"),
    )


def _team_grid(view: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.heading("Teams side by side", as_="h2", size="5"),
        rx.text(
            "Scores from 1 (weakest) to 5 (strongest), shaded by maturity level. Each team "
            "counts with its latest round that has enough answers; open a team to see its "
            "round in full."
        ),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Condition"),
                        rx.table.column_header_cell("Whole area"),
                        rx.foreach(view.teams, _team_header),
                    )
                ),
                rx.table.body(rx.foreach(view.grid, _grid_row)),
                class_name="area-grid",
            ),
            class_name="scroll-x",
            width="100%",
        ),
        rx.el.ul(
            rx.el.li(
                "“hidden”: too few people answered for the score to stay anonymous (hover over "
                "it for the reason)."
            ),
            shown_if(
                view.any_protected,
                rx.el.li(
                    "Some scores are hidden although enough people answered: together with the "
                    "whole area's score they would let someone work out a smaller team's "
                    "answers. The same scores are hidden on those teams' pages."
                ),
            ),
            class_name="grid-notes",
        ),
        shown_if(
            view.teams_without_responses.length() > 0,
            rx.text("No responses yet from: ", view.teams_without_responses.join(", "), "."),
        ),
        spacing="3",
        width="100%",
    )


def area_page() -> rx.Component:
    view = AreaState.view.to(AreaResultsView)
    return page_frame(
        rx.cond(
            AreaState.view,
            rx.vstack(
                breadcrumb(rx.text(view.area_name, as_="span")),
                rx.heading(f"Area results: {view.area_name}", as_="h1", size="7"),
                rx.text(
                    f"{view.responses} responses from {view.teams.length()} teams. "
                    f"Model version {view.model_label}."
                ),
                rx.hstack(
                    rx.link("What to do next", href=routes.area_recommendations(view.area_id)),
                    rx.link("Area action plan", href=routes.area_plan(view.area_id)),
                    spacing="5",
                    wrap="wrap",
                ),
                rx.cond(
                    view.disclosed,
                    rx.fragment(
                        download_buttons(AreaState.download),
                        _team_grid(view),
                        rx.heading("The whole area in detail", as_="h2", size="6"),
                        score_sections(view),
                    ),
                    withheld_notice(view),
                ),
                spacing="4",
                width="100%",
            ),
            loading_or_not_found(
                AreaState.found,
                "Loading results...",
                "Area not found",
                "There is no area at this address.",
            ),
        ),
    )
