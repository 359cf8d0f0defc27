"""A workshop's summary (/workshops/[id]/summary): the report shared back with the people who
took part, in the same sections as its PDF (reports/workshop_summary.py), with the PDF, CSV and
Excel downloads. It prints as it reads: the print stylesheet (assets/culturetool.css) leaves out
the site's header, the stage navigation and the buttons."""

from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.errors import NotFound
from culturetool.reports.workshop_summary import Section, summary_sections
from culturetool.services import workshop_summary
from culturetool.ui import routes
from culturetool.ui.scores import send_file
from culturetool.ui.session import SessionState, signed_in
from culturetool.ui.workshop_frame import WorkshopPageState, workshop_frame


@dataclass
class SummaryTable:
    caption: str
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class SummarySection:
    level: int  # 1: a part of the report (h2); 2: a part within one (h3)
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    tables: list[SummaryTable] = field(default_factory=list)  # none or one


def _shown(section: Section) -> SummarySection:
    """A report section as the page draws it: every cell as text, a number as its digits."""
    tables = []
    if section.table is not None:
        tables.append(
            SummaryTable(
                caption=section.table.title,
                headers=list(section.table.headers),
                rows=[["" if c is None else str(c) for c in row] for row in section.table.rows],
            )
        )
    return SummarySection(
        section.level, section.heading, list(section.paragraphs), list(section.bullets), tables
    )


class WorkshopSummaryState(WorkshopPageState, SessionState):
    sections: list[SummarySection] = []

    def _reload(self, actor: Actor) -> None:
        view = workshop_summary.summary(actor, self.workshop_id_shown)
        self.sections = [_shown(section) for section in summary_sections(view)]

    @rx.event
    @signed_in
    def download(self, actor: Actor, file_format: str):
        """The summary as a PDF, or the results as CSV or Excel; the server checks who asks."""
        if file_format not in workshop_summary.SUMMARY_FORMATS:
            return None
        try:
            file = workshop_summary.summary_file(actor, self.workshop_id_shown, file_format)
        except NotFound:
            self.found = False
            return None
        return send_file(file)


def _table(table: rx.Var) -> rx.Component:
    """A table of the report; on a phone each row becomes a card of its cells, each under its
    column's name."""
    return rx.el.table(
        rx.el.caption(table.caption, class_name="summary-caption"),
        rx.el.thead(
            rx.el.tr(rx.foreach(table.headers, lambda h: rx.el.th(h, scope="col"))),
        ),
        rx.el.tbody(
            rx.foreach(
                table.rows,
                lambda row: rx.el.tr(
                    rx.foreach(
                        row,
                        lambda cell, column: rx.el.td(
                            cell, custom_attrs={"data-label": table.headers[column]}
                        ),
                    )
                ),
            )
        ),
        class_name="summary-table stack-on-phone",
    )


def _section(section: rx.Var) -> rx.Component:
    return rx.el.section(
        rx.cond(
            section.level == 1,
            rx.el.h2(section.heading, class_name="summary-h2"),
            rx.el.h3(section.heading, class_name="summary-h3"),
        ),
        rx.foreach(section.paragraphs, lambda text: rx.el.p(text)),
        rx.cond(
            section.bullets.length() > 0,
            rx.el.ul(rx.foreach(section.bullets, lambda text: rx.el.li(text))),
        ),
        rx.foreach(section.tables, _table),
        class_name="summary-section",
    )


def _downloads() -> rx.Component:
    state = WorkshopSummaryState
    return rx.el.div(
        rx.button("Download the summary (PDF)", on_click=state.download("pdf"), size="2"),
        rx.button(
            "Download the results (CSV)", on_click=state.download("csv"), variant="surface",
            size="2",
        ),
        rx.button(
            "Download the results (Excel)", on_click=state.download("xlsx"), variant="surface",
            size="2",
        ),
        rx.el.p(
            "The PDF is the summary to share with the people who took part. The CSV and Excel "
            "files list every answer with its theme, the themes, the votes and the actions.",
            class_name="small-print",
        ),
        class_name="downloads summary-downloads",
    )  # fmt: skip


def workshop_summary_page() -> rx.Component:
    state = WorkshopSummaryState
    return workshop_frame(
        state,
        routes.WORKSHOP_SUMMARY,
        rx.el.article(
            _downloads(),
            rx.foreach(state.sections, _section),
            class_name="workshop-summary",
        ),
    )
