"""Per process and database: views built in a transaction, each kept with what it was built
from once the transaction has committed, so that a look whose inputs have not changed can be
answered with it. A transaction that is rolled back keeps nothing (its ledger rows were not
written, so what it built may not be shown again).

Views are kept pickled and each look gets its own copy: a caller may change what it is given
without changing what the next caller gets. The newest `LIMIT` are kept.
"""

from __future__ import annotations

import pickle
import threading
import weakref
from collections.abc import Hashable
from typing import TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

View = TypeVar("View")
LIMIT = 64

_kept: weakref.WeakKeyDictionary[Engine, dict[Hashable, tuple[Hashable, bytes]]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def _kept_for(session: Session) -> dict[Hashable, tuple[Hashable, bytes]]:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with _lock:
        return _kept.setdefault(engine, {})


def kept_view(session: Session, key: Hashable, inputs: Hashable, kind: type[View]) -> View | None:
    """A copy of the view kept under `key`, if it was built from exactly these inputs."""
    found = _kept_for(session).get(key)
    if found is None or found[0] != inputs:
        return None
    view = pickle.loads(found[1])
    assert isinstance(view, kind)
    return view


def keep_once_committed(session: Session, key: Hashable, inputs: Hashable, view: object) -> None:
    """Keep `view` under `key` with its inputs once this transaction commits."""
    kept = _kept_for(session)
    data = pickle.dumps(view, protocol=pickle.HIGHEST_PROTOCOL)

    def keep(_session: Session) -> None:
        with _lock:
            kept.pop(key, None)
            kept[key] = (inputs, data)
            while len(kept) > LIMIT:
                del kept[next(iter(kept))]

    event.listen(session, "after_commit", keep, once=True)
