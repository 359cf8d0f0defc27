"""A submission is one transaction: when the database connection is lost part way (PostgreSQL
restarted, the server ending the session), nothing of it is kept, the respondent is told to
try again (Unavailable), and the same key sent again saves the answers once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from people import admin, manager_of

from culturetool.domain.errors import Unavailable
from culturetool.services import responding
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.store import repository as repo

TABLES = ("response", "answer", "comment", "submission_receipt")


def rows_in(url: str) -> dict[str, int]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return {
                table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in TABLES
            }
    finally:
        engine.dispose()


@pytest.mark.postgresql_only("the server ends the connection, as a PostgreSQL restart does")
def test_a_connection_lost_after_the_rows_are_written_keeps_none_of_them(
    database, model, monkeypatch
):
    create_organisation("Test Council")
    team_id = add_team(admin(), add_area(admin(), "North"), "Reablement")
    token = responding.open_round(
        manager_of(team_id), team_id, access_mode="link", staff_count=20
    ).round.token
    answers = {item.id: 4 for item in model.questionnaire.items}
    write_rows = repo.insert_response

    def write_rows_then_lose_the_connection(session, round_, *arguments, **options):
        write_rows(session, round_, *arguments, **options)  # the rows, in this transaction
        pid = session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        other = sa.create_engine(database, poolclass=sa.pool.NullPool)
        with other.connect() as connection:
            assert connection.execute(
                sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}
            ).scalar_one()
        other.dispose()

    monkeypatch.setattr(repo, "insert_response", write_rows_then_lose_the_connection)
    with pytest.raises(Unavailable):
        responding.submit_response(token, answers, "Lost on the way", submission_key="key-" * 8)
    assert rows_in(database) == dict.fromkeys(TABLES, 0)

    # The database is there again (the engine replaces the lost connection): the same key
    # saves the answers, once.
    monkeypatch.setattr(repo, "insert_response", write_rows)
    assert responding.submit_response(token, answers, "Lost on the way", submission_key="key-" * 8)
    assert not responding.submit_response(
        token, answers, "Lost on the way", submission_key="key-" * 8
    )
    assert rows_in(database) == {
        "response": 1,
        "answer": len(answers),
        "comment": 1,
        "submission_receipt": 1,
    }
