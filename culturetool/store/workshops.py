"""Reading and writing a workshop's board and votes. Each function works inside the caller's
transaction (`store.db.transaction`).

Several facilitators edit one board at once, from different processes, and the database is the
only copy of it. A service loads the board, applies one of the domain's operations (which
refuses an edit made on a screen that is out of date) and saves the result with `save_board`.
Between that load and the save another facilitator's edit may commit, so every row the save
changes is written only where it still is as the load found it: a theme where its version is
unchanged, an entry where it is still in the theme it was in. Where a write touches no row the
save raises the domain's `Conflict`, and the caller's transaction rolls back everything it had
written, so a stale edit is refused whole while edits to other themes land.

Phone ballots are kept under the hash of a random key the participant's browser holds, with no
device, address or time (see `tables.WorkshopBallot`).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import CursorResult, delete, insert, select, update
from sqlalchemy.orm import Session

from culturetool.domain.errors import NotFound
from culturetool.domain.workshop.board import Board, Conflict, Theme
from culturetool.domain.workshop.kinds import Channel, EntryKind, VotingState
from culturetool.domain.workshop.votes import (
    Ballot,
    VoteRules,
    check_ballot,
    check_table_votes,
)
from culturetool.store.tables import (
    Workshop,
    WorkshopBallot,
    WorkshopBallotVote,
    WorkshopEntry,
    WorkshopTableVote,
    WorkshopTheme,
)

BALLOT_KEY_BYTES = 24  # 192 random bits: a ballot's key cannot be guessed

THEME_CHANGED = (
    "Another facilitator has just changed a theme you were working on. The board now shows "
    "their change; make yours again if it is still needed."
)
ENTRY_MOVED = (
    "Another facilitator has just moved an entry you chose. The board now shows their change; "
    "make yours again if it is still needed."
)


def _rows_touched(session: Session, statement: Any) -> int:
    return cast(CursorResult[Any], session.execute(statement)).rowcount


def _conditions(stored: str) -> frozenset[str]:
    return frozenset(stored.split())


def add_entries(
    session: Session,
    workshop_id: int,
    entries: Iterable[tuple[EntryKind, Channel, str | None, str]],
) -> list[int]:
    """Entries (kind, channel, perspective or None, text), unthemed; their ids in order."""
    rows = [
        WorkshopEntry(
            workshop_id=workshop_id,
            kind=kind.value,
            channel=channel.value,
            perspective=perspective,
            text=text,
        )
        for kind, channel, perspective, text in entries
    ]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def load_board(session: Session, workshop_id: int) -> Board:
    """The workshop's board as it is in the database now."""
    entries = session.execute(
        select(WorkshopEntry.id, WorkshopEntry.kind, WorkshopEntry.theme_id).where(
            WorkshopEntry.workshop_id == workshop_id
        )
    ).all()
    members: dict[int, set[int]] = {}
    for entry_id, _, theme_id in entries:
        if theme_id is not None:
            members.setdefault(theme_id, set()).add(entry_id)
    themes = {
        row.id: Theme(
            id=row.id,
            kind=EntryKind(row.kind),
            entry_ids=frozenset(members.get(row.id, ())),
            statement=row.statement,
            condition_ids=_conditions(row.condition_ids),
            version=row.version,
        )
        for row in session.scalars(
            select(WorkshopTheme).where(WorkshopTheme.workshop_id == workshop_id)
        )
    }
    return Board({entry_id: EntryKind(kind) for entry_id, kind, _ in entries}, themes)


def save_board(session: Session, workshop_id: int, before: Board, after: Board) -> dict[int, int]:
    """Write the changes from `before` (the board as loaded) to `after` (the board an operation
    returned), or raise `Conflict` if another edit has changed any row they touch since.

    A theme new in `after` is stored under an id the database gives it, so two facilitators
    making themes at once cannot take the same id: the id passed to the domain's `make_theme`
    or `split` is provisional. Returns provisional id → stored id for the new themes.
    """
    for theme_id, theme in after.themes.items():
        was = before.themes.get(theme_id)
        if was is None or was == theme:
            continue
        touched = _rows_touched(
            session,
            update(WorkshopTheme)
            .where(
                WorkshopTheme.id == theme_id,
                WorkshopTheme.workshop_id == workshop_id,
                WorkshopTheme.version == was.version,
            )
            .values(
                statement=theme.statement,
                condition_ids=" ".join(sorted(theme.condition_ids)),
                version=theme.version,
            ),
        )
        if touched != 1:
            raise Conflict(THEME_CHANGED)

    stored_ids: dict[int, int] = {}
    for theme_id, theme in after.themes.items():
        if theme_id in before.themes:
            continue
        row = WorkshopTheme(
            workshop_id=workshop_id,
            kind=theme.kind.value,
            statement=theme.statement,
            condition_ids=" ".join(sorted(theme.condition_ids)),
            version=theme.version,
        )
        session.add(row)
        session.flush()
        stored_ids[theme_id] = row.id

    for entry_id in sorted(before.entries.keys() & after.entries.keys()):
        was_in, now_in = before.theme_of(entry_id), after.theme_of(entry_id)
        if was_in == now_in:
            continue
        where_it_was = (
            WorkshopEntry.theme_id.is_(None) if was_in is None else WorkshopEntry.theme_id == was_in
        )
        touched = _rows_touched(
            session,
            update(WorkshopEntry)
            .where(
                WorkshopEntry.id == entry_id,
                WorkshopEntry.workshop_id == workshop_id,
                where_it_was,
            )
            .values(theme_id=None if now_in is None else stored_ids.get(now_in, now_in)),
        )
        if touched != 1:
            raise Conflict(ENTRY_MOVED)

    for theme_id in sorted(before.themes.keys() - after.themes.keys()):
        touched = _rows_touched(
            session,
            delete(WorkshopTheme).where(
                WorkshopTheme.id == theme_id,
                WorkshopTheme.workshop_id == workshop_id,
                WorkshopTheme.version == before.themes[theme_id].version,
            ),
        )
        if touched != 1:
            raise Conflict(THEME_CHANGED)
    return stored_ids


