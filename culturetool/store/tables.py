"""Database tables (SQLAlchemy 2.0 declarative). Schema changes go through Alembic migrations.

Anonymity by design: a response row carries a random id and the round only, no date. The
receipt that makes submissions idempotent, and the personal codes of a round, are kept in their
own tables with no link to the response they came with, so nothing ties a device or a code to its
answers. Respondents' tables are SQLite WITHOUT ROWID tables keyed by random values: their rows
are stored in key order, so neither a rowid nor the order of rows in the file tells arrival order.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from culturetool.domain import clock
from culturetool.domain.kinds import (
    AccessMode,
    ActionStatus,
    ActionTimescale,
    Audience,
    GroupKind,
    LinkPurpose,
    TargetScope,
    one_of,
)
from culturetool.domain.limits import (
    ACTION_TITLE_LENGTH,
    DEFAULT_ANONYMITY_THRESHOLD,
    DEFAULT_COMMENT_THRESHOLD,
    DEFAULT_TIME_ZONE,
    EMAIL_LENGTH,
    MAX_STAFF_COUNT,
    MAX_TABLES,
    MAX_VOTES_PER_PARTICIPANT,
    MIN_ANONYMITY_THRESHOLD,
    MIN_STAFF_COUNT,
    NAME_LENGTH,
    ROOT_CAUSE_LENGTH,
    SUCCESS_STATEMENT_LENGTH,
    THEME_STATEMENT_LENGTH,
    TIME_ZONE_LENGTH,
    WORKSHOP_ENTRY_LENGTH,
)
from culturetool.domain.workshop.kinds import (
    Channel,
    EntryKind,
    Stage,
    Viewpoint,
    VotingState,
    WorkshopLinkPurpose,
)

# Respondents' tables have no rowid: an ascending rowid would number rows in arrival order.
NO_ROWID = {"sqlite_with_rowid": False}

# Named constraints so Alembic migrations can alter them on every database, SQLite included.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=naming_convention)


def utcnow() -> dt.datetime:
    """Now, naive UTC: the columns' default, read from the app's clock so tests can set it."""
    return clock.now()


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    anonymity_threshold: Mapped[int] = mapped_column(Integer, default=DEFAULT_ANONYMITY_THRESHOLD)
    comment_threshold: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_COMMENT_THRESHOLD, server_default=str(DEFAULT_COMMENT_THRESHOLD)
    )
    # Times are stored in UTC and shown in this zone (an IANA name, checked with zoneinfo).
    time_zone: Mapped[str] = mapped_column(
        String(TIME_ZONE_LENGTH), default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    areas: Mapped[list[Area]] = relationship(back_populates="organisation", order_by="Area.name")

    __table_args__ = (
        CheckConstraint(
            f"anonymity_threshold >= {MIN_ANONYMITY_THRESHOLD}", name="threshold_minimum"
        ),
        CheckConstraint(
            "comment_threshold >= anonymity_threshold", name="comment_threshold_minimum"
        ),
    )


class Area(Base):
    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))

    organisation: Mapped[Organisation] = relationship(back_populates="areas")
    teams: Mapped[list[Team]] = relationship(back_populates="area", order_by="Team.name")

    __table_args__ = (
        UniqueConstraint("organisation_id", "name", name="uq_area_organisation_name"),
    )


class Team(Base):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    # How many people work in the team, as its manager or an administrator recorded it: the
    # denominator of the response rate, and what a period's rounds are opened with.
    staff_count: Mapped[int | None] = mapped_column(Integer, nullable=True)

    area: Mapped[Area] = relationship(back_populates="teams")
    rounds: Mapped[list[AssessmentRound]] = relationship(
        back_populates="team", order_by="AssessmentRound.opened_at"
    )

    __table_args__ = (
        UniqueConstraint("area_id", "name", name="uq_team_area_name"),
        CheckConstraint(
            f"staff_count IS NULL OR staff_count BETWEEN {MIN_STAFF_COUNT} AND {MAX_STAFF_COUNT}",
            name="staff_count_range",
        ),
    )


class AssessmentPeriod(Base):
    """A county-wide assessment period ("Spring 2027"): a round for each team of its areas,
    opened together; rounds opened one at a time while it runs belong to it too. Every county
    comparison is period against period, so a period's figures rest on its rounds only."""

    __tablename__ = "assessment_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    opens_on: Mapped[dt.date] = mapped_column(Date)
    closes_on: Mapped[dt.date] = mapped_column(Date)  # the last day answers are taken
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    areas: Mapped[list[AssessmentPeriodArea]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("organisation_id", "name", name="uq_assessment_period_organisation_name"),
        CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),
    )


