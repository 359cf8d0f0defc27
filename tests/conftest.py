"""Shared fixtures: a fresh, migrated SQLite database per test, and the project's model."""

from __future__ import annotations

from pathlib import Path

import pytest

from culturetool.domain.model_loader import load_model_dir
from culturetool.domain.model_schema import CultureModel
from culturetool.services import responding
from culturetool.store.migrate import upgrade

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = PROJECT_ROOT / "model"


# Fixtures that give a test a database or the running app: tests using them (directly or
# through another fixture) get the `db` or `browser` marker, so `make test-fast` can leave them
# out. A test that makes a database by hand is marked `db` in its own module.
DATABASE_FIXTURES = {"database", "world_template", "postgres"}
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


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    """A real SQLite file, migrated to the newest schema; services use it through the env."""
    url = f"sqlite:///{tmp_path / 'culturetool-test.db'}"
    monkeypatch.setenv("CULTURETOOL_DB_URL", url)
    monkeypatch.setenv("CULTURETOOL_MODEL_DIR", str(MODEL_DIR))
    upgrade(url)
    return url


@pytest.fixture(autouse=True)
def fresh_sender_limits(monkeypatch):
    """Each test starts with no sender remembered (the limits live in the process's memory)."""
    monkeypatch.setattr(responding, "sender_limits", responding.SenderLimits())
