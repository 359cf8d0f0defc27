"""Fuzz every text input with hostile strings: no unhandled error, nothing half-written.

Each call either succeeds or is refused with a message meant for people (InputProblem and the
like); a refused call leaves the database exactly as it was.
"""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from people import PASSWORD, make_person
from respondents import open_link_round, send

from culturetool.domain.access import Role
from culturetool.domain.errors import InputProblem, NotFound, RoundClosed
from culturetool.domain.team_import import TeamFile
from culturetool.services import accounts, admin, responding, team_import
from culturetool.services import assessments as svc
from culturetool.store import db
from culturetool.store.tables import Base

HOSTILE = [
    "",
    " ",
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "Robert'); DROP TABLE team;--",
    "a" * 121,
    "b" * 10_000,
    "tab\there",
    "nul\x00byte",
    "bell\x07",
    "line\nbreak",
    "right-to-left \u202e override",
    "zero\u200bwidth",
    "lone \ud800 surrogate",
    "emoji 🧓🏽 and accents éàü",
    "mojibake Ã©Ã¨",
    "%s %n {0} ${x}",
    "../../etc/passwd",
]
hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300))
REFUSALS = (InputProblem, NotFound, RoundClosed, accounts.SignInRefused)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def fingerprint() -> dict[str, list]:
    with db.transaction() as session:
        return {
            table.name: sorted(map(repr, session.execute(sa.select(table)).all()))
            for table in Base.metadata.sorted_tables
            if table.name not in {"user_session", "user_account"}  # sign-in bookkeeping
        }


def survives(action) -> bool:
    """Runs the action; True if it succeeded, False if refused, and nothing changed if refused."""
    before = fingerprint()
    try:
        action()
    except REFUSALS as refusal:
        assert str(refusal), "a refusal must say what to fix"
        assert fingerprint() == before, "a refused request changed data"
        return False
    return True


@pytest.fixture
def setting(database, model):
    svc.create_organisation("Fuzz Council")
    administrator = make_person(Role.ADMINISTRATOR, password=PASSWORD)
    area = svc.add_area(administrator, "North")
    team = svc.add_team(administrator, area, "Alpha")
    manager = make_person(Role.MANAGER, (team,), password=PASSWORD)
    token = open_link_round(manager, team).token
    other_team = svc.add_team(administrator, area, "Beta")
    codes_round = responding.open_round(
        make_person(Role.MANAGER, (other_team,)), other_team, access_mode="codes", staff_count=5
    )
    return {"admin": administrator, "area": area, "token": token, "model": model,
            "codes_token": codes_round.round.token}  # fmt: skip


@FUZZ
@given(name=hostile_text)
def test_area_and_team_names(setting, name):
    if survives(lambda: svc.add_area(setting["admin"], name)):
        stored = [a.name for a in svc.organisation_overview(setting["admin"]).areas]
        assert " ".join(name.split()) in stored  # kept as typed, only spaces tidied
    survives(lambda: svc.add_team(setting["admin"], setting["area"], name))


@FUZZ
@given(email=hostile_text, name=hostile_text, role=hostile_text)
def test_invitations(setting, email, name, role):
    survives(lambda: admin.invite_user(setting["admin"], email, name, role, []))


@FUZZ
@given(email=hostile_text, password=hostile_text)
def test_sign_in_and_invitation_links(setting, email, password):
    survives(lambda: accounts.sign_in(email, password))
    survives(lambda: accounts.invitation_details(email))
    survives(lambda: accounts.accept_invitation(email, password))


@FUZZ
@given(current=hostile_text, new=hostile_text)
def test_password_changes(setting, current, new):
    survives(lambda: accounts.change_password(setting["admin"], current, new, "keep"))


@FUZZ
@given(token=hostile_text, key=hostile_text, item=hostile_text, value=st.integers(-5, 10))
def test_questionnaire_links_and_submissions(setting, token, key, item, value):
    survives(lambda: responding.questionnaire_for(token))
    complete = {i.id: 3 for i in setting["model"].questionnaire.items}
    survives(lambda: send(setting["token"], key, {**complete, item: value}))
    survives(lambda: send(token, key, complete))
    survives(lambda: responding.submit_response(setting["codes_token"], complete, code=key))


# What a spreadsheet cell or an uploaded file can hold on top of the text above.
CSV_HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '"unpaired quote',
    'say ""hi""',
    "comma, inside",
    "semi;colon",
    "carriage\rreturn",
    "\ufeffbom inside",
    "area,team",
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]


def csv_bytes(rows: list[list[str]], encoding: str, quoted: bool) -> bytes:
    """Rows written as a spreadsheet would (quoted) or pasted together as they are (not)."""
    if quoted:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        text = buffer.getvalue()
    else:
        text = "".join(",".join(row) + "\n" for row in rows)
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf-8") else "replace")


def imports_whole_or_not_at_all(actor, file: TeamFile) -> None:
    if survives(lambda: team_import.import_areas_and_teams(actor, file)):
        assert team_import.preview_import(actor, file).new_teams == 0, "half of it was saved"


@FUZZ
@given(
    area=st.one_of(st.sampled_from(CSV_HOSTILE), hostile_text),
    team=st.one_of(st.sampled_from(CSV_HOSTILE), hostile_text),
    encoding=st.sampled_from(ENCODINGS),
    quoted=st.booleans(),
)
def test_imports_of_areas_and_teams(setting, area, team, encoding, quoted):
    rows = [["area", "team"], ["North", "Fuzz import team"], [area, team]]
    file = TeamFile("teams.csv", "text/csv", csv_bytes(rows, encoding, quoted))
    survives(lambda: team_import.preview_import(setting["admin"], file))
    imports_whole_or_not_at_all(setting["admin"], file)


@FUZZ
@given(content=st.binary(max_size=3000), name=hostile_text, content_type=hostile_text)
def test_imports_of_any_bytes_under_any_name(setting, content, name, content_type):
    imports_whole_or_not_at_all(setting["admin"], TeamFile(name, content_type, content))
    file = TeamFile("teams.csv", "text/csv", b"area,team\n" + content)
    imports_whole_or_not_at_all(setting["admin"], file)


@FUZZ
@given(name=hostile_text, reasons=st.lists(hostile_text, max_size=4))
def test_explaining_files_the_browser_refused(setting, name, reasons):
    problems = team_import.explain_refused_file(setting["admin"], name, reasons)
    assert problems and all(problems)
