"""Settings read from the environment, with defaults that run everything on one machine."""

from __future__ import annotations

import gc
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


# Python's default runs the cycle collector every 700 new objects, and an older generation every
# 10 younger runs. A first look at a county makes hundreds of thousands of small objects that
# stay (the ledger's bases and the cells of its partitions), and with the default the collector
# walks them again and again: about a third of that look's time on bench/county.py. Cycles are
# rare in this code and reference counting frees everything else at once, so collecting
# less often costs little memory.
GARBAGE_COLLECTOR_THRESHOLDS = (50_000, 50, 100)


def tune_garbage_collector() -> None:
    """Collect cycles less often (see GARBAGE_COLLECTOR_THRESHOLDS): called as the app starts
    in each process, and by the benchmarks, which measure the app as it runs."""
    gc.set_threshold(*GARBAGE_COLLECTOR_THRESHOLDS)
