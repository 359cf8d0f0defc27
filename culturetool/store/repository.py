"""Queries and inserts used by the services. Each function works inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Delete, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session, joinedload

from culturetool.domain.access import Actor
from culturetool.domain.figure_totals import FigureTotal, shares
from culturetool.domain.kinds import ActionStatus, TargetScope
from culturetool.domain.model_loader import model_from_json, model_to_json, model_version
from culturetool.domain.model_schema import CultureModel
from culturetool.domain.periods import PeriodFacts
from culturetool.store.tables import (
    Answer,
    Area,
    AssessmentPeriod,
    AssessmentPeriodArea,
    AssessmentRound,
    AuditEvent,
    Comment,
    ConditionTarget,
    ModelInForce,
    ModelVersion,
    Organisation,
    PlanAction,
    Response,
    SubmissionReceipt,
    SurveyCode,
    Team,
    TeamManager,
    UserAccount,
)

TOKEN_BYTES = 24  # 192 random bits: a share link cannot be guessed


def the_organisation(session: Session) -> Organisation | None:
    """The organisation this installation serves (one per installation for now)."""
    return session.scalars(select(Organisation).order_by(Organisation.id).limit(1)).first()


def area_named(session: Session, organisation_id: int, name: str) -> Area | None:
    return session.scalars(
        select(Area).where(Area.organisation_id == organisation_id, Area.name == name)
    ).first()


def team_named(session: Session, area_id: int, name: str) -> Team | None:
    return session.scalars(select(Team).where(Team.area_id == area_id, Team.name == name)).first()


def open_round_of(session: Session, team_id: int) -> AssessmentRound | None:
    return session.scalars(
        select(AssessmentRound).where(
            AssessmentRound.team_id == team_id, AssessmentRound.closed_at.is_(None)
        )
    ).first()


def period_facts(session: Session, organisation_id: int) -> list[PeriodFacts]:
    """The organisation's assessment periods with their areas, oldest first, as the domain's
    rules read them."""
    periods = session.scalars(
        select(AssessmentPeriod)
        .where(AssessmentPeriod.organisation_id == organisation_id)
        .order_by(AssessmentPeriod.opens_on, AssessmentPeriod.id)
    ).all()
    areas: dict[int, set[int]] = {p.id: set() for p in periods}
    rows = session.execute(
        select(AssessmentPeriodArea.period_id, AssessmentPeriodArea.area_id).where(
            AssessmentPeriodArea.period_id.in_(list(areas))
        )
    )
    for period_id, area_id in rows:
        areas[period_id].add(area_id)
    return [
        PeriodFacts(p.id, p.name, p.opens_on, p.closes_on, frozenset(areas[p.id])) for p in periods
    ]


def period_of(session: Session, period_id: int | None) -> PeriodFacts | None:
    """One period as the domain's rules read it; None for no period."""
    if period_id is None:
        return None
    period = session.get(AssessmentPeriod, period_id)
    if period is None:
        return None
    area_ids = session.scalars(
        select(AssessmentPeriodArea.area_id).where(AssessmentPeriodArea.period_id == period_id)
    )
    return PeriodFacts(
        period.id, period.name, period.opens_on, period.closes_on, frozenset(area_ids)
    )


def round_by_token(session: Session, token: str) -> AssessmentRound | None:
    """The round a survey link opens, with its team, area and organisation in the same query:
    the respondent's page names all three, and each would otherwise be a query of its own."""
    return session.scalars(
        select(AssessmentRound)
        .where(AssessmentRound.token == token)
        .options(
            joinedload(AssessmentRound.team).joinedload(Team.area).joinedload(Area.organisation)
        )
    ).first()


def round_to_save_into(session: Session, token: str) -> AssessmentRound | None:
    """The round a survey link sends answers to, its row (only) locked until the transaction
    ends. Without its team, area and organisation: saving names none of them, and the joins
    cost about as much as the answers' insert."""
    return session.scalars(
        select(AssessmentRound).where(AssessmentRound.token == token).with_for_update()
    ).first()


