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

import pytest
import sqlalchemy as sa

from culturetool.store import db
from culturetool.store.migrate import upgrade

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
