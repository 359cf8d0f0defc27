"""The disclosure ledger (`disclosure_record`) as the gate reads it: what one audience of one
organisation was shown, per figure, kept in memory between looks.

At county scale the ledger holds tens of thousands of rows, and every look needs all of them
(a county figure's cells cut across every area). Reading and parsing them all for each look
would cost more than the look itself, so each process keeps them and, at the start of a look,
reads only the rows written since (the ledger is only ever added to). The look's own new rows
are written in one statement at its end and added to the kept copy at once (or, if another
look's rows came in between, read back by the next look), so that a second look in the same
transaction (a dashboard looks at two periods) need not read them back. A transaction that wrote
rows and is then rolled back throws the kept copy away: it may hold rows that were never
committed, and SQLite gives their ids to the next rows written. A change in the number of older
rows (a restore, another database) throws the kept copy away too.

Decisions are taken one look at a time per organisation: each look first locks the
organisation's row (PostgreSQL; SQLite has one writer anyway), so two people looking at once
cannot each be shown a figure that is safe alone and unsafe together, and rows are committed in
the order their ids were given, so "rows after the last id seen" misses none.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from culturetool.domain.disclosure import (
    CONFIDENCE,
    ITEM,
    Basis,
    FigureKey,
    FigureValue,
    Held,
    ShownBefore,
    Wanted,
)
from culturetool.domain.kinds import Audience, GroupKind
from culturetool.domain.scoring import ConfidenceGap, GroupScore, ItemScore
from culturetool.store.repository import insert_many
from culturetool.store.tables import DisclosureRecord, Organisation

# A group whose figures are shown: its kind and id, and the period it pools (0 for a round and
# for the area page's pool of each team's latest round).
GroupKey = tuple[GroupKind, int, int]


def figure_text(key: FigureKey) -> str:
    return f"{key[0]}:{key[1]}"


def _basis_text(basis: Basis) -> str:
    """The basis as JSON, round ids in order and zeros left out: what `json.dumps` writes for
    it, written out directly (a first look at a county remembers tens of thousands)."""
    return "{" + ",".join(f'"{int(r)}":{int(n)}' for r, n in sorted(basis.items()) if n) + "}"


# json.dumps with separators makes an encoder per call; a first look writes tens of thousands.
_compact_json = json.JSONEncoder(separators=(",", ":")).encode


def _value_from(kind: str, text: str) -> FigureValue:
    data = json.loads(text)
    if kind == CONFIDENCE[0]:
        return ConfidenceGap(**data)
    if kind == ITEM:
        return ItemScore(**data)
    return GroupScore(**data)


@dataclass
class _Kept:
    """One audience's ledger as far as row `last_id`."""

    last_id: int = 0
    rows: int = 0
    by_figure: dict[str, ShownBefore[GroupKey]] = field(
        default_factory=lambda: defaultdict(ShownBefore)
    )
    # (figure, group) -> the value shown last, as its JSON text
    last_value: dict[tuple[str, GroupKey], str] = field(default_factory=dict)
    # Held while rows are added, a figure's record copied or decisions taken.
    lock: threading.Lock = field(default_factory=threading.Lock)

    def forget(self) -> None:
        """Start again from nothing (the caller holds the lock)."""
        self.by_figure.clear()
        self.last_value.clear()
        self.last_id = self.rows = 0


_kept: weakref.WeakKeyDictionary[Engine, dict[tuple[int, str], _Kept]] = weakref.WeakKeyDictionary()
_kept_lock = threading.Lock()
_KINDS = {kind.value: kind for kind in GroupKind}


def _engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _kept_for(session: Session, organisation_id: int, audience: Audience) -> _Kept:
    with _kept_lock:
        per_engine = _kept.setdefault(_engine_of(session), {})
        return per_engine.setdefault((organisation_id, audience.value), _Kept())


