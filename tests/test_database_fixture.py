"""The `database` fixture (conftest.py): every test starts with a database no other test wrote
to, on SQLite (a new file) and on PostgreSQL (the run's one schema, emptied), and with a new
engine, so that nothing kept per engine in the app's memory outlives a test."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from culturetool import config
from culturetool.store import db
from culturetool.store.migrate import alembic_config
from culturetool.store.tables import Base, Organisation

ENGINES_SEEN: list[int] = []


def rows_per_table() -> dict[str, int]:
    with db.transaction() as session:
        return {
            table.name: session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


@pytest.mark.parametrize("turn", ["one", "two", "three"])
def test_each_test_starts_empty_with_ids_from_one_on_an_engine_of_its_own(database, turn):
    # Whichever turn runs after another would see its rows, its ids or its engine.
    assert config.database_url() == database
    assert set(rows_per_table().values()) == {0}
    engine = db._engine_for(database)
    assert id(engine) not in ENGINES_SEEN
    ENGINES_SEEN.append(id(engine))  # the engine stays cached, so its id is not reused
    with db.transaction() as session:
        organisation = Organisation(name=f"Turn {turn} Council")
        session.add(organisation)
        session.flush()
        assert organisation.id == 1
    assert rows_per_table()["organisation"] == 1


@pytest.mark.postgresql_only("empties the run's shared PostgreSQL schema by hand")
def test_a_schema_left_part_migrated_is_migrated_again_before_the_next_test(database, request):
    shared = request.getfixturevalue("postgres_schema")
    with db.transaction() as session:
        session.add(Organisation(name="Left behind Council"))
    db._engine_for(database).dispose()
    command.downgrade(alembic_config(database), "0010")  # as a migration test failing half way
    again = shared.emptied()
    assert again != database
    db._engine_for(database).dispose()
    with db._engine_for(again).connect() as connection:
        assert connection.scalar(sa.text("SELECT version_num FROM alembic_version")) == shared.head
        assert set(sa.inspect(connection).get_table_names()) >= set(Base.metadata.tables)
        for table in Base.metadata.sorted_tables:
            assert connection.scalar(sa.select(sa.func.count()).select_from(table)) == 0
    db._engine_for(again).dispose()
