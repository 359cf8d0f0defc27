"""Action plans: what a team or an area will do about its gaps, who does it, by when, and how
far it has got.

An action belongs to an area and either one of its teams or the whole area. Managers plan for
their own teams; the innovation team plans for any team and for whole areas; leaders read.
What a team cannot do by itself it asks of its area's plan: the request is shown on the area's
plan to those who edit it. Every change is audited. Every lookup is filtered on the person's
organisation, so another organisation's actions answer as not found.

About 600 lines: the due-date rules, the changes with their audit events, the teams' requests
and the plan views are one use case's parts, which share the permission rules at the top. The
requests (ask_area_plan, _requests) are the part that could move out on their own first.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from culturetool.domain import clock
from culturetool.domain.access import Actor, Forbidden, Permission, require
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import (
    ActionStatus,
    ActionTimescale,
    CarriedOutBy,
    TargetScope,
    member_of,
)
from culturetool.domain.limits import ACTION_NOTES_LENGTH, ACTION_TITLE_LENGTH, NAME_LENGTH
from culturetool.domain.model_schema import CultureModel
from culturetool.domain.text import clean_line, clean_notes
from culturetool.domain.wording import count_of, day_month_year
from culturetool.services.model_provider import current_model
from culturetool.services.reach import action_in_reach, area_in_reach, team_in_reach
from culturetool.services.workshops import touch
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import (
    Area,
    PlanAction,
    PlanRequest,
    Team,
    Workshop,
    WorkshopTheme,
    utcnow,
)
from culturetool.views.plans import ActionRow, PlanView, RequestRow

TIMESCALE_LABELS = {
    ActionTimescale.FIRST_WEEK: "In the first week",
    ActionTimescale.THREE_MONTHS: "Within three months",
    ActionTimescale.SIX_MONTHS: "Within six months",
    ActionTimescale.DATE: "By a date",
}
STATUS_LABELS = {
    ActionStatus.PLANNED: "Planned",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
    ActionStatus.DROPPED: "Dropped",
}
OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
WHOLE_AREA = "Whole area"
LATEST_DUE_YEARS = 10  # a due date further ahead than this is taken for a typing slip
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# ---- what the pages send and get back -------------------------------------------------------


@dataclass(frozen=True)
class ActionDraft:
    """A new action as typed in the form (or prefilled from a recommendation)."""

    title: str
    owner: str
    team_id: int | None  # None: the whole area
    condition_ids: tuple[str, ...]
    timescale: str
    due_on: str = ""  # YYYY-MM-DD, only read when the timescale is "date"
    notes: str = ""
    intervention_id: str | None = None
    bundle_id: str | None = None


@dataclass(frozen=True)
class Prefill:
    """A new action's form filled from a recommendation's link; only ids the model knows."""

    intervention_id: str = ""
    intervention_name: str = ""
    bundle_id: str = ""
    bundle_name: str = ""
    condition_ids: list[str] = field(default_factory=list)
    title: str = ""

    @property
    def from_recommendation(self) -> bool:
        return bool(self.intervention_id or self.bundle_id)


# ---- rules -----------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day so many calendar months later, or the month's last day if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(timescale: str, today: dt.date, given: str = "") -> dt.date:
    """When an action is due: a week, three or six months from today, or the date given."""
    if timescale == ActionTimescale.FIRST_WEEK:
        return today + dt.timedelta(days=7)
    if timescale == ActionTimescale.THREE_MONTHS:
        return add_months(today, 3)
    if timescale == ActionTimescale.SIX_MONTHS:
        return add_months(today, 6)
    if timescale != ActionTimescale.DATE:
        raise InputProblem(
            "Choose when the action is due: in the first week, within three months, within "
            "six months, or by a date."
        )
    text = (given or "").strip()
    try:
        if not _ISO_DATE.match(text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InputProblem(
            "Give the date the action is due, such as "
            f"{day_month_year(add_months(today, 2))}, or choose another timescale."
        ) from None
    if day < today:
        raise InputProblem(
            f"The due date {day_month_year(day)} has already passed; choose today or a later date."
        )
    if day.year > today.year + LATEST_DUE_YEARS:
        raise InputProblem(
            f"The due date {day_month_year(day)} is more than {LATEST_DUE_YEARS} years away; "
            "please check the year."
        )
    return day


def _known_conditions(model: CultureModel, condition_ids: tuple[str, ...]) -> list[str]:
    if not condition_ids:
        raise InputProblem("Tick at least one condition the action will help with.")
    unknown = [c for c in condition_ids if c not in model.condition_by_id]
    if unknown:
        raise InputProblem(
            "The culture model has no condition called "
            + ", ".join(f"“{c}”" for c in unknown)
            + "; tick the conditions from the list."
        )
    chosen = set(condition_ids)
    return [c.id for c in model.conditions if c.id in chosen]  # model order, no repeats


def _origin(model: CultureModel, draft: ActionDraft) -> tuple[str | None, str | None]:
    """The intervention and bundle an action came from; the intervention's own bundle wins."""
    intervention_id = (draft.intervention_id or "").strip() or None
    bundle_id = (draft.bundle_id or "").strip() or None
    if intervention_id is not None:
        intervention = model.intervention_by_id.get(intervention_id)
        if intervention is None:
            raise InputProblem(
                "The recommended intervention is not in the current culture model; "
                "start the action from scratch instead."
            )
        return intervention.id, intervention.bundle
    if bundle_id is not None and bundle_id not in {b.id for b in model.bundles}:
        raise InputProblem(
            "The recommended bundle is not in the current culture model; "
            "start the action from scratch instead."
        )
    return None, bundle_id


