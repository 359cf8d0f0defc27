"""Back up the database to a file, and restore one: the rules of when a restore may go ahead.

The mechanics (SQLite's backup API, pg_dump and pg_restore, the copy from SQLite into
PostgreSQL) are in store/backup.py. Here: a backup is never written over an existing file, a
restore never writes over data unless told to, a backup from a newer culturetool is refused and
an older one is brought up to date with the migrations.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from culturetool import config
from culturetool.store import backup as store
from culturetool.store.backup import POSTGRESQL, SQLITE, BackupProblem, Report
from culturetool.store.migrate import upgrade

__all__ = ["BackupProblem", "backup", "restore"]


@contextmanager
def _reaching_the_database() -> Iterator[None]:
    try:
        yield
    except sa.exc.OperationalError as problem:
        raise BackupProblem(
            f"Cannot reach the database ({problem.orig}). Check CULTURETOOL_DB_URL."
        ) from problem


def backup(path: Path, report: Report = print) -> str:
    """Write the database named by CULTURETOOL_DB_URL to a new file; returns its revision."""
    with _reaching_the_database():
        return _backup(path, report)


def restore(path: Path, replace: bool = False, report: Report = print) -> None:
    """Restore a backup into the database named by CULTURETOOL_DB_URL.

    A SQLite backup restores into SQLite or PostgreSQL (the way to move a council off the
    embedded default); a PostgreSQL backup into PostgreSQL only.
    """
    with _reaching_the_database():
        _restore(path, replace, report)


def _backup(path: Path, report: Report) -> str:
    url = config.database_url()
    kind = store.kind_of_url(url)
    revision = store.revision_in_database(url) if _exists(url, kind) else None
    if revision is None:
        raise BackupProblem("The database is empty or not set up: there is nothing to back up.")
    try:
        # Only its owner may read it: the file holds accounts and every answer given.
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError as problem:
        raise BackupProblem(f"{path} already exists; choose a new file name.") from problem
    except OSError as problem:
        raise BackupProblem(f"Cannot write {path}: {problem.strerror}.") from problem
    report(f"Backing up the {kind} database (schema revision {revision}) to {path}")
    try:
        if kind == SQLITE:
            store.backup_sqlite(url, path, report)
        else:
            store.backup_postgresql(url, path, report)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    report(f"Backup written: {path} ({path.stat().st_size} bytes)")
    return revision


def _restore(path: Path, replace: bool, report: Report) -> None:
    url = config.database_url()
    target = store.kind_of_url(url)
    source = store.kind_of_file(path)
    if source == POSTGRESQL and target == SQLITE:
        raise BackupProblem(
            "This is a PostgreSQL backup; it restores into PostgreSQL only. Set "
            "CULTURETOOL_DB_URL to a PostgreSQL database."
        )
    revision = store.revision_in_file(path)
    known = store.known_revisions()
    if revision is None:
        raise BackupProblem(f"{path} holds no culturetool database (no schema revision in it).")
    if revision not in known:
        raise BackupProblem(
            f"{path} was made by a newer culturetool (schema revision {revision}; this one "
            f"knows revisions up to {known[0]}). Upgrade culturetool, then restore."
        )
    present = store.rows_present(url) if _exists(url, target) else {}
    if present and not replace:
        held = ", ".join(f"{table}: {count}" for table, count in present.items())
        raise BackupProblem(
            f"The database already holds data (rows in {held}), so nothing was restored. "
            "Restore into an empty database, or add --replace to delete what it holds and "
            "put the backup in its place."
        )
    report(f"Restoring the {source} backup {path} (schema revision {revision}) into {target}")
    if source == target == SQLITE:
        store.restore_sqlite(path, url, report)
    elif source == target == POSTGRESQL:
        store.restore_postgresql(path, url, report)
    else:
        with tempfile.TemporaryDirectory() as folder:
            copy = store.working_copy(path, Path(folder))
            copy_url = f"sqlite:///{copy}"
            upgrade(copy_url)
            upgrade(url)
            store.copy_sqlite_into_postgresql(copy_url, url, replace=bool(present), report=report)
    if revision != known[0]:
        report(f"Upgrading the schema from revision {revision} to {known[0]}")
    upgrade(url)
    if source == POSTGRESQL:
        # pg_dump wrote rows in their order on disk, which for an open round is arrival order.
        store.shuffle_respondents_rows(url, report)
    report("Restore finished.")


def _exists(url: str, kind: str) -> bool:
    """Whether there is a database to read (looking at a missing SQLite file would create it)."""
    return kind != SQLITE or store.sqlite_path(url).exists()
