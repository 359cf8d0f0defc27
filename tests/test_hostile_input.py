"""Fuzz every text input with hostile strings: no unhandled error, nothing half-written.

Each call either succeeds or is refused with a message meant for people (InputProblem and the
like); a refused call leaves the database exactly as it was. An accepted call stored the value
the domain's text rules (domain/text.py) make of it, read back from the table: never the raw
hostile value when that is not clean, and never a value a spreadsheet could run as a formula
once exported.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import uuid
from collections import Counter

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from people import PASSWORD, make_person
from respondents import open_link_round, send

from culturetool.domain.access import Role
from culturetool.domain.errors import InputProblem, NotFound, RoundClosed
from culturetool.domain.limits import COMMENT_LENGTH, NAME_LENGTH
from culturetool.domain.scoring import validate_complete_response
from culturetool.domain.team_import import TeamFile
from culturetool.domain.text import clean_comment, clean_email, clean_name
from culturetool.reports.exports import FORMULA_STARTS, safe_csv_text
from culturetool.services import accounts, admin, responding, team_import
from culturetool.services.organisation import (
    add_area,
    add_team,
    create_organisation,
    organisation_overview,
)
from culturetool.store import db
from culturetool.store.tables import Answer, Area, Base, Comment, Invitation, Team, UserAccount

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
    create_organisation("Fuzz Council")
    administrator = make_person(Role.ADMINISTRATOR, password=PASSWORD)
    area = add_area(administrator, "North")
    team = add_team(administrator, area, "Alpha")
    manager = make_person(Role.MANAGER, (team,), password=PASSWORD)
    token = open_link_round(manager, team).token
    other_team = add_team(administrator, area, "Beta")
    codes_round = responding.open_round(
        make_person(Role.MANAGER, (other_team,)), other_team, access_mode="codes", staff_count=5
    )
    return {"admin": administrator, "area": area, "token": token, "model": model,
            "codes_token": codes_round.round.token}  # fmt: skip


def cleaned(rule, *args) -> str | None:
    """What the domain's rule makes of a value, or None when the rule refuses it."""
    try:
        return rule(*args)
    except InputProblem:
        return None


def assert_clean_line(stored: str) -> None:
    """The promises of a stored name, checked apart from the rule that made it: one trimmed
    line of visible characters, within the column's length, safe in a spreadsheet export."""
    assert stored == stored.strip() and "  " not in stored and stored
    assert len(stored) <= NAME_LENGTH
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in stored)
    assert not safe_csv_text(stored).startswith(FORMULA_STARTS)


def stored_value(column, where) -> str | None:
    with db.transaction() as session:
        return session.scalar(sa.select(column).where(where))


def accepted_as_cleaned(action, rule, raw, *args) -> str | None:
    """Runs the action on a raw value; the stored value is read back by the caller. A value the
    domain's rule refuses must be refused here too."""
    expected = cleaned(rule, raw, *args)
    made = []
    if survives(lambda: made.append(action())):
        assert expected is not None, f"{raw!r} was accepted, but the text rules refuse it"
        return made[0]
    return None


@FUZZ
@given(name=hostile_text)
def test_area_and_team_names(setting, name):
    expected = cleaned(clean_name, name, "area", NAME_LENGTH)
    area_id = accepted_as_cleaned(
        lambda: add_area(setting["admin"], name), clean_name, name, "area", NAME_LENGTH
    )
    if area_id is not None:
        stored = stored_value(Area.name, Area.id == area_id)
        assert stored == expected  # kept as typed, only spaces tidied
        assert_clean_line(stored)
        listed = [a.name for a in organisation_overview(setting["admin"]).areas]
        assert stored in listed
    team_id = accepted_as_cleaned(
        lambda: add_team(setting["admin"], setting["area"], name),
        clean_name, name, "team", NAME_LENGTH,
    )  # fmt: skip
    if team_id is not None:
        stored = stored_value(Team.name, Team.id == team_id)
        assert stored == expected
        assert_clean_line(stored)


