"""Loading what a person may reach: a team, a round, an area, an action or an account of their
own organisation, once `require` has said that they may do this (to this team).

This is the one place the services compare a row's organisation with the person's. A row of
another organisation answers exactly as a missing one does, so its existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from culturetool.domain.access import Actor, Forbidden, Permission, Role, require
from culturetool.domain.errors import NotFound
from culturetool.store.tables import (
    Area,
    AssessmentRound,
    PlanAction,
    Team,
    UserAccount,
    Workshop,
    WorkshopFacilitator,
)

Row = TypeVar("Row")


def _own(actor: Actor, row: Row | None, organisation_of: Callable[[Row], int], missing: str) -> Row:
    """The row, if it exists and belongs to the actor's organisation; NotFound otherwise."""
    if row is None or organisation_of(row) != actor.organisation_id:
        raise NotFound(missing)
    return row


def team_in_reach(session, actor: Actor, team_id: int, permission: Permission) -> Team:
    """The team, if it exists in the actor's organisation and the actor may do this to it."""
    require(actor, permission)
    team = _own(
        actor, session.get(Team, team_id), lambda t: t.area.organisation_id,
        "There is no such team.",
    )  # fmt: skip
    require(actor, permission, team.id)
    return team


def round_in_reach(session, actor: Actor, round_id: int, permission: Permission) -> AssessmentRound:
    """The round, if it exists in the actor's organisation and the actor may do this to it."""
    require(actor, permission)
    round_ = _own(
        actor, session.get(AssessmentRound, round_id), lambda r: r.team.area.organisation_id,
        "There is no such round.",
    )  # fmt: skip
    require(actor, permission, round_.team_id)
    return round_


def area_in_reach(session, actor: Actor, area_id: int, permission: Permission) -> Area:
    """The area, if it exists in the actor's organisation and the actor may do this.

    An area is not a team: a manager who may do this for their teams gets the area too, so the
    service still checks each team it reads or writes within it."""
    require(actor, permission)
    return _own(
        actor, session.get(Area, area_id), lambda a: a.organisation_id, "There is no such area."
    )


def action_in_reach(session, actor: Actor, action_id: int, permission: Permission) -> PlanAction:
    """The plan action, if it exists in the actor's organisation and the actor may do this to
    its team (a whole-area action has no team; `services.plans` decides who edits those)."""
    require(actor, permission)
    action = _own(
        actor, session.get(PlanAction, action_id), lambda a: a.organisation_id,
        "There is no such action; it may have been removed.",
    )  # fmt: skip
    require(actor, permission, action.team_id)
    return action


def user_in_reach(session, actor: Actor, user_id: int, permission: Permission) -> UserAccount:
    """The person's account, if it is in the actor's organisation and the actor may do this."""
    require(actor, permission)
    return _own(
        actor, session.get(UserAccount, user_id), lambda u: u.organisation_id,
        "There is no such person.",
    )  # fmt: skip


NOT_YOUR_WORKSHOP = (
    "This workshop is not one of yours. If you should help run it, ask your administrator to "
    "add you to its facilitators."
)


def workshop_in_reach(session, actor: Actor, workshop_id: int, permission: Permission) -> Workshop:
    """The workshop, if it exists in the actor's organisation and the actor may do this to it.

    A facilitator reaches only the workshops they are assigned to; the roles that arrange or
    read workshops reach every one of their organisation's."""
    require(actor, permission)
    workshop = _own(
        actor, session.get(Workshop, workshop_id), lambda w: w.organisation_id,
        "There is no such workshop.",
    )  # fmt: skip
    if (
        actor.role is Role.FACILITATOR
        and session.get(WorkshopFacilitator, (workshop.id, actor.user_id)) is None
    ):
        raise Forbidden(NOT_YOUR_WORKSHOP)
    return workshop
