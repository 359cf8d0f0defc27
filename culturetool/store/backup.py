"""Backing up and restoring a database with the database's own tools, and copying a SQLite
backup into PostgreSQL.

A backup file says what it holds by itself: a SQLite backup is a SQLite database (its header),
a PostgreSQL backup is a pg_dump custom-format archive (its "PGDMP" header), and both carry the
schema revision in their `alembic_version` table.

Anonymity: neither tool adds anything. SQLite's backup API copies the pages as they are (with
secure_delete on, freed pages are zeros). pg_dump writes each table's rows in the order they sit
on disk, which for a closed round is the random order its closing wrote; after a PostgreSQL
restore, and when copying into PostgreSQL, every round's responses, answers and comments are
written in random order in one transaction, as closing a round does, so neither the rows' place
nor their transaction id tells arrival order.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from culturetool.store import repository
from culturetool.store.db import make_sqlite_folder
from culturetool.store.migrate import alembic_config
from culturetool.store.tables import AssessmentRound, Base

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
# Rows written to the database per statement when copying from SQLite into PostgreSQL.
BATCH = 1000
# Tables whose rows are copied in random order: together they hold what respondents gave.
# Rows from people who answer without signing in (the questionnaire, and phone ballots in a
# workshop): copied in random order, so their order in the new database tells nothing.
RESPONDENT_TABLES = frozenset(
    {
        "response",
        "answer",
        "comment",
        "submission_receipt",
        "survey_code",
        "workshop_ballot",
        "workshop_ballot_vote",
    }
)
MISSING_POSTGRES_TOOLS = (
    "pg_dump and pg_restore were not found. Install the PostgreSQL client tools "
    "(on Debian or Ubuntu: sudo apt-get install postgresql-client), of the same major "
    "version as the server or newer."
)

Report = Callable[[str], None]


class BackupProblem(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def kind_of_url(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in (SQLITE, POSTGRESQL):
        raise BackupProblem(f"Backups work with SQLite and PostgreSQL, not {backend}.")
    return backend


def kind_of_file(path: Path) -> str:
    try:
        with path.open("rb") as file:
            start = file.read(len(SQLITE_HEADER))
    except OSError as problem:
        raise BackupProblem(f"Cannot read the backup {path}: {problem.strerror}.") from problem
    if start == SQLITE_HEADER:
        return SQLITE
    if start.startswith(PG_DUMP_HEADER):
        return POSTGRESQL
    raise BackupProblem(f"{path} is not a culturetool backup (neither SQLite nor pg_dump).")


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupProblem("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database)


def libpq_url(url: str) -> str:
    """The URL as PostgreSQL's own tools take it (no "+psycopg" driver name)."""
    parsed: URL = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


# ---- schema revisions ---------------------------------------------------------------------------


def known_revisions() -> list[str]:
    """The code's migrations, newest first."""
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [script.revision for script in scripts.walk_revisions()]


def revision_in_database(url: str) -> str | None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("alembic_version"):
                return None
            return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    finally:
        engine.dispose()


