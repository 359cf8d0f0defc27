"""The model in force lives in the database (`culturetool model load`): loading, loading again,
loading a changed model while a round is open, two processes seeing a load at once, a bad
folder refused, and the first use of a database that has no model in force yet. Real migrated
SQLite files (conftest's `database`) and real model folders."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from model_fixtures import MODEL_DIR, copy_model, edit_yaml, entry
from people import admin, leader, manager_of
from respondents import open_link_round, send

from culturetool import cli
from culturetool.domain.model_loader import check_model_dir, load_model_dir, model_version
from culturetool.services.model_provider import ModelProvider, current_model, load_model
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.services.round_results import results_for_round
from culturetool.store import db
from culturetool.store import repository as repo
from culturetool.store.migrate import alembic_config, upgrade
from culturetool.store.tables import AssessmentRound, AuditEvent, Base, ModelInForce, ModelVersion

pytestmark = pytest.mark.db  # the upgrade test makes its database by hand

RENAMED = "Shared purpose"


@pytest.fixture
def renamed_model(tmp_path):
    """The project's model with one condition renamed: a different version."""
    folder = copy_model(tmp_path / "renamed-model")
    edit_yaml(
        folder,
        "conditions.yaml",
        lambda data: entry(data["conditions"], "strategic_clarity").update(name=RENAMED),
    )
    return folder


@pytest.fixture
def broken_model(tmp_path):
    """The project's model with a condition that has no name: the loader refuses it."""
    folder = copy_model(tmp_path / "broken-model")
    edit_yaml(
        folder,
        "conditions.yaml",
        lambda data: entry(data["conditions"], "strategic_clarity").pop("name"),
    )
    return folder


def in_force() -> str | None:
    with db.transaction() as session:
        return repo.model_version_in_force(session)


def stored_state() -> tuple[list[tuple[int, str]], list[str], list[tuple[str, str]]]:
    """Everything a load may write: the rows in force, the snapshots and the audit log."""
    with db.transaction() as session:
        return (
            [
                tuple(row)
                for row in session.execute(
                    sa.select(ModelInForce.id, ModelInForce.model_version_id)
                )
            ],
            list(session.scalars(sa.select(ModelVersion.id).order_by(ModelVersion.id))),
            [
                tuple(row)
                for row in session.execute(sa.select(AuditEvent.action, AuditEvent.detail))
            ],
        )


def model_loads() -> list[AuditEvent]:
    with db.transaction() as session:
        return list(
            session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "model loaded"))
        )


def a_team(name: str) -> int:
    with db.transaction() as session:
        organisation = repo.the_organisation(session)
    if organisation is None:
        create_organisation("Test Council")
    return add_team(admin(), add_area(admin(), f"Area of {name}"), name)


def round_version(round_id: int) -> str:
    with db.transaction() as session:
        return session.get(AssessmentRound, round_id).model_version_id


# ---- loading ----------------------------------------------------------------------------------


def test_loading_a_model_makes_it_the_one_in_force_and_records_it(database, model, capsys):
    create_organisation("Test Council")
    assert in_force() is None

    assert cli.main(["model", "load", str(MODEL_DIR)]) == 0

    assert "is loaded: new rounds use it" in capsys.readouterr().out
    assert in_force() == model_version(model)
    [event] = model_loads()
    assert event.actor_user_id is None and event.actor_name == "command line"
    assert model_version(model)[:12] in event.detail and str(MODEL_DIR) in event.detail
    # What every process now reads back is the stored snapshot, with the same version.
    assert model_version(ModelProvider().current()) == model_version(model)


def test_loading_the_same_model_again_changes_nothing_and_says_so(database, capsys):
    create_organisation("Test Council")
    assert cli.main(["model", "load", str(MODEL_DIR)]) == 0
    before = stored_state()
    capsys.readouterr()

    assert cli.main(["model", "load", str(MODEL_DIR)]) == 0

    assert "is already the one in use: nothing changed." in capsys.readouterr().out
    assert stored_state() == before
    assert load_model(MODEL_DIR).changed is False