class AssessmentPeriodArea(Base):
    """An area a period covers."""

    __tablename__ = "assessment_period_area"

    period_id: Mapped[int] = mapped_column(ForeignKey("assessment_period.id"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True)


class ModelVersion(Base):
    """A snapshot of the culture model, so a round is always read with the model it used."""

    __tablename__ = "model_version"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of canonical JSON
    label: Mapped[str] = mapped_column(String(NAME_LENGTH))
    content: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ModelInForce(Base):
    """Which model version new rounds are opened with. Loading a model adds a row and the
    newest row is the one in force, so every process of the installation (one organisation)
    finds the same version in the database, and earlier loads stay on record."""

    __tablename__ = "model_in_force"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_version_id: Mapped[str] = mapped_column(ForeignKey("model_version.id"))
    since: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AssessmentRound(Base):
    __tablename__ = "assessment_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    model_version_id: Mapped[str] = mapped_column(ForeignKey("model_version.id"))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    anonymity_threshold: Mapped[int] = mapped_column(Integer)
    comment_threshold: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_COMMENT_THRESHOLD, server_default=str(DEFAULT_COMMENT_THRESHOLD)
    )
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    access_mode: Mapped[str] = mapped_column(
        String(10), default=AccessMode.LINK.value, server_default=AccessMode.LINK.value
    )
    # How many people the team has, as the manager said when opening the round: the most
    # responses (and codes) a round can have. None for rounds opened before it was asked.
    staff_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The assessment period the round belongs to: the one it was opened with, or the one whose
    # dates it was opened in. None for a round opened outside every period.
    period_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment_period.id"), nullable=True, index=True
    )
    # How many responses the round's figures (`round_figure`) hold; None until they are built.
    # Written in the transaction that saves a response, so a process that cached the figures
    # knows from this one number whether they are still current.
    figures_responses: Mapped[int | None] = mapped_column(Integer, nullable=True, default=0)

    team: Mapped[Team] = relationship(back_populates="rounds")
    model_version: Mapped[ModelVersion] = relationship()

    __table_args__ = (
        CheckConstraint(
            f"anonymity_threshold >= {MIN_ANONYMITY_THRESHOLD}", name="threshold_minimum"
        ),
        CheckConstraint(one_of("access_mode", AccessMode), name="access_mode_known"),
        CheckConstraint(
            f"staff_count IS NULL OR staff_count BETWEEN {MIN_STAFF_COUNT} AND {MAX_STAFF_COUNT}",
            name="staff_count_range",
        ),
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Response(Base):
    """One person's submitted questionnaire. Deliberately holds no identity, IP, date or time:
    the round's dates are all that is known of when it was given."""

    __tablename__ = "response"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, so ids reveal no order
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"), index=True)

    # No relationship to the round or to the answers: answers are read only by the anonymity
    # gate (store/disclosure.py), never by following an attribute from a round.
    __table_args__ = (NO_ROWID,)


class Answer(Base):
    """One statement's answer; keyed by its response's random id, so stored in no arrival order."""

    __tablename__ = "answer"

    response_id: Mapped[str] = mapped_column(ForeignKey("response.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    value: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)  # None: don't know

    __table_args__ = (
        CheckConstraint("value IS NULL OR (value BETWEEN 1 AND 5)", name="value_on_scale"),
        NO_ROWID,
    )


class RoundFigure(Base):
    """A round's running totals for one figure (a condition, a scale, a statement...): how many
    respondents it rests on, their answers and "don't know"s, and the sum and sum of squares of
    their scores. Written in the transaction that saves each response, so pages read figures
    without rescoring answers. Sums hold nothing a single response could be read from once a
    second response is in; the anonymity gate decides which of them may leave the store."""

    __tablename__ = "round_figure"

    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"), primary_key=True)
    figure: Mapped[str] = mapped_column(String(2 * NAME_LENGTH), primary_key=True)
    respondents: Mapped[int] = mapped_column(Integer)
    answers: Mapped[int] = mapped_column(Integer)
    dont_know: Mapped[int] = mapped_column(Integer)
    total: Mapped[float] = mapped_column(Float)
    total_sq: Mapped[float] = mapped_column(Float)

    __table_args__ = (NO_ROWID,)


class ImportColumn(Base):
    """How a column of an imported response file was mapped, remembered for the next file: a
    header (case-folded) and the statement id it holds, or "ignore"."""

    __tablename__ = "import_column"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    header: Mapped[str] = mapped_column(String(200), primary_key=True)
    target: Mapped[str] = mapped_column(String(NAME_LENGTH))


class Comment(Base):
    """A respondent's free-text comment. Kept apart from their answers (no response id), with a
    random id and no time, so it cannot be tied to their scores or to when they answered."""

    __tablename__ = "comment"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random: ids reveal no order
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"), index=True)
    text: Mapped[str] = mapped_column(Text)

    __table_args__ = (NO_ROWID,)


class SubmissionReceipt(Base):
    """Marks that a device's one-off submission key was used for a round (hashed, unlinked
    from the response and, in a codes round, from the code). Only there to make a double click
    or a send again after a lost reply save once; deleted when the round closes."""

    __tablename__ = "submission_receipt"

    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)

    __table_args__ = (NO_ROWID,)


class SurveyCode(Base):
    """A personal one-off code of a codes round, not yet used (hashed). The row is deleted in the
    transaction that saves the response made with it, so no trace says which code went with
    which response, or when."""

    __tablename__ = "survey_code"

    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)

    __table_args__ = (NO_ROWID,)


class UserAccount(Base):
    """A person who signs in. Respondents never have one."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)  # None: invited
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    teams: Mapped[list[Team]] = relationship(secondary="team_manager", order_by="Team.name")


class TeamManager(Base):
    """Which teams a manager is assigned to."""

    __tablename__ = "team_manager"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), primary_key=True)


class UserSession(Base):
    """A signed-in browser. Only the hash of its token is kept."""

    __tablename__ = "user_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class SignInTicket(Base):
    """A one-off, short-lived pass from a Reflex page to the sign-in endpoint.

    A page that has just signed someone in (an accepted invitation) cannot set an HttpOnly
    cookie itself; it sends the browser to /auth/ticket/<ticket>, which spends this row and
    sets the cookie. Only the hash of the ticket is kept.
    """

    __tablename__ = "sign_in_ticket"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Invitation(Base):
    """A one-off link an administrator made, with which a person sets their password: an
    invitation (their first) or a reset (a forgotten one). A person has at most one unused
    link; making another deletes it. Only the hash of the link's token is kept."""

    __tablename__ = "invitation"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    purpose: Mapped[str] = mapped_column(
        String(20), default=LinkPurpose.INVITATION.value, server_default=LinkPurpose.INVITATION
    )

    __table_args__ = (CheckConstraint(one_of("purpose", LinkPurpose), name="purpose_known"),)


class AuditEvent(Base):
    """An administrative change: who, what, when."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True
    )  # None: done from the command line
    actor_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str] = mapped_column(Text)


class ConditionTarget(Base):
    """The maturity level a condition should reach, for the organisation, an area or a team.

    `scope_id` is the organisation's, area's or team's id according to `scope`; a team without a
    target of its own takes its area's, then the organisation's, then the model's default.
    """

    __tablename__ = "condition_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    scope: Mapped[str] = mapped_column(String(20))
    scope_id: Mapped[int] = mapped_column(Integer)
    condition_id: Mapped[str] = mapped_column(String(NAME_LENGTH))
    level: Mapped[int] = mapped_column(SmallInteger)

    __table_args__ = (
        UniqueConstraint(
            "organisation_id", "scope", "scope_id", "condition_id", name="uq_condition_target_scope"
        ),
        CheckConstraint(one_of("scope", TargetScope), name="scope_known"),
        CheckConstraint("level BETWEEN 1 AND 9", name="level_range"),
    )


class PlanAction(Base):
    """One action of an area's plan, for the whole area (team_id None) or one of its teams."""

    __tablename__ = "plan_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(ACTION_TITLE_LENGTH))
    owner: Mapped[str] = mapped_column(String(NAME_LENGTH))
    # Where it came from, when created from a recommendation; ids of the model's data.
    intervention_id: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    bundle_id: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    condition_ids: Mapped[str] = mapped_column(Text, default="")  # space-separated condition ids
    timescale: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.PLANNED.value)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True
    )
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    done_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # set when marked done
    # An action agreed in a workshop's plan stage: its workshop, the theme it addresses and the
    # viewpoint it was thought through from. None for actions made on the area's plan itself.
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop.id"), nullable=True, index=True
    )
    workshop_theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop_theme.id", ondelete="SET NULL"), nullable=True
    )
    viewpoint: Mapped[str | None] = mapped_column(String(20), nullable=True)

    area: Mapped[Area] = relationship()
    team: Mapped[Team | None] = relationship()

    __table_args__ = (
        CheckConstraint(one_of("status", ActionStatus), name="status_known"),
        CheckConstraint(one_of("timescale", ActionTimescale), name="timescale_known"),
        CheckConstraint(
            f"viewpoint IS NULL OR {one_of('viewpoint', Viewpoint)}", name="viewpoint_known"
        ),
    )