def _touch_its_workshop(session: Session, action: PlanAction) -> None:
    """An action a workshop agreed shows on the workshop's pages too: they reload when it
    changes here."""
    if action.workshop_id is not None:
        workshop = session.get(Workshop, action.workshop_id)
        if workshop is not None:
            touch(session, workshop)


def _for_whom(action: PlanAction, area: Area) -> str:
    """Who an action is for, as the audit log says it: "Alpha" or "the whole of North"."""
    return action.team.name if action.team is not None else f"the whole of {area.name}"


def _is_overdue(action: PlanAction, today: dt.date) -> bool:
    return action.status in OPEN_STATUSES and action.due_on < today


def _permission_to_edit(team_id: int | None) -> Permission:
    """Who may change an action, in one place: a team's needs EDIT_PLANS for that team, a whole
    area's (team_id None) EDIT_AREA_PLANS."""
    return Permission.EDIT_PLANS if team_id is not None else Permission.EDIT_AREA_PLANS


def _edits(actor: Actor, team_id: int | None) -> bool:
    """May this person change an action of this team (None: of the whole area)?"""
    return actor.may(_permission_to_edit(team_id), team_id)


def _require_edit(actor: Actor, team_id: int | None) -> None:
    permission = _permission_to_edit(team_id)
    if team_id is None and actor.can(Permission.EDIT_PLANS) and not actor.can(permission):
        # A manager plans, but not for a whole area: say what they can do instead.
        raise Forbidden(
            "Actions for a whole area are added and updated by the innovation team; "
            "as a team manager you can plan for your own teams."
        )
    require(actor, permission, team_id)


# ---- changes ---------------------------------------------------------------------------------


