"""The county report as an A4 landscape PDF, for the county or for one area: a summary (the
period, the responses and their rate, what the colours and marks mean and why some cells are
suppressed), the heatmap as a chart, a page per area with its teams, the top gaps against the
targets with the bundles recommended for them, the action plans' statuses and the workshop
themes tagged with each condition.

It prints exactly the figures of the views it is given (services/county.py, which took them
through the gate), and a suppressed cell as the page's words ("Suppressed: too few answers"),
never as a blank or a zero. The heatmap is drawn with matplotlib from those figures, after they
were computed. Made with fpdf2 and the fonts of the workshop summary (reports/workshop_summary.py).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from functools import partial

from fpdf import FPDF, ViewerPreferences
from fpdf.enums import PageMode
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from culturetool.reports.county_exports import suppressed_words
from culturetool.reports.workshop_summary import (
    _FONT_FOLDER,
    FONT,
    HEADING_COLOUR,
    LINE,
    MARGIN,
    TABLE_HEADINGS,
    TEXT_COLOUR,
    plain,
)
from culturetool.views.county import AreaChange, CountyAreaView, CountyView, HeatCell, HeatRow
from culturetool.views.county_report import CountyReportData

# Called after each part of the report is made: (parts done, parts in all).
Progress = Callable[[int, int], None]

# The maturity levels' shades, lowest first: the dashboard's (assets/culturetool.css).
LEVEL_COLOURS = ("#fee2e2", "#ffedd5", "#fef9c3", "#dcfce7", "#bbf7d0")
SUPPRESSED_COLOUR = "#e5e7eb"
HEADING_FILL = (226, 233, 243)  # the workshop summary's table headings
BODY = 10
SMALL = 8
HEATMAP_DPI = 110  # sharp enough on paper, small enough to stay quick


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _level_colour(level: int) -> str:
    return LEVEL_COLOURS[min(max(level, 1), len(LEVEL_COLOURS)) - 1]


def _cells(row: HeatRow, conditions: int) -> list[HeatCell]:
    # A group with too few responses for any figure comes without cells: all are suppressed.
    return row.cells or [HeatCell(shown=False)] * conditions


def _score(cell: HeatCell) -> str:
    return f"{cell.mean:.2f}"


class _ReportPdf(FPDF):
    def __init__(self, footer_title: str):
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.footer_title = footer_title

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=SMALL)
        self.set_text_color(*TEXT_COLOUR)
        self.cell(0, 5, f"{self.footer_title}    Page {self.page_no()} of {{nb}}", align="C")


def _new_pdf(title: str, author: str) -> _ReportPdf:
    pdf = _ReportPdf(title)
    pdf.add_font(FONT, "", str(_FONT_FOLDER / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(_FONT_FOLDER / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_subject("Digital culture across the county's areas and teams")
    pdf.set_author(author)
    pdf.set_creator("culturetool")
    pdf.set_lang("en-GB")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.page_mode = PageMode.USE_OUTLINES
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.alias_nb_pages()
    return pdf


def _heading(pdf: FPDF, text: str, level: int = 1) -> None:
    size = {0: 18.0, 1: 14.0, 2: 11.5}[level]
    # A heading keeps its words and the start of its table with it, not alone at a foot.
    if level and pdf.will_page_break(45):
        pdf.add_page()
    pdf.ln({0: 0.0, 1: 3.0, 2: 2.0}[level])
    pdf.start_section(text, level=level)
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*HEADING_COLOUR)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _paragraph(pdf: FPDF, text: str, size: float = BODY) -> None:
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(*TEXT_COLOUR)
    pdf.multi_cell(0, LINE - 0.6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.2)


def _plain_table(
    pdf: FPDF, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> None:
    pdf.set_font(FONT, "", SMALL + 1)
    pdf.set_text_color(*TEXT_COLOUR)
    with pdf.table(
        col_widths=tuple(widths),
        text_align="LEFT",
        line_height=LINE - 1.2,
        padding=1.2,
        headings_style=TABLE_HEADINGS,
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for header in headers:
            heading.cell(header)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(plain(value))
    pdf.ln(3)


def _cell_lines(cell: HeatCell) -> list[str]:
    if not cell.shown:
        return [suppressed_words(cell)]
    lines = [_score(cell), cell.level_name]
    if cell.difference_text:
        # "+0.32 (−0.05 to +0.69)" on two lines, as the page splits it.
        difference, _, interval = cell.difference_text.partition(" (")
        lines += [difference, f"({interval}"] if interval else [difference]
    lines.append(f"{cell.people} people")
    if cell.agreement_low:
        lines.append("◆ low agreement")
    if cell.note:
        lines.append("as before")
    return lines


HEAT_LINE = 3.2  # mm between the lines of a heat table's cell
HEAT_PAD = 1.0


class _Fitter:
    """Breaks text into lines that fit a column, measured in the font in use. A heat table has
    thousands of cells that mostly repeat ("Established", "12 people"), so each text is
    measured once; fpdf2's own table layout made a large county's report too slow."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf
        self.fitted: dict[tuple[str, float, str], list[str]] = {}

    def lines(self, texts: Sequence[str], width: float, style: str = "") -> list[str]:
        return [line for text in texts for line in self._fit(plain(text), width, style)]

    def _fit(self, text: str, width: float, style: str) -> list[str]:
        key = (text, width, style)
        if key not in self.fitted:
            self.pdf.set_font(FONT, style, SMALL - 1)
            room = width - 2 * HEAT_PAD
            lines: list[str] = []
            for word in text.split(" "):
                joined = f"{lines[-1]} {word}" if lines else word
                if lines and self.pdf.get_string_width(joined) <= room:
                    lines[-1] = joined
                else:
                    lines.append(word)
            self.fitted[key] = lines or [""]
        return self.fitted[key]


