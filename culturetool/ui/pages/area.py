"""An area's results for leaders and innovation teams: the area's scores and its teams side by
side, with some teams' figures hidden where showing them would give a small team away."""

from __future__ import annotations

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.services import area_results, exports
from culturetool.ui import routes
from culturetool.ui.layout import breadcrumb, loading_or_not_found, page_frame, shown_if
from culturetool.ui.scores import (
    band_legend,
    download_buttons,
    download_file,
    model_small_print,
    score_sections,
    summary_box,
    withheld_notice,
)
from culturetool.ui.session import SessionState, id_number, show_view, signed_in
from culturetool.views.results import (
    AreaResultsView,
    AreaTeamRow,
    ConditionAcrossTeams,
    Hidden,
    TeamCell,
    hidden_short_words,
)


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


def _short_reason(reason: rx.Var) -> rx.Var:
    return rx.match(reason, *((m.value, hidden_short_words(m)) for m in Hidden), "")


def _cell(cell: TeamCell) -> rx.Component:
    """A team's (or the area's) score, shaded by its level; a hidden one says why in a few
    words, on the page rather than on hover."""
    return rx.el.td(
        rx.cond(
            cell.shown,
            rx.fragment(
                rx.text(cell.mean, weight="bold", as_="span"),
                rx.cond(cell.note != "", rx.text("as before", size="1", as_="div")),
            ),
            rx.el.span(
                "hidden",
                rx.el.span(_short_reason(cell.hidden), class_name="hidden-reason"),
                class_name="hidden-figure",
            ),
        ),
        class_name=rx.cond(cell.shown, "level-cell level-" + cell.level.to_string(), "level-cell"),
    )


def _grid_row(row: ConditionAcrossTeams) -> rx.Component:
    return rx.el.tr(
        rx.el.th(row.name, scope="row"),
        _cell(row.area),
        rx.foreach(row.teams, _cell),
    )


def _team_header(team: AreaTeamRow) -> rx.Component:
    return rx.el.th(
        rx.link(team.team_name, href=routes.round_results(team.round_id)),
        rx.text(team.responses_text, size="1", as_="div"),
        scope="col",
    )


def _team_grid(view: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.heading("Teams side by side", as_="h2", size="5", id="teams-side-by-side"),
        rx.text(
            "Scores from 1 (weakest) to 5 (strongest), shaded by maturity level. Each team "
            "counts with its latest round that has enough answers; open a team to see its "
            "round in full. With many teams, the table scrolls sideways and the conditions "
            "stay in view."
        ),
        band_legend(view),
        # A region that scrolls gets keyboard focus and a name, so it can be scrolled without
        # a mouse; the page itself never scrolls sideways.
        rx.el.div(
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th("Condition", scope="col"),
                        rx.el.th("Whole area", scope="col"),
                        rx.foreach(view.teams, _team_header),
                    )
                ),
                rx.el.tbody(rx.foreach(view.grid, _grid_row)),
                aria_labelledby="teams-side-by-side",
                class_name="area-grid",
            ),
            role="region",
            aria_label="Teams side by side",
            tab_index=0,
            class_name="area-grid-region",
        ),
        rx.el.ul(
            rx.el.li(
                "“hidden, too few answers”: too few people answered for the score to stay "
                "anonymous."
            ),
            shown_if(
                view.any_protected,
                rx.el.li(
                    "“hidden, protects a smaller team”: enough people answered, but together "
                    "with the whole area's score it would let someone work out a smaller team's "
                    "answers. The same scores are hidden on those teams' pages."
                ),
            ),
            rx.el.li(
                "“as before”: the score as it was when fewer people had answered. It updates "
                "once enough new people have answered that nobody's answers can be worked out "
                "by comparing the two."
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
                rx.text(f"{view.responses_text} from {view.teams_text}."),
                model_small_print(view),
                rx.hstack(
                    rx.link("What to do next", href=routes.area_recommendations(view.area_id)),
                    rx.link("Area action plan", href=routes.area_plan(view.area_id)),
                    spacing="5",
                    wrap="wrap",
                ),
                rx.cond(
                    view.disclosed,
                    rx.fragment(
                        summary_box(view),
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