@dataclass(frozen=True)
class PeriodClosing:
    name: str
    closes_on: dt.date


def period_closing(session: Session, period_id: int | None) -> PeriodClosing | None:
    """A period's name and closing day, in one query (what a submission checks); None for no
    period."""
    if period_id is None:
        return None
    row = session.execute(
        select(AssessmentPeriod.name, AssessmentPeriod.closes_on).where(
            AssessmentPeriod.id == period_id
        )
    ).first()
    return None if row is None else PeriodClosing(row.name, row.closes_on)


def new_round_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def ensure_model_version(session: Session, model: CultureModel) -> ModelVersion:
    """Store a snapshot of the model the first time it is used; later calls find it."""
    version_id = model_version(model)
    stored = session.get(ModelVersion, version_id)
    if stored is None:
        stored = ModelVersion(
            id=version_id, label=model.meta.version_label, content=model_to_json(model)
        )
        session.add(stored)
        session.flush()
    return stored


# Version id (the sha256 of the model's canonical JSON) -> the model: a version never changes,
# so each process reads and parses its content once, not on every submission and look.
_models_read: dict[str, CultureModel] = {}


def model_of_round(session: Session, round_: AssessmentRound) -> CultureModel:
    """The model exactly as it was when the round was opened, whatever the YAML says today."""
    model = _models_read.get(round_.model_version_id)
    if model is None:
        version = session.get(ModelVersion, round_.model_version_id)
        assert version is not None  # foreign key
        model = _models_read[version.id] = model_from_json(version.content)
    return model


def model_version_in_force(session: Session) -> str | None:
    """The id of the model version new rounds use: the newest one made current. None before
    any model has been stored as current (a fresh or just upgraded database)."""
    return session.scalar(
        select(ModelInForce.model_version_id).order_by(ModelInForce.id.desc()).limit(1)
    )


def make_model_current(session: Session, version_id: str) -> None:
    session.add(ModelInForce(model_version_id=version_id))
    session.flush()


def model_version_content(session: Session, version_id: str) -> str:
    """A stored snapshot's canonical JSON (see domain.model_loader.model_to_json)."""
    version = session.get(ModelVersion, version_id)
    assert version is not None  # only ids read from the database are asked for
    return version.content


def hash_submission_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def add_receipt(session: Session, round_id: int, key_hash: str) -> bool:
    """Mark a submission key as used for a round; False if it already was (the answers it came
    with are saved). It has no link to the response it came with. One statement for the check
    and the mark: a second send of the same key at the same moment waits for the first one's
    transaction (PostgreSQL) and then finds its mark."""
    connection = session.connection()
    mark = _placeholder(connection)
    added = connection.exec_driver_sql(
        f"INSERT INTO submission_receipt (round_id, key_hash) VALUES ({mark}, {mark}) "
        "ON CONFLICT (round_id, key_hash) DO NOTHING",
        (round_id, key_hash),
    )
    return added.rowcount == 1


def hash_survey_code(round_id: int, code: str) -> str:
    """The stored form of a (normalised) code; the round is mixed in, so equal codes of two
    rounds do not look alike."""
    return hashlib.sha256(f"{round_id}:{code}".encode("utf-8", "surrogatepass")).hexdigest()


def add_survey_codes(session: Session, round_id: int, code_hashes: list[str]) -> None:
    """Stored in random order, not in the order the codes were made (that of the printed
    cards): PostgreSQL keeps a table's rows in the order they were inserted, and a query
    without ORDER BY gives them back so."""
    shuffled = list(code_hashes)
    random.SystemRandom().shuffle(shuffled)
    session.add_all(SurveyCode(round_id=round_id, code_hash=h) for h in shuffled)
    session.flush()


def survey_code_hashes(session: Session, round_id: int) -> set[str]:
    return set(session.scalars(select(SurveyCode.code_hash).where(SurveyCode.round_id == round_id)))


