"""The store on its own against a real, migrated SQLite file (conftest's `database`): which
database it writes to, what the respondents' tables may hold, and the migrations."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from culturetool.services.organisation import create_organisation
from culturetool.store import db
from culturetool.store.migrate import upgrade
from culturetool.store.tables import Organisation


@pytest.fixture
def store(database):
    """conftest's fresh database; the services follow CULTURETOOL_DB_URL to it."""
    return database


def count(table) -> int:
    with db.transaction() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(table))


# ---- configuration -------------------------------------------------------------------


def test_services_follow_a_changed_database_url(store, tmp_path, monkeypatch):
    create_organisation("First Council")
    second = f"sqlite:///{tmp_path / 'second.db'}"
    upgrade(second)
    monkeypatch.setenv("CULTURETOOL_DB_URL", second)
    assert count(Organisation) == 0  # the services now write to the second, empty database


# ---- anonymity by design in the schema ------------------------------------------------------


# Matched anywhere in a column name, except "ip", which must be a whole word ("client_ip"),
# since it occurs inside harmless words ("receipt", "recipient").
IDENTIFYING = ("name", "email", "ip_address", "user_agent", "useragent", "created_at")


def identifying(column: str) -> bool:
    column = column.lower()
    return "ip" in column.split("_") or any(word in column for word in IDENTIFYING)


def timelike(column: str) -> bool:
    """A column that could hold when something happened: *_at, *_on, or a date, day or time."""
    column = column.lower()
    words = column.split("_")
    return words[-1] in ("at", "on", "when") or any(
        word in column for word in ("date", "day", "time", "stamp", "when")
    )


RESPONDENTS_TABLES = ("response", "answer", "comment", "submission_receipt", "survey_code")


def test_response_tables_hold_nothing_that_identifies_a_person_or_a_time(store):
    inspector = sa.inspect(sa.create_engine(store))
    try:
        columns = {
            table: {c["name"] for c in inspector.get_columns(table)} for table in RESPONDENTS_TABLES
        }
    finally:
        inspector.bind.dispose()
    assert columns == {
        "response": {"id", "round_id"},
        "answer": {"response_id", "item_id", "value"},
        "comment": {"id", "round_id", "text"},
        "submission_receipt": {"round_id", "key_hash"},
        "survey_code": {"round_id", "code_hash"},
    }
    for table, names in columns.items():
        assert not [n for n in names if identifying(n) or timelike(n)], (table, names)


def test_identifying_and_time_column_checks_catch_what_they_should():
    assert identifying("respondent_name")
    assert identifying("ip")
    assert identifying("client_ip")
    assert identifying("created_at")
    assert not identifying("key_hash")
    assert not identifying("receipt_id")
    for column in ("submitted_on", "created_at", "answered_date", "timestamp", "day", "sent_time"):
        assert timelike(column), column
    for column in ("round_id", "key_hash", "code_hash", "item_id", "value", "text", "response_id"):
        assert not timelike(column), column


# ---- migrations -------------------------------------------------------------------------------


@pytest.mark.db  # makes its own database file
def test_upgrade_creates_the_folder_of_a_new_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'not-yet' / 'there' / 'culturetool.db'}"
    upgrade(url)
    upgrade(url)  # a second run changes nothing and does not fail
    assert (tmp_path / "not-yet" / "there" / "culturetool.db").is_file()
