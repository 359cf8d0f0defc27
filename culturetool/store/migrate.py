"""Bring a database up to the newest schema with Alembic (safe to run again and again)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from culturetool import config
from culturetool.store.db import make_sqlite_folder

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # Alembic's ini interpolation treats % specially; URLs may contain it (escaped passwords).
    cfg.set_main_option("sqlalchemy.url", (url or config.database_url()).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None) -> None:
    url = url or config.database_url()
    make_sqlite_folder(url)
    command.upgrade(alembic_config(url), "head")
