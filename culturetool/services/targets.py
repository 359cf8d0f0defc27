"""Targets: the maturity level each condition should reach, for the organisation, an area or a
team. The most specific target wins: a team's own, else its area's, else the organisation's,
else the model's default. Recommendations aim at the gap between a team's score and its target.

Administrators set the organisation's targets; the innovation team sets an area's or a team's.
Leaders and the innovation team may look at every target; a team manager at their own teams'.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from culturetool.domain.access import Actor, Forbidden, NotSignedIn, Permission, require
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import TargetScope, member_of
from culturetool.domain.model_schema import CultureModel
from culturetool.domain.targets import MODEL_DEFAULT, target_band, target_in_force
from culturetool.services.model_provider import current_model
from culturetool.services.reach import area_in_reach, team_in_reach
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import ConditionTarget, Organisation

INHERIT = "inherit"
# Where a target in force comes from: a scope it was set at, or the model's default.
SOURCE_LABELS: dict[str, str] = {
    MODEL_DEFAULT: "the model's default",
    TargetScope.ORGANISATION: "the organisation's target",
    TargetScope.AREA: "the area's target",
    TargetScope.TEAM: "this team's own target",
}
# Where a target set at the scope being looked at comes from, in the same words.
OWN_LABELS = {**SOURCE_LABELS, TargetScope.AREA: "this area's own target"}
CHOOSE_SCOPE = "Choose the organisation, an area or a team."


@dataclass(frozen=True)
class TargetRow:
    condition_id: str
    condition_name: str
    number: int
    level: int  # the target in force
    band: str  # the target in force as its band: "Thriving: 3.4 and above"
    source: str  # where the target in force comes from, e.g. "the area's target"
    own: bool  # set at the scope being looked at
    inherited_level: int  # what it would be without this scope's own target
    inherited_label: str  # e.g. "Use the organisation's target (Thriving: 3.4 and above)"


@dataclass(frozen=True)
class TargetsView:
    scope: TargetScope
    scope_id: int
    scope_value: str  # as in scope_choices: "organisation", "area:3", "team:7"
    scope_name: str
    rows: list[TargetRow] = field(default_factory=list)
    level_choices: list[tuple[str, str]] = field(default_factory=list)
    can_edit: bool = False
    who_can_edit: str = ""
    scope_choices: list[tuple[str, str]] = field(default_factory=list)


def scope_value(scope: TargetScope, scope_id: int) -> str:
    return scope.value if scope is TargetScope.ORGANISATION else f"{scope.value}:{scope_id}"


def parse_scope(value: str) -> tuple[TargetScope | None, int]:
    """(ORGANISATION, 0), (AREA, 3) or (TEAM, 7) from a choice's value ("organisation",
    "area:3", "team:7"); (None, 0) if it is not one, which the services read as "the person's
    usual view"."""
    value = (value or "").strip()
    if value == TargetScope.ORGANISATION:
        return TargetScope.ORGANISATION, 0
    kind, _, number = value.partition(":")
    scope = member_of(TargetScope, kind)
    if scope in (TargetScope.AREA, TargetScope.TEAM) and number.isdigit():
        return scope, int(number)
    return None, 0


def _scope(scope: TargetScope | str) -> TargetScope:
    """The scope a page sent, checked: InputProblem for anything but the three scopes."""
    known = member_of(TargetScope, scope)
    if known is None:
        raise InputProblem(CHOOSE_SCOPE)
    return known


def _band(model: CultureModel, level: int) -> str:
    """A level as the band of scores it covers ("Thriving: 3.4 and above"); a level the model
    no longer has (saved under an older version) reads as its number."""
    try:
        return target_band(model.maturity_level(level))
    except StopIteration:
        return f"Level {level}"


def _sees_everything(actor: Actor) -> bool:
    return actor.can(Permission.VIEW_ALL_TARGETS)


def _require_sight(actor: Actor, scope: TargetScope, scope_id: int) -> None:
    """Refuse before anything is read: a manager sees their own teams' targets only, whether
    or not the team asked for exists."""
    require(actor, Permission.VIEW_TARGETS)
    if _sees_everything(actor):
        return
    if scope is not TargetScope.TEAM:
        raise Forbidden("You can see the targets of your own teams only.")
    require(actor, Permission.VIEW_TARGETS, team_id=scope_id)