class PlanRequest(Base):
    """A team's request that its area's plan take up an intervention which needs the area's or
    the organisation's leaders: a manager may not edit the area's plan, so they ask for it. One
    per team and intervention; those who edit the area's plan see it there."""

    __tablename__ = "plan_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    intervention_id: Mapped[str] = mapped_column(String(NAME_LENGTH))  # an id of the model's
    asked_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True
    )
    asked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    team: Mapped[Team] = relationship()
    asked_by: Mapped[UserAccount | None] = relationship()

    __table_args__ = (
        UniqueConstraint("team_id", "intervention_id", name="uq_plan_request_team_intervention"),
    )


class DisclosureRecord(Base):
    """The disclosure ledger: a figure as it was shown, and the people it rested on.

    One row per group (a round, or an area's pool), figure and basis, for one audience: "area"
    (people who can see area figures) or "team" (team-only viewers). `basis` is JSON, round id
    to how many of that round's respondents the figure rested on; `shown` is the figure's value
    as shown, so that it can be shown again while a newer one must wait. No time is kept: the
    ledger must not tell when anyone answered. See `culturetool.domain.disclosure`.
    """

    __tablename__ = "disclosure_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # The area whose rounds the group pools; None for the county and a selection of areas.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), nullable=True)
    audience: Mapped[str] = mapped_column(String(10))
    group_kind: Mapped[str] = mapped_column(String(10))
    group_id: Mapped[int] = mapped_column(Integer)
    # The assessment period an area, county or selection group pools; 0 for a round, and for
    # an area's pool of its teams' latest rounds (the area page).
    period_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    figure: Mapped[str] = mapped_column(String(2 * NAME_LENGTH))
    basis: Mapped[str] = mapped_column(Text)
    shown: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint(
            "audience",
            "group_kind",
            "group_id",
            "period_id",
            "figure",
            "basis",
            name="uq_disclosure_record",
        ),  # fmt: skip
        Index("ix_disclosure_record_area_audience", "area_id", "audience"),
        # Each look reads the rows after the last it holds (store.ledger).
        Index("ix_disclosure_record_organisation_audience", "organisation_id", "audience", "id"),
        CheckConstraint(one_of("audience", Audience), name="audience_known"),
        CheckConstraint(one_of("group_kind", GroupKind), name="group_kind_known"),
    )


