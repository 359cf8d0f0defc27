"""`culturetool backup` and `restore`: a round trip on SQLite, on PostgreSQL and from SQLite into
PostgreSQL gives the same rows and the same screens and exports to every demo account; a
database with data is kept unless --replace; a backup's schema revision is checked.

PostgreSQL: a database of its own per test on 127.0.0.1:5432 (CULTURETOOL_TEST_POSTGRES_URL),
skipped with the reason when there is none, failed when CI is set.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sqlite3
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from postgres import POSTGRES_URL, cannot_run
from postgres import server as postgres_server

from culturetool import cli
from culturetool.domain.access import Forbidden
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import TargetScope
from culturetool.services import admin, exports, organisation, plans
from culturetool.services.accounts import actor_of
from culturetool.services.area_results import area_results_view
from culturetool.services.backup import BackupProblem, backup, restore
from culturetool.services.demo import load_demo
from culturetool.services.round_results import results_for_round
from culturetool.store import db
from culturetool.store.backup import known_revisions
from culturetool.store.migrate import alembic_config, upgrade
from culturetool.store.tables import Area, AssessmentRound, Base, Team, UserAccount

pytestmark = pytest.mark.db

QUIET: Callable[[str], None] = lambda _line: None  # noqa: E731


def use(monkeypatch, url: str) -> None:
    monkeypatch.setenv("CULTURETOOL_DB_URL", url)


def every_row(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, by primary key: what the database holds, column by column."""
    with db.transaction(url) as session:
        return {
            table.name: [
                tuple(row)
                for row in session.execute(
                    sa.select(table).order_by(*table.primary_key.columns)
                ).all()
            ]
            for table in Base.metadata.sorted_tables
        } | {"alembic_version": list(session.execute(sa.text("SELECT * FROM alembic_version")))}


def _seen(service: Callable[..., object], *args: object) -> object:
    """What a screen gives: its view, or the refusal a person would see. An Excel file as its
    parts: the file's zip entries carry the time it was made."""
    try:
        seen = service(*args)
    except (Forbidden, NotFound, InputProblem) as refused:
        return f"{type(refused).__name__}: {refused}"
    if isinstance(seen, exports.Download) and seen.filename.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(seen.data)) as workbook:
            # docProps/core.xml holds the time the workbook was made; every other part is data.
            parts = {n: workbook.read(n) for n in workbook.namelist() if n != "docProps/core.xml"}
        assert any(name.startswith("xl/worksheets/") for name in parts)
        return seen.filename, parts
    return seen


def every_screen(url: str) -> dict[str, object]:
    """Every demo account's organisation, results, area, plan and admin screens and their CSV
    and Excel exports, as the services give them."""
    with db.transaction(url) as session:
        actors = [actor_of(user) for user in session.scalars(sa.select(UserAccount))]
        round_ids = list(session.scalars(sa.select(AssessmentRound.id)))
        area_ids = list(session.scalars(sa.select(Area.id)))
        team_ids = list(session.scalars(sa.select(Team.id)))
    seen: dict[str, object] = {}
    for actor in actors:
        who = f"user {actor.user_id}"
        seen[f"{who} organisation"] = _seen(organisation.organisation_overview, actor)
        seen[f"{who} users"] = _seen(admin.list_users, actor)
        seen[f"{who} audit"] = _seen(admin.audit_log, actor)
        for r in round_ids:
            seen[f"{who} round {r}"] = _seen(results_for_round, actor, r)
            for kind in ("csv", "xlsx"):
                seen[f"{who} round {r} {kind}"] = _seen(exports.round_results_file, actor, r, kind)
        for a in area_ids:
            seen[f"{who} area {a}"] = _seen(area_results_view, actor, a)
            seen[f"{who} area plan {a}"] = _seen(plans.area_plan, actor, a)
            for kind in ("csv", "xlsx"):
                seen[f"{who} area {a} {kind}"] = _seen(exports.area_results_file, actor, a, kind)
            seen[f"{who} area plan {a} csv"] = _seen(
                exports.plan_file, actor, TargetScope.AREA, a, "csv"
            )
        for t in team_ids:
            seen[f"{who} team {t}"] = _seen(organisation.team_view, actor, t)
            seen[f"{who} team plan {t}"] = _seen(plans.team_plan, actor, t)
            seen[f"{who} team plan {t} csv"] = _seen(
                exports.plan_file, actor, TargetScope.TEAM, t, "csv"
            )
    return seen