def _edit_permission(scope: TargetScope) -> Permission:
    return (
        Permission.SET_ORGANISATION_TARGETS
        if scope is TargetScope.ORGANISATION
        else Permission.SET_LOCAL_TARGETS
    )


def _who_can_edit(scope: TargetScope) -> str:
    if scope is TargetScope.ORGANISATION:
        return "Only an administrator can change the organisation's targets."
    place = "an area" if scope is TargetScope.AREA else "a team"
    return f"Only the innovation team can change {place}'s targets."


@dataclass(frozen=True)
class _Place:
    """The scope looked at, with the area and team whose targets it inherits or is."""

    scope: TargetScope
    scope_id: int
    name: str
    organisation_id: int
    area_id: int | None
    team_id: int | None


def _place(
    session, actor: Actor, scope: TargetScope, scope_id: int, permission: Permission
) -> _Place:
    """The organisation, area or team, if it is the actor's organisation's and the actor may do
    this there; NotFound otherwise."""
    if scope is TargetScope.ORGANISATION:
        organisation = session.get(Organisation, actor.organisation_id)
        if organisation is None:
            raise NotFound("Your organisation no longer exists.")
        return _Place(scope, organisation.id, organisation.name, organisation.id, None, None)
    if scope is TargetScope.AREA:
        area = area_in_reach(session, actor, scope_id, permission)
        return _Place(scope, area.id, area.name, area.organisation_id, area.id, None)
    team = team_in_reach(session, actor, scope_id, permission)
    return _Place(
        scope,
        team.id,
        f"{team.name} ({team.area.name})",
        team.area.organisation_id,
        team.area_id,
        team.id,
    )


def _levels_by_scope(session, place: _Place) -> dict[str, dict[str, int]]:
    """Scope -> condition id -> level, for the organisation and the place's area and team."""
    return repo.target_levels(session, place.organisation_id, place.area_id, place.team_id)


def _inherited(
    model: CultureModel, levels: dict[str, dict[str, int]], place: _Place, condition_id: str
) -> tuple[int, str]:
    """The level a condition would have without the place's own target, and its source."""
    inherited = target_in_force(
        levels, condition_id, model.signals.default_target_level, below=place.scope
    )
    return inherited.level, inherited.source


def _rows(model: CultureModel, levels: dict[str, dict[str, int]], place: _Place) -> list[TargetRow]:
    own_levels = levels[place.scope]
    rows = []
    for condition in sorted(model.conditions, key=lambda c: c.number):
        inherited_level, inherited_from = _inherited(model, levels, place, condition.id)
        own = condition.id in own_levels
        level = own_levels[condition.id] if own else inherited_level
        source = OWN_LABELS[place.scope] if own else SOURCE_LABELS[inherited_from]
        rows.append(
            TargetRow(
                condition_id=condition.id,
                condition_name=condition.name,
                number=condition.number,
                level=level,
                band=_band(model, level),
                source=source,
                own=own,
                inherited_level=inherited_level,
                inherited_label=(
                    f"Use {SOURCE_LABELS[inherited_from]} ({_band(model, inherited_level)})"
                ),
            )
        )
    return rows


def _scope_choices(session, actor: Actor, organisation: Organisation) -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = []
    everything = _sees_everything(actor)
    if everything:
        choices.append(
            (
                scope_value(TargetScope.ORGANISATION, organisation.id),
                f"The whole organisation: {organisation.name}",
            )
        )
    for area in organisation.areas:
        if everything:
            choices.append((scope_value(TargetScope.AREA, area.id), f"Area: {area.name}"))
        choices.extend(
            (scope_value(TargetScope.TEAM, team.id), f"Team: {team.name} ({area.name})")
            for team in area.teams
            if everything or team.id in actor.team_ids
        )
    return choices


def _usual_scope(actor: Actor) -> tuple[TargetScope, int]:
    """What a person sees first: the organisation, or a manager's first team."""
    if _sees_everything(actor) or not actor.team_ids:
        return TargetScope.ORGANISATION, actor.organisation_id
    return TargetScope.TEAM, min(actor.team_ids)


