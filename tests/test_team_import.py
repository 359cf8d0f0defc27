"""Importing areas and teams from a CSV file: the file's checks, then the import on real SQLite.

Row numbers in messages are the ones a spreadsheet shows (the header is row 1). A file with any
problem imports nothing; a good one is saved whole, with one audit event; importing it again
adds nothing.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest
import reflex as rx
import sqlalchemy as sa
from awaiting import run_to_end
from people import PASSWORD, make_person
from sessions import router_for
from starlette.datastructures import Headers

from culturetool.domain.access import Forbidden, Role
from culturetool.domain.errors import InputProblem
from culturetool.domain.limits import NAME_LENGTH
from culturetool.domain.team_import import (
    MAX_BYTES,
    MAX_LISTED_PROBLEMS,
    MAX_ROWS,
    FileProblems,
    TeamFile,
    TeamRow,
    read_team_file,
    refused_by_browser,
)
from culturetool.services import accounts, team_import
from culturetool.services.organisation import (
    add_area,
    add_team,
    create_organisation,
    organisation_overview,
)
from culturetool.store import db
from culturetool.store import repository as repo
from culturetool.store.tables import AuditEvent, Base, UserAccount
from culturetool.ui.pages.team_import import ImportState

GOOD = "area,team\nNorth,Alpha\nNorth,Beta\nSouth,Gamma\n"


def csv_file(text: str, name: str = "teams.csv", content_type: str = "text/csv") -> TeamFile:
    return TeamFile(name=name, content_type=content_type, content=text.encode("utf-8"))


def problems_of(file: TeamFile) -> list[str]:
    with pytest.raises(FileProblems) as refused:
        read_team_file(file, NAME_LENGTH)
    return refused.value.problems


def fingerprint() -> dict[str, list]:
    with db.transaction() as session:
        return {
            table.name: sorted(map(repr, session.execute(sa.select(table)).all()))
            for table in Base.metadata.sorted_tables
        }


# ---- reading the file (pure) ----------------------------------------------------------------


def test_a_good_file_gives_its_teams_with_spreadsheet_row_numbers():
    assert read_team_file(csv_file(GOOD), NAME_LENGTH) == [
        TeamRow(2, "North", "Alpha"),
        TeamRow(3, "North", "Beta"),
        TeamRow(4, "South", "Gamma"),
    ]


def test_excel_byte_order_mark_windows_line_ends_and_spaces_are_fine():
    text = (
        "\ufeff Area , TEAM \r\n  North  ,  Hospital   Discharge Team \r\n,\r\n\r\nSouth,Beta,,\r\n"
    )
    rows = read_team_file(csv_file(text, content_type="application/vnd.ms-excel"), NAME_LENGTH)
    # Blank rows are skipped but still counted, as the spreadsheet numbers them.
    assert rows == [TeamRow(2, "North", "Hospital Discharge Team"), TeamRow(5, "South", "Beta")]


def test_columns_may_come_in_either_order():
    rows = read_team_file(csv_file("team,area\nAlpha,North\n"), NAME_LENGTH)
    assert rows == [TeamRow(2, "North", "Alpha")]


def test_quoted_cells_with_commas_are_one_name():
    rows = read_team_file(csv_file('area,team\nNorth,"Reablement, East"\n'), NAME_LENGTH)
    assert rows == [TeamRow(2, "North", "Reablement, East")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("area,manager\nNorth,Ann\n", "Row 1 has no team column"),
        ("area\nNorth\n", "Row 1 has no team column"),
        ("North,Alpha\nSouth,Beta\n", "Row 1 must be the header"),
        ("area,team,manager\nNorth,Alpha,Ann\n", "“manager”"),
        ("area,team,area\nNorth,Alpha,North\n", "two area columns"),
        ("area;team\nNorth;Alpha\n", "semicolons"),
        ("", "The file is empty"),
        ("area,team\n", "no teams in it"),
        ("area,team\n,\n\n", "no teams in it"),
    ],
)
def test_a_wrong_header_or_an_empty_file_says_what_to_fix(text, expected):
    problems = problems_of(csv_file(text))
    assert any(expected in problem for problem in problems), problems


def test_every_row_problem_is_reported_together_with_its_row_number():
    text = (
        "area,team\n"
        "North,Alpha\n"  # row 2: fine
        "North,\n"  # row 3: no team
        ",Beta\n"  # row 4: no area
        f"North,{'x' * (NAME_LENGTH + 1)}\n"  # row 5: too long
        "north, ALPHA \n"  # row 6: row 2 again, in other capitals
        "South,Gamma,extra\n"  # row 7: a third cell
        "South,bell\x07\n"  # row 8: a control character
        "South,right-to-left \u202e override\n"  # row 9: a direction override
        'South,"two\nlines"\n'  # row 10 (a cell over two lines)
    )
    problems = problems_of(csv_file(text))
    assert problems == [
        "Row 3: the team is empty; fill it in or delete the row.",
        "Row 4: the area is empty; fill it in or delete the row.",
        f"Row 5: the team name is {NAME_LENGTH + 1} characters long; please keep it to "
        f"{NAME_LENGTH}.",
        "Row 6 repeats the team “ALPHA” in “north” from row 2; remove one of them.",
        "Row 7 has more cells than the two columns area and team; remove the extra ones.",
        "Row 8: the team name contains characters that cannot be shown; please retype it.",
        "Row 9: the team name contains characters that cannot be shown; please retype it.",
        "Row 10: the team name runs over more than one line; put it on one line and check for "
        "a stray quotation mark.",
    ]


def test_names_at_the_length_limit_are_accepted():
    name = "n" * NAME_LENGTH
    assert read_team_file(csv_file(f"area,team\n{name},{name}\n"), NAME_LENGTH)[0].team == name


def test_an_unpaired_quotation_mark_is_caught_not_swallowed():
    problems = problems_of(csv_file('area,team\nNorth,"Alpha\nNorth,Beta\n'))
    assert problems[0].startswith("Row 2: the team name runs over more than one line")


def test_a_cell_too_long_for_csv_is_a_problem_not_a_crash():
    problems = problems_of(csv_file("area,team\nNorth," + "x" * 150_000 + "\n"))
    assert problems[0].startswith("Row 2 cannot be read as CSV")


def test_a_long_list_of_problems_is_cut_short_and_counted():
    text = "area,team\n" + "North,\n" * (MAX_LISTED_PROBLEMS + 30)
    problems = problems_of(csv_file(text))
    assert len(problems) == MAX_LISTED_PROBLEMS + 1
    assert problems[-1] == "And 30 more problems like these."


def test_more_rows_than_the_limit_are_refused():
    text = "area,team\n" + "".join(f"North,Team {n}\n" for n in range(MAX_ROWS + 1))
    problems = problems_of(csv_file(text))
    assert problems == [
        f"The file has {MAX_ROWS + 1} rows of teams; one import can take {MAX_ROWS} at most. "
        "Split it into smaller files."
    ]
    assert len(read_team_file(csv_file(text.rsplit("North", 1)[0]), NAME_LENGTH)) == MAX_ROWS


def test_a_file_over_the_size_limit_is_refused_saying_the_limit():
    text = "area,team\n" + "North,Team\n" * (MAX_BYTES // 10)
    assert problems_of(csv_file(text)) == [
        "The file is too large: one import can take 200 KB at most. Split it into smaller files."
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("area,team\nCafé,Équipe\n".encode("latin-1"), "not saved as UTF-8"),
        ("area,team\nNorth,Alpha\n".encode("utf-16"), "UTF-16"),
        (codecs.BOM_UTF16_BE + "area,team\n".encode("utf-16-be"), "UTF-16"),
        ("area,team\nNorth,Alpha\n".encode("utf-16-le"), "binary data"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "binary data"),
        (b"area,team\nNorth,Al\x00pha\n", "binary data"),
        ("area,team\nlone \ud800 surrogate,x\n".encode("utf-8", "surrogatepass"), "UTF-8"),
    ],
)
def test_text_that_is_not_utf8_or_not_text_at_all_says_save_as_csv_utf8(content, expected):
    problems = problems_of(TeamFile("teams.csv", "text/csv", content))
    assert expected in problems[0]
    assert problems[-1].startswith("In Excel, choose File › Save As")
    assert "CSV UTF-8" in problems[-1]


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("teams.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "“teams.xlsx” is not a CSV file."),
        ("teams", "", "“teams” is not a CSV file."),
        ("teams.csv", "application/pdf", "another kind of file (application/pdf)"),
        ("teams.csv", "image/png", "another kind of file (image/png)"),
        ("evil\u202egpj.csv", "text/html", "“evilgpj.csv” is named .csv"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_csv_is_refused_by_name_and_type(name, content_type, expected):
    problems = problems_of(TeamFile(name, content_type, GOOD.encode()))
    assert expected in problems[0]


@pytest.mark.parametrize("content_type", ["text/csv; charset=utf-8", "", "TEXT/CSV", "text/plain"])
def test_the_usual_csv_content_types_are_accepted(content_type):
    assert len(read_team_file(csv_file(GOOD, "Teams.CSV", content_type), NAME_LENGTH)) == 3


def test_problems_with_the_whole_file_are_reported_together():
    problems = problems_of(TeamFile("teams.txt", "text/plain", "é".encode("latin-1")))
    assert problems[0] == "“teams.txt” is not a CSV file."
    assert "not saved as UTF-8" in problems[1]


def test_files_the_browser_refused_are_explained_in_the_same_words():
    assert refused_by_browser("teams.xlsx", ["file-invalid-type"])[0] == (
        "“teams.xlsx” is not a CSV file."
    )
    assert "200 KB" in refused_by_browser("big.csv", ["file-too-large"])[0]
    assert refused_by_browser("a.csv", ["too-many-files"]) == ["Choose one CSV file at a time."]
    assert refused_by_browser("a.csv", ["something-new"]) == [
        "“a.csv” could not be sent; choose a CSV file."
    ]


# ---- preview and import on a real database --------------------------------------------------


@pytest.fixture
def admin(database):
    create_organisation("Import Council")
    return make_person(Role.ADMINISTRATOR)


def areas_and_teams(actor) -> dict[str, list[str]]:
    return {
        area.name: [team.name for team in area.teams] for area in organisation_overview(actor).areas
    }


def audit_details() -> list[tuple[str, str]]:
    with db.transaction() as session:
        return list(session.execute(sa.select(AuditEvent.action, AuditEvent.detail)).tuples())


def test_the_preview_counts_what_would_be_added_and_saves_nothing(admin):
    area = add_area(admin, "North")
    add_team(admin, area, "Alpha")
    before = fingerprint()
    plan = team_import.preview_import(admin, csv_file(GOOD))
    assert (plan.new_areas, plan.new_teams, plan.already_there) == (1, 2, 1)
    assert plan.summary == "1 new area, 2 new teams, 1 already there"
    assert [(line.row, line.area, line.team, line.outcome) for line in plan.lines] == [
        (2, "North", "Alpha", "Already there, skipped"),
        (3, "North", "Beta", "New team"),
        (4, "South", "Gamma", "New team in a new area"),
    ]
    assert fingerprint() == before


def test_the_import_saves_everything_with_one_audit_event(admin):
    plan = team_import.import_areas_and_teams(admin, csv_file(GOOD))
    assert (plan.new_areas, plan.new_teams, plan.already_there) == (2, 3, 0)
    assert areas_and_teams(admin) == {"North": ["Alpha", "Beta"], "South": ["Gamma"]}
    assert audit_details() == [
        ("areas and teams imported", "teams.csv: 2 new areas, 3 new teams, 0 already there")
    ]


def test_importing_the_same_file_again_adds_nothing(admin):
    team_import.import_areas_and_teams(admin, csv_file(GOOD))
    before = fingerprint()
    again = team_import.import_areas_and_teams(admin, csv_file(GOOD.upper()))
    assert (again.new_areas, again.new_teams, again.already_there) == (0, 0, 3)
    assert fingerprint() == before  # no team, no area, no audit event


def test_existing_areas_are_reused_whatever_the_capitals(admin):
    add_area(admin, "North Shirebrook")
    team_import.import_areas_and_teams(admin, csv_file("area,team\nnorth SHIREBROOK,Alpha\n"))
    assert areas_and_teams(admin) == {"North Shirebrook": ["Alpha"]}


def test_a_bad_row_at_the_end_of_a_long_file_saves_nothing(admin):
    add_area(admin, "North")
    before = fingerprint()
    text = "area,team\n" + "".join(f"Area {n % 40},Team {n}\n" for n in range(1500)) + "North,\n"
    with pytest.raises(FileProblems) as refused:
        team_import.import_areas_and_teams(admin, csv_file(text))
    assert refused.value.problems == ["Row 1502: the team is empty; fill it in or delete the row."]
    assert fingerprint() == before


def test_a_failure_while_saving_leaves_nothing_half_written(admin, monkeypatch):
    before = fingerprint()

    def audit_fails(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(repo, "record", audit_fails)  # after every area and team is added
    with pytest.raises(RuntimeError):
        team_import.import_areas_and_teams(admin, csv_file(GOOD))
    assert fingerprint() == before


def test_someone_adding_the_same_team_at_the_same_moment_imports_nothing(admin, monkeypatch):
    """The other person's team appears between our check and our insert."""
    north = add_area(admin, "North")
    before = fingerprint()
    real_plan = team_import._plan

    def plan_then_someone_else_adds(session, actor, file, rows):
        plan = real_plan(session, actor, file, rows)
        with db.transaction() as other:
            other.execute(
                sa.text("insert into team (area_id, name) values (:a, 'Beta')"), {"a": north}
            )
        return plan

    monkeypatch.setattr(team_import, "_plan", plan_then_someone_else_adds)
    with pytest.raises(InputProblem, match="Someone else added areas or teams"):
        team_import.import_areas_and_teams(admin, csv_file("area,team\nNorth,Alpha\nNorth,Beta\n"))
    after = fingerprint()
    assert after["team"] != before["team"]  # the other person's team is there ...
    assert len(after["team"]) == 1  # ... and none of ours
    assert after["audit_event"] == before["audit_event"]