def spend_survey_code(session: Session, round_id: int, code_hash: str) -> bool:
    """Delete the code if it is still there; False if it was used (or never made). Deleting
    rather than marking leaves nothing that says which code went with which response."""
    spent = delete(SurveyCode).where(
        SurveyCode.round_id == round_id, SurveyCode.code_hash == code_hash
    )
    return _deleted_rows(session, spent) == 1


def unused_code_count(session: Session, round_id: int) -> int:
    return session.scalar(select(func.count()).where(SurveyCode.round_id == round_id)) or 0


def insert_response(
    session: Session, round_: AssessmentRound, answers: dict[str, int | None], comment: str = ""
) -> None:
    """A response (random id, the round, nothing else), its answers and, apart from them, the
    comment with its own random id and no link to the response."""
    response_id = uuid.uuid4().hex
    insert_response_rows(session, [(response_id, round_.id)])
    insert_answers(session, [(response_id, item_id, value) for item_id, value in answers.items()])
    if comment:
        session.add(Comment(id=uuid.uuid4().hex, round_id=round_.id, text=comment))
    add_to_round_figures(session, round_, answers)
    session.flush()


def add_to_round_figures(
    session: Session, round_: AssessmentRound, answers: dict[str, int | None]
) -> None:
    """Add one response's share to its round's running figures, in the transaction that saves
    it: the round's count of responses they hold, then one upsert for every figure. A round
    whose figures were never built (opened before they existed) is left for the gate to build
    once. Counting first takes the round's row lock (PostgreSQL), so a build that starts now
    waits for this response and reads it with the others."""
    if not count_in_round_figures(session, round_, 1):
        return
    added = shares(model_of_round(session, round_), answers)
    if not added:
        return
    add_to_figures(session, round_.id, added)


def count_in_round_figures(session: Session, round_: AssessmentRound, responses: int) -> bool:
    """Add responses to the count a round's running figures hold; False if its figures were
    never built (the gate builds them once, from the answers). Takes the round's row lock
    (PostgreSQL)."""
    # Core's update, not the ORM's: its bookkeeping for this one row cost more than the row.
    counted = (
        session.connection()
        .execute(
            update(AssessmentRound)
            .where(AssessmentRound.id == round_.id)
            .values(figures_responses=AssessmentRound.figures_responses + responses)
            .returning(AssessmentRound.figures_responses)
        )
        .scalar()
    )
    session.expire(round_, ["figures_responses"])
    return counted is not None


# Rows written many at a time (a response's answers, its share of the round's figures, a file's
# responses) go to the driver as plain tuples in one executemany: SQLAlchemy's per-row handling
# of parameters cost about 10 microseconds a row, more than the database's own work, and a
# submission writes about 160 rows (an import of 12,000 responses over half a million).
_ANSWERS = "INSERT INTO answer (response_id, item_id, value) VALUES ({0}, {0}, {0})"
_RESPONSES = "INSERT INTO response (id, round_id) VALUES ({0}, {0})"
_FIGURE_COLUMNS = ("respondents", "answers", "dont_know", "total", "total_sq")
# Adds to a round's running figures (SQLite and PostgreSQL both have ON CONFLICT).
_FIGURES = (
    "INSERT INTO round_figure (round_id, figure, respondents, answers, dont_know, total, "
    "total_sq) VALUES ({0}, {0}, {0}, {0}, {0}, {0}, {0}) ON CONFLICT (round_id, figure) DO "
    "UPDATE SET " + ", ".join(f"{c} = round_figure.{c} + excluded.{c}" for c in _FIGURE_COLUMNS)
)


def insert_many(session: Session, statement: str, rows: Sequence[tuple[object, ...]]) -> None:
    """One statement run for every row, with the driver's own placeholders ({0} in
    `statement`)."""
    if not rows:
        return
    connection = session.connection()
    connection.exec_driver_sql(statement.format(_placeholder(connection)), list(rows))