def test_a_changed_model_is_used_for_new_rounds_while_an_open_round_keeps_its_own(
    database, model, renamed_model
):
    load_model(MODEL_DIR)
    old_team = a_team("Team One")
    old_round = open_link_round(manager_of(old_team), old_team)
    for number in range(5):
        answers = {item.id: 4 for item in model.questionnaire.items}
        assert send(old_round.token, f"device-{number}", answers) is True

    loaded = load_model(renamed_model)

    assert loaded.changed is True
    new_version = model_version(load_model_dir(renamed_model))
    assert in_force() == new_version != model_version(model)
    assert current_model().condition_by_id["strategic_clarity"].name == RENAMED
    assert "in place of version " + model_version(model)[:12] in model_loads()[-1].detail
    # The open round keeps the snapshot it was opened with, and its results read with it.
    assert round_version(old_round.id) == model_version(model)
    results = results_for_round(leader(), old_round.id)
    assert results.conditions[0].key == "strategic_clarity"
    assert results.conditions[0].name == "Strategic clarity"
    # A round opened now gets the new version.
    new_team = a_team("Team Two")
    new_round = open_link_round(manager_of(new_team), new_team)
    assert round_version(new_round.id) == new_version


def test_two_processes_see_a_new_load_at_once_without_a_restart(database, model, renamed_model):
    first_process, second_process = ModelProvider(), ModelProvider()
    load_model(MODEL_DIR)
    assert first_process.current().condition_by_id["strategic_clarity"].name != RENAMED
    assert second_process.current().condition_by_id["strategic_clarity"].name != RENAMED

    load_model(renamed_model)  # by a third process: the command line

    assert first_process.current().condition_by_id["strategic_clarity"].name == RENAMED
    assert second_process.current().condition_by_id["strategic_clarity"].name == RENAMED
    # And back again: each process still follows the database, from its cache.
    load_model(MODEL_DIR)
    assert model_version(first_process.current()) == model_version(model)
    assert model_version(second_process.current()) == model_version(model)


def test_a_bad_model_folder_is_refused_with_the_loaders_message_and_nothing_changes(
    database, broken_model, capsys
):
    create_organisation("Test Council")
    load_model(MODEL_DIR)
    before = stored_state()
    capsys.readouterr()

    assert cli.main(["model", "load", str(broken_model)]) == 1
    refused = capsys.readouterr().out
    assert cli.main(["model", "check", str(broken_model)]) == 1
    checked = capsys.readouterr().out

    _, problems = check_model_dir(broken_model)
    assert problems and all(str(problem) in refused for problem in problems)
    assert refused.startswith(checked)  # the same report as `model check`, word for word
    assert "Nothing was loaded: the model in use is unchanged." in refused
    assert stored_state() == before
    assert load_model(broken_model).problems == problems


# ---- a database with no model in force yet ----------------------------------------------------


def test_the_first_use_stores_the_model_folder_as_the_one_in_force_once(database, model):
    assert in_force() is None

    assert model_version(current_model()) == model_version(model)
    assert model_version(ModelProvider().current()) == model_version(model)

    rows, versions, _ = stored_state()
    assert [version for _, version in rows] == [model_version(model)]
    assert versions == [model_version(model)]


def test_an_install_upgraded_with_rounds_keeps_their_snapshot_and_needs_no_step(
    tmp_path, monkeypatch, model
):
    url = f"sqlite:///{tmp_path / 'upgraded.db'}"
    monkeypatch.setenv("CULTURETOOL_DB_URL", url)
    monkeypatch.setenv("CULTURETOOL_MODEL_DIR", str(MODEL_DIR))
    command.upgrade(alembic_config(url), "0009")
    with db.transaction() as session:  # what a round opened before this change stored
        repo.ensure_model_version(session, model)

    upgrade(url)

    assert in_force() is None
    assert model_version(current_model()) == model_version(model)
    rows, versions, _ = stored_state()
    assert [version for _, version in rows] == versions == [model_version(model)]


def test_the_migration_creates_the_table_as_declared(database):
    with db._engine_for(database).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if "model_in_force" in repr(d)] == []
