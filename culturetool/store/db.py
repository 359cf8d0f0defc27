"""Engines and transactions. Every write goes through `transaction()`: all of it or none of it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from culturetool import config


def make_sqlite_folder(url: str) -> None:
    """SQLite creates the file but not its folder (data/ on a fresh clone)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


@cache
def _engine_for(url: str) -> Engine:
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    make_sqlite_folder(url)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted rows (a used code, a round's receipts, rows rewritten when a round closes)
        # are overwritten with zeros, not left readable in free pages of the file.
        cursor.execute("PRAGMA secure_delete=ON")
        # Not WAL: a WAL file keeps page images in commit order, which would order responses
        # by arrival. A rollback journal holds one transaction's pages and is deleted at commit.
        cursor.execute("PRAGMA journal_mode=DELETE")
        cursor.close()

    return engine


@cache
def _sessions(url: str) -> sessionmaker[Session]:
    return sessionmaker(_engine_for(url), expire_on_commit=False)


@contextmanager
def transaction(url: str | None = None) -> Iterator[Session]:
    """A session whose work is committed together at the end, or rolled back on any error."""
    with _sessions(url or config.database_url())() as session, session.begin():
        yield session
