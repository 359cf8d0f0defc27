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
from culturetool.ui.layout import shown_if
from culturetool.views.results import Band, Hidden, ScoreRow, hidden_words


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


LEVEL_COLOURS = ("#fee2e2", "#ffedd5", "#fef9c3", "#dcfce7", "#bbf7d0")  # as the area grid


def _band_colour(band_number: rx.Var) -> rx.Var:
    return rx.match(band_number, *enumerate(LEVEL_COLOURS), LEVEL_COLOURS[-1])


def summary_box(view: rx.Var) -> rx.Component:
    """The sentences a page leads with: strongest, weakest and how sure (domain/summary.py)."""
    return shown_if(
        view.summary.length() > 0,
        rx.box(
            rx.heading("In short", as_="h2", size="5"),
            rx.foreach(view.summary, lambda sentence: rx.el.p(sentence)),
            class_name="summary",
        ),
    )


def _band_shade(band: Band, number: rx.Var) -> rx.Component:
    return rx.el.div(
        class_name="bar-band",
        style={"left": band.start, "width": band.width, "background": _band_colour(number)},
    )


def _bar(width: rx.Var, bands: rx.Var | None = None) -> rx.Component:
    """The score as a bar along 1 to 5, on the maturity bands. Decorative: the figure and the
    level are written out beside it, so screen readers skip it."""
    shading = [rx.foreach(bands, _band_shade)] if bands is not None else []
    return rx.el.div(
        *shading,
        rx.el.div(class_name="bar-fill", style={"width": width}),
        class_name="bar-track",
        aria_hidden="true",
    )


def band_legend(view: rx.Var) -> rx.Component:
    return rx.el.ul(
        rx.foreach(
            view.bands,
            lambda band, number: rx.el.li(
                rx.el.span(class_name="swatch", style={"background": _band_colour(number)}),
                rx.el.span(rx.el.strong(band.name), " ", band.scores),
            ),
        ),
        aria_label="Maturity levels",
        class_name="band-legend",
    )


def _score_item(row: ScoreRow, shown: rx.Component) -> rx.Component:
    """A score's entry: its name (and research name), then either what `shown` says or, in
    words, why it is hidden."""
    return rx.el.li(
        rx.el.div(
            rx.el.h3(row.name, class_name="score-name"),
            shown_if(
                row.research_name != "",
                rx.text("In the research: ", row.research_name, class_name="small-print"),
            ),
            class_name="score-head",
        ),
        rx.cond(
            row.shown,
            shown,
            rx.el.p(hidden_sentence(row.hidden), class_name="hidden-figure"),
        ),
        class_name="score-item",
    )


def _condition_item(row: ScoreRow, bands: rx.Var) -> rx.Component:
    return _score_item(
        row,
        rx.fragment(
            rx.el.p(
                rx.text(row.mean, weight="bold", as_="span"),
                " out of 5: ",
                rx.text(row.level_name, weight="bold", as_="span"),
                class_name="score-figure",
            ),
            _as_before(row.note),
            _bar(row.bar_width, bands),
            shown_if(
                row.target_gap != "",
                rx.el.p(
                    rx.cond(row.below_target, "Target: " + row.target_gap, row.target_gap),
                    class_name=rx.cond(row.below_target, "gap-below", "gap-met"),
                ),
            ),
            rx.el.p(row.how_sure),
            shown_if(
                row.aim != "",
                rx.el.details(rx.el.summary(row.aim), rx.el.p(row.aim_looks_like)),
            ),
        ),
    )


def _acceptance_item(row: ScoreRow) -> rx.Component:
    return _score_item(
        row,
        rx.fragment(
            rx.el.p(
                rx.text(row.mean, weight="bold", as_="span"), " out of 5", class_name="score-figure"
            ),
            _as_before(row.note),
            _bar(row.bar_width),
            rx.el.p(row.how_sure),
        ),
    )


def withheld_notice(view: rx.Var) -> rx.Component:
    return rx.callout(
        rx.text(
            f"No scores yet. To keep answers anonymous, results appear once {view.threshold} "
            f"people have answered. {view.responses_text} so far: "
            f"{view.still_needed} more needed.",
            class_name="withheld",
            # Radix's amber text on the amber callout is 4.3:1; its darkest amber passes 4.5:1.
            style={"color": "var(--amber-12)"},
        ),
        icon="lock",
        color_scheme="amber",
        size="2",
        role="status",
    )


def model_small_print(view: rx.Var) -> rx.Component:
    """Which version of the model scored the figures, for anyone comparing files; nothing when
    there is no model yet (an area without responses)."""
    return shown_if(
        view.model_label != "",
        rx.text(
            f"Scored with version {view.model_label} of the care technology culture model.",
            class_name="small-print",
        ),
    )


def score_sections(view: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.heading("Scores by condition", as_="h2", size="5"),
        rx.text(
            "Each score is the average of people's answers, from 1 (weakest) to 5 (strongest). "
            "The bar shows where it sits; the shading behind it marks the maturity levels:"
        ),
        band_legend(view),
        as_before_callout(view),
        rx.el.ul(
            rx.foreach(view.conditions, lambda row: _condition_item(row, view.bands)),
            aria_label="Scores by condition",
            class_name="score-list condition-scores",
        ),
        rx.heading("How people see care technology", as_="h2", size="5"),
        rx.text(
            "How far people agree with each of these, from 1 (not at all) to 5 (fully). The "
            "names the research uses are in small print."
        ),
        rx.el.ul(
            rx.foreach(view.acceptance, _acceptance_item),
            aria_label="How people see care technology",
            class_name="score-list acceptance-scores",
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
                    wrap="wrap",
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