# Voting.


def new_ballot_key() -> str:
    """The key a participant's browser keeps for its ballot; only its hash is stored."""
    return secrets.token_urlsafe(BALLOT_KEY_BYTES)


def hash_ballot_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def vote_rules(session: Session, workshop_id: int) -> VoteRules:
    """The workshop's voting rules, with its row locked until the transaction ends (on
    PostgreSQL; SQLite writes one transaction at a time anyway): a vote and the closing of
    voting cannot interleave, so no vote lands after voting has closed."""
    workshop = session.execute(
        select(Workshop.vote_budget, Workshop.votes_per_theme, Workshop.voting)
        .where(Workshop.id == workshop_id)
        .with_for_update()
    ).one_or_none()
    if workshop is None:
        raise NotFound("That workshop does not exist.")
    on_ballot = session.scalars(
        select(WorkshopTheme.id).where(
            WorkshopTheme.workshop_id == workshop_id, WorkshopTheme.on_ballot.is_(True)
        )
    )
    return VoteRules(
        budget=workshop.vote_budget,
        per_theme=workshop.votes_per_theme,
        themes=frozenset(on_ballot),
        state=VotingState(workshop.voting),
    )


def ballot_of(session: Session, workshop_id: int, key: str) -> dict[int, int]:
    """A participant's ballot as saved (empty before their first vote)."""
    rows = session.execute(
        select(WorkshopBallotVote.theme_id, WorkshopBallotVote.votes)
        .join(WorkshopBallot, WorkshopBallot.key_hash == WorkshopBallotVote.key_hash)
        .where(
            WorkshopBallot.key_hash == hash_ballot_key(key),
            WorkshopBallot.workshop_id == workshop_id,
        )
    )
    return {theme_id: votes for theme_id, votes in rows}


def record_ballot(session: Session, workshop_id: int, key: str, ballot: Ballot) -> None:
    """A participant's whole ballot, replacing what they had: checked against the workshop's
    rules as they are in this transaction (open, on the ballot, within the budget) before
    anything is written, so a ballot over the budget leaves the saved one as it was."""
    check_ballot(ballot, vote_rules(session, workshop_id))
    key_hash = hash_ballot_key(key)
    owner = session.scalar(
        select(WorkshopBallot.workshop_id).where(WorkshopBallot.key_hash == key_hash)
    )
    if owner is None:
        session.execute(insert(WorkshopBallot).values(key_hash=key_hash, workshop_id=workshop_id))
    elif owner != workshop_id:
        raise NotFound("That ballot is not one of this workshop's.")
    session.execute(delete(WorkshopBallotVote).where(WorkshopBallotVote.key_hash == key_hash))
    counts = [
        {"key_hash": key_hash, "theme_id": theme_id, "votes": votes}
        for theme_id, votes in sorted(ballot.items())
        if votes
    ]
    if counts:
        session.execute(insert(WorkshopBallotVote), counts)


def record_table_votes(
    session: Session, workshop_id: int, table: str, people: int, counts: Mapping[int, int]
) -> None:
    """A table's votes recorded by a facilitator, replacing that table's earlier record."""
    check_table_votes(table, people, counts, vote_rules(session, workshop_id))
    session.execute(
        delete(WorkshopTableVote).where(
            WorkshopTableVote.workshop_id == workshop_id, WorkshopTableVote.table_name == table
        )
    )
    rows = [
        {
            "workshop_id": workshop_id,
            "table_name": table,
            "theme_id": theme_id,
            "people": people,
            "votes": votes,
        }
        for theme_id, votes in sorted(counts.items())
    ]
    if rows:
        session.execute(insert(WorkshopTableVote), rows)


def all_votes(session: Session, workshop_id: int) -> list[dict[int, int]]:
    """Every phone ballot and every table's record, as `domain.workshop.votes.ranking` takes
    them. Phone ballots come in key order, which tells nothing of who voted when."""
    ballots: dict[str, dict[int, int]] = {}
    for key_hash, theme_id, votes in session.execute(
        select(WorkshopBallotVote.key_hash, WorkshopBallotVote.theme_id, WorkshopBallotVote.votes)
        .join(WorkshopBallot, WorkshopBallot.key_hash == WorkshopBallotVote.key_hash)
        .where(WorkshopBallot.workshop_id == workshop_id)
        .order_by(WorkshopBallotVote.key_hash)
    ):
        ballots.setdefault(key_hash, {})[theme_id] = votes
    tables: dict[str, dict[int, int]] = {}
    for table, theme_id, votes in session.execute(
        select(WorkshopTableVote.table_name, WorkshopTableVote.theme_id, WorkshopTableVote.votes)
        .where(WorkshopTableVote.workshop_id == workshop_id)
        .order_by(WorkshopTableVote.table_name)
    ):
        tables.setdefault(table, {})[theme_id] = votes
    return [*ballots.values(), *tables.values()]
