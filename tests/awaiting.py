"""Run an async event handler to the end from a plain test."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run_to_end(coroutine):
    """On a thread of its own: once the browser tests have run, Playwright's sync API leaves an
    event loop in the main thread, and asyncio.run refuses to start a second one there."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
