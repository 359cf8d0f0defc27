"""Loading a team or a round only if the person asking may reach it.

A team or round of another organisation answers as not found, so its existence is not revealed.
"""

from __future__ import annotations

from culturetool.domain.access import Actor, Permission, require
from culturetool.domain.errors import NotFound
from culturetool.store.tables import AssessmentRound, Team


def team_in_reach(session, actor: Actor, team_id: int, permission: Permission) -> Team:
    """The team, if it exists in the actor's organisation and the actor may do this to it."""
    require(actor, permission)
    team = session.get(Team, team_id)
    if team is None or team.area.organisation_id != actor.organisation_id:
        raise NotFound("There is no such team.")
    require(actor, permission, team.id)
    return team


def round_in_reach(
    session, actor: Actor, round_id: int, permission: Permission
) -> AssessmentRound:
    """The round, if it exists in the actor's organisation and the actor may do this to it."""
    require(actor, permission)
    round_ = session.get(AssessmentRound, round_id)
    if round_ is None or round_.team.area.organisation_id != actor.organisation_id:
        raise NotFound("There is no such round.")
    require(actor, permission, round_.team_id)
    return round_