def targets_view(
    actor: Actor, scope: TargetScope | str | None = None, scope_id: int = 0
) -> TargetsView:
    """The targets in force at a scope and where each comes from. An empty scope means the
    person's usual view: the organisation, or for a team manager their first team."""
    if actor is None:
        raise NotSignedIn("Please sign in.")
    if scope:
        chosen = _scope(scope)
    else:
        chosen, scope_id = _usual_scope(actor)
    _require_sight(actor, chosen, scope_id)
    model = current_model()
    with transaction() as session:
        place = _place(session, actor, chosen, scope_id, Permission.VIEW_TARGETS)
        organisation = session.get(Organisation, actor.organisation_id)
        assert organisation is not None  # _place found it or the area/team in it
        return TargetsView(
            scope=place.scope,
            scope_id=place.scope_id,
            scope_value=scope_value(place.scope, place.scope_id),
            scope_name=place.name,
            rows=_rows(model, _levels_by_scope(session, place), place),
            level_choices=[
                (str(lv.level), _band(model, lv.level))
                for lv in sorted(model.meta.maturity_levels, key=lambda lv: lv.level)
            ],
            can_edit=actor.can(_edit_permission(place.scope)),
            who_can_edit=_who_can_edit(place.scope),
            scope_choices=_scope_choices(session, actor, organisation),
        )


def _wanted_level(model: CultureModel, name: str, raw: int | str | None) -> int | None:
    """None to inherit, else a maturity level of the model; InputProblem naming the condition."""
    if raw is None or (isinstance(raw, str) and raw.strip() in ("", INHERIT)):
        return None
    known = {lv.level for lv in model.meta.maturity_levels}
    level = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    if isinstance(raw, str) and raw.strip().isdigit():
        level = int(raw.strip())
    if level not in known:
        raise InputProblem(
            f"Choose a target level from {min(known)} to {max(known)} for {name}, "
            "or let it use the target above it."
        )
    return level


def _described(model: CultureModel, level: int, source: str | None) -> str:
    return str(level) if source is None else f"{level} ({SOURCE_LABELS[source]})"


def set_targets(
    actor: Actor, scope: TargetScope | str, scope_id: int, levels: dict[str, int | str | None]
) -> list[str]:
    """Set this scope's own targets: condition id -> level, or None (or "inherit") to use the
    target above it again. Conditions left out stay as they are. All or nothing, with one audit
    event listing the changes. Returns the changes made (empty if nothing changed).

    A level is stored as chosen, even if it equals the inherited one: the choice then holds
    when the target above it changes.
    """
    chosen = _scope(scope)
    team_id = scope_id if chosen is TargetScope.TEAM else None
    require(actor, _edit_permission(chosen), team_id=team_id)
    model = current_model()
    wanted: dict[str, int | None] = {}
    for condition_id, raw in levels.items():
        condition = model.condition_by_id.get(condition_id)
        if condition is None:
            raise InputProblem(
                f"There is no condition “{condition_id}” in the model; reload the page."
            )
        wanted[condition_id] = _wanted_level(model, condition.name, raw)
    with transaction() as session:
        place = _place(session, actor, chosen, scope_id, _edit_permission(chosen))
        stored = {
            row.condition_id: row
            for row in session.scalars(
                select(ConditionTarget).where(
                    ConditionTarget.organisation_id == place.organisation_id,
                    ConditionTarget.scope == place.scope,
                    ConditionTarget.scope_id == place.scope_id,
                )
            )
        }
        current = _levels_by_scope(session, place)
        changes = []
        for condition in sorted(model.conditions, key=lambda c: c.number):
            if condition.id not in wanted:
                continue
            level, row = wanted[condition.id], stored.get(condition.id)
            if (row.level if row else None) == level:
                continue
            inherited_level, inherited_from = _inherited(model, current, place, condition.id)
            before = (
                _described(model, row.level, None)
                if row
                else _described(model, inherited_level, inherited_from)
            )
            if level is None:
                session.delete(row)
                after = _described(model, inherited_level, inherited_from)
            elif row is None:
                session.add(
                    ConditionTarget(
                        organisation_id=place.organisation_id,
                        scope=place.scope,
                        scope_id=place.scope_id,
                        condition_id=condition.id,
                        level=level,
                    )
                )
                after = str(level)
            else:
                row.level = level
                after = str(level)
            changes.append(f"{condition.name} from {before} to {after}")
        if changes:
            repo.record(session, actor, "targets changed", f"{place.name}: {'; '.join(changes)}")
        return changes
