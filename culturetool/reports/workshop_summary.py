"""A workshop's summary report, to share back with the people who took part: what they said,
the themes and their "I" and "We" statements, the vote, what success would look like, the
actions agreed and the parking board.

`summary_sections` gives the report as plain sections (headings, paragraphs, tables) that the
summary page shows as they are; `summary_pdf` prints the same sections as an A4 PDF, so the
page and the paper say the same thing.

Everything in it is people's own words, so it is treated as text and never as markup: the PDF
writes it as glyphs (fpdf2's markdown and HTML modes are never used, and no cell is a link),
and characters that could make text read differently from what it says (control characters,
right-to-left overrides) are taken out, as the CSV exports defuse formulas.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
from fpdf import FPDF, FontFace, ViewerPreferences, XPos, YPos
from fpdf.enums import Align, MethodReturnValue, PageMode

from culturetool.domain.wording import count_of
from culturetool.domain.workshop.board import ABOUT
from culturetool.domain.workshop.kinds import EntryKind
from culturetool.reports.exports import Cell, Table
from culturetool.views.workshops import WorkshopSummary


@dataclass(frozen=True)
class Section:
    """A part of the report: level 1 is a part of the report, level 2 a part within one."""

    level: int
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    table: Table | None = None
    # How the table's width is shared between its columns in print (relative numbers).
    widths: tuple[float, ...] = ()


def plain(text: str) -> str:
    """The text with runs of spaces and line breaks as one space, and without characters that
    cannot be seen or that change how the rest reads (control, format, surrogate)."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    return " ".join(kept.split())