def create_action(
    actor: Actor, area_id: int, draft: ActionDraft, today: dt.date | None = None
) -> int:
    """Add an action to an area's plan, for one of its teams or the whole area. Its id."""
    require(actor, Permission.EDIT_PLANS)
    today = today or clock.today()
    model = current_model()
    title = clean_line(draft.title, "action", ACTION_TITLE_LENGTH, "Please say what the action is.")
    owner = clean_line(
        draft.owner,
        "owner's name",
        NAME_LENGTH,
        "Please say who will lead the action (a name or a role).",
    )
    conditions = _known_conditions(model, tuple(draft.condition_ids))
    due_on = due_date(draft.timescale, today, draft.due_on)
    notes = clean_notes(draft.notes, ACTION_NOTES_LENGTH)
    intervention_id, bundle_id = _origin(model, draft)
    with transaction() as session:
        area = area_in_reach(session, actor, area_id, Permission.EDIT_PLANS)
        if draft.team_id is not None:
            team = session.get(Team, draft.team_id)
            if team is None or team.area_id != area.id:
                raise NotFound(f"There is no such team in {area.name}.")
        _require_edit(actor, draft.team_id)
        now = utcnow()
        action = PlanAction(
            organisation_id=actor.organisation_id,
            area_id=area.id,
            team_id=draft.team_id,
            title=title,
            owner=owner,
            intervention_id=intervention_id,
            bundle_id=bundle_id,
            condition_ids=" ".join(conditions),
            timescale=draft.timescale,
            due_on=due_on,
            status=ActionStatus.PLANNED.value,
            notes=notes,
            created_at=now,
            created_by_user_id=actor.user_id,
            updated_at=now,
        )
        session.add(action)
        session.flush()
        repo.record(
            session,
            actor,
            "action added",
            f"“{title}” for {_for_whom(action, area)}, due {day_month_year(due_on)}",
        )
        return action.id


def set_action_status(
    actor: Actor, action_id: int, status: str, today: dt.date | None = None
) -> None:
    """Move an action on (or back). Marking it done records today's date; leaving done clears it."""
    require(actor, Permission.EDIT_PLANS)
    chosen = member_of(ActionStatus, status)
    if chosen is None:
        raise InputProblem("Choose a status: Planned, In progress, Done or Dropped.")
    today = today or clock.today()
    with transaction() as session:
        action = action_in_reach(session, actor, action_id, Permission.EDIT_PLANS)
        _require_edit(actor, action.team_id)
        if chosen == action.status:
            return
        before = STATUS_LABELS[ActionStatus(action.status)].lower()
        if chosen == ActionStatus.DONE:
            action.done_on = today
        else:
            action.done_on = None
        action.status = chosen.value
        action.updated_at = utcnow()
        what = "action dropped" if chosen == ActionStatus.DROPPED else "action status changed"
        repo.record(
            session,
            actor,
            what,
            f"“{action.title}” for {_for_whom(action, action.area)}: was {before}, now "
            f"{STATUS_LABELS[chosen].lower()}",
        )
        _touch_its_workshop(session, action)


def update_action_notes(actor: Actor, action_id: int, notes: str) -> None:
    """Replace an action's notes (empty clears them)."""
    require(actor, Permission.EDIT_PLANS)
    notes = clean_notes(notes, ACTION_NOTES_LENGTH)
    with transaction() as session:
        action = action_in_reach(session, actor, action_id, Permission.EDIT_PLANS)
        _require_edit(actor, action.team_id)
        if notes != action.notes:
            action.notes = notes
            action.updated_at = utcnow()
            said = "notes cleared" if not notes else "notes changed"
            repo.record(
                session,
                actor,
                "action notes changed",
                f"“{action.title}” for {_for_whom(action, action.area)}: {said}",
            )
            _touch_its_workshop(session, action)