@pytest.mark.parametrize("role", [Role.LEADER, Role.INNOVATION, Role.MANAGER, Role.FACILITATOR])
def test_only_administrators_may_import(admin, role):
    person = make_person(role)
    before = fingerprint()
    for attempt in (
        lambda: team_import.import_guide(person),
        lambda: team_import.preview_import(person, csv_file(GOOD)),
        lambda: team_import.import_areas_and_teams(person, csv_file(GOOD)),
        lambda: team_import.explain_refused_file(person, "a.csv", ["file-too-large"]),
    ):
        with pytest.raises(Forbidden):
            attempt()
    assert fingerprint() == before


def test_the_guide_gives_the_limits_and_a_template_that_imports(admin):
    guide = team_import.import_guide(admin)
    assert (guide.max_size, guide.max_rows) == ("200 KB", MAX_ROWS)
    assert guide.example[0] == ["North Shirebrook", "Hospital Discharge Team"]
    plan = team_import.preview_import(admin, csv_file(guide.template, "areas-and-teams.csv"))
    assert plan.new_teams == len(guide.example)


# ---- the page's handlers: the checked file stays on the server ------------------------------


def uploaded(text: str, name: str = "teams.csv", content_type: str = "text/csv"):
    """A file as Reflex hands it to an upload handler."""
    return rx.UploadFile(
        file=io.BytesIO(text.encode("utf-8")),
        path=Path(name),
        headers=Headers({"content-type": content_type}),
    )


