"""A round's results: scores per condition once enough people have answered, nothing before."""

from __future__ import annotations

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.errors import NotFound
from culturetool.services import assessments
from culturetool.services.assessments import ResultsView, ScoreRow
from culturetool.ui.layout import breadcrumb, data_table, page_frame
from culturetool.ui.session import SessionState, signed_in


class ResultsState(SessionState):
    found: bool = True
    view: ResultsView | None = None

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.view = None  # never leave another round's results on screen
        raw = self.round_id
        try:
            self.view = assessments.results_for_round(actor, int(raw) if raw.isdigit() else 0)
            self.found = True
        except NotFound:
            self.found = False


def _level_badge(row: ScoreRow) -> rx.Component:
    return rx.badge(f"{row.level} · {row.level_name}", color_scheme="indigo", size="2")


def _condition_row(row: ScoreRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row.name),
        rx.cond(
            row.shown,
            rx.fragment(
                rx.table.cell(rx.text(row.mean, weight="bold")),
                rx.table.cell(
                    _level_badge(row), rx.text(row.looks_like, size="1", class_name="looks-like")
                ),
                rx.table.cell(
                    f"{row.answers} from {row.respondents} people ({row.dont_know} don't know)"
                ),
                rx.table.cell(row.spread),
            ),
            rx.table.cell("Too few answers to show (most people said they don't know)", col_span=4),
        ),
    )


def _acceptance_row(row: ScoreRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row.name),
        rx.cond(
            row.shown,
            rx.fragment(
                rx.table.cell(rx.text(row.mean, weight="bold")),
                rx.table.cell(f"{row.answers} from {row.respondents} people"),
                rx.table.cell(row.spread),
            ),
            rx.table.cell("Too few answers to show", col_span=3),
        ),
    )


def _withheld(view: rx.Var) -> rx.Component:
    return rx.callout(
        rx.text(
            f"No scores yet. To keep answers anonymous, results appear once {view.threshold} "
            f"people have answered. {view.responses} responses so far: "
            f"{view.still_needed} more needed.",
            class_name="withheld",
        ),
        icon="lock",
        color_scheme="amber",
        size="2",
        role="status",
    )


def _disclosed(view: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.heading("Scores by condition", as_="h2", size="5"),
        rx.text(
            "Each score is the average of people's answers from 1 (weakest) to 5 (strongest). "
            "Spread shows how much people disagree: above 1 means views in the team differ a lot."
        ),
        rx.image(
            src=view.chart_svg,
            alt="Bar chart of the mean score for each condition; the table below has the figures.",
            width="100%",
            max_width="820px",
        ),
        data_table(
            ["Condition", "Score (1 to 5)", "Maturity level", "Answers", "Spread"],
            view.conditions,
            _condition_row,
            class_name="condition-table",
        ),
        rx.heading("Technology acceptance", as_="h2", size="5"),
        rx.text(
            "How people in the team see care technology: whether it helps (performance), whether "
            "it is easy (effort), what colleagues think of it (social influence) and whether the "
            "kit, training and support are there (facilitating conditions)."
        ),
        data_table(
            ["Scale", "Score (1 to 5)", "Answers", "Spread"], view.acceptance, _acceptance_row
        ),
        rx.heading("Digital confidence: personal life and work", as_="h2", size="5"),
        rx.cond(
            view.confidence_shown,
            rx.vstack(
                rx.hstack(
                    rx.card(
                        rx.text("Personal life", size="2"),
                        rx.heading(view.confidence_personal, size="6"),
                    ),
                    rx.card(
                        rx.text("At work", size="2"), rx.heading(view.confidence_work, size="6")
                    ),
                    rx.card(rx.text("Gap", size="2"), rx.heading(view.confidence_gap, size="6")),
                ),
                rx.text(view.confidence_sentence),
            ),
            rx.text("Too few answers to show."),
        ),
        spacing="4",
        width="100%",
    )


def results_page() -> rx.Component:
    view = ResultsState.view.to(ResultsView)
    return page_frame(
        rx.cond(
            ResultsState.view,
            rx.vstack(
                breadcrumb(rx.link(view.team_name, href=f"/teams/{view.team_id}")),
                rx.heading(f"Results: {view.team_name}", as_="h1", size="7"),
                rx.text(
                    f"{view.area_name}. Round opened {view.opened_on}",
                    rx.cond(view.closed_on != "", f", closed {view.closed_on}", " and still open"),
                    f". {view.responses} responses. Model version {view.model_label}.",
                ),
                rx.cond(view.disclosed, _disclosed(view), _withheld(view)),
                spacing="4",
                width="100%",
            ),
            rx.cond(
                ResultsState.found,
                rx.text("Loading results..."),
                rx.vstack(
                    rx.heading("Results not found", as_="h1", size="7"),
                    rx.text("There is no assessment round at this address."),
                    rx.link("Back to all teams", href="/"),
                ),
            ),
        ),
    )