def ask_area_plan(actor: Actor, team_id: int, intervention_id: str) -> bool:
    """Ask for an intervention the team cannot carry out by itself to be taken up in its area's
    plan. True when the request was recorded; False when the team had already asked for it
    (nothing is added twice)."""
    require(actor, Permission.EDIT_PLANS, team_id)
    intervention = current_model().intervention_by_id.get(intervention_id.strip())
    if intervention is None:
        raise InputProblem(
            "That intervention is not in the current culture model, so it cannot be asked for."
        )
    if intervention.carried_out_by == CarriedOutBy.TEAM:
        raise InputProblem(
            f"“{intervention.name}” is something the team can do itself: "
            "add it to the team's own plan instead."
        )
    with transaction() as session:
        team = team_in_reach(session, actor, team_id, Permission.EDIT_PLANS)
        asked = session.scalar(
            select(PlanRequest).where(
                PlanRequest.team_id == team.id, PlanRequest.intervention_id == intervention.id
            )
        )
        if asked is not None:
            return False
        session.add(
            PlanRequest(
                organisation_id=actor.organisation_id,
                area_id=team.area_id,
                team_id=team.id,
                intervention_id=intervention.id,
                asked_by_user_id=actor.user_id,
                asked_at=utcnow(),
            )
        )
        repo.record(
            session,
            actor,
            "asked of the area's plan",
            f"{team.name} asked for “{intervention.name}” in the plan for {team.area.name}",
        )
        return True


# ---- views -----------------------------------------------------------------------------------


def _workshop_origins(session: Session, actions: list[PlanAction]) -> dict[int, str]:
    """action id → where a workshop's action came from, in words, for the actions that came
    from a workshop's plan stage."""
    from_workshops = [a for a in actions if a.workshop_id is not None]
    if not from_workshops:
        return {}
    titles: dict[int, str] = {
        workshop_id: title
        for workshop_id, title in session.execute(
            select(Workshop.id, Workshop.title).where(
                Workshop.id.in_({a.workshop_id for a in from_workshops})
            )
        )
    }
    statements: dict[int, str] = {
        theme_id: statement
        for theme_id, statement in session.execute(
            select(WorkshopTheme.id, WorkshopTheme.statement).where(
                WorkshopTheme.id.in_({a.workshop_theme_id for a in from_workshops})
            )
        )
    }
    origins = {}
    for action in from_workshops:
        words = f"From the workshop “{titles.get(action.workshop_id or 0, '')}”"
        statement = statements.get(action.workshop_theme_id or 0)
        if statement is not None:  # None: the theme was deleted; the action stays
            words += f": theme “{statement}”" if statement else ": a theme with no statement yet"
        origins[action.id] = words
    return origins


def _row(
    actor: Actor, action: PlanAction, model: CultureModel, today: dt.date, origin: str = ""
) -> ActionRow:
    # Ids saved against an older model that the current one lacks are shown as they are.
    conditions = [
        model.condition_by_id[c].name if c in model.condition_by_id else c
        for c in action.condition_ids.split()
    ]
    bundles = {b.id: b.name for b in model.bundles}
    intervention = model.intervention_by_id.get(action.intervention_id or "")
    return ActionRow(
        id=action.id,
        title=action.title,
        owner=action.owner,
        team_id=action.team_id or 0,
        team_name=action.team.name if action.team is not None else WHOLE_AREA,
        condition_names=conditions,
        intervention_name=intervention.name if intervention else (action.intervention_id or ""),
        bundle_name=bundles.get(action.bundle_id or "", action.bundle_id or ""),
        intervention_id=action.intervention_id or "",
        timescale_label=TIMESCALE_LABELS[ActionTimescale(action.timescale)],
        due_label=day_month_year(action.due_on),
        due_on=action.due_on.isoformat(),
        status=action.status,
        status_label=STATUS_LABELS[ActionStatus(action.status)],
        notes=action.notes,
        overdue=_is_overdue(action, today),
        done_label=day_month_year(action.done_on),
        can_edit=_edits(actor, action.team_id),
        workshop_origin=origin,
    )