def demo_in(monkeypatch, url: str) -> tuple[dict, dict]:
    use(monkeypatch, url)
    upgrade(url)
    assert load_demo()
    screens = every_screen(url)  # first: looking at results adds to the disclosure ledger
    return every_row(url), screens


def assert_same(url: str, rows: dict, screens: dict) -> None:
    assert every_row(url) == rows
    shown = every_screen(url)
    assert shown.keys() == screens.keys()
    for name, view in screens.items():
        assert shown[name] == view, name
    assert every_row(url) == rows  # and looking again added nothing new


def sqlite_url(tmp_path: Path, name: str) -> str:
    return f"sqlite:///{tmp_path / name}"


# ---- SQLite ---------------------------------------------------------------------------------


def test_sqlite_round_trip_gives_the_same_rows_screens_and_exports(tmp_path, monkeypatch):
    rows, screens = demo_in(monkeypatch, sqlite_url(tmp_path, "council.db"))
    assert sum(isinstance(v, exports.Download) for v in screens.values()) > 20  # exports seen
    backup(tmp_path / "council.backup", report=QUIET)

    fresh = sqlite_url(tmp_path, "restored.db")
    use(monkeypatch, fresh)
    restore(tmp_path / "council.backup", report=QUIET)
    assert_same(fresh, rows, screens)


def test_restore_refuses_a_database_with_data_and_replace_replaces_it(
    tmp_path, monkeypatch, capsys
):
    url = sqlite_url(tmp_path, "council.db")
    rows, screens = demo_in(monkeypatch, url)
    assert cli.main(["backup", str(tmp_path / "council.backup")]) == 0
    assert cli.main(["backup", str(tmp_path / "council.backup")]) == 1
    assert "already exists" in capsys.readouterr().err

    later = organisation.add_area(actor_of_admin(url), "Added after the backup")
    assert cli.main(["restore", str(tmp_path / "council.backup")]) == 1
    refusal = capsys.readouterr().err
    assert "already holds data" in refusal and "--replace" in refusal
    with db.transaction(url) as session:
        assert session.get(Area, later) is not None  # nothing was changed

    assert cli.main(["restore", str(tmp_path / "council.backup"), "--replace"]) == 0
    assert "Restore finished." in capsys.readouterr().out
    assert_same(url, rows, screens)


def actor_of_admin(url: str):
    with db.transaction(url) as session:
        user = session.scalars(
            sa.select(UserAccount).where(UserAccount.role == "administrator")
        ).first()
        assert user is not None
        return actor_of(user)


def test_a_backup_from_a_newer_schema_is_refused(tmp_path, monkeypatch):
    demo_in(monkeypatch, sqlite_url(tmp_path, "council.db"))
    backup(tmp_path / "council.backup", report=QUIET)
    with sqlite3.connect(tmp_path / "council.backup") as newer:
        newer.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    newer.close()

    fresh = sqlite_url(tmp_path, "restored.db")
    use(monkeypatch, fresh)
    with pytest.raises(BackupProblem, match="newer culturetool.*9999_from_the_future"):
        restore(tmp_path / "council.backup", report=QUIET)
    assert not (tmp_path / "restored.db").exists()


def test_a_backup_from_an_older_schema_is_upgraded_after_restore(tmp_path, monkeypatch):
    old = sqlite_url(tmp_path, "old.db")
    use(monkeypatch, old)
    command.upgrade(alembic_config(old), "0004")
    with db.transaction(old) as session:
        session.execute(
            sa.text("INSERT INTO organisation (name, anonymity_threshold, created_at) "
                    "VALUES ('Old Council', 5, :at)"),
            {"at": dt.datetime(2025, 1, 1)},
        )  # fmt: skip
    backup(tmp_path / "old.backup", report=QUIET)

    fresh = sqlite_url(tmp_path, "restored.db")
    use(monkeypatch, fresh)
    restore(tmp_path / "old.backup", report=QUIET)
    with db.transaction(fresh) as session:
        assert (
            session.scalar(sa.text("SELECT version_num FROM alembic_version"))
            == (known_revisions()[0])
        )
        assert session.scalar(sa.text("SELECT name FROM organisation")) == "Old Council"
        # A column a later migration added, with its default.
        assert session.scalar(sa.text("SELECT time_zone FROM organisation")) == "Europe/London"