def _heat_row(
    pdf: FPDF,
    widths: Sequence[float],
    columns: Sequence[list[str]],
    fills: Sequence[tuple[int, int, int]],
    style: str = "",
) -> None:
    """One row of the heat table, drawn as boxes and lines of text."""
    height = max(len(lines) for lines in columns) * HEAT_LINE + 2 * HEAT_PAD
    top, left = pdf.get_y(), pdf.l_margin
    pdf.set_font(FONT, style, SMALL - 1)
    for width, lines, fill in zip(widths, columns, fills, strict=True):
        pdf.set_fill_color(*fill)
        pdf.rect(left, top, width, height, style="DF")
        for number, line in enumerate(lines):
            # Text at its baseline: far quicker than a cell, and the lines were fitted already.
            pdf.text(left + HEAT_PAD, top + HEAT_PAD + (number + 0.78) * HEAT_LINE, line)
        left += width
    pdf.set_xy(pdf.l_margin, top + height)


def _heat_table(pdf: FPDF, names: list[str], rows: Sequence[tuple[str, str, HeatRow]]) -> None:
    """Groups by conditions, each cell with its score, level, difference from the county and
    people, shaded by level; a suppressed cell in grey with the page's words. The heading row
    is repeated at the top of each page the table runs on to."""
    name_width = 34.0
    width = (pdf.epw - name_width) / max(len(names), 1)
    widths = [name_width, *[width] * len(names)]
    pdf.set_text_color(*TEXT_COLOUR)
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.2)
    fitter = _Fitter(pdf)
    heading = [fitter.lines([t], w, "B") for t, w in zip(["Group", *names], widths, strict=True)]
    heading_fills = [HEADING_FILL] * len(widths)

    def draw_heading() -> None:
        _heat_row(pdf, widths, heading, heading_fills, "B")

    draw_heading()
    for label, rate, row in rows:
        cells = _cells(row, len(names))
        columns = [fitter.lines([label, rate], name_width)]
        columns += [fitter.lines(_cell_lines(cell), width) for cell in cells]
        fills = [(255, 255, 255)]
        fills += [_rgb(_level_colour(c.level) if c.shown else SUPPRESSED_COLOUR) for c in cells]
        height = max(len(lines) for lines in columns) * HEAT_LINE + 2 * HEAT_PAD
        if pdf.will_page_break(height):
            pdf.add_page()
            draw_heading()
        _heat_row(pdf, widths, columns, fills)
    # Back to white: the tables after it would take the last cell's shade.
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(0, 0, 0)
    pdf.ln(3)