# Working Together for Change workshops (issue 12). The rules are in domain/workshop/; these rows
# hold what a workshop has collected and decided, and the database is the only copy: several
# facilitators (and app processes) work on one workshop at once.


class Workshop(Base):
    """A focus group or co-production workshop of an area, run by its facilitators."""

    __tablename__ = "workshop"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    title: Mapped[str] = mapped_column(String(NAME_LENGTH))
    purpose: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    tables: Mapped[int] = mapped_column(SmallInteger, default=1)
    vote_budget: Mapped[int] = mapped_column(SmallInteger)  # votes each participant has
    votes_per_theme: Mapped[int] = mapped_column(SmallInteger)  # most one person gives a theme
    voting: Mapped[str] = mapped_column(String(20), default=VotingState.NOT_OPEN.value)
    stage: Mapped[str] = mapped_column(String(20), default=Stage.PREPARE.value)
    # What is already happening about the chosen themes, noted before new actions (stage 6).
    already_happening: Mapped[str] = mapped_column(Text, default="")
    # Raised by every change to the workshop or anything in it, in the change's transaction, so
    # each facilitator's page sees that it is out of date by reading one number.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(f"tables BETWEEN 1 AND {MAX_TABLES}", name="tables_range"),
        CheckConstraint(
            f"vote_budget BETWEEN 1 AND {MAX_VOTES_PER_PARTICIPANT}", name="vote_budget_range"
        ),
        CheckConstraint("votes_per_theme BETWEEN 1 AND vote_budget", name="votes_per_theme_range"),
        CheckConstraint(one_of("voting", VotingState), name="voting_known"),
        CheckConstraint(one_of("stage", Stage), name="stage_known"),
    )