def _placeholder(connection: Connection) -> str:
    """The driver's mark for a parameter: sqlite3's ? or psycopg's %s."""
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def insert_answers(session: Session, rows: Sequence[tuple[str, str, int | None]]) -> None:
    """Answers as (response id, statement id, value or None for "don't know")."""
    insert_many(session, _ANSWERS, rows)


def insert_response_rows(session: Session, rows: Sequence[tuple[str, int]]) -> None:
    """Responses as (random id, round id)."""
    insert_many(session, _RESPONSES, rows)


def add_to_figures(session: Session, round_id: int, added: Mapping[str, FigureTotal]) -> None:
    """Add these totals to a round's running figures: one upsert run for every figure."""
    insert_many(
        session,
        _FIGURES,
        [
            (round_id, figure, t.respondents, t.answers, t.dont_know, t.total, t.total_sq)
            for figure, t in added.items()
        ],
    )


def withdraw_survey_codes(session: Session, round_id: int) -> int:
    """Delete a round's unused codes; returns how many there were."""
    return _deleted_rows(session, delete(SurveyCode).where(SurveyCode.round_id == round_id))


def _deleted_rows(session: Session, statement: Delete) -> int:
    """How many rows a DELETE removed. SQLAlchemy 2.0 types `Session.execute` as returning a
    plain Result for every statement; for a DELETE it is a CursorResult, which has the count."""
    return cast(CursorResult[Any], session.execute(statement)).rowcount


def forget_round_access(session: Session, round_id: int) -> None:
    """Delete a round's submission receipts and unused codes: once it is closed they serve
    nothing, and kept they would only be more to look at."""
    session.execute(delete(SubmissionReceipt).where(SubmissionReceipt.round_id == round_id))
    session.execute(delete(SurveyCode).where(SurveyCode.round_id == round_id))


def rewrite_in_random_order(session: Session, round_id: int) -> None:
    """Delete a round's responses, answers and comments and write them back in random order,
    in the caller's transaction.

    On SQLite the tables have no rowid and are stored in key order, so this changes little
    there. PostgreSQL keeps heap rows in insertion order and stamps each with its inserting
    transaction (xmin): after this, every row of the round sits at a random place and carries
    the same xmin, so neither tells arrival order. What is left: while a round is open its rows'
    physical order and xmin do show arrival order (to someone who can read the database's
    files then); and the deleted versions stay in the table files as dead tuples until VACUUM
    reuses their space (VACUUM FULL, or pg_repack, rewrites the table and clears them).
    """
    shuffle = random.SystemRandom().shuffle
    in_round = select(Response.id).where(Response.round_id == round_id)
    responses = list(session.scalars(in_round))
    answers = [
        {"response_id": r, "item_id": i, "value": v}
        for r, i, v in session.execute(
            select(Answer.response_id, Answer.item_id, Answer.value).where(
                Answer.response_id.in_(in_round)
            )
        )
    ]
    comments = [
        {"id": c, "round_id": round_id, "text": t}
        for c, t in session.execute(
            select(Comment.id, Comment.text).where(Comment.round_id == round_id)
        )
    ]
    session.execute(delete(Answer).where(Answer.response_id.in_(in_round)))
    session.execute(delete(Response).where(Response.round_id == round_id))
    session.execute(delete(Comment).where(Comment.round_id == round_id))
    shuffle(responses)
    shuffle(answers)
    shuffle(comments)
    if responses:
        session.execute(insert(Response), [{"id": r, "round_id": round_id} for r in responses])
    if answers:
        session.execute(insert(Answer), answers)
    if comments:
        session.execute(insert(Comment), comments)
    session.expire_all()  # loaded objects of these rows are stale now


def user_by_email(session: Session, email: str) -> UserAccount | None:
    return session.scalars(select(UserAccount).where(UserAccount.email == email)).first()


