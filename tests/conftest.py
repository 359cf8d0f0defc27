"""Shared fixtures: a fresh, migrated database per test, on SQLite and on PostgreSQL, and the
project's model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres import SharedSchema, migrated_schema

from culturetool.domain.model_loader import load_model_dir
from culturetool.domain.model_schema import CultureModel
from culturetool.services import responding
from culturetool.store import db
from culturetool.store.migrate import upgrade

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = PROJECT_ROOT / "model"


# Fixtures that give a test a database or the running app: tests using them (directly or
# through another fixture) get the `db` or `browser` marker, so `make test-fast` can leave them
# out. A test that makes a database by hand is marked `db` in its own module.
DATABASE_FIXTURES = {"database", "world_template", "postgres", "postgres_schema"}
BROWSER_FIXTURES = {"app_url"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        elif used & DATABASE_FIXTURES:
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def model() -> CultureModel:
    return load_model_dir(MODEL_DIR)


# Every test using `database` runs twice, as test_x[sqlite] and test_x[postgresql]. A test that
# only means something on one of them (the SQLite file's bytes, PostgreSQL's row versions) says
# so with the reason: @pytest.mark.sqlite_only("reads the SQLite file's bytes").
DATABASE_KINDS = {"sqlite_only": ["sqlite"], "postgresql_only": ["postgresql"]}


def pytest_configure(config: pytest.Config) -> None:
    for name, kinds in DATABASE_KINDS.items():
        config.addinivalue_line(
            "markers", f"{name}(reason): `database` gives {kinds[0]} only, for a reason"
        )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database" not in metafunc.fixturenames:
        return
    kinds = ["sqlite", "postgresql"]
    for name, only in DATABASE_KINDS.items():
        marker = metafunc.definition.get_closest_marker(name)
        if marker is not None:
            if not marker.args:
                raise pytest.UsageError(f"{metafunc.definition.nodeid}: {name} needs a reason")
            kinds = only
    metafunc.parametrize("database", kinds, indirect=True)


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[SharedSchema]:
    """One schema on the test server for the whole run (skips, or fails in CI, without one)."""
    with migrated_schema("culturetool_tests") as url:
        shared = SharedSchema(url)
        try:
            yield shared
        finally:
            shared.close()


@pytest.fixture
def database(request, tmp_path, monkeypatch) -> Iterator[str]:
    """A database at the newest schema with no rows, which services use through the env: a new
    SQLite file, or the run's PostgreSQL schema emptied."""
    monkeypatch.setenv("CULTURETOOL_MODEL_DIR", str(MODEL_DIR))
    if getattr(request, "param", "sqlite") == "sqlite":
        url = f"sqlite:///{tmp_path / 'culturetool-test.db'}"
        upgrade(url)
    else:
        url = request.getfixturevalue("postgres_schema").emptied()
    monkeypatch.setenv("CULTURETOOL_DB_URL", url)
    yield url
    db._engine_for(url).dispose()  # its pooled connections, which the next TRUNCATE would wait for


@pytest.fixture(autouse=True)
def fresh_sender_limits(monkeypatch):
    """Each test starts with no sender remembered (the limits live in the process's memory)."""
    monkeypatch.setattr(responding, "sender_limits", responding.SenderLimits())
