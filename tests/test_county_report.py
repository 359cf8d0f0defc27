"""The county report (PDF), read back with pypdf: it prints the figures the dashboard shows for
the county and its areas, every suppressed cell as the page's words, the plans' statuses and the
workshop themes; and nothing the screen hides."""

from __future__ import annotations

import io
import re

import pytest
from county_world import EARLIER, LATER, build_county
from people import leader, manager_of
from pypdf import PdfReader
from workshop_rows import add_workshop

from culturetool.domain.access import Forbidden
from culturetool.domain.errors import InputProblem
from culturetool.domain.workshop.kinds import EntryKind
from culturetool.reports.county_exports import suppressed_words
from culturetool.reports.county_report import county_report_pdf
from culturetool.services.county import county_area_view, county_view
from culturetool.services.county_report import county_report
from culturetool.services.organisation import create_organisation
from culturetool.store.db import transaction
from culturetool.store.tables import WorkshopTheme
from culturetool.views.county import (
    ConditionColumn,
    CountyAreaView,
    CountyView,
    HeatCell,
    HeatRow,
    LevelCount,
    PeriodOption,
)
from culturetool.views.county_report import CountyReportData
from culturetool.views.results import Hidden

THEME = "We are not shown how the new sensors work"


@pytest.fixture
def county(database, model) -> dict[str, int]:
    create_organisation("Report County")
    ids = build_county(model)
    workshop = add_workshop(ids["Dash Northmoor"], "Northmoor listening day")
    with transaction() as session:
        session.add(
            WorkshopTheme(
                workshop_id=workshop,
                kind=EntryKind.NOT_WORKING_WELL.value,
                statement=THEME,
                condition_ids=model.conditions[1].id,
            )
        )
    return ids


def _text(data: bytes) -> str:
    """The PDF's text with each run of white space as one space (table cells wrap)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_county_report_prints_the_dashboard_figures(county):
    reader = leader()
    period = county[LATER]
    progress: list[tuple[int, int]] = []
    made = county_report(
        reader, period, progress=lambda done, total: progress.append((done, total))
    )
    assert made.filename == "county-report-dash-spring.pdf"
    assert made.mime_type == "application/pdf"
    text = _text(made.data)
    view = county_view(reader, period)

    assert f"County: {view.responses_text}" in text
    assert f"Response rate: {view.response_rate_text}" in text
    assert f"at least {view.threshold} people's answers" in text
    for area in view.areas:
        drill_down = county_area_view(reader, area.group_id, period)
        assert f"{area.name}, {view.period_name}" in text  # its own page
        assert f"{drill_down.area.responses} responses" in text
        for team in drill_down.teams:
            assert team.name in text
            assert team.response_rate_text in text
    shown = [c for area in view.areas for c in area.cells if c.shown]
    assert shown, "the county has shown area cells"
    for cell in shown[:6]:
        assert f"{cell.mean:.2f} {cell.level_name}" in text
        assert cell.difference_text in text

    # Dash Quietdale has too few answers: its cells are the page's words, and no score.
    quiet = next(a for a in view.areas if a.name == "Dash Quietdale")
    assert not quiet.disclosed and not any(c.shown for c in quiet.cells)
    assert suppressed_words(HeatCell(shown=False)) == "Suppressed: too few answers"
    assert "Dash Quietdale" in text and "Suppressed: too few answers" in text
    assert f"Change since {EARLIER}" in text
    assert "Dash tablet clinic" in text  # the action done in between

    assert "Top gaps and recommended bundles" in text
    assert "Action plans" in text and "Done" in text
    assert THEME in text and "Northmoor listening day" in text

    assert progress[-1][0] == progress[-1][1]
    assert [done for done, _ in progress] == list(range(1, progress[-1][1] + 1))


def test_a_figure_the_screen_hides_is_not_in_the_report(county):
    """Dash Moor Small and Dash Dale Tiny have too few answers: the area's page names them with
    their responses only; no people count below the threshold appears against any cell."""
    reader = leader()
    period = county[LATER]
    text = _text(county_report(reader, period, county["Dash Northmoor"]).data)
    view = county_area_view(reader, county["Dash Northmoor"], period)
    small = next(t for t in view.teams if t.name == "Dash Moor Small")
    assert not small.disclosed and not any(c.shown for c in small.cells)
    people = {int(n) for n in re.findall(r"(\d+) people\b", text)}
    assert people and min(people) >= view.threshold
    assert "Area report: Dash Northmoor" in text
    assert "Dash Eastfen" not in text  # one area's report holds that area only


def test_the_report_is_refused_to_a_team_manager(county):
    with pytest.raises(Forbidden):
        county_report(manager_of(county["Dash Moor Big"]), county[LATER])
    with pytest.raises(Forbidden):
        county_report(manager_of(county["Dash Moor Big"]), county[LATER], county["Dash Northmoor"])


def test_a_county_without_periods_is_told_there_is_nothing_to_report(database):
    create_organisation("Quiet County")
    with pytest.raises(InputProblem, match="no assessment period"):
        county_report(leader())


def _big_county(areas: int, teams: int) -> CountyReportData:
    """A county of `areas` areas of `teams` teams, every seventh cell suppressed."""
    names = [f"Condition {n}" for n in range(9)]

    def cell(n: int) -> HeatCell:
        if n % 7 == 0:
            return HeatCell(shown=False, hidden=Hidden.PROTECTED)
        return HeatCell(shown=True, mean=2.5 + n % 5 * 0.3, level=1 + n % 5,
                        level_name="Established", people=12,
                        difference_text="+0.02 (−0.52 to +0.56)")  # fmt: skip

    def row(name: str, n: int) -> HeatRow:
        return HeatRow(n, name, 20, 30, "20 of 30 staff (67%)", True,
                       cells=[cell(n + c) for c in range(9)])  # fmt: skip

    levels = [LevelCount(n, f"Level {n}", 3) for n in range(1, 6)]
    county = CountyView(
        organisation_name="Big County", threshold=5, periods=[PeriodOption(1, "Spring", "")],
        period_id=1, period_name="Spring", responses=12000, responses_text="12,000 responses",
        response_rate_text="12,000 of 15,000 staff (80%)", disclosed=True, condition_names=names,
        conditions=[ConditionColumn(f"c{n}", name, cell(1), levels=levels)
                    for n, name in enumerate(names)],
        areas=[row(f"Area {a}", a) for a in range(areas)],
    )  # fmt: skip
    views = [
        CountyAreaView(a, f"Area {a}", 1, "Spring", 5, names, row(f"Area {a}", a), row("County", 1),
                       [row(f"Team {a}-{t}", t) for t in range(teams)])
        for a in range(areas)
    ]  # fmt: skip
    return CountyReportData(county=county, made_on="2 December 2026", areas=views)


def test_a_large_county_report_repeats_its_headings():
    """12 areas of 50 teams (the benchmark's county, whose PDF time bench/county.py prints): an
    area's table runs over pages with its heading row on each."""
    data = _big_county(12, 50)
    made = county_report_pdf(data)
    reader = PdfReader(io.BytesIO(made))
    team_pages = [p.extract_text() for p in reader.pages if "Team 0-" in p.extract_text()]
    assert len(team_pages) > 1
    assert all("Group" in page and "Condition 8" in page for page in team_pages)
    assert "Suppressed: protects a smaller team" in " ".join(team_pages[0].split())
