"""The county dashboard's and the drill-down's files: read back, they hold the view's figures in
the page's order, and every suppressed cell as the page's words, never a blank or a zero."""

from __future__ import annotations

import csv
import io

import pytest
from county_world import COUNTY, LATER, build_county
from openpyxl import load_workbook
from people import leader, manager_of

from culturetool.domain.access import Forbidden
from culturetool.reports.county_exports import (
    SCORE_HEADERS,
    county_area_tables,
    county_tables,
    suppressed_words,
)
from culturetool.reports.exports import to_csv, to_xlsx
from culturetool.services import accounts, exports
from culturetool.services.county import county_area_view, county_view
from culturetool.services.demo import load_demo
from culturetool.services.organisation import create_organisation
from culturetool.views.county import (
    AreaChange,
    ChangeCell,
    ConditionColumn,
    CountyAreaView,
    CountyView,
    HeatCell,
    HeatRow,
    LevelCount,
    PeriodOption,
)
from culturetool.views.results import DoneAction, Hidden

NAMES = ["Strategic clarity", "Evidence of impact"]
SCORE = SCORE_HEADERS.index("Score (1 to 5)")


def _shown(mean: float, people: int, difference: str = "", differs: int = 0) -> HeatCell:
    return HeatCell(
        shown=True, mean=mean, level=3, level_name="Developing", people=people,
        interval_text="2.9 to 3.5", difference_text=difference, differs=differs,
        agreement=0.6, agreement_low=True, agreement_text="people disagree a lot",
    )  # fmt: skip


def _row(group_id: int, name: str, responses: int, cells: list[HeatCell]) -> HeatRow:
    return HeatRow(group_id, name, responses, 20, f"{responses} of 20 staff", responses >= 5,
                   cells=cells)  # fmt: skip


def _county_view() -> CountyView:
    levels = [LevelCount(1, "Starting", 2), LevelCount(2, "Developing", 5)]
    conditions = [
        ConditionColumn("strategic_clarity", NAMES[0], _shown(3.21, 40), None, "0.82", "", levels),
        ConditionColumn("evidence", NAMES[1], _shown(2.75, 38), None, "0.61", "Read with care.",
                        levels, teams_hidden=1),
    ]  # fmt: skip
    areas = [
        _row(1, "Northfield", 22, [_shown(3.5, 22, "+0.29 (+0.05 to +0.53)", 1),
                                   HeatCell(shown=False, hidden=Hidden.PROTECTED)]),
        _row(2, "Southvale", 3, []),  # too few for any figure: no cells at all
        _row(3, "Eastbrook", 18, [_shown(2.9, 18, "−0.31 (−0.70 to +0.08)"),
                                  _shown(2.6, 17, "−0.15 (−0.5 to +0.2)")]),
    ]  # fmt: skip
    changes = [
        AreaChange(1, "Northfield", [
            ChangeCell(True, 3.1, 3.5, 0.4, "+0.40 (+0.10 to +0.70)", 1),
            ChangeCell(False, sentence="Not compared: hidden in one of the periods."),
        ], [DoneAction(7, "Monthly tech drop-in", "Northfield Team", "12 January 2027",
                       "Strategic clarity")]),
    ]  # fmt: skip
    return CountyView(
        organisation_name="Shire", threshold=5,
        periods=[PeriodOption(2, "Spring 2027", "1 March to 31 May 2027")], period_id=2,
        period_name="Spring 2027", responses=43, responses_text="43 responses from 4 teams",
        response_rate_text="43 of 60 staff (72%)", disclosed=True, condition_names=NAMES,
        conditions=conditions, areas=areas, previous_period_name="Autumn 2026",
        changes=changes, any_hidden=True,
    )  # fmt: skip


