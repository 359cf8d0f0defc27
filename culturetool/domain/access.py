"""Who may do what: roles, permissions and the scope of a signed-in person. Pure rules.

Services call `require(...)` before reading or writing anything; the web pages only decide what
to show. Respondents never sign in: their share link opens one questionnaire and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    LEADER = "leader"
    INNOVATION = "innovation"
    MANAGER = "manager"
    FACILITATOR = "facilitator"

    @property
    def label(self) -> str:
        """The role's name for people to read (not `title`: that is `str.title()`)."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMINISTRATOR: "Administrator",
    Role.LEADER: "Leader",
    Role.INNOVATION: "Innovation team",
    Role.MANAGER: "Team manager",
    Role.FACILITATOR: "Workshop facilitator",
}


class Permission(StrEnum):
    MANAGE_ORGANISATION = "manage the organisation, its areas, teams and settings"
    MANAGE_USERS = "manage user accounts"
    VIEW_AUDIT = "see the audit log"
    SEE_TEAMS = "see teams"
    RUN_ROUNDS = "open and close assessment rounds"
    VIEW_RESULTS = "see assessment results"
    VIEW_AREA_RESULTS = "see results for a whole area"
    SET_ORGANISATION_TARGETS = "set the organisation's targets"
    SET_LOCAL_TARGETS = "set targets for an area or a team"
    VIEW_TARGETS = "see targets"
    VIEW_ALL_TARGETS = "see the targets of the organisation and of every area and team"
    VIEW_PLANS = "see action plans"
    EDIT_PLANS = "add and update actions"
    EDIT_AREA_PLANS = "add and update actions for a whole area"
    ARRANGE_WORKSHOPS = "set up workshops and choose their facilitators"
    RUN_WORKSHOPS = "run workshops"
    VIEW_WORKSHOPS = "read workshops"
    OPEN_PERIODS = "open assessment periods for the county"
    RECORD_STAFF_COUNT = "record a team's number of staff"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(
        {
            Permission.MANAGE_ORGANISATION,
            Permission.MANAGE_USERS,
            Permission.VIEW_AUDIT,
            Permission.SEE_TEAMS,
            Permission.SET_ORGANISATION_TARGETS,
            Permission.VIEW_TARGETS,
            Permission.VIEW_ALL_TARGETS,
            Permission.ARRANGE_WORKSHOPS,
            Permission.OPEN_PERIODS,
            Permission.RECORD_STAFF_COUNT,
        }
    ),
    Role.LEADER: frozenset(
        {
            Permission.SEE_TEAMS,
            Permission.VIEW_RESULTS,
            Permission.VIEW_AREA_RESULTS,
            Permission.VIEW_TARGETS,
            Permission.VIEW_ALL_TARGETS,
            Permission.VIEW_PLANS,
            Permission.VIEW_WORKSHOPS,
        }
    ),
    # The innovation team plans interventions across the county and tunes targets locally.
    Role.INNOVATION: frozenset(
        {
            Permission.SEE_TEAMS,
            Permission.VIEW_RESULTS,
            Permission.VIEW_AREA_RESULTS,
            Permission.SET_LOCAL_TARGETS,
            Permission.VIEW_TARGETS,
            Permission.VIEW_ALL_TARGETS,
            Permission.VIEW_PLANS,
            Permission.EDIT_PLANS,
            Permission.EDIT_AREA_PLANS,
            Permission.ARRANGE_WORKSHOPS,
            Permission.VIEW_WORKSHOPS,
            Permission.OPEN_PERIODS,
        }
    ),
    # A manager sees targets and plans for their own teams only (the services check the team),
    # and never a whole area's actions.
    Role.MANAGER: frozenset(
        {
            Permission.SEE_TEAMS,
            Permission.RUN_ROUNDS,
            Permission.VIEW_RESULTS,
            Permission.VIEW_TARGETS,
            Permission.VIEW_PLANS,
            Permission.EDIT_PLANS,
            Permission.RECORD_STAFF_COUNT,
        }
    ),
    # A facilitator runs and reads only the workshops they are assigned to (services.reach).
    Role.FACILITATOR: frozenset({Permission.RUN_WORKSHOPS, Permission.VIEW_WORKSHOPS}),
}

# Roles whose permissions reach every team of the organisation; a manager's reach only theirs.
ORGANISATION_WIDE = frozenset({Role.ADMINISTRATOR, Role.LEADER, Role.INNOVATION})


class NotSignedIn(Exception):
    """No valid session: the person must sign in (again)."""


class Forbidden(Exception):
    """Signed in, but this person may not do this; the message says what was refused."""


@dataclass(frozen=True)
class Actor:
    user_id: int
    organisation_id: int
    role: Role
    name: str
    team_ids: frozenset[int] = field(default_factory=frozenset)

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def reaches_team(self, team_id: int) -> bool:
        return self.role in ORGANISATION_WIDE or team_id in self.team_ids

    def may(self, permission: Permission, team_id: int | None = None) -> bool:
        """Whether `require` would let this person do this (to this team): for what a page
        offers, where `require` refuses."""
        return self.can(permission) and (team_id is None or self.reaches_team(team_id))


def require(actor: Actor | None, permission: Permission, team_id: int | None = None) -> Actor:
    """The actor, if they may do this (to this team); otherwise NotSignedIn or Forbidden."""
    if actor is None:
        raise NotSignedIn("Please sign in.")
    if not actor.can(permission):
        raise Forbidden(f"Your role ({actor.role.label}) cannot {permission.value}.")
    if team_id is not None and not actor.reaches_team(team_id):
        # Said of the team, not of the permission ("see teams for this team" read oddly).
        raise Forbidden(
            "This team is not one of yours. If you should work with it, ask your administrator "
            "to assign you to it."
        )
    return actor
