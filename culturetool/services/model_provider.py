"""The culture model in force, kept in the database: new rounds are measured with it, and
targets, plans and the demo name conditions and interventions from it.

`culturetool model load` stores a model folder as a version and makes it the one in force.
Every use asks the database which version that is (one small query), so all processes of the
installation change over together, with no restart; a round keeps the version it was opened
with (repository.model_of_round)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from culturetool import config
from culturetool.domain.model_loader import (
    ModelProblem,
    check_model_dir,
    load_model_dir,
    model_from_json,
    model_version,
)
from culturetool.domain.model_schema import CultureModel
from culturetool.store import repository as repo
from culturetool.store.db import transaction


class ModelProvider:
    """Reads the version in force from the database on every use and keeps parsed models by
    version id (a version's content never changes, and an installation has only a few)."""

    def __init__(self) -> None:
        self._parsed: dict[str, CultureModel] = {}

    def current(self) -> CultureModel:
        model = self._in_force()
        if model is None:
            # A fresh install, or one upgraded from before models were kept in the database:
            # the model folder becomes the version in force, once, so nothing else is needed.
            self._store_folder_model()
            model = self._in_force()
        assert model is not None  # stored just now, by this process or another
        return model

    def _in_force(self) -> CultureModel | None:
        with transaction() as session:
            version_id = repo.model_version_in_force(session)
            return None if version_id is None else self._parsed_model(session, version_id)

    def _parsed_model(self, session: Session, version_id: str) -> CultureModel:
        model = self._parsed.get(version_id)
        if model is None:
            model = model_from_json(repo.model_version_content(session, version_id))
            self._parsed[version_id] = model
        return model

    @staticmethod
    def _store_folder_model() -> None:
        model = load_model_dir(config.model_dir())
        try:
            with transaction() as session:
                if repo.model_version_in_force(session) is None:
                    version = repo.ensure_model_version(session, model)
                    repo.make_model_current(session, version.id)
        except IntegrityError:
            pass  # another process stored the same snapshot first; its row is in force


_provider = ModelProvider()


def current_model() -> CultureModel:
    """The culture model in force: new rounds are measured with it."""
    return _provider.current()


@dataclass(frozen=True)
class ModelLoad:
    """What loading a model folder did. With problems, nothing was stored and the model in
    force is unchanged; otherwise `model` is in force, and `changed` says whether it was not
    before."""

    problems: list[ModelProblem] = field(default_factory=list)
    model: CultureModel | None = None
    changed: bool = False


def load_model(directory: str | Path) -> ModelLoad:
    """Check a model folder exactly as `culturetool model check` does and, if it is valid,
    store it as a version and make it the one in force for new rounds (rounds already open
    keep theirs). Recorded in the audit log as done from the command line."""
    model, problems = check_model_dir(directory)
    if model is None:
        return ModelLoad(problems=problems)
    with transaction() as session:
        before = repo.model_version_in_force(session)
        if before == model_version(model):
            return ModelLoad(model=model, changed=False)
        version = repo.ensure_model_version(session, model)
        repo.make_model_current(session, version.id)
        organisation = repo.the_organisation(session)
        if organisation is not None:  # before the organisation exists there is no audit log
            replaced = f", in place of version {before[:12]}" if before else ""
            repo.record(
                session,
                None,
                "model loaded",
                f"{model.meta.name} ({model.meta.version_label}), version {version.id[:12]}, "
                f"from {directory}{replaced}. New rounds use it; open rounds keep theirs.",
                organisation.id,
            )
    return ModelLoad(model=model, changed=True)
