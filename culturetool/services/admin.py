"""Administration: people and their roles, their one-off links (invitations and password
resets), which teams each manager manages, the organisation's settings, the audit log."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select

from culturetool.domain import clock
from culturetool.domain.access import Actor, Permission, Role, require
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import LinkPurpose
from culturetool.domain.limits import MIN_ANONYMITY_THRESHOLD, NAME_LENGTH
from culturetool.domain.text import clean_email, clean_name
from culturetool.services.accounts import add_account, forget_links, new_link
from culturetool.services.reach import team_in_reach, user_in_reach
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import (
    AuditEvent,
    Organisation,
    Team,
    UserAccount,
    UserSession,
)

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
    is_manager: bool = False
    team_ids: list[int] = field(default_factory=list)
    link_label: str = ""  # the button that makes the person a new link; "" for none


@dataclass
class IssuedLink:
    """A one-off link just made: its token (to build the address from) and what to say."""

    token: str
    purpose: str  # a LinkPurpose value
    person: str
    valid_until: str  # in the organisation's time zone


@dataclass
class PersonChoice:
    id: int
    name: str


@dataclass
class TeamManagers:
    """Who manages a team, and the other active team managers who could."""

    assigned: list[PersonChoice] = field(default_factory=list)
    others: list[PersonChoice] = field(default_factory=list)


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
    """Create the account and return the one-off invitation token (valid for
    `INVITATION_LINK_LIFETIME_HOURS`)."""
    require(actor, Permission.MANAGE_USERS)
    address = clean_email(email)
    person = clean_name(name, "person", NAME_LENGTH)
    chosen_role = _role(role)
    if chosen_role is Role.MANAGER and not team_ids:
        raise InputProblem("Choose at least one team for a team manager.")
    with transaction() as session:
        if repo.user_by_email(session, address) is not None:
            raise InputProblem(
                f"There is already an account for {address}. To send them a new link, use "
                "the button on their row in the list of people above."
            )
        # No password until the invitation is taken up.
        user = add_account(session, actor.organisation_id, address, person, chosen_role, None)
        if chosen_role is Role.MANAGER:
            user.teams = _own_teams(session, actor, team_ids)
        session.flush()
        token, _ = new_link(session, user, LinkPurpose.INVITATION)
        teams = ", ".join(t.name for t in user.teams)
        repo.record(
            session,
            actor,
            "person invited",
            f"{person} <{address}> as {chosen_role.label}" + (f" for {teams}" if teams else ""),
        )
    return token


def _zone_of(session, actor: Actor) -> str:
    organisation = session.get(Organisation, actor.organisation_id)
    assert organisation is not None
    return organisation.time_zone


def make_link(actor: Actor, user_id: int) -> IssuedLink:
    """A new one-off link for someone of the organisation: a new invitation for a person who
    never took theirs up, a password reset for anyone else. It replaces any older link of
    theirs. A deactivated account gets none: reactivate it first."""
    require(actor, Permission.MANAGE_USERS)
    with transaction() as session:
        user = user_in_reach(session, actor, user_id, Permission.MANAGE_USERS)
        if not user.active:
            raise InputProblem(
                f"{user.name}'s account is deactivated. Reactivate it first, then make a link."
            )
        purpose = LinkPurpose.INVITATION if user.password_hash is None else LinkPurpose.RESET
        token, expires = new_link(session, user, purpose)
        repo.record(
            session,
            actor,
            "invitation link made" if purpose is LinkPurpose.INVITATION else "reset link made",
            f"for {user.name} <{user.email}>; older links of theirs no longer work",
        )
        return IssuedLink(
            token=token,
            purpose=purpose.value,
            person=user.name,
            valid_until=clock.local_time(clock.in_zone(expires, _zone_of(session, actor))),
        )


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
                is_manager=u.role == Role.MANAGER,
                team_ids=[t.id for t in u.teams],
                link_label=""
                if not u.active
                else ("Make a new invitation" if u.password_hash is None else "Make a reset link"),
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
            forget_links(session, user.id)
        repo.record(
            session, actor, "person reactivated" if active else "person deactivated", user.name
        )


def _manager(session, actor: Actor, user_id: int) -> UserAccount:
    user = user_in_reach(session, actor, user_id, Permission.MANAGE_USERS)
    if user.role != Role.MANAGER:
        raise InputProblem(
            f"{user.name} is not a team manager: only team managers are assigned to teams."
        )
    if not user.active:
        raise InputProblem(f"{user.name}'s account is deactivated. Reactivate it first.")
    return user


def _record_team_changes(session, actor: Actor, user: UserAccount, before: set[Team]) -> None:
    after = set(user.teams)
    for team in sorted(after - before, key=lambda t: t.name):
        where = f"{team.name} ({team.area.name})"
        repo.record(session, actor, "manager assigned", f"{user.name} manages {where}")
    for team in sorted(before - after, key=lambda t: t.name):
        where = f"{team.name} ({team.area.name})"
        repo.record(session, actor, "manager unassigned", f"{user.name} no longer manages {where}")


def set_manager_teams(actor: Actor, user_id: int, team_ids: list[int]) -> None:
    """The teams a team manager manages, all at once (from the People page)."""
    require(actor, Permission.MANAGE_USERS)
    with transaction() as session:
        user = _manager(session, actor, user_id)
        before = set(user.teams)
        user.teams = _own_teams(session, actor, sorted(set(team_ids)))
        _record_team_changes(session, actor, user, before)


def set_team_manager(actor: Actor, team_id: int, user_id: int, manages: bool) -> None:
    """Assign a team manager to one team, or take them off it (from the team's page)."""
    require(actor, Permission.MANAGE_USERS)
    with transaction() as session:
        team = team_in_reach(session, actor, team_id, Permission.MANAGE_USERS)
        user = _manager(session, actor, user_id)
        before = set(user.teams)
        if manages and team not in before:
            user.teams.append(team)
        elif not manages and team in before:
            user.teams.remove(team)
        _record_team_changes(session, actor, user, before)


def team_managers(actor: Actor, team_id: int) -> TeamManagers:
    """The team's managers and the other active team managers, for assigning them."""
    require(actor, Permission.MANAGE_USERS)
    with transaction() as session:
        team = team_in_reach(session, actor, team_id, Permission.MANAGE_USERS)
        managers = session.scalars(
            select(UserAccount)
            .where(
                UserAccount.organisation_id == actor.organisation_id,
                UserAccount.role == Role.MANAGER.value,
                UserAccount.active.is_(True),
            )
            .order_by(UserAccount.name)
        )
        view = TeamManagers()
        for manager in managers:
            choice = PersonChoice(id=manager.id, name=manager.name)
            (view.assigned if team in manager.teams else view.others).append(choice)
        return view


# A short list for the Settings page; the service takes any zone zoneinfo knows.
TIME_ZONE_CHOICES = ["Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "UTC"]


def time_zone(actor: Actor) -> str:
    """The organisation's time zone, in which times are shown (stored times are UTC)."""
    require(actor, Permission.MANAGE_ORGANISATION)
    with transaction() as session:
        return _zone_of(session, actor)


def set_time_zone(actor: Actor, zone: str) -> None:
    require(actor, Permission.MANAGE_ORGANISATION)
    if not clock.is_time_zone(zone):
        raise InputProblem("Choose the time zone from the list.")
    with transaction() as session:
        organisation = session.get(Organisation, actor.organisation_id)
        assert organisation is not None
        if organisation.time_zone == zone:
            return
        before, organisation.time_zone = organisation.time_zone, zone
        repo.record(
            session,
            actor,
            "time zone changed",
            f"from {clock.time_zone_name(before)} to {clock.time_zone_name(zone)}",
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
        zone = _zone_of(session, actor)
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.organisation_id == actor.organisation_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(AUDIT_PAGE)
        )
        return [
            AuditRow(
                at=clock.local_time(clock.in_zone(e.at, zone)),
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