@FUZZ
@given(email=hostile_text, name=hostile_text, role=hostile_text)
def test_invitations(setting, email, name, role):
    if survives(lambda: admin.invite_user(setting["admin"], email, name, role, [])):
        address = clean_email(email)  # raises if the service took an address the rule refuses
        assert address == address.strip().lower() and "@" in address
        with db.transaction() as session:
            person = session.scalar(sa.select(UserAccount).where(UserAccount.email == address))
            assert person is not None, "the invitation was for the cleaned address"
            assert person.name == clean_name(name, "person", NAME_LENGTH)
            assert_clean_line(person.name)
            assert person.role == role  # only a role's exact name is taken
            assert (
                session.scalar(sa.select(sa.func.count()).where(Invitation.user_id == person.id))
                == 1
            )


@FUZZ
@given(email=hostile_text, password=hostile_text)
def test_sign_in_and_invitation_links(setting, email, password):
    # No account has a hostile password and no invitation a hostile token: all are refused.
    assert not survives(lambda: accounts.sign_in(email, password))
    assert not survives(lambda: accounts.invitation_details(email))
    assert not survives(lambda: accounts.accept_invitation(email, password))


@FUZZ
@given(current=hostile_text, new=hostile_text)
def test_password_changes(setting, current, new):
    # The current password is never a hostile string, so no change may go through.
    assert current != PASSWORD
    assert not survives(lambda: accounts.change_password(setting["admin"], current, new, "keep"))


@FUZZ
@given(token=hostile_text, key=hostile_text, item=hostile_text, value=st.integers(-5, 10))
def test_questionnaire_links_and_submissions(setting, token, key, item, value):
    survives(lambda: responding.questionnaire_for(token))
    complete = {i.id: 3 for i in setting["model"].questionnaire.items}
    hostile_answers = {**complete, item: value}
    if survives(lambda: send(setting["token"], key, hostile_answers)):
        assert not validate_complete_response(setting["model"], hostile_answers)
    assert not survives(lambda: send(token, key, complete)), "a hostile token reaches no round"
    assert not survives(
        lambda: responding.submit_response(setting["codes_token"], complete, code=key)
    ), "a hostile code opens no round"
    assert stored_answers_are_on_the_scale(setting["model"])


def stored_answers_are_on_the_scale(model) -> bool:
    """Every stored answer is a statement of the questionnaire with a score from 1 to 5 (or
    none, for don't know): whatever was sent, nothing else got in."""
    with db.transaction() as session:
        stored = session.execute(sa.select(Answer.item_id, Answer.value)).all()
    return all(
        item_id in model.item_by_id and (value is None or 1 <= value <= 5)
        for item_id, value in stored
    )


def stored_comments() -> Counter[str]:
    with db.transaction() as session:
        return Counter(session.scalars(sa.select(Comment.text)))


@FUZZ
@given(comment=hostile_text)
def test_comments(setting, comment):
    complete = {i.id: 3 for i in setting["model"].questionnaire.items}
    expected = cleaned(clean_comment, comment, COMMENT_LENGTH)
    before, saved = stored_comments(), []
    key = uuid.uuid4().hex  # a new browser each time, so the comment is what is tried
    if survives(lambda: saved.append(send(setting["token"], key, complete, comment))):
        assert expected is not None, f"{comment!r} was accepted, but the text rules refuse it"
    added = stored_comments() - before
    assert added == (Counter([expected]) if saved == [True] and expected else Counter())
    for text in added:
        assert text == text.strip()
        assert not any(
            unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in "\n\t" for ch in text
        )


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


def stored_names() -> set[str]:
    with db.transaction() as session:
        return set(session.scalars(sa.select(Area.name))) | set(
            session.scalars(sa.select(Team.name))
        )


def imports_whole_or_not_at_all(actor, file: TeamFile) -> set[str]:
    """The names the import added (none if it was refused), each one clean."""
    before = stored_names()
    if survives(lambda: team_import.import_areas_and_teams(actor, file)):
        assert team_import.preview_import(actor, file).new_teams == 0, "half of it was saved"
    added = stored_names() - before
    for name in added:
        assert_clean_line(name)
    return added


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
    added = imports_whole_or_not_at_all(setting["admin"], file)
    if added and quoted and encoding.startswith("utf-8"):  # the cells arrive exactly as written
        expected = {clean_name(area, "area", NAME_LENGTH), clean_name(team, "team", NAME_LENGTH)}
        assert added <= expected | {"Fuzz import team"}


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
