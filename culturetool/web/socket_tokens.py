"""A page keeps its state when the app process it was talking to dies.

With several processes (REFLEX_REDIS_URL set), Reflex 0.10 records in Redis which process holds
each page's socket, and treats a page that connects while a record exists as a duplicated
browser tab: it gets a new token, so a fresh, empty state. A process killed outright (kill -9,
out of memory, a crashed machine) never removes its records, so for an hour every page it was
serving would lose what its person had typed, and events sent while it reconnected.

`SurvivingTokenManager` tells the two cases apart: each process keeps a short-lived "alive" key
in Redis, renewed every few seconds, and a record left by a process whose key has lapsed is
released, so the page reconnects with its own token and finds its state in Redis (after at
most a few seconds' wait for the key to lapse). A duplicated tab on a live process still gets a
new token, as before. `install()` makes Reflex use it; it is
called before the app is made (culturetool.py).
"""

from __future__ import annotations

import asyncio
import logging
import pickle

from reflex.utils import token_manager
from reflex.utils.token_manager import RedisTokenManager, TokenManager

_log = logging.getLogger(__name__)

ALIVE_SECONDS = 3
_RENEW_EVERY = 1.0


def alive_key(instance_id: str) -> str:
    return f"culturetool_process_alive_{instance_id}"


class SurvivingTokenManager(RedisTokenManager):
    _alive_task: asyncio.Task | None = None

    def _keep_alive(self) -> None:
        if self._alive_task is None or self._alive_task.done():
            self._alive_task = asyncio.get_running_loop().create_task(self._renew_alive())

    async def _renew_alive(self) -> None:
        while True:
            try:
                await self.redis.set(alive_key(self.instance_id), b"1", ex=ALIVE_SECONDS)
            except Exception as problem:  # noqa: BLE001 - Redis is back in a moment
                _log.warning("Could not renew this process's alive key: %s", type(problem).__name__)
            await asyncio.sleep(_RENEW_EVERY)

    async def _owner_is_gone(self, token: str) -> bool:
        raw = await self.redis.get(self._get_redis_key(token))
        if raw is None:
            return False
        owner = pickle.loads(raw).instance_id  # written by Reflex's own manager, as it reads it
        if owner == self.instance_id:
            return False
        # A page usually reconnects within a second or two of its process dying, before the
        # dead process's key lapses: wait that long. A tab duplicated while its process lives
        # waits too, then gets a new token as Reflex intends.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ALIVE_SECONDS + 1
        while await self.redis.exists(alive_key(owner)):
            if loop.time() > deadline:
                return False
            await asyncio.sleep(0.5)
        return True

    async def link_token_to_sid(self, token: str, sid: str) -> str | None:
        self._keep_alive()
        try:
            if await self._owner_is_gone(token):
                await self.redis.delete(self._get_redis_key(token))
        except Exception as problem:  # noqa: BLE001 - Reflex's own handling follows
            _log.warning("Could not check a page's previous process: %s", type(problem).__name__)
        return await super().link_token_to_sid(token, sid)

    async def close(self) -> None:
        if self._alive_task is not None:
            self._alive_task.cancel()
        await super().close()


_reflex_create = TokenManager.create


def _create() -> TokenManager:
    made = _reflex_create()
    if isinstance(made, RedisTokenManager):
        return SurvivingTokenManager(made.redis)
    return made


def install() -> None:
    token_manager.TokenManager.create = staticmethod(_create)  # type: ignore[method-assign]