class WorkshopDay(Base):
    """A day the workshop is held (one may run over several)."""

    __tablename__ = "workshop_day"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)


class WorkshopTeam(Base):
    """A team of the workshop's area that the workshop is about, when it is not the whole area."""

    __tablename__ = "workshop_team"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), primary_key=True)


class WorkshopPerspective(Base):
    """A perspective taking part: a `Perspective` value, or the name of one the workshop added
    (see `domain.workshop.stages.perspective_label`)."""

    __tablename__ = "workshop_perspective"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)


class WorkshopFacilitator(Base):
    """A facilitator's account assigned to the workshop; they see only workshops they are in."""

    __tablename__ = "workshop_facilitator"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id"), primary_key=True, index=True
    )


class WorkshopLink(Base):
    """A workshop's public link (the collection form or the phone vote). Everyone in the room
    holds its token, so it is kept as it is, for any of the workshop's facilitators to show
    again; it identifies no one. The link takes answers until `closes_on`; a collection link
    takes at most `most_entries`, counted in `entries_taken` (a count links nobody to anything)."""

    __tablename__ = "workshop_link"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    closes_on: Mapped[dt.date] = mapped_column(Date)
    most_entries: Mapped[int] = mapped_column(Integer, default=0)
    entries_taken: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        CheckConstraint(one_of("purpose", WorkshopLinkPurpose), name="purpose_known"),
        CheckConstraint("entries_taken >= 0 AND most_entries >= 0", name="counts_range"),
        UniqueConstraint("workshop_id", "purpose", name="uq_workshop_link_workshop_purpose"),
    )