def plan_summary(rows: list[ActionRow]) -> str:
    """'5 actions: 2 done, 2 in progress, 1 planned. 1 is overdue.'"""
    if not rows:
        return "No actions yet."
    counts = {status: sum(r.status == status for r in rows) for status in STATUS_LABELS}
    parts = [
        f"{counts[status]} {STATUS_LABELS[status].lower()}"
        for status in (
            ActionStatus.DONE,
            ActionStatus.IN_PROGRESS,
            ActionStatus.PLANNED,
            ActionStatus.DROPPED,
        )
        if counts[status]
    ]
    text = f"{count_of(len(rows), 'action', 'actions')}: {', '.join(parts)}."
    overdue = sum(r.overdue for r in rows)
    if overdue:
        text += f" {overdue} {'is' if overdue == 1 else 'are'} overdue."
    return text


ORDER_HELP = (
    "Actions still to do come first (overdue ones at the top, then by due date), then done "
    "actions (the most recently done first), then dropped ones."
)


def _order(actions: list[PlanAction], today: dt.date) -> list[PlanAction]:
    """Open actions (overdue first, then by due date), then done ones (the most recently done
    first), then dropped ones (by due date)."""

    def key(action: PlanAction) -> tuple:
        if action.status in OPEN_STATUSES:
            return (0, not _is_overdue(action, today), action.due_on.toordinal(), action.id)
        if action.status == ActionStatus.DONE:
            done_on = action.done_on or action.due_on
            return (1, False, -done_on.toordinal(), -action.id)
        return (2, False, action.due_on.toordinal(), action.id)

    return sorted(actions, key=key)


def _view(
    actor: Actor,
    scope: TargetScope,
    area: Area,
    team: Team | None,
    actions: list[PlanAction],
    today: dt.date,
    team_choices: list[tuple[str, str]],
    origins: dict[int, str],
) -> PlanView:
    model = current_model()
    rows = [_row(actor, a, model, today, origins.get(a.id, "")) for a in _order(actions, today)]
    name = team.name if team is not None else area.name
    return PlanView(
        scope=scope,
        area_id=area.id,
        area_name=area.name,
        team_id=team.id if team is not None else 0,
        team_name=team.name if team is not None else "",
        heading=f"Action plan: {name}",
        summary=plan_summary(rows),
        today=today.isoformat(),
        today_label=day_month_year(today),
        can_edit=bool(team_choices),
        can_view_area=actor.can(Permission.VIEW_AREA_RESULTS),
        actions=rows,
        overdue_count=sum(r.overdue for r in rows),
        open_count=sum(r.status in OPEN_STATUSES for r in rows),
        done_count=sum(r.status == ActionStatus.DONE for r in rows),
        dropped_count=sum(r.status == ActionStatus.DROPPED for r in rows),
        team_choices=team_choices,
        condition_choices=[(c.id, c.name) for c in model.conditions],
    )


def team_plan(actor: Actor, team_id: int, today: dt.date | None = None) -> PlanView:
    """A team's actions and its area's whole-area actions (which only the innovation team edits)."""
    require(actor, Permission.VIEW_PLANS)
    today = today or clock.today()
    with transaction() as session:
        team = team_in_reach(session, actor, team_id, Permission.VIEW_PLANS)
        actions = list(
            session.scalars(
                select(PlanAction).where(
                    PlanAction.organisation_id == actor.organisation_id,
                    or_(
                        PlanAction.team_id == team.id,
                        and_(PlanAction.team_id.is_(None), PlanAction.area_id == team.area_id),
                    ),
                )
            )
        )
        choices = [(str(team.id), team.name)] if _edits(actor, team.id) else []
        origins = _workshop_origins(session, actions)
        return _view(actor, TargetScope.TEAM, team.area, team, actions, today, choices, origins)