def managers_of(session: Session, team_id: int) -> list[UserAccount]:
    """The team's managers whose accounts are active, by name."""
    return list(
        session.scalars(
            select(UserAccount)
            .join(TeamManager, TeamManager.user_id == UserAccount.id)
            .where(TeamManager.team_id == team_id, UserAccount.active.is_(True))
            .order_by(UserAccount.name)
        )
    )


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    detail: str,
    organisation_id: int | None = None,
) -> None:
    """Add an audit event in the caller's transaction: it is saved only if the change is."""
    session.add(
        AuditEvent(
            organisation_id=organisation_id if actor is None else actor.organisation_id,
            actor_user_id=None if actor is None else actor.user_id,
            actor_name="command line" if actor is None else actor.name,
            action=action,
            detail=detail,
        )
    )


def target_levels(
    session: Session, organisation_id: int, area_id: int | None = None, team_id: int | None = None
) -> dict[str, dict[str, int]]:
    """The targets set along a chain: scope -> condition id -> level, for the organisation and,
    when given, the area and the team (each present, possibly empty). Which one is in force is
    `domain.targets.target_in_force`'s rule."""
    chain = [(TargetScope.ORGANISATION, organisation_id)]
    if area_id is not None:
        chain.append((TargetScope.AREA, area_id))
    if team_id is not None:
        chain.append((TargetScope.TEAM, team_id))
    rows = session.scalars(
        select(ConditionTarget).where(
            ConditionTarget.organisation_id == organisation_id,
            or_(
                *(
                    (ConditionTarget.scope == scope) & (ConditionTarget.scope_id == scope_id)
                    for scope, scope_id in chain
                )
            ),
        )
    )
    levels: dict[str, dict[str, int]] = {scope: {} for scope, _ in chain}
    for row in rows:
        levels[row.scope][row.condition_id] = row.level
    return levels


def interventions_in_plan(session: Session, area_id: int, team_id: int | None = None) -> set[str]:
    """Ids of the interventions with an action not dropped: in the whole area (any team or the
    area as a whole), or with `team_id` for that team and the area as a whole."""
    query = select(PlanAction.intervention_id).where(
        PlanAction.area_id == area_id,
        PlanAction.intervention_id.is_not(None),
        PlanAction.status != ActionStatus.DROPPED.value,
    )
    if team_id is not None:
        query = query.where(or_(PlanAction.team_id == team_id, PlanAction.team_id.is_(None)))
    return {intervention for intervention in session.scalars(query) if intervention}


def areas_actions_done_between(
    session: Session, area_ids: Sequence[int], start: dt.date, end: dt.date
) -> dict[int, list[PlanAction]]:
    """Per area: its actions (its teams' and the whole area's) marked done from `start` to
    `end` (both included), oldest first, with their teams; in one query for all the areas."""
    done: dict[int, list[PlanAction]] = {area_id: [] for area_id in area_ids}
    for action in session.scalars(
        select(PlanAction)
        .options(joinedload(PlanAction.team))
        .where(
            PlanAction.area_id.in_(area_ids),
            PlanAction.status == ActionStatus.DONE.value,
            PlanAction.done_on.is_not(None),
            PlanAction.done_on >= start,
            PlanAction.done_on <= end,
        )
        .order_by(PlanAction.done_on, PlanAction.id)
    ):
        done[action.area_id].append(action)
    return done


def actions_done_between(
    session: Session, area_id: int, team_id: int, start: dt.date, end: dt.date
) -> list[PlanAction]:
    """Actions marked done on a day from `start` to `end` (both included): the team's own, and
    its area's actions for the whole area. Oldest first."""
    return list(
        session.scalars(
            select(PlanAction)
            .where(
                or_(
                    PlanAction.team_id == team_id,
                    (PlanAction.team_id.is_(None)) & (PlanAction.area_id == area_id),
                ),
                PlanAction.status == ActionStatus.DONE.value,
                PlanAction.done_on.is_not(None),
                PlanAction.done_on >= start,
                PlanAction.done_on <= end,
            )
            .order_by(PlanAction.done_on, PlanAction.id)
        )
    )