@pytest.fixture
def page(admin):
    """The import page's state, as a signed-in administrator's browser would have it."""
    person = make_person(Role.ADMINISTRATOR, password=PASSWORD)
    with db.transaction() as session:
        email = session.get(UserAccount, person.user_id).email
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(ImportState.get_full_name().split(".")[1:])
    root.router = router_for(accounts.sign_in(email, PASSWORD).token)
    return state


def test_the_checked_file_is_kept_on_the_server_and_checked_again_on_import(page):
    run_to_end(ImportState.check_file.fn(page, [uploaded(GOOD)]))
    assert page._file.content == GOOD.encode()
    assert "_file" not in ImportState.base_vars  # a backend-only var: never sent to the browser
    assert "area,team" not in repr(page.dict())  # what the browser gets: no file content
    assert page.summary == "2 new areas, 3 new teams, 0 already there"
    assert page.problems == []
    ImportState.import_file.fn(page)
    assert (
        page.confirmation == "Imported from teams.csv: 2 new areas, 3 new teams, 0 already there."
    )
    assert page.lines == []
    ImportState.import_file.fn(page)  # pressed twice: the file was used up
    assert page.problems == ["Choose the file to import first."]


def test_a_bad_upload_shows_its_problems_and_keeps_nothing(page):
    run_to_end(ImportState.check_file.fn(page, [uploaded("area,team\nNorth,\n")]))
    assert page.problems == ["Row 2: the team is empty; fill it in or delete the row."]
    assert page.lines == []
    ImportState.import_file.fn(page)
    assert page.problems == ["Choose the file to import first."]


