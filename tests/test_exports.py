"""Exports: formula-safe CSV and Excel files that hold exactly what the pages show."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from people import admin, leader, manager_of
from respondents import open_link_round

from culturetool.domain.access import Forbidden
from culturetool.domain.errors import InputProblem
from culturetool.reports.exports import Table, to_csv, to_xlsx
from culturetool.services import exports
from culturetool.services.area_results import area_results_view
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.services.round_results import results_for_round
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import AssessmentRound
from culturetool.views.results import Hidden, hidden_words

DANGEROUS = ["=1+1", "+41 20 123", "-2+3", "@SUM(A1:A2)", "\t=cmd", "\r=cmd",
             "=HYPERLINK(\"http://evil.example\",\"click\")"]  # fmt: skip


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_text_that_could_run_as_a_formula_is_marked_as_text():
    table = Table("=title", ["=header"], [[text, -1.5, 3] for text in DANGEROUS])
    rows = read_csv(to_csv([table]))
    assert rows[0] == ["'=title"] and rows[1] == ["'=header"]
    for row, text in zip(rows[2:], DANGEROUS, strict=True):
        assert row == ["'" + text, "-1.5", "3"]  # numbers stay numbers, even negative ones


def test_excel_cells_are_text_never_formulas():
    table = Table("Teams", ["Name", "Score"], [[text, -1.5] for text in DANGEROUS])
    sheet = load_workbook(io.BytesIO(to_xlsx([table]))).active
    for row_number, text in enumerate(DANGEROUS, start=2):
        name, score = sheet.cell(row_number, 1), sheet.cell(row_number, 2)
        # Kept as typed (XML turns a carriage return into a line feed), and text, not a formula.
        assert name.data_type == "s" and name.value == text.replace("\r", "\n")
        assert score.data_type == "n" and score.value == -1.5
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_excel_sheet_titles_are_made_valid_and_unique():
    tables = [Table("a/b:c*d?[e]" + "x" * 40, ["h"]), Table("a/b:c*d?[e]" + "x" * 40, ["h"])]
    names = load_workbook(io.BytesIO(to_xlsx(tables))).sheetnames
    assert len(names) == 2 and len(set(names)) == 2 and all(len(n) <= 31 for n in names)


# ---- results exports obey the screen's rules ----------------------------------------------


def _add_round(team: int, people: int, model, answer: int = 4) -> int:
    opened = open_link_round(manager_of(team), team)
    with transaction() as session:
        round_ = session.get(AssessmentRound, opened.id)
        for _ in range(people):
            every = {item.id: answer for item in model.questionnaire.items}
            repo.insert_response(session, round_, every)
    return opened.id


def condition_score(answer: int) -> float:
    """Everyone gives the same answer: each condition has two statements and one reversed."""
    return (2 * answer + (6 - answer)) / 3


@pytest.fixture
def area_with_a_small_team(database, model):
    """Three teams: 9 and 6 people, and 2 people whose scores must stay hidden."""
    create_organisation("Export Council")
    boss = admin()
    area = add_area(boss, "=North")  # a hostile name travels into file names and cells
    big = add_team(boss, area, "Big team")
    middle = add_team(boss, area, "@Middle team")
    small = add_team(boss, area, "Small team")
    rounds = {
        "big": _add_round(big, 9, model, 4),
        "middle": _add_round(middle, 6, model, 2),
        "small": _add_round(small, 2, model, 1),
    }
    return area, rounds


def test_area_export_hides_what_the_page_hides(area_with_a_small_team):
    area, _ = area_with_a_small_team
    reader = leader()
    view = area_results_view(reader, area)
    download = exports.area_results_file(reader, area, "csv")
    assert download.filename == "area-results-north.csv"
    rows = read_csv(download.data)
    teams_at = rows.index(["Teams"])
    header, *team_rows = rows[teams_at + 1 :]
    assert header[:3] == ["Team", "Round", "Responses"]
    by_team = {row[0]: row for row in team_rows}
    assert set(by_team) == {"Big team", "'@Middle team", "Small team"}
    # The small team is hidden, and so is the smaller of the others (6 people), or the area's
    # score minus the big team's would give the small team's answers away.
    assert by_team["Small team"][3:] == ["Too few responses to show"] * 9 + [""]
    assert all("worked out" in cell for cell in by_team["'@Middle team"][3:12])
    assert by_team["Big team"][3:] == [str(round(condition_score(4), 2))] * 9 + [""]
    # The same on the screen, cell by cell.
    middle = next(t for t in view.teams if t.team_name == "@Middle team")
    assert not any(cell.shown for cell in middle.cells)
    # The middle and small teams' scores appear nowhere in the file.
    flat = [cell for row in rows for cell in row]
    assert str(round(condition_score(2), 2)) not in flat
    assert str(round(condition_score(1), 2)) not in flat
    # Area scores are shown: 17 people pooled.
    pooled = (9 * condition_score(4) + 6 * condition_score(2) + 2 * condition_score(1)) / 17
    area_rows = {row[1]: row for row in rows[2:teams_at] if row and row[0] == "Condition"}
    assert area_rows["Strategic clarity"][2] == str(round(pooled, 2))


def test_team_page_for_leaders_hides_the_protected_team_too(area_with_a_small_team):
    area, rounds = area_with_a_small_team
    as_leader = results_for_round(leader(), rounds["middle"])
    assert as_leader.disclosed and not any(row.shown for row in as_leader.conditions)
    assert all(row.hidden is Hidden.PROTECTED for row in as_leader.conditions)
    xlsx = exports.round_results_file(leader(), rounds["middle"], "xlsx")
    values = [c.value for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows()
              for c in row]  # fmt: skip
    assert round(condition_score(2), 2) not in values
    assert hidden_words(Hidden.PROTECTED) in values  # the file says why, in the page's words
    # The team's own manager sees no area figures, so nothing can be subtracted: scores shown.
    with transaction() as session:
        team_id = session.get(AssessmentRound, rounds["middle"]).team_id
    as_manager = results_for_round(manager_of(team_id), rounds["middle"])
    expected = round(condition_score(2), 2)
    assert all(row.shown and row.mean == expected for row in as_manager.conditions)


def test_exports_check_permissions_and_format(area_with_a_small_team):
    area, rounds = area_with_a_small_team
    with transaction() as session:
        big_team = session.get(AssessmentRound, rounds["big"]).team_id
    with pytest.raises(Forbidden):
        exports.area_results_file(manager_of(big_team), area, "xlsx")
    with pytest.raises(Forbidden):
        exports.round_results_file(manager_of(big_team), rounds["small"], "csv")
    with pytest.raises(InputProblem):
        exports.round_results_file(leader(), rounds["big"], "pdf")


def test_a_round_file_has_the_pages_words_targets_and_plain_names(area_with_a_small_team, model):
    _, rounds = area_with_a_small_team
    with transaction() as session:
        big_team = session.get(AssessmentRound, rounds["big"]).team_id
    rows = read_csv(exports.round_results_file(manager_of(big_team), rounds["big"], "csv").data)
    header, scores = rows[1], rows[2 : rows.index([])]  # the first table: the scores
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in scores}
    # Everyone answered 4: 3.33 in every condition, 0.07 short of the default target's band.
    clarity = by_name["Strategic clarity"]
    assert (clarity["Target"], clarity["Against the target"]) == (
        "Thriving: 3.4 and above",
        "0.07 below Thriving (3.4 and above)",
    )
    assert clarity["How sure"] == "9 people answered and people mostly agreed."
    scale = model.questionnaire.acceptance_scales[0]
    assert by_name[scale.plain_name]["Name in the research"] == scale.name
    assert ["In short"] in rows  # the sentences the page leads with
    # A round whose every score is hidden from this reader has no sentences about them.
    hidden = read_csv(exports.round_results_file(leader(), rounds["middle"], "csv").data)
    assert ["In short"] not in hidden