def heatmap_png(
    names: list[str], rows: Sequence[tuple[str, HeatRow]], level_names: list[str]
) -> tuple[bytes, tuple[float, float]]:
    """The heatmap as a PNG picture and its size (inches): a square per group and condition,
    shaded by level with its score written in it; a suppressed square hatched grey and
    labelled. One figure, drawn and let go."""
    columns, count = len(names), len(rows)
    # In inches: the groups' names on the left, the conditions' names above, the key below.
    width, left, top, bottom, row_height = 11.0, 2.3, 1.1, 0.5, 0.4
    height = top + bottom + row_height * count
    figure = Figure(figsize=(width, height), dpi=HEATMAP_DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes(
        (left / width, bottom / height, (width - left - 0.1) / width, row_height * count / height)
    )
    for y, (_, row) in enumerate(rows):
        for x, cell in enumerate(_cells(row, columns)):
            if cell.shown:
                axes.add_patch(
                    Rectangle(
                        (x, y),
                        1,
                        1,
                        facecolor=_level_colour(cell.level),
                        edgecolor="white",
                        linewidth=1.5,
                    )
                )
                axes.text(x + 0.5, y + 0.5, _score(cell), ha="center", va="center", fontsize=9)
            else:
                axes.add_patch(
                    Rectangle(
                        (x, y),
                        1,
                        1,
                        facecolor=SUPPRESSED_COLOUR,
                        hatch="///",
                        edgecolor="#6b7280",
                        linewidth=0.0,
                    )
                )
                axes.text(
                    x + 0.5,
                    y + 0.5,
                    "Suppressed",
                    ha="center",
                    va="center",
                    fontsize=7,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
                )
    axes.set_xlim(0, columns)
    axes.set_ylim(count, 0)
    axes.set_xticks([x + 0.5 for x in range(columns)])
    axes.set_xticklabels([textwrap.fill(n, 14) for n in names], fontsize=7)
    axes.xaxis.tick_top()
    axes.set_yticks([y + 0.5 for y in range(count)])
    axes.set_yticklabels([textwrap.shorten(label, 34) for label, _ in rows], fontsize=8)
    axes.tick_params(length=0)
    for side in axes.spines.values():
        side.set_visible(False)
    legend = [
        Patch(facecolor=_level_colour(n + 1), label=name) for n, name in enumerate(level_names)
    ]
    legend.append(
        Patch(facecolor=SUPPRESSED_COLOUR, hatch="///", edgecolor="#6b7280", label="Suppressed")
    )
    figure.legend(handles=legend, loc="lower center", ncol=len(legend), fontsize=8, frameon=False)
    picture = io.BytesIO()
    figure.savefig(picture, format="png", dpi=HEATMAP_DPI)
    figure.clear()
    return picture.getvalue(), (width, height)


def _period_dates(view: CountyView) -> str:
    return next((p.dates for p in view.periods if p.id == view.period_id), "")


def _summary(pdf: FPDF, data: CountyReportData, title: str) -> None:
    county = data.county
    pdf.add_page()
    _heading(pdf, title, 0)
    dates = _period_dates(county)
    _paragraph(pdf, f"Assessment period: {county.period_name}" + (f" ({dates})." if dates else "."))
    _paragraph(pdf, f"Report made on {data.made_on}.")
    if data.area is not None:
        area = data.area.area
        _paragraph(
            pdf,
            f"{plain(area.name)}: {area.responses} responses. "
            f"Response rate: {area.response_rate_text}.",
        )
    _paragraph(pdf, f"County: {county.responses_text}. Response rate: {county.response_rate_text}.")
    _heading(pdf, "How to read this report", 1)
    levels = [lv.level_name for lv in county.conditions[0].levels] if county.conditions else []
    if levels:
        _paragraph(
            pdf,
            "Each score runs from 1 (weakest) to 5 (strongest). Its colour is its "
            "maturity level, lowest first: "
            + ", ".join(
                f"{name} ({shade})"
                for name, shade in zip(
                    levels, ("red", "orange", "yellow", "light green", "green"), strict=False
                )
            )
            + ".",
        )
    _paragraph(
        pdf,
        "Under each score: its maturity level; the difference from the county "
        "average with its 95% interval, for example “+0.32 (−0.05 to +0.69)”; and "
        "how many people it rests on (“don't know” answers are left out). An area is "
        "said to be above or below the county only when the whole interval is. "
        "“◆ low agreement” marks a score that people in the group disagree about; "
        "“as before” a score shown as it was shown earlier. This is not a ranking.",
    )
    _paragraph(
        pdf,
        f"Why some cells are suppressed: a score is shown only when at least "
        f"{county.threshold} people's answers are behind it, so that no one's answers "
        "can be picked out. “Suppressed: too few answers” means fewer people answered; "
        "“Suppressed: protects a smaller team” means showing it would let a smaller "
        "team's answers be worked out from the figures around it. Suppressed cells "
        "are hatched grey in the heatmap and named in words in the tables, never "
        "shown as a blank or a zero.",
    )
    shown = [c for c in county.conditions if c.county.shown]
    if data.area is None and shown:
        _heading(pdf, "The county's conditions", 1)
        _plain_table(
            pdf,
            ["Condition", "County score", "Maturity level", "95% interval", "Consistency (alpha)"],
            [
                [
                    c.name,
                    _score(c.county),
                    c.county.level_name,
                    c.county.interval_text,
                    c.alpha_text + (f": {c.consistency_warning}" if c.consistency_warning else ""),
                ]
                for c in shown
            ],
            (70, 28, 35, 35, 93),
        )


def _heatmap(pdf: FPDF, data: CountyReportData, rows: Sequence[tuple[str, HeatRow]]) -> None:
    county = data.county
    pdf.add_page()
    where = "teams of " + data.area.area_name if data.area else "areas"
    _heading(pdf, f"Heatmap: {where} by condition, {county.period_name}", 1)
    levels = [lv.level_name for lv in county.conditions[0].levels] if county.conditions else []
    picture, (figure_width, figure_height) = heatmap_png(county.condition_names, rows, levels)
    # As wide as the page, unless that makes it taller than the room left under the heading.
    room = pdf.eph + pdf.t_margin - pdf.get_y() - 2
    width = min(pdf.epw, room * figure_width / figure_height)
    pdf.image(
        io.BytesIO(picture),
        w=width,
        h=width * figure_height / figure_width,
        alt_text=f"Heatmap of {where} by condition; the figures are in the tables",
    )


def _area_rows(area: CountyAreaView) -> list[tuple[str, HeatRow]]:
    """The drill-down's rows as the page has them: the county, the whole area, its teams."""
    return [("County", area.county), ("Whole area", area.area), *[(t.name, t) for t in area.teams]]


def _change_rows(names: list[str], change: AreaChange) -> list[list[str]]:
    rows = []
    for name, cell in zip(names, change.cells, strict=True):
        if cell.compared:
            rows.append(
                [name, f"{cell.before:.2f}", f"{cell.after:.2f}", cell.change_text, cell.sentence]
            )
        else:
            rows.append([name, "", "", "", cell.sentence])
    return rows


def _area_page(pdf: FPDF, data: CountyReportData, index: int) -> None:
    area = data.areas[index]
    county = data.county
    pdf.add_page()
    _heading(pdf, f"{area.area_name}, {area.period_name}", 1)
    _paragraph(
        pdf, f"{area.area.responses} responses. Response rate: {area.area.response_rate_text}."
    )
    # The county's rate is the dashboard's: the drill-down's county row counts no staff.
    rows = [("County", county.response_rate_text, area.county)]
    rows += [(name, row.response_rate_text, row) for name, row in _area_rows(area)[1:]]
    _heat_table(pdf, area.condition_names, rows)
    change = next((c for c in county.changes if c.area_id == area.area_id), None)
    if change is None:
        _paragraph(pdf, "No earlier period to compare with.")
        return
    _heading(pdf, f"Change since {county.previous_period_name}", 2)
    if not any(cell.compared for cell in change.cells):
        sentences = {cell.sentence for cell in change.cells}
        reason = sentences.pop() if len(sentences) == 1 else "not shown in one of the periods"
        _paragraph(pdf, f"No condition can be compared: {reason[:1].lower()}{reason[1:]}.")
    else:
        _plain_table(
            pdf,
            ["Condition", "Before", "After", "Change (95% interval)", "In words"],
            _change_rows(area.condition_names, change),
            (70, 22, 22, 55, 92),
        )
    if change.actions_done:
        _plain_table(
            pdf,
            ["Action completed in between", "Team", "Done on", "Conditions"],
            [[a.title, a.team_name, a.done_on, a.conditions] for a in change.actions_done],
            (90, 55, 35, 81),
        )


def _gaps(pdf: FPDF, data: CountyReportData) -> None:
    pdf.add_page()
    _heading(pdf, "Top gaps and recommended bundles", 1)
    _paragraph(
        pdf,
        "Each group's lowest conditions against their target level, the largest gap "
        "first, with the bundles of interventions recommended for them. Only shown "
        "scores count: a suppressed score is never used.",
    )
    for group in data.gaps:
        _heading(pdf, group.group_name, 2)
        if not group.gaps:
            _paragraph(pdf, group.note)
        else:
            _plain_table(
                pdf,
                ["Condition", "Score", "Maturity level", "Target", "Gap"],
                [
                    [
                        g.condition_name,
                        f"{g.score:.2f}",
                        g.level_name,
                        g.target_text,
                        f"{g.gap:.2f}",
                    ]
                    for g in group.gaps
                ],
                (80, 25, 40, 80, 36),
            )
        if group.bundles:
            _plain_table(
                pdf,
                ["Recommended bundle", "Why"],
                [[b.name, b.headline] for b in group.bundles],
                (80, 181),
            )


def _plans(pdf: FPDF, data: CountyReportData) -> None:
    _heading(pdf, "Action plans", 1)
    if not data.sees_plans:
        _paragraph(pdf, "Action plans are left out: your role does not see them.")
        return
    if not any(sum(r.counts) for r in data.plan_statuses):
        _paragraph(pdf, "No actions are planned yet.")
        return
    _paragraph(pdf, "The number of actions in each area's plan, by status.")
    width = 171 / max(len(data.status_names), 1)
    rows = [[r.area_name, *[str(n) for n in r.counts]] for r in data.plan_statuses]
    totals = [sum(r.counts[i] for r in data.plan_statuses) for i in range(len(data.status_names))]
    if len(rows) > 1:
        rows.append(["All areas", *[str(n) for n in totals]])
    _plain_table(pdf, ["Area", *data.status_names], rows, (90, *[width] * len(data.status_names)))


def _themes(pdf: FPDF, data: CountyReportData) -> None:
    if not data.themes:
        return  # the report holds workshop themes only when there are some
    _heading(pdf, "Workshop themes by condition", 1)
    _paragraph(
        pdf,
        "Themes from the areas' Working Together for Change workshops, under the "
        "conditions of the culture model they were tagged with.",
    )
    _plain_table(
        pdf,
        ["Condition", "Theme", "Workshop", "Area"],
        [[t.condition_name, t.statement, t.workshop_title, t.area_name] for t in data.themes],
        (55, 110, 56, 40),
    )


def _plans_and_themes(pdf: FPDF, data: CountyReportData) -> None:
    _plans(pdf, data)
    _themes(pdf, data)


def report_title(data: CountyReportData) -> str:
    if data.area is not None:
        return plain(f"Area report: {data.area.area_name}, {data.county.period_name}")
    return plain(f"County report: {data.county.organisation_name}, {data.county.period_name}")


def county_report_pdf(data: CountyReportData, progress: Progress | None = None) -> bytes:
    """The report as PDF bytes; `progress(done, total)` after each part."""
    title = report_title(data)
    pdf = _new_pdf(title, plain(data.county.organisation_name))
    if data.area is not None:
        rows = _area_rows(data.area)
    else:
        county_row = HeatRow(
            0,
            "County",
            data.county.responses,
            None,
            data.county.response_rate_text,
            data.county.disclosed,
            cells=[c.county for c in data.county.conditions],
        )
        rows = [("County", county_row), *[(a.name, a) for a in data.county.areas]]
    steps: list[Callable[[], None]] = [
        partial(_summary, pdf, data, title),
        partial(_heatmap, pdf, data, rows),
        *[partial(_area_page, pdf, data, index) for index in range(len(data.areas))],
        partial(_gaps, pdf, data),
        partial(_plans_and_themes, pdf, data),
    ]
    total = len(steps) + 1  # and writing the file out
    for done, step in enumerate(steps, start=1):
        step()
        if progress is not None:
            progress(done, total)
    result = bytes(pdf.output())
    if progress is not None:
        progress(total, total)
    return result