class WorkshopTheme(Base):
    """A theme on the board. `version` is raised by every change, and a change is written only
    where the version is still the one the facilitator's screen showed (store/workshops.py), so
    a stale edit is refused rather than undoing someone else's."""

    __tablename__ = "workshop_theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    statement: Mapped[str] = mapped_column(String(THEME_STATEMENT_LENGTH), default="")
    condition_ids: Mapped[str] = mapped_column(Text, default="")  # space-separated condition ids
    version: Mapped[int] = mapped_column(Integer, default=1)
    on_ballot: Mapped[bool] = mapped_column(Boolean, default=False)  # put to the vote
    chosen: Mapped[bool] = mapped_column(Boolean, default=False)  # chosen to address

    __table_args__ = (
        CheckConstraint(one_of("kind", EntryKind), name="kind_known"),
        CheckConstraint("version >= 1", name="version_positive"),
    )


class WorkshopEntry(Base):
    """One thing a person said, in their words; in one theme or none (unthemed)."""

    __tablename__ = "workshop_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    perspective: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    text: Mapped[str] = mapped_column(String(WORKSHOP_ENTRY_LENGTH))
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop_theme.id"), nullable=True, index=True
    )
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)  # not covered on the day

    __table_args__ = (
        CheckConstraint(one_of("kind", EntryKind), name="kind_known"),
        CheckConstraint(one_of("channel", Channel), name="channel_known"),
    )


class WorkshopRootCause(Base):
    """A root cause found behind a theme of what is not working well."""

    __tablename__ = "workshop_root_cause"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_theme.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(ROOT_CAUSE_LENGTH))


class WorkshopBallot(Base):
    """One participant's phone ballot from the workshop's voting link. Keyed by the hash of a
    random key the browser holds, so the person can take a vote back; no device, address or
    time is kept, and like the respondents' tables it has no rowid, so rows are stored in key
    order rather than arrival order."""

    __tablename__ = "workshop_ballot"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)

    __table_args__ = (NO_ROWID,)


class WorkshopBallotVote(Base):
    """The votes a phone ballot puts on one theme."""

    __tablename__ = "workshop_ballot_vote"

    key_hash: Mapped[str] = mapped_column(ForeignKey("workshop_ballot.key_hash"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("workshop_theme.id"), primary_key=True)
    votes: Mapped[int] = mapped_column(SmallInteger)

    __table_args__ = (
        CheckConstraint(f"votes BETWEEN 1 AND {MAX_VOTES_PER_PARTICIPANT}", name="votes_range"),
        NO_ROWID,
    )


class WorkshopTableVote(Base):
    """The votes a facilitator recorded for a table's people without a device, one count per
    theme; a later record for the same table replaces these rows."""

    __tablename__ = "workshop_table_vote"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("workshop_theme.id"), primary_key=True)
    people: Mapped[int] = mapped_column(SmallInteger)
    votes: Mapped[int] = mapped_column(SmallInteger)

    __table_args__ = (CheckConstraint("votes >= 0 AND people >= 1", name="counts_range"),)


class WorkshopSuccess(Base):
    """What success would look like for a chosen theme, from one perspective."""

    __tablename__ = "workshop_success"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("workshop_theme.id"), index=True)
    perspective: Mapped[str] = mapped_column(String(NAME_LENGTH))
    text: Mapped[str] = mapped_column(String(SUCCESS_STATEMENT_LENGTH))


class WorkshopParkedIssue(Base):
    """An issue raised outside the workshop's scope, on its parking board, with who follows it
    up and how far that has got."""

    __tablename__ = "workshop_parked_issue"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    issue: Mapped[str] = mapped_column(String(WORKSHOP_ENTRY_LENGTH))
    owner: Mapped[str] = mapped_column(String(NAME_LENGTH))
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.PLANNED.value)

    __table_args__ = (CheckConstraint(one_of("status", ActionStatus), name="status_known"),)
