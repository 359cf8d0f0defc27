"""Settings read from the environment, with defaults that run everything on one machine."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """CULTURETOOL_DB_URL, e.g. postgresql+psycopg://host/db; a SQLite file under data/ if unset."""
    url = os.environ.get("CULTURETOOL_DB_URL", "").strip()
    return url or f"sqlite:///{PROJECT_ROOT / 'data' / 'culturetool.db'}"


def model_dir() -> Path:
    """The folder of the culture model in force (CULTURETOOL_MODEL_DIR, or model/)."""
    return Path(os.environ.get("CULTURETOOL_MODEL_DIR", "") or PROJECT_ROOT / "model")


def public_base_url() -> str:
    """Where people reach the app, used to build share links (CULTURETOOL_PUBLIC_URL)."""
    return os.environ.get("CULTURETOOL_PUBLIC_URL", "").rstrip("/")