def _caught_up(
    session: Session, organisation_id: int, audience: Audience, *, check_older: bool = True
) -> _Kept:
    kept = _kept_for(session, organisation_id, audience)
    of_audience = (
        DisclosureRecord.organisation_id == organisation_id,
        DisclosureRecord.audience == audience.value,
    )
    with kept.lock:
        older = (
            session.scalar(
                select(func.count()).where(*of_audience, DisclosureRecord.id <= kept.last_id)
            )
            if check_older
            else kept.rows
        )
        if older != kept.rows:
            kept.forget()
        # Core, not the ORM: a new process reads tens of thousands of rows here.
        rows = (
            session.connection()
            .execute(
                select(
                    DisclosureRecord.id,
                    DisclosureRecord.group_kind,
                    DisclosureRecord.group_id,
                    DisclosureRecord.period_id,
                    DisclosureRecord.figure,
                    DisclosureRecord.basis,
                    DisclosureRecord.shown,
                )
                .where(*of_audience, DisclosureRecord.id > kept.last_id)
                .order_by(DisclosureRecord.id)
            )
            .all()
        )
        # Every basis parsed in one call, not one call a row.
        bases = json.loads("[" + ",".join(row[5] for row in rows) + "]")
        by_figure, last_value = kept.by_figure, kept.last_value
        for (id_, kind, group_id, period_id, figure, _, shown), basis in zip(
            rows, bases, strict=True
        ):
            group: GroupKey = (_KINDS[kind], group_id, period_id)
            by_figure[figure].add(group, {int(r): n for r, n in basis.items()})
            last_value[figure, group] = shown
            kept.last_id = id_
        kept.rows += len(rows)
    return kept


class Ledger:
    """What one audience of one organisation was shown, for the length of one look."""

    def __init__(self, session: Session, organisation_id: int, audience: Audience) -> None:
        self.session, self.organisation_id, self.audience = session, organisation_id, audience
        # The organisation's lock and the check that no older row went missing, once per
        # transaction (a team's page as a leader makes three ledgers, the dashboard two); the
        # rows written since are read every time.
        checked = session.info.setdefault(_CHECKED, {})
        first = checked.get((organisation_id, audience)) is not session.get_transaction()
        if first:
            session.execute(
                select(Organisation.id).where(Organisation.id == organisation_id).with_for_update()
            )
        self._kept = _caught_up(session, organisation_id, audience, check_older=first)
        checked[organisation_id, audience] = session.get_transaction()
        self._start = self.state
        # What this look shows anew, to be written in one statement by `write`.
        self._pending: list[tuple[object, ...]] = []
        self._read_back: list[
            tuple[GroupKey, str, Basis, frozenset[tuple[int, int]], Held | None, str]
        ] = []
        self._note_state(self.state)

    @property
    def state(self) -> tuple[int, int]:
        """How far the kept ledger goes (last row id, rows): it changes whenever it does."""
        return self._kept.last_id, self._kept.rows

    @contextmanager
    def deciding(self) -> Iterator[None]:
        """Held while decisions are taken: they try bases on the kept partitions, and keep
        those that will be remembered, so two looks in one process must not do it at once.
        From here the kept copy may hold what this transaction shows: if it is rolled back,
        or deciding fails half way, the copy is thrown away."""
        _forget_on_rollback(self.session, self._kept)
        with self._kept.lock:
            try:
                yield
            except BaseException:
                self._kept.forget()
                raise

    def rounds_shown_since(self, state: tuple[int, int]) -> set[int] | None:
        """The rounds that the figures shown since an earlier `state` rest on; None if the
        ledger is not that state plus rows added after it (an older row went missing)."""
        last, rows = state
        if self.state == state:
            return set()
        if self.state[0] < last or self.state[1] < rows:
            return None
        since = self.session.scalars(
            select(DisclosureRecord.basis).where(
                DisclosureRecord.organisation_id == self.organisation_id,
                DisclosureRecord.audience == self.audience.value,
                DisclosureRecord.id > last,
                DisclosureRecord.id <= self.state[0],
            )
        ).all()
        if len(since) != self.state[1] - rows:
            return None
        return {int(r) for basis in since for r in json.loads(basis)}

    def shown_before(self, key: FigureKey) -> ShownBefore[GroupKey]:
        return self._kept.by_figure.get(figure_text(key)) or ShownBefore()

    def keep_record(self, key: FigureKey, record: ShownBefore[GroupKey]) -> None:
        """Keep a figure's record, which `shown_before` may have made new, with the partition
        its decision left bases in (while deciding)."""
        self._kept.by_figure.setdefault(figure_text(key), record)

    def last_shown(self, group: GroupKey, key: FigureKey) -> FigureValue | None:
        text = self._kept.last_value.get((figure_text(key), group))
        return None if text is None else _value_from(key[0], text)

    def remember(
        self,
        group: GroupKey,
        area_id: int | None,
        key: FigureKey,
        shown_as: Wanted[GroupKey],
        value: FigureValue,
        held: Held | None = None,
    ) -> None:
        """Queue a figure shown anew, on the basis of the candidate it was shown as; `write`
        puts the queue in the database. A look decides once, so what it queues need not be
        seen by its own decisions. `held`: what its decision left in the kept partition
        (`ShownBefore.settle`)."""
        basis = shown_as.basis
        figure = figure_text(key)
        # The figures are flat dataclasses: their fields as they are, without asdict's deep
        # copy of each (a first look at a county remembers tens of thousands).
        shown = _compact_json(vars(value))
        # As the next look would read it back: the basis without its zeros.
        kept_basis = {r: n for r, n in basis.items() if n}
        self._read_back.append((group, figure, kept_basis, shown_as.basis_key, held, shown))
        self._pending.append(
            (
                self.organisation_id,
                area_id,
                self.audience.value,
                group[0].value,
                group[1],
                group[2],
                figure,
                _basis_text(basis),
                shown,
            )
        )

    def _note_state(self, state: tuple[int, int]) -> None:
        self.session.info.setdefault(STATE_AFTER, {})[self.organisation_id, self.audience] = state

    def write(self) -> None:
        """What this look showed anew, in one statement (a first look at a county shows tens
        of thousands of figures), added to the kept ledger at once so that the next look need
        not read it back. Notes in the session (`state_after`) the `state` the next look will
        find if nothing else is written before it reads the ledger."""
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        read_back, self._read_back = self._read_back, []
        # From here the kept copy may hold rows of this transaction (this look's, or read back
        # by a later look in it): if the transaction is rolled back, they never were.
        _forget_on_rollback(self.session, self._kept)
        # Plain tuples to the driver: the ORM's bookkeeping, or Core's handling of each row's
        # parameters, for a first look's tens of thousands costs more than writing them.
        insert_many(self.session, _INSERT_RECORDS, rows)
        of_audience = (
            DisclosureRecord.organisation_id == self.organisation_id,
            DisclosureRecord.audience == self.audience.value,
        )
        # The rows after those this look caught up with: its own, unless another look wrote
        # some in between (one of this transaction, or, on SQLite, whose lock is no lock,
        # another process's before this INSERT began the write).
        last, after = self.session.execute(
            select(func.max(DisclosureRecord.id), func.count()).where(
                *of_audience, DisclosureRecord.id > self._start[0]
            )
        ).one()
        self._note_state((last, self._start[1] + after))
        if after != len(rows):
            return  # the next look reads them back
        kept = self._kept
        with kept.lock:
            if (kept.last_id, kept.rows) != self._start:
                return  # a look since has read them, or the kept copy was started again
            for group, figure, basis, basis_key, held, shown in read_back:
                # A figure's record may be new since it was decided (the kept copy thrown
                # away and read again by another look): its partition then lacks the basis.
                kept.by_figure[figure].add(group, basis, basis_key, held=held)
                kept.last_value[figure, group] = shown
            kept.last_id, kept.rows = last, self._start[1] + len(rows)


