"""The culture model in force, loaded once per folder: new rounds are measured with it, and
targets, plans and the demo name conditions and interventions from it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from culturetool import config
from culturetool.domain.model_loader import load_model_dir
from culturetool.domain.model_schema import CultureModel


@cache
def _model_from(directory: Path) -> CultureModel:
    return load_model_dir(directory)


def current_model() -> CultureModel:
    """The culture model in force: new rounds are measured with it."""
    return _model_from(config.model_dir().resolve())
