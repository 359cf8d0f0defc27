"""The test PostgreSQL server (127.0.0.1:5432, trust auth, database `test`; another with
CULTURETOOL_TEST_POSTGRES_URL): reaching it, and a migrated schema of its own for one test.

Where it cannot be reached a test skips with the reason, except in CI (CI=true), where the
machines have it and a skip would hide a test that never ran: there it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from culturetool.store import db
from culturetool.store.migrate import alembic_config, upgrade

POSTGRES_URL = os.environ.get(
    "CULTURETOOL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def cannot_run(reason: str) -> None:
    """Skip with the reason, or fail in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"a PostgreSQL test cannot run in CI: {reason}")
    pytest.skip(reason)


def server(**engine_options) -> sa.Engine:
    """An engine on the test server, once it has answered."""
    engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3}, **engine_options)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as problem:
        cannot_run(f"PostgreSQL is not reachable at {POSTGRES_URL}: {problem.orig}")
    return engine


@contextmanager
def migrated_schema(prefix: str) -> Iterator[str]:
    """The URL of a schema of its own in the test database, migrated; dropped afterwards."""
    probe = server()
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with probe.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        yield url
    finally:
        db._engine_for(url).dispose()  # the app's pooled connections, which DROP would wait for
        with probe.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        probe.dispose()


class SharedSchema:
    """One schema migrated once for a whole run, emptied before each test that uses it.

    Migrating a schema takes seconds on PostgreSQL; emptying one takes milliseconds. A test gets
    the schema as a fresh SQLite file is: no rows, every id counting from 1, and a URL no test
    used before (its application_name differs), so the app makes a new engine for it and no
    cache kept per engine (the ledger's, the round figures', the results') carries a test's
    rows into the next one. A test that migrates down and up again leaves it at the newest
    version; one that failed half way is migrated up again before the next test.

    Emptied with DELETE, children first, and only the tables that hold rows: TRUNCATE makes new
    files for every table and index, about half a second each time here. DELETE leaves dead row
    versions for autovacuum, so a test of PostgreSQL's physical row order (ctid) makes a schema
    of its own with `migrated_schema`.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.admin = sa.create_engine(url, connect_args={"connect_timeout": 3})
        self.head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
        self.tables = self._tables()
        self.used = 0

    def _tables(self) -> list[str]:
        """The schema's tables but alembic_version, each after the tables that refer to it."""
        reflected = sa.MetaData()
        reflected.reflect(self.admin)
        tables = [t.name for t in reversed(reflected.sorted_tables) if t.name != "alembic_version"]
        # Emptying would delete rows a migration inserted, which a fresh database has; none
        # does today. If one ever seeds a table, keep a copy of those rows here to put back.
        if seeded := self._holding_rows(tables):
            raise RuntimeError(f"the migrations insert rows into {seeded}: restore them too")
        return tables

    def _holding_rows(self, tables: list[str]) -> list[str]:
        with self.admin.connect() as connection:
            found = set(
                connection.exec_driver_sql(
                    " UNION ALL ".join(
                        f"SELECT '{t}' WHERE EXISTS (SELECT FROM {t})" for t in tables
                    )
                ).scalars()
            )
        return [t for t in tables if t in found]

    def emptied(self) -> str:
        """The schema's URL for one test, once it is at the newest version with no rows."""
        with self.admin.connect() as connection:
            version = connection.scalar(sa.text("SELECT max(version_num) FROM alembic_version"))
        if version != self.head:  # a migration test stopped part way: start the schema again
            with self.admin.begin() as connection:
                schema = connection.scalar(sa.text("SELECT current_schema()"))
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
                connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
            upgrade(self.url)
            self.tables = self._tables()
        holding = self._holding_rows(self.tables)
        with self.admin.begin() as connection:
            # A connection left open by an earlier test would make DELETE wait for ever.
            connection.exec_driver_sql("SET LOCAL lock_timeout = '20s'")
            for table in holding:
                connection.exec_driver_sql(f"DELETE FROM {table}")
            connection.exec_driver_sql(
                "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), "
                "start_value, false) FROM pg_sequences "
                "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
        self.used += 1
        return f"{self.url}&application_name=culturetool-test-{self.used}"

    def close(self) -> None:
        self.admin.dispose()


def database_bytes(url: str) -> bytes:
    """What a database holds, to search for something that must not be there: on SQLite the
    file's bytes and anything beside it (journal, WAL), free pages included; on PostgreSQL
    every row of every table of the schema, as text (a dead row version waiting for VACUUM is
    not read: the SQLite tests are the ones about pages)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))
    lines = []
    with db.transaction(url) as session:
        tables = session.scalars(
            sa.text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).all()
        for table in tables:
            lines += [
                repr(tuple(row)) for row in session.execute(sa.text(f'SELECT * FROM "{table}"'))
            ]
    return "\n".join(lines).encode()