def _forget_on_rollback(session: Session, kept: _Kept) -> None:
    """Throw `kept` away if the session's transaction is rolled back (once per transaction)."""
    touched: dict[int, _Kept] | None = session.info.get(_TOUCHED)
    if touched is None:
        touched = session.info[_TOUCHED] = {}

        def committed(session: Session) -> None:
            session.info.pop(_TOUCHED, None)

        def rolled_back(session: Session) -> None:
            for kept in session.info.pop(_TOUCHED, {}).values():
                with kept.lock:
                    kept.forget()

        event.listen(session, "after_commit", committed, once=True)
        event.listen(session, "after_rollback", rolled_back, once=True)
    touched[id(kept)] = kept


_TOUCHED = "culturetool.ledger_rows_written"


STATE_AFTER = "culturetool.ledger_state_after"
_INSERT_RECORDS = (
    "INSERT INTO disclosure_record (organisation_id, area_id, audience, group_kind, group_id, "
    "period_id, figure, basis, shown) VALUES ({0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, {0})"
)
_CHECKED = "culturetool.ledger_checked"


def state_after(session: Session, organisation_id: int, audience: Audience) -> tuple[int, int]:
    """The ledger's state as the next transaction will read it, after everything this one
    wrote; only meaningful once a `Ledger` of this audience was made in the session."""
    return session.info[STATE_AFTER][organisation_id, audience]


def last_id_after(session: Session, organisation_id: int, audience: Audience) -> int | None:
    """The ledger's last row id as the next transaction will read it, once a `Ledger` of this
    audience was made in the session (it holds the organisation's lock until the transaction
    ends); None if none was."""
    state = session.info.get(STATE_AFTER, {}).get((organisation_id, audience))
    return None if state is None else state[0]