def test_an_upload_over_the_limit_is_read_only_up_to_the_limit(page):
    huge = uploaded("area,team\n" + "x" * (5 * MAX_BYTES))
    run_to_end(ImportState.check_file.fn(page, [huge]))
    assert huge.file.tell() == MAX_BYTES + 1
    assert page.problems[0].startswith("The file is too large")


def test_two_files_at_once_are_refused(page):
    run_to_end(ImportState.check_file.fn(page, [uploaded(GOOD), uploaded(GOOD)]))
    assert page.problems == ["Choose one CSV file."]


def test_an_empty_upload_leaves_the_browser_s_refusal_on_screen(page):
    """The browser sends no file when it refused one, along with its reasons."""
    ImportState.refuse_file.fn(page, ["teams.xlsx"], ["file-invalid-type"])
    run_to_end(ImportState.check_file.fn(page, []))
    assert page.problems[0] == "“teams.xlsx” is not a CSV file."


@pytest.mark.parametrize(
    ("names", "reasons"),
    [
        (["teams.xlsx"], ["file-invalid-type"]),
        (["big.csv", "other.csv"], ["file-too-large too-many-files", "too-many-files"]),
        ("not a list", {"nor": "this"}),
        ([None, 3, {"x": 1}], [None, ["file-too-large"]]),
        ([], []),
    ],
)
def test_whatever_the_browser_sends_about_a_refused_file_is_explained(page, names, reasons):
    ImportState.refuse_file.fn(page, names, reasons)
    assert page.problems and all(page.problems)
    assert page.lines == []
