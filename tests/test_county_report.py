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
from culturetool.services.county import county_area_view, county_view
from culturetool.services.county_report import county_report
from culturetool.services.organisation import create_organisation
from culturetool.store.db import transaction
from culturetool.store.tables import WorkshopTheme
from culturetool.views.county import HeatCell

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
