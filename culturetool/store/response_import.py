"""Writing a file of responses collected elsewhere, and the column mapping remembered for the
next file. Each function works inside the caller's transaction."""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from culturetool.domain.figure_totals import summed_shares
from culturetool.store.repository import (
    add_to_figures,
    count_in_round_figures,
    insert_answers,
    insert_response_rows,
    model_of_round,
)
from culturetool.store.tables import AssessmentRound, ImportColumn


def insert_responses(
    session: Session, round_: AssessmentRound, many: Sequence[Mapping[str, int | None]]
) -> None:
    """Many responses of one round at once: the rows `repository.insert_response` writes for
    each (a random id and the round; the answers), and their shares added to the round's
    running figures, in four statements however many responses there are. A response sent
    one at a time costs about 1.5 ms in statements; 12,000 imported would take 18 s.

    They are written in random order: a file's order is often the order people sent their
    answers, and PostgreSQL keeps rows in the order they were inserted while the round is open.
    """
    if not many:
        return
    shuffled = list(many)
    random.SystemRandom().shuffle(shuffled)
    ids = [uuid.uuid4().hex for _ in shuffled]
    insert_response_rows(session, [(id_, round_.id) for id_ in ids])
    insert_answers(
        session,
        [
            (id_, item_id, value)
            for id_, response in zip(ids, shuffled, strict=True)
            for item_id, value in response.items()
        ],
    )
    if not count_in_round_figures(session, round_, len(shuffled)):
        return  # figures never built for this round: the gate builds them once, from answers
    add_to_figures(session, round_.id, summed_shares(model_of_round(session, round_), shuffled))


def remembered_columns(session: Session, organisation_id: int) -> dict[str, str]:
    """The organisation's remembered mapping: a header's words to a statement id or "ignore"."""
    rows = session.execute(
        select(ImportColumn.header, ImportColumn.target).where(
            ImportColumn.organisation_id == organisation_id
        )
    )
    return {header: target for header, target in rows}


def remember_columns(session: Session, organisation_id: int, mapping: Mapping[str, str]) -> None:
    """Keep these headers' targets for the next file, replacing what was kept for them: one
    upsert of those that changed, so two imports at once with the same headers both succeed
    (the later one wins). A council importing one file per team changes nothing after the
    first, and the upsert of every header cost more than reading them."""
    kept = remembered_columns(session, organisation_id)
    mapping = {header: target for header, target in mapping.items() if kept.get(header) != target}
    if not mapping:
        return
    upsert = (
        postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )(ImportColumn)
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=["organisation_id", "header"], set_={"target": upsert.excluded.target}
        ),
        [
            {"organisation_id": organisation_id, "header": header, "target": target}
            for header, target in mapping.items()
        ],
    )