def revision_in_file(path: Path) -> str | None:
    if kind_of_file(path) == SQLITE:
        return revision_in_database(f"sqlite:///{path}")
    listing = _run_pg_tool(
        ["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(path)]
    )
    lines = listing.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line:
            value = lines[number + 1] if number + 1 < len(lines) else "\\."
            return None if value == "\\." else value.strip()
    return None


def rows_present(url: str) -> dict[str, int]:
    """The app's tables that hold rows, with their counts."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            present = set(sa.inspect(connection).get_table_names())
            counts = {
                table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
                for table in Base.metadata.sorted_tables
                if table.name in present
            }
    finally:
        engine.dispose()
    return {name: count for name, count in counts.items() if count}


# ---- SQLite -------------------------------------------------------------------------------------


def _sqlite_connection(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    # As the app runs it (store/db.py): freed pages are zeroed, and a rollback journal, not
    # WAL, whose pages would be kept in commit order.
    connection.execute("PRAGMA secure_delete=ON")
    connection.execute("PRAGMA journal_mode=DELETE")
    return connection


def _sqlite_copy(source: Path, target: Path, report: Report) -> None:
    def progress(_status: int, remaining: int, total: int) -> None:
        report(f"  copied {total - remaining} of {total} pages")

    with _sqlite_connection(source) as reading, _sqlite_connection(target) as writing:
        reading.backup(writing, pages=1024, progress=progress)
    reading.close()
    writing.close()


def backup_sqlite(url: str, path: Path, report: Report) -> None:
    """SQLite's online backup API: a consistent copy even while the app writes."""
    source = sqlite_path(url)
    if not source.exists():
        raise BackupProblem(f"There is no database at {source} to back up.")
    path.unlink(missing_ok=True)
    _sqlite_copy(source, path, report)


def restore_sqlite(path: Path, url: str, report: Report) -> None:
    target = sqlite_path(url)
    make_sqlite_folder(url)
    _sqlite_copy(path, target, report)


# ---- PostgreSQL ---------------------------------------------------------------------------------


def _run_pg_tool(command: list[str]) -> str:
    if shutil.which(command[0]) is None:
        raise BackupProblem(MISSING_POSTGRES_TOOLS)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupProblem(f"{command[0]} failed: {done.stderr.strip()}")
    return done.stdout


def _current_schema(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.scalar(sa.text("SELECT current_schema()")))
    finally:
        engine.dispose()


def backup_postgresql(url: str, path: Path, report: Report) -> None:
    """pg_dump's custom format, of the schema the app uses, without owners or privileges so
    that it restores under another role."""
    schema = _current_schema(url)
    report(f"  pg_dump of schema {schema}")
    _run_pg_tool(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--schema={schema}",
            f"--file={path}",
            f"--dbname={libpq_url(url)}",
        ]
    )


def restore_postgresql(path: Path, url: str, report: Report) -> None:
    """pg_restore in one transaction: the old tables are dropped and the backup's created, all
    or nothing. The caller then rewrites every round's respondents' rows in random order."""
    report("  pg_restore (in one transaction)")
    _run_pg_tool(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", f"--dbname={libpq_url(url)}", str(path)]
    )  # fmt: skip


def shuffle_respondents_rows(url: str, report: Report) -> None:
    engine = sa.create_engine(url)
    try:
        with Session(engine) as session, session.begin():
            round_ids = list(session.scalars(sa.select(AssessmentRound.id)))
            for round_id in round_ids:
                repository.rewrite_in_random_order(session, round_id)
        report(f"  responses of {len(round_ids)} rounds rewritten in random order")
    finally:
        engine.dispose()


# ---- SQLite into PostgreSQL ---------------------------------------------------------------------


def copy_sqlite_into_postgresql(
    source_url: str, target_url: str, replace: bool, report: Report
) -> None:
    """Every table's rows, parents before children, in one transaction; respondents' rows in
    random order; then each id sequence set past the highest id copied. With `replace`, the
    target's rows are deleted first, in the same transaction. Both databases must be at the
    same schema revision (the caller migrates both first)."""
    tables = Base.metadata.sorted_tables
    shuffle = random.SystemRandom().shuffle
    source = sa.create_engine(source_url)
    target = sa.create_engine(target_url)
    try:
        with source.connect() as reading, target.begin() as writing:
            if replace:
                for table in reversed(tables):
                    writing.execute(sa.delete(table))
                report("  the database's rows deleted")
            for table in tables:
                rows = [dict(row._mapping) for row in reading.execute(sa.select(table))]
                if table.name in RESPONDENT_TABLES:
                    shuffle(rows)
                for start in range(0, len(rows), BATCH):
                    writing.execute(sa.insert(table), rows[start : start + BATCH])
                report(f"  {table.name}: {len(rows)} {'row' if len(rows) == 1 else 'rows'}")
            for table in tables:
                key = list(table.primary_key.columns)
                if len(key) == 1 and isinstance(key[0].type, sa.Integer):
                    # Tables keyed by a serial id: the next id PostgreSQL gives follows the
                    # highest one copied (setval's third argument: whether that one is used).
                    name = key[0].name
                    writing.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{name}'), "
                            f"coalesce(max({name}), 1), max({name}) IS NOT NULL) FROM {table.name}"
                        )
                    )
    finally:
        source.dispose()
        target.dispose()


def working_copy(path: Path, folder: Path) -> Path:
    """A copy of a SQLite backup that can be migrated without changing the backup itself."""
    copy = folder / "culturetool-restore.db"
    _sqlite_copy(path, copy, lambda _line: None)
    return copy
