"""Administration: people and their roles, the anonymity threshold, the audit log."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select

from culturetool.domain.access import Actor, Permission, Role, require
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.limits import MIN_ANONYMITY_THRESHOLD, NAME_LENGTH
from culturetool.domain.text import clean_email, clean_name
from culturetool.domain.wording import day_month_year_time
from culturetool.services.accounts import add_account, token_hash
from culturetool.services.reach import team_in_reach, user_in_reach
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import (
    AuditEvent,
    Invitation,
    Organisation,
    Team,
    UserAccount,
    UserSession,
    utcnow,
)

INVITATION_LIFETIME = dt.timedelta(days=7)
MAX_ANONYMITY_THRESHOLD = 50
AUDIT_PAGE = 200


@dataclass
class UserRow:
    id: int
    name: str
    email: str
    role_title: str
    teams: str
    status: str
    active: bool


@dataclass
class AuditRow:
    at: str
    who: str
    action: str
    detail: str


def _role(raw: str) -> Role:
    try:
        return Role(raw)
    except ValueError:
        raise InputProblem("Choose a role for the person.") from None


def _own_teams(session, actor: Actor, team_ids: list[int]) -> list[Team]:
    try:
        return [team_in_reach(session, actor, t, Permission.MANAGE_USERS) for t in team_ids]
    except NotFound:
        # The teams come from the form's list: one missing was removed since it was drawn.
        raise InputProblem(
            "One of the chosen teams does not exist any more; reload the page."
        ) from None


def invite_user(actor: Actor, email: str, name: str, role: str, team_ids: list[int]) -> str:
    """Create the account and return the one-off invitation token (valid for 7 days)."""
    require(actor, Permission.MANAGE_USERS)
    address = clean_email(email)
    person = clean_name(name, "person", NAME_LENGTH)
    chosen_role = _role(role)
    if chosen_role is Role.MANAGER and not team_ids:
        raise InputProblem("Choose at least one team for a team manager.")
    token = secrets.token_urlsafe(32)
    with transaction() as session:
        # No password until the invitation is taken up.
        user = add_account(session, actor.organisation_id, address, person, chosen_role, None)
        if chosen_role is Role.MANAGER:
            user.teams = _own_teams(session, actor, team_ids)
        session.flush()
        session.add(
            Invitation(
                token_hash=token_hash(token),
                user_id=user.id,
                expires_at=utcnow() + INVITATION_LIFETIME,
            )
        )
        teams = ", ".join(t.name for t in user.teams)
        repo.record(
            session,
            actor,
            "person invited",
            f"{person} <{address}> as {chosen_role.label}" + (f" for {teams}" if teams else ""),
        )
    return token


def list_users(actor: Actor) -> list[UserRow]:
    require(actor, Permission.MANAGE_USERS)
    with transaction() as session:
        users = session.scalars(
            select(UserAccount)
            .where(UserAccount.organisation_id == actor.organisation_id)
            .order_by(UserAccount.name)
        )
        return [
            UserRow(
                id=u.id,
                name=u.name,
                email=u.email,
                role_title=Role(u.role).label,
                teams=", ".join(t.name for t in u.teams),
                status="Deactivated"
                if not u.active
                else ("Invited" if u.password_hash is None else "Active"),
                active=u.active,
            )
            for u in users
        ]


def set_user_active(actor: Actor, user_id: int, active: bool) -> None:
    require(actor, Permission.MANAGE_USERS)
    if user_id == actor.user_id and not active:
        raise InputProblem("You cannot deactivate your own account.")
    with transaction() as session:
        user = user_in_reach(session, actor, user_id, Permission.MANAGE_USERS)
        if user.active == active:
            return
        user.active = active
        if not active:
            session.execute(delete(UserSession).where(UserSession.user_id == user.id))
        repo.record(
            session, actor, "person reactivated" if active else "person deactivated", user.name
        )


MAX_COMMENT_THRESHOLD = 100


def set_anonymity_threshold(actor: Actor, threshold: int) -> None:
    """Applies to rounds opened from now on; a round keeps the threshold it was opened with."""
    set_thresholds(actor, threshold, None)


def set_thresholds(actor: Actor, scores: int, comments: int | None) -> None:
    """Set the fewest responses before scores show and before comments show (None: unchanged).

    Both apply to rounds opened from now on. Comments need at least as many people as scores:
    a person's words can give them away where a number cannot.
    """
    require(actor, Permission.MANAGE_ORGANISATION)
    if not MIN_ANONYMITY_THRESHOLD <= scores <= MAX_ANONYMITY_THRESHOLD:
        raise InputProblem(
            f"The threshold must be a whole number from {MIN_ANONYMITY_THRESHOLD} "
            f"to {MAX_ANONYMITY_THRESHOLD}."
        )
    with transaction() as session:
        organisation = session.get(Organisation, actor.organisation_id)
        assert organisation is not None
        comments = organisation.comment_threshold if comments is None else comments
        if not scores <= comments <= MAX_COMMENT_THRESHOLD:
            raise InputProblem(
                f"The threshold for comments must be a whole number from the threshold for "
                f"scores ({scores}) to {MAX_COMMENT_THRESHOLD}."
            )
        before = (organisation.anonymity_threshold, organisation.comment_threshold)
        if before[0] != scores:
            organisation.anonymity_threshold = scores
            repo.record(
                session, actor, "threshold changed", f"from {before[0]} to {scores} responses"
            )
        if before[1] != comments:
            organisation.comment_threshold = comments
            repo.record(
                session,
                actor,
                "comment threshold changed",
                f"from {before[1]} to {comments} responses",
            )


def audit_log(actor: Actor) -> list[AuditRow]:
    require(actor, Permission.VIEW_AUDIT)
    with transaction() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.organisation_id == actor.organisation_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(AUDIT_PAGE)
        )
        return [
            AuditRow(
                at=day_month_year_time(e.at),
                who=e.actor_name,
                action=e.action,
                detail=e.detail,
            )
            for e in events
        ]


def anonymity_threshold(actor: Actor) -> int:
    return thresholds(actor)[0]


def thresholds(actor: Actor) -> tuple[int, int]:
    """The organisation's thresholds: (for scores, for comments)."""
    require(actor, Permission.MANAGE_ORGANISATION)
    with transaction() as session:
        organisation = session.get(Organisation, actor.organisation_id)
        assert organisation is not None
        return organisation.anonymity_threshold, organisation.comment_threshold