def _csv_tables(data: bytes) -> list[list[list[str]]]:
    """The CSV's tables: each a title row, a header row and its rows, a blank row between."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    # "+0.29 (...)" is written "'+0.29 (...)" so that no spreadsheet runs it as a formula.
    rows = [[cell.removeprefix("'") for cell in row] for row in rows]
    tables, current = [], []
    for row in rows:
        if not row:
            tables.append(current)
            current = []
        else:
            current.append(row)
    return [*tables, current]


def test_the_county_file_holds_the_page_figures_in_the_page_order():
    view = _county_view()
    tables = county_tables(view)
    scores = _csv_tables(to_csv(tables))[0]
    assert scores[0] == ["Scores in Spring 2027"] and scores[1] == SCORE_HEADERS
    groups = [row[0] for row in scores[2::2]]
    assert groups == ["County", "Northfield", "Southvale", "Eastbrook"]  # as on the page, no rank
    by_cell = {(row[0], row[1]): row for row in scores[2:]}
    assert by_cell[("County", NAMES[0])][SCORE] == "3.21"
    assert by_cell[("Northfield", NAMES[0])][2:7] == [
        "3.5", "Developing", "+0.29 (+0.05 to +0.53)", "above", "22"]  # fmt: skip
    assert by_cell[("Eastbrook", NAMES[0])][5] == "no clear difference"
    # Suppressed cells say what the page says, for a protected cell and a row with no cells.
    assert by_cell[("Northfield", NAMES[1])][SCORE] == "Suppressed: protects a smaller team"
    assert by_cell[("Southvale", NAMES[0])][SCORE] == "Suppressed: too few answers"
    assert by_cell[("Southvale", NAMES[1])][SCORE] == "Suppressed: too few answers"
    assert "low agreement" in by_cell[("Eastbrook", NAMES[1])][8]


def test_the_county_file_has_rates_conditions_and_change_with_actions():
    view = _county_view()
    rates, conditions, changes, actions = _csv_tables(to_csv(county_tables(view)))[1:]
    assert rates[2] == ["County", "43", "", "43 of 60 staff (72%)"]
    assert [row[0] for row in rates[3:]] == ["Northfield", "Southvale", "Eastbrook"]
    assert conditions[1][-3:] == ["Teams at Starting", "Teams at Developing",
                                  "Teams not counted (suppressed)"]  # fmt: skip
    assert conditions[3][0] == NAMES[1] and conditions[3][4:] == ["0.61", "Read with care.",
                                                                 "2", "5", "1"]  # fmt: skip
    assert changes[0] == ["Change from Autumn 2026 to Spring 2027"]
    assert changes[2] == ["Northfield", NAMES[0], "+0.40 (+0.10 to +0.70)", "3.1", "3.5", "up"]
    assert changes[3][2] == "Not compared: hidden in one of the periods."
    assert actions[2] == ["Northfield", "Monthly tech drop-in", "Northfield Team",
                          "12 January 2027", "Strategic clarity"]  # fmt: skip


def test_the_excel_file_holds_the_same_as_the_csv():
    view = _county_view()
    workbook = load_workbook(io.BytesIO(to_xlsx(county_tables(view))))
    assert workbook.sheetnames[:3] == ["Scores in Spring 2027", "Response rates", "Conditions"]
    sheet = workbook["Scores in Spring 2027"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    by_cell = {(row[0], row[1]): row for row in rows}
    assert by_cell[("Northfield", NAMES[0])][SCORE] == 3.5
    assert by_cell[("Southvale", NAMES[1])][SCORE] == "Suppressed: too few answers"
    shown_means = [row[SCORE] for row in rows if isinstance(row[SCORE], float)]
    assert 0 not in shown_means and None not in [row[SCORE] for row in rows]


def test_a_selection_is_the_row_under_the_county():
    view = _county_view()
    view.selection = _row(0, "Selected areas (2)", 25, [_shown(3.3, 25, "+0.09 (−0.2 to +0.4)"),
                                            _shown(2.8, 24, "+0.05 (−0.3 to +0.4)")])  # fmt: skip
    view.selected_area_ids = [1, 3]
    scores = _csv_tables(to_csv(county_tables(view)))[0]
    assert [row[0] for row in scores[2::2]][:2] == ["County", "Selected areas (2)"]


def test_a_county_without_scores_says_why_and_holds_no_figure():
    view = _county_view()
    view.disclosed, view.areas, view.conditions = False, [], []
    (only,) = _csv_tables(to_csv(county_tables(view)))
    assert "scores appear once 5 people have answered" in only[2][0]


def test_the_drill_down_file_holds_county_area_and_teams():
    view = CountyAreaView(
        area_id=1, area_name="Northfield", period_id=2, period_name="Spring 2027", threshold=5,
        condition_names=NAMES,
        area=_row(1, "Northfield", 22, [_shown(3.5, 22, "+0.29 (+0.05 to +0.53)", 1),
                                        _shown(3.0, 21, "+0.25 (−0.1 to +0.6)")]),
        county=_row(0, "County", 43, [_shown(3.21, 40), _shown(2.75, 38)]),
        teams=[_row(11, "Team One", 19, [_shown(3.6, 19, "+0.39 (+0.1 to +0.7)", 1),
                                         _shown(3.1, 18, "+0.35 (0.0 to +0.7)")]),
               _row(12, "Team Two", 3, [HeatCell(shown=False, hidden=Hidden.TOO_FEW)] * 2)],
    )  # fmt: skip
    scores, rates = _csv_tables(to_csv(county_area_tables(view)))
    assert [row[0] for row in scores[2::2]] == ["County", "Whole area", "Team One", "Team Two"]
    by_cell = {(row[0], row[1]): row for row in scores[2:]}
    assert by_cell[("Team One", NAMES[0])][SCORE] == "3.6"
    assert by_cell[("Team Two", NAMES[1])][SCORE] == suppressed_words(view.teams[1].cells[1])
    assert rates[5] == ["Team Two", "3", "20", "3 of 20 staff"]


# ---- the files of a county built through the services --------------------------------------


@pytest.fixture
def two_periods(database, model) -> dict[str, int]:
    create_organisation("Export County")
    return build_county(model)


def _expected(group: str, names: list[str], cells: list[HeatCell]) -> dict[tuple, object]:
    """What the file must say in the score column for each of a group's conditions."""
    cells = cells or [HeatCell(shown=False)] * len(names)
    return {
        (group, name): cell.mean if cell.shown else suppressed_words(cell)
        for name, cell in zip(names, cells, strict=True)
    }


