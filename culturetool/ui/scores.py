"""The figures shared by a team's results page and an area's: tables, chart and confidence.

Both views have the same field names for these figures (see `views/results.py`), so one set
of components shows either.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.event import EventSpec

from culturetool.domain.errors import NotFound
from culturetool.services.exports import Download
from culturetool.ui.layout import data_table
from culturetool.views.results import Hidden, ScoreRow, hidden_words


def hidden_sentence(reason: rx.Var) -> rx.Var:
    """A hidden figure's reason in words on the page: `hidden_words` for each reason, so pages
    say what the exports say."""
    return rx.match(reason, *((member.value, hidden_words(member)) for member in Hidden), "")


def _as_before(note: rx.Var) -> rx.Component:
    """A score shown as it was earlier says so beside it; the page says why once, above."""
    return rx.cond(note != "", rx.text("as before", size="1", class_name="as-before"))


def as_before_callout(view: rx.Var) -> rx.Component:
    return rx.cond(
        view.as_before_summary != "",
        rx.callout(view.as_before_summary, icon="history", color_scheme="blue", size="1"),
    )


def _level_badge(row: ScoreRow) -> rx.Component:
    return rx.badge(f"{row.level} · {row.level_name}", color_scheme="indigo", size="2")


def _score_row(row: ScoreRow, *details: rx.Component) -> rx.Component:
    """A score's row: its name, the score, the table's own detail cells and the spread; or,
    across all of them, why it is hidden."""
    return rx.table.row(
        rx.table.row_header_cell(row.name),
        rx.cond(
            row.shown,
            rx.fragment(
                rx.table.cell(rx.text(row.mean, weight="bold"), _as_before(row.note)),
                *details,
                rx.table.cell(row.spread),
            ),
            rx.table.cell(hidden_sentence(row.hidden), col_span=len(details) + 2),
        ),
    )


def _condition_row(row: ScoreRow) -> rx.Component:
    return _score_row(
        row,
        rx.table.cell(
            _level_badge(row), rx.text(row.looks_like, size="1", class_name="looks-like")
        ),
        rx.table.cell(f"{row.answers} from {row.respondents} people ({row.dont_know} don't know)"),
    )


def _acceptance_row(row: ScoreRow) -> rx.Component:
    return _score_row(row, rx.table.cell(f"{row.answers} from {row.respondents} people"))


def withheld_notice(view: rx.Var) -> rx.Component:
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


def score_sections(view: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.heading("Scores by condition", as_="h2", size="5"),
        rx.text(
            "Each score is the average of people's answers from 1 (weakest) to 5 (strongest). "
            "Spread shows how much people disagree: above 1 means views in the team differ a lot."
        ),
        as_before_callout(view),
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
                _as_before(view.confidence_note),
            ),
            rx.text(hidden_sentence(view.confidence_hidden)),
        ),
        spacing="4",
        width="100%",
    )


FILE_FORMATS = ("csv", "xlsx")


def send_file(file: Download) -> EventSpec:
    return rx.download(data=file.data, filename=file.filename, mime_type=file.mime_type)


def download_file(state, make_file: Callable[[str], Download], file_format: str):
    """A download handler's work: a format the page does not offer gets nothing, and a page
    whose data has gone (or was never the asker's) says not found rather than sending a file.
    `state` is the page's state, with `view` and `found`; `make_file` builds the export."""
    if file_format not in FILE_FORMATS:
        return None
    try:
        file = make_file(file_format)
    except NotFound:
        state.view, state.found = None, False
        return None
    return send_file(file)


def download_buttons(on_download: rx.EventHandler) -> rx.Component:
    """Exports hold exactly what the page shows; the server checks who asks for them."""
    return rx.hstack(
        rx.button("Download CSV", on_click=on_download("csv"), variant="surface", size="2"),
        rx.button("Download Excel", on_click=on_download("xlsx"), variant="surface", size="2"),
        spacing="3",
        class_name="downloads",
    )