def area_plan(actor: Actor, area_id: int, today: dt.date | None = None) -> PlanView:
    """Every action of an area: each team's and the whole area's."""
    require(actor, Permission.VIEW_PLANS)
    if not actor.can(Permission.VIEW_AREA_RESULTS):
        raise Forbidden(
            "A whole area's plan is for leaders and the innovation team; "
            "you can see the plans of your own teams."
        )
    today = today or clock.today()
    with transaction() as session:
        area = area_in_reach(session, actor, area_id, Permission.VIEW_PLANS)
        actions = list(
            session.scalars(
                select(PlanAction).where(
                    PlanAction.organisation_id == actor.organisation_id,
                    PlanAction.area_id == area.id,
                )
            )
        )
        choices: list[tuple[str, str]] = []
        if _edits(actor, None):
            choices.append(("", "The whole area"))
        choices += [(str(t.id), t.name) for t in area.teams if _edits(actor, t.id)]
        origins = _workshop_origins(session, actions)
        view = _view(actor, TargetScope.AREA, area, None, actions, today, choices, origins)
        if _edits(actor, None):
            view.requests.extend(_requests(session, area))
        return view


def _requests(session: Session, area: Area) -> list[RequestRow]:
    """The teams' requests to the area's plan: those not yet planned first, then the newest."""
    model = current_model()
    asked = session.scalars(
        select(PlanRequest)
        .where(PlanRequest.area_id == area.id)
        .order_by(PlanRequest.asked_at.desc(), PlanRequest.id.desc())
    )
    zone = area.organisation.time_zone  # stored in UTC; a day reads as the organisation's
    rows = []
    for request in asked:
        # An id the current model no longer has is shown as it was saved.
        intervention = model.intervention_by_id.get(request.intervention_id)
        who = f", by {request.asked_by.name}" if request.asked_by is not None else ""
        rows.append(
            RequestRow(
                team_name=request.team.name,
                intervention_id=request.intervention_id,
                intervention_name=intervention.name if intervention else request.intervention_id,
                bundle_id=intervention.bundle if intervention else "",
                asked=f"on {day_month_year(clock.in_zone(request.asked_at, zone).date())}{who}",
                planned=request.intervention_id
                in repo.interventions_in_plan(session, area.id, request.team_id),
            )
        )
    return sorted(rows, key=lambda row: row.planned)  # stable: newest first within each


def prefill(
    intervention: str = "", bundle: str = "", conditions: str = "", title: str = ""
) -> Prefill:
    """The new-action form filled from a recommendation's link (the model's data only).

    Unknown ids are dropped. Without conditions in the link, the bundle's main conditions
    (weight 0.6 or more) are ticked.
    """
    model = current_model()
    chosen = model.intervention_by_id.get(intervention.strip())
    bundles = {b.id: b for b in model.bundles}
    bundle_found = bundles.get(chosen.bundle if chosen else bundle.strip())
    wanted = {c.strip() for c in conditions.split(",") if c.strip()}
    condition_ids = [c.id for c in model.conditions if c.id in wanted]
    if not condition_ids and bundle_found is not None:
        served = {link.condition for link in bundle_found.serves if link.weight >= 0.6}
        condition_ids = [c.id for c in model.conditions if c.id in served]
    typed = " ".join(title.split())[:ACTION_TITLE_LENGTH]
    return Prefill(
        intervention_id=chosen.id if chosen else "",
        intervention_name=chosen.name if chosen else "",
        bundle_id=bundle_found.id if bundle_found else "",
        bundle_name=bundle_found.name if bundle_found else "",
        condition_ids=condition_ids,
        title=typed or (chosen.name if chosen else ""),
    )


def already_planned(view: PlanView, intervention_id: str) -> str:
    """A note for the new-action form when the plan shown already has an action (not dropped)
    for the same intervention; empty otherwise. Reads only the view, so only what the person
    may see: a team's own and its area's whole-area actions, or on an area's plan all of them."""
    if not intervention_id:
        return ""
    same = [
        r
        for r in view.actions
        if r.intervention_id == intervention_id and r.status != ActionStatus.DROPPED
    ]
    if not same:
        return ""
    found = ", ".join(f"“{r.title}” ({r.status_label.lower()})" for r in same)
    some = "an action" if len(same) == 1 else "actions"
    return (
        f"This plan already has {some} for {same[0].intervention_name}: {found}. "
        "You can still add another."
    )