def _and(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def report_title(view: WorkshopSummary) -> str:
    return plain(f"Workshop summary: {view.title}")


def _introduction(view: WorkshopSummary) -> list[str]:
    where = f"for {view.area_name}"
    if view.team_names:
        where += f" ({_and(view.team_names)})"
    held = f", held on {_and(view.day_labels)}" if view.day_labels else ""
    place = f" at {view.place}" if view.place else ""
    paragraphs = [
        f"This is the summary of “{view.title}”, a Working Together for Change workshop "
        f"{where}{held}{place}. It is shared back with everyone who took part, so that you "
        "can see what was said and what will happen next."
    ]
    if view.purpose:
        paragraphs.append(f"What the workshop was for: {view.purpose}")
    if view.perspective_labels:
        # Separated by semicolons: a perspective's name may itself hold "and".
        paragraphs.append(f"Perspectives taking part: {'; '.join(view.perspective_labels)}.")
    by_kind = [
        f"{len(view.entries_of(kind))} about {ABOUT[kind]}"
        for kind in EntryKind
        if view.entries_of(kind)
    ]
    if by_kind:
        paragraphs.append(
            f"{count_of(len(view.entries), 'answer was', 'answers were')} collected: "
            f"{_and(by_kind)}."
        )
    else:
        paragraphs.append("No answers have been collected yet.")
    if view.made_on:
        paragraphs.append(f"Summary made on {view.made_on}, at the stage “{view.stage_label}”.")
    return paragraphs


def _theme_sections(view: WorkshopSummary) -> list[Section]:
    sections = [
        Section(
            1,
            "What people told us",
            [
                "People's answers are grouped into themes, and each theme is given an “I” or "
                "“We” statement in their own words. A theme's “Points at” names the parts of the "
                "culture model it is evidence for."
            ],
        )
    ]
    for kind in EntryKind:
        themes = view.themes_of(kind)
        entries = view.entries_of(kind)
        unthemed = view.unthemed(kind)
        if not entries:
            words = [f"No answers about {ABOUT[kind]} yet."]
        elif not themes:
            words = [f"{count_of(len(entries), 'answer', 'answers')} about {ABOUT[kind]}, not "
                     "put in themes yet."]  # fmt: skip
        else:
            words = [
                f"{count_of(len(themes), 'theme', 'themes')} from "
                f"{count_of(len(entries), 'answer', 'answers')} about {ABOUT[kind]}."
            ]
        if themes and unthemed:
            words.append(f"{count_of(len(unthemed), 'answer is', 'answers are')} not in a theme.")
        table = None
        if themes:
            table = Table(
                title=f"Themes: {kind.label}",
                headers=["Theme", "Answers", "Points at"],
                rows=[
                    [t.shown_statement, t.entry_count, "; ".join(t.condition_names)] for t in themes
                ],
            )
        sections.append(Section(2, kind.label, [" ".join(words)], table=table, widths=(6, 1.4, 3)))
    return sections


def _root_cause_section(view: WorkshopSummary) -> Section:
    themes = [t for t in view.themes if t.root_causes]
    if not themes:
        return Section(1, "Why things are not working well", ["No root causes recorded yet."])
    return Section(
        1,
        "Why things are not working well",
        ["The root causes the workshop found behind the themes of what is not working well."],
        table=Table(
            title="Root causes",
            headers=["Theme", "Root causes"],
            rows=[[t.shown_statement, "\n".join(t.root_causes)] for t in themes],
        ),
        widths=(1, 1),
    )


def _vote_section(view: WorkshopSummary) -> Section:
    if not view.votes:
        return Section(1, "The vote", ["There has been no vote yet."])
    paragraphs = [
        f"Each person had {count_of(view.votes_each, 'vote', 'votes')} to give to the themes "
        "they felt would make the biggest difference to the most people. "
        f"{count_of(view.votes_given, 'vote was', 'votes were')} given in all"
        + (". Voting has closed." if view.voting_closed else "; voting is still open.")
    ]
    if any(line.tied for line in view.votes):
        paragraphs.append(
            "Themes with the same number of votes share a place, shown as “Joint”; the next "
            "place counts the themes above it."
        )
    chosen = {t.id for t in view.themes if t.chosen}
    return Section(
        1,
        "The vote",
        paragraphs,
        table=Table(
            title="Votes",
            headers=["Place", "Theme", "Votes", "Chosen to address"],
            rows=[
                [line.place, line.statement, line.votes, "Yes" if line.theme_id in chosen else ""]
                for line in view.votes
            ],
        ),
        widths=(1.6, 6, 1.2, 1.8),
    )


def _success_section(view: WorkshopSummary) -> Section:
    heading = "What success would look like"
    if not view.success:
        return Section(1, heading, ["No success statements written yet."])
    return Section(
        1,
        heading,
        ["For each theme chosen to address, what success would look like, from each perspective."],
        table=Table(
            title="Success statements",
            headers=["Theme", "From", "Success statement"],
            rows=[
                [view.statement_of(line.theme_id), line.perspective_label, line.text]
                for line in view.success
            ],
        ),
        widths=(4, 2.2, 5),
    )


def _happening_section(view: WorkshopSummary) -> Section:
    heading = "What is already happening"
    if not view.already_happening:
        return Section(1, heading, ["Nothing recorded yet."])
    return Section(1, heading, ["What is already under way that helps."], view.already_happening)


def _action_sections(view: WorkshopSummary) -> list[Section]:
    heading = "Actions agreed"
    if not view.actions:
        return [Section(1, heading, ["No actions agreed yet."])]
    sections = [
        Section(
            1,
            heading,
            [
                "Each action was thought through from a traditional, community or radical "
                f"viewpoint. The actions are on {view.area_name}'s action plan, where their "
                "progress is followed; the status is the plan's."
            ],
            table=Table(
                title="Actions",
                headers=["Action", "Theme", "Viewpoint", "Owner", "When", "Status"],
                rows=[
                    [
                        a.title,
                        view.statement_of(a.theme_id),
                        a.viewpoint_label,
                        a.owner,
                        a.timescale_label,
                        a.status_label,
                    ]
                    for a in view.actions
                ],
            ),
            widths=(4, 3.6, 2.6, 2.4, 2.4, 2.2),
        )
    ]
    reviewed = [a for a in view.actions if a.review_notes]
    if reviewed:
        sections.append(
            Section(
                2,
                "Review notes",
                table=Table(
                    title="Review notes",
                    headers=["Action", "Notes"],
                    rows=[[a.title, a.review_notes] for a in reviewed],
                ),
                widths=(1, 2),
            )
        )
    return sections


def _parking_section(view: WorkshopSummary) -> Section:
    heading = "Parking board"
    words = (
        "Issues raised on the day that are outside this workshop's scope, so they are taken "
        "forward elsewhere, and who is following each one up."
    )
    if not view.parked:
        return Section(1, heading, [words, "Nothing was put on the parking board."])
    return Section(
        1,
        heading,
        [words],
        table=Table(
            title="Parking board",
            headers=["Issue", "Followed up by", "Status"],
            rows=[[p.issue, p.owner, p.status_label] for p in view.parked],
        ),
        widths=(6, 2.6, 1.8),
    )


def _follow_up_section(view: WorkshopSummary) -> Section:
    heading = "Still to look at"
    if not view.follow_up:
        return Section(1, heading, ["Every answer was covered on the day."])
    return Section(
        1,
        heading,
        [
            "There was not time on the day for these answers. They will be looked at in a "
            "follow-up session."
        ],
        table=Table(
            title="For follow-up",
            headers=["Answer", "About", "From"],
            rows=[
                [e.text, e.kind.label, e.perspective_label or "Not given"] for e in view.follow_up
            ],
        ),
        widths=(6, 2.4, 2.2),
    )


def _cleaned(section: Section) -> Section:
    table = section.table
    if table is not None:
        table = Table(
            title=plain(table.title),
            headers=[plain(h) for h in table.headers],
            rows=[[_clean_cell(c) for c in row] for row in table.rows],
        )
    return Section(
        section.level,
        plain(section.heading),
        [plain(p) for p in section.paragraphs],
        [plain(b) for b in section.bullets],
        table,
        section.widths,
    )


def _clean_cell(value: Cell) -> Cell:
    """A cell's text cleaned line by line: a cell may hold several lines (root causes)."""
    if isinstance(value, str):
        return "\n".join(plain(line) for line in value.split("\n") if plain(line))
    return value


def summary_sections(view: WorkshopSummary) -> list[Section]:
    """The report, in order, every text cleaned. The first section is the introduction."""
    sections = [
        Section(1, "About this workshop", _introduction(view)),
        *_theme_sections(view),
        _root_cause_section(view),
        _vote_section(view),
        _success_section(view),
        _happening_section(view),
        *_action_sections(view),
        _parking_section(view),
        _follow_up_section(view),
    ]
    return [_cleaned(section) for section in sections]


# ---- the printable PDF ---------------------------------------------------------------------

# DejaVu Sans, which matplotlib (already a dependency) ships, has every letter and punctuation
# mark people type, curly quotes included; the PDF's built-in fonts have only Latin-1.
_FONT_FOLDER = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVuSans"
BODY_SIZE = 11
LINE = 5.6  # mm between lines of body text
HEADING_COLOUR = (20, 55, 100)  # dark blue on white: well above 7:1
TEXT_COLOUR = (25, 25, 25)
TABLE_HEADINGS = FontFace(emphasis="BOLD", fill_color=(226, 233, 243))
MARGIN = 18  # mm
# A section's heading and words are kept on one page with the start of its table: room (mm)
# for the table's heading row and a first row.
TABLE_START = 22


class _SummaryPdf(FPDF):
    def __init__(self, footer_title: str):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_title = footer_title

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=9)
        self.set_text_color(*TEXT_COLOUR)
        self.cell(0, 5, f"{self.footer_title}    Page {self.page_no()} of {{nb}}", align="C")


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _new_pdf(view: WorkshopSummary) -> _SummaryPdf:
    title = report_title(view)
    pdf = _SummaryPdf(_short(title, 70))
    pdf.add_font(FONT, "", str(_FONT_FOLDER / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(_FONT_FOLDER / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_subject("The summary of a Working Together for Change workshop")
    pdf.set_author(plain(view.area_name))
    pdf.set_creator("culturetool")
    pdf.set_lang("en-GB")
    # Readers show the title rather than the file name; the outline lists the headings.
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.page_mode = PageMode.USE_OUTLINES
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.alias_nb_pages()
    pdf.add_page()
    return pdf


HEADING_SIZES = {0: 20.0, 1: 15.0, 2: 12.5}
HEADING_SPACE = {0: 0.0, 1: 5.0, 2: 2.0}  # mm above a heading


def _text_height(pdf: FPDF, text: str, size: float, line: float, style: str = "") -> float:
    pdf.set_font(FONT, style, size)
    height = pdf.multi_cell(0, line, text, dry_run=True, output=MethodReturnValue.HEIGHT)
    assert isinstance(height, int | float)  # asked for the height alone
    return float(height)


def _start_height(pdf: FPDF, section: Section) -> float:
    """The room the section needs before its table's second row: a heading left alone at a
    page's foot, or words cut off from the table they introduce, start a new page."""
    size = HEADING_SIZES[section.level]
    height = HEADING_SPACE[section.level] + 2.0
    height += _text_height(pdf, section.heading, size, size * 0.5, "B")
    for text in [*section.paragraphs, *section.bullets]:
        height += _text_height(pdf, text, BODY_SIZE, LINE) + 1.5
    return height + (TABLE_START if section.table is not None else 0)


def _heading(pdf: FPDF, text: str, level: int) -> None:
    size = HEADING_SIZES[level]
    pdf.ln(HEADING_SPACE[level])
    pdf.start_section(text, level=level)
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*HEADING_COLOUR)
    pdf.multi_cell(0, size * 0.5, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _paragraph(pdf: FPDF, text: str, indent: str = "") -> None:
    pdf.set_font(FONT, "", BODY_SIZE)
    pdf.set_text_color(*TEXT_COLOUR)
    # Ragged right: justified lines open wide gaps that make text harder to read.
    pdf.multi_cell(0, LINE, indent + text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _table(pdf: FPDF, table: Table, widths: Iterable[float]) -> None:
    pdf.set_font(FONT, "", BODY_SIZE - 1)
    pdf.set_text_color(*TEXT_COLOUR)
    numbers = [all(isinstance(row[i], int | float) for row in table.rows)
               for i in range(len(table.headers))]  # fmt: skip
    with pdf.table(
        col_widths=tuple(widths) or None,
        text_align="LEFT",
        v_align="TOP",
        line_height=LINE - 0.6,
        padding=1.6,
        headings_style=TABLE_HEADINGS,
        repeat_headings=1,
    ) as drawn:
        heading_row = drawn.row()
        for header in table.headers:
            heading_row.cell(header)
        for row in table.rows:
            cells = drawn.row()
            for column, value in enumerate(row):
                cells.cell("" if value is None else str(value),
                           align="RIGHT" if numbers[column] else None)  # fmt: skip
    pdf.ln(3)


def summary_pdf(view: WorkshopSummary) -> bytes:
    """The summary as an A4 PDF: the report's title, then every section in order, with page
    numbers ("Page 2 of 4") and the headings in the PDF's outline."""
    pdf = _new_pdf(view)
    _heading(pdf, report_title(view), 0)
    for section in summary_sections(view):
        at_top = pdf.get_y() <= pdf.t_margin + 1  # a new page would not give more room
        if not at_top and pdf.will_page_break(_start_height(pdf, section)):
            pdf.add_page()
        _heading(pdf, section.heading, section.level)
        for text in section.paragraphs:
            _paragraph(pdf, text)
        for text in section.bullets:
            _paragraph(pdf, text, indent="•  ")
        if section.table is not None:
            _table(pdf, section.table, section.widths)
    return bytes(pdf.output())