def test_a_postgresql_backup_does_not_restore_into_sqlite(tmp_path, monkeypatch):
    (tmp_path / "pg.backup").write_bytes(b"PGDMP\x01\x0e\x00")
    use(monkeypatch, sqlite_url(tmp_path, "restored.db"))
    with pytest.raises(BackupProblem, match="restores into PostgreSQL only"):
        restore(tmp_path / "pg.backup", report=QUIET)


# ---- PostgreSQL -----------------------------------------------------------------------------


@pytest.fixture
def postgres() -> Iterator[Callable[[], str]]:
    """Makes empty PostgreSQL databases of their own; drops them afterwards."""
    server = postgres_server(isolation_level="AUTOCOMMIT")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        cannot_run(
            "pg_dump and pg_restore are not installed (Debian: apt-get install postgresql-client)"
        )
    made: list[str] = []

    def new_database() -> str:
        name = f"backup_test_{uuid.uuid4().hex[:12]}"
        with server.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        made.append(name)
        return sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    try:
        yield new_database
    finally:
        for name in made:
            url = sa.make_url(POSTGRES_URL).set(database=name).render_as_string(False)
            db._engine_for(url).dispose()  # the app's pooled connections
        with server.connect() as connection:
            for name in made:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        server.dispose()


def test_postgresql_round_trip_refuses_data_and_replaces(postgres, tmp_path, monkeypatch):
    source = postgres()
    rows, screens = demo_in(monkeypatch, source)
    backup(tmp_path / "council.backup", report=QUIET)
    assert (tmp_path / "council.backup").read_bytes().startswith(b"PGDMP")

    fresh = postgres()
    use(monkeypatch, fresh)
    restore(tmp_path / "council.backup", report=QUIET)
    assert_same(fresh, rows, screens)
    # pg_dump writes rows in their order on disk, arrival order for an open round; restored,
    # the respondents' rows are in an order of their own.
    for table in ("response", "comment"):
        order = f"SELECT id FROM {table} ORDER BY ctid"
        with db.transaction(source) as session:
            before = list(session.scalars(sa.text(order)))
        with db.transaction(fresh) as session:
            after = list(session.scalars(sa.text(order)))
        assert sorted(after) == sorted(before) and after != before, table

    later = organisation.add_area(actor_of_admin(fresh), "Added after the backup")
    with pytest.raises(BackupProblem, match="already holds data"):
        restore(tmp_path / "council.backup", report=QUIET)
    with db.transaction(fresh) as session:
        assert session.get(Area, later) is not None
    restore(tmp_path / "council.backup", replace=True, report=QUIET)
    assert_same(fresh, rows, screens)


def test_sqlite_backup_restores_into_postgresql(postgres, tmp_path, monkeypatch):
    rows, screens = demo_in(monkeypatch, sqlite_url(tmp_path, "council.db"))
    backup(tmp_path / "council.backup", report=QUIET)

    target = postgres()
    use(monkeypatch, target)
    said: list[str] = []
    restore(tmp_path / "council.backup", report=said.append)
    assert {line.split(":")[0].strip() for line in said if line.startswith("  ")} >= {
        table.name for table in Base.metadata.sorted_tables
    }  # progress, table by table
    assert_same(target, rows, screens)

    # Respondents' rows sit on PostgreSQL's disk neither in the order SQLite gave them (key or
    # index order) nor in key order: a random order, as closing a round writes.
    for table in ("response", "comment"):
        with db.transaction(sqlite_url(tmp_path, "council.db")) as session:
            read = list(session.scalars(sa.text(f"SELECT id FROM {table}")))
        with db.transaction(target) as session:
            on_disk = list(session.scalars(sa.text(f"SELECT id FROM {table} ORDER BY ctid")))
        assert sorted(on_disk) == sorted(read) and len(read) > 40
        assert on_disk not in (read, sorted(read)), table
    # The sequences follow the copied ids: a new area gets an id no row has.
    assert organisation.add_area(actor_of_admin(target), "A new area") > max(
        row[0] for row in rows["area"]
    )

    # Into a PostgreSQL database with data: refused, then replaced.
    with pytest.raises(BackupProblem, match="already holds data"):
        restore(tmp_path / "council.backup", report=QUIET)
    restore(tmp_path / "council.backup", replace=True, report=QUIET)
    assert_same(target, rows, screens)