def test_the_county_files_hold_what_the_dashboard_shows(two_periods):
    reader = leader()
    period = two_periods[LATER]
    view = county_view(reader, period)
    expected = _expected("County", view.condition_names, [c.county for c in view.conditions])
    for area in view.areas:
        expected |= _expected(area.name, view.condition_names, area.cells)
    assert any(isinstance(v, str) for v in expected.values()), "the county has a hidden cell"

    csv_file = exports.county_file(reader, period, "name", [], "csv")
    assert csv_file.filename == "county-dash-spring.csv"
    scores = _csv_tables(csv_file.data)[0]
    in_csv = {(row[0], row[1]): row[SCORE] for row in scores[2:]}
    assert in_csv == {key: str(value) for key, value in expected.items()}

    xlsx_file = exports.county_file(reader, period, "name", [], "xlsx")
    sheet = load_workbook(io.BytesIO(xlsx_file.data)).worksheets[0]
    in_xlsx = {(r[0], r[1]): r[SCORE] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert in_xlsx == expected


def test_the_drill_down_files_hold_what_the_drill_down_shows(two_periods):
    reader = leader()
    area, period = two_periods["Dash Northmoor"], two_periods[LATER]
    view = county_area_view(reader, area, period)
    expected = _expected("County", view.condition_names, view.county.cells)
    expected |= _expected("Whole area", view.condition_names, view.area.cells)
    for team in view.teams:
        expected |= _expected(team.name, view.condition_names, team.cells)
    scores, rates = _csv_tables(exports.county_area_file(reader, area, period, "csv").data)
    assert {(row[0], row[1]): row[SCORE] for row in scores[2:]} == {
        key: str(value) for key, value in expected.items()
    }
    assert {row[0] for row in rates[2:]} == {"County", "Whole area", *COUNTY["Dash Northmoor"]}


def test_the_drill_down_orders_its_teams_by_a_condition_and_its_file_keeps_that_order(
    two_periods,
):
    reader = leader()
    area, period = two_periods["Dash Northmoor"], two_periods[LATER]
    by_name = county_area_view(reader, area, period)
    condition = by_name.order_choices[0]
    assert [c.name for c in by_name.order_choices] == by_name.condition_names
    ordered = county_area_view(reader, area, period, condition.id)
    assert ordered.order_by == condition.id
    # Shown scores lowest first, then the teams whose score is hidden, by name.
    shown = [t for t in ordered.teams if t.cells[0].shown]
    hidden = [t for t in ordered.teams if not t.cells[0].shown]
    assert ordered.teams == shown + hidden and shown
    assert [t.cells[0].mean for t in shown] == sorted(t.cells[0].mean for t in shown)
    assert [t.name for t in hidden] == sorted((t.name for t in hidden), key=str.casefold)
    assert sorted(t.name for t in ordered.teams) == sorted(t.name for t in by_name.teams)
    scores, _ = _csv_tables(
        exports.county_area_file(reader, area, period, "csv", condition.id).data
    )
    in_file = list(dict.fromkeys(row[0] for row in scores[2:]))
    assert in_file == ["County", "Whole area", *(t.name for t in ordered.teams)]


def test_a_team_manager_gets_no_county_file(two_periods):
    manager = manager_of(two_periods["Dash Moor Big"])
    with pytest.raises(Forbidden):
        exports.county_file(manager, two_periods[LATER], "name", [], "csv")
    with pytest.raises(Forbidden):
        exports.county_area_file(manager, two_periods["Dash Northmoor"], None, "xlsx")


def test_the_demo_county_file_has_every_area_a_suppressed_team_and_change(database):
    """The demo county (two periods): the dashboard's file holds its four areas and the change
    since the autumn, and East Vale's drill-down names its small team as suppressed."""
    assert load_demo()
    reader = accounts.actor_for_session(
        accounts.sign_in("leader@shirebrook.example", "demo-leader-pass").token
    )
    view = county_view(reader)
    assert view.period_name == "Spring 2027" and view.previous_period_name == "Autumn 2026"
    tables = _csv_tables(exports.county_file(reader, None, "name", [], "csv").data)
    groups = {row[0] for row in tables[0][2:]}
    assert groups == {"County", *(area.name for area in view.areas)} and len(groups) == 5
    assert tables[3][0] == ["Change from Autumn 2026 to Spring 2027"]
    assert {row[0] for row in tables[3][2:]} == {area.name for area in view.areas}
    east_vale = next(area for area in view.areas if area.name == "East Vale")
    drill_down = _csv_tables(exports.county_area_file(reader, east_vale.group_id, None, "csv").data)
    small = [row for row in drill_down[0][2:] if row[0] == "Sensory Impairment Team"]
    assert small and all(row[SCORE] == "Suppressed: too few answers" for row in small)
