"""Workshops (Working Together for Change): who reaches which workshop, the revision number that
tells every open page it is out of date, and stage 1 (the list, a new workshop, preparation,
stage moves and the overview).

Several facilitators work on one workshop at once, from browsers served by different app
processes, and the database is the only copy of it. Every write to a workshop or anything in it
raises `Workshop.revision` by one in its own transaction (`touch`), and each open workshop page
asks for that one number every second or two (`revision_of`), reloading its view when it moved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, exists, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from culturetool.domain.access import Actor, Forbidden, Permission, Role, require
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import member_of
from culturetool.domain.limits import MAX_WORKSHOP_DAYS, NAME_LENGTH, WORKSHOP_PURPOSE_LENGTH
from culturetool.domain.text import clean_name, clean_notes
from culturetool.domain.wording import count_of, day_month_year
from culturetool.domain.workshop.board import Conflict
from culturetool.domain.workshop.kinds import Perspective, Stage, VotingState
from culturetool.domain.workshop.stages import (
    check_days,
    check_stage_move,
    check_tables,
    custom_perspective,
    perspective_label,
)
from culturetool.domain.workshop.votes import check_budget
from culturetool.services.reach import NOT_YOUR_WORKSHOP, area_in_reach, workshop_in_reach
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import (
    Area,
    PlanAction,
    Team,
    UserAccount,
    Workshop,
    WorkshopBallotVote,
    WorkshopDay,
    WorkshopEntry,
    WorkshopFacilitator,
    WorkshopPerspective,
    WorkshopSuccess,
    WorkshopTableVote,
    WorkshopTeam,
    WorkshopTheme,
)
from culturetool.views.workshop_pages import (
    AreaTeams,
    Choice,
    NewWorkshopChoices,
    WorkshopList,
    WorkshopOverview,
    WorkshopRow,
)

NO_SUCH_WORKSHOP = "There is no such workshop."
# Read access to a workshop: leaders and the innovation team read every one, facilitators their
# own, and administrators (who arrange them) see what they arranged.
READING = (Permission.VIEW_WORKSHOPS, Permission.RUN_WORKSHOPS, Permission.ARRANGE_WORKSHOPS)


def touch(session: Session, workshop: Workshop) -> None:
    """Marks the workshop changed, in the caller's transaction: every open page of it reloads.

    The increment is done by the database (`revision = revision + 1`), so two transactions that
    both touch the workshop each add one, whatever each had loaded."""
    session.flush()
    session.execute(
        update(Workshop)
        .where(Workshop.id == workshop.id)
        .values(revision=Workshop.revision + 1)
        .execution_options(synchronize_session=False)
    )
    revision = session.scalar(select(Workshop.revision).where(Workshop.id == workshop.id))
    set_committed_value(workshop, "revision", revision)


def reading_permission(actor: Actor) -> Permission:
    """The permission by which this person reads workshops, or Forbidden if they may not."""
    for permission in READING:
        if actor.can(permission):
            return permission
    raise Forbidden(f"Your role ({actor.role.label}) cannot read workshops.")


def workshop_to_read(session: Session, actor: Actor, workshop_id: int) -> Workshop:
    """The workshop, if this person may read it (a facilitator only their own)."""
    return workshop_in_reach(session, actor, workshop_id, reading_permission(actor))


def revision_of(actor: Actor, workshop_id: int) -> int:
    """The workshop's revision number, for an open page to see whether it is out of date.

    Asked every second or two by every open page, so it is one query: the revision, the
    organisation and, for a facilitator, whether they are assigned, with the same refusals as
    `workshop_in_reach` (another organisation's workshop is not found; a facilitator of another
    workshop is refused)."""
    reading_permission(actor)
    assigned = exists().where(
        WorkshopFacilitator.workshop_id == Workshop.id,
        WorkshopFacilitator.user_id == actor.user_id,
    )
    with transaction() as session:
        row = session.execute(
            select(Workshop.revision, Workshop.organisation_id, assigned).where(
                Workshop.id == workshop_id
            )
        ).one_or_none()
    if row is None or row.organisation_id != actor.organisation_id:
        raise NotFound(NO_SUCH_WORKSHOP)
    revision, _, is_assigned = row
    if actor.role is Role.FACILITATOR and not is_assigned:
        raise Forbidden(NOT_YOUR_WORKSHOP)
    return revision


@dataclass(frozen=True)
class WorkshopHeading:
    """What every workshop page shows above its own content, and the revision it was read at."""

    id: int
    title: str
    stage: Stage
    stage_text: str  # "This workshop is at stage 2 of 8: Collect."
    revision: int


def _stage_place(stage: Stage) -> str:
    stages = list(Stage)
    return f"{stages.index(stage) + 1} of {len(stages)}: {stage.label}"


def stage_text(stage: Stage) -> str:
    """The stage as a list shows it: "Stage 2 of 8: Collect"."""
    return f"Stage {_stage_place(stage)}"


def stage_sentence(stage: Stage) -> str:
    """The stage above every page of the workshop, which is not always the stage of the page
    itself (a facilitator may theme before moving the workshop on), so it says whose it is."""
    return f"This workshop is at stage {_stage_place(stage)}."


def workshop_heading(actor: Actor, workshop_id: int) -> WorkshopHeading:
    """The workshop's title, stage and revision, for the frame of each of its pages."""
    with transaction() as session:
        workshop = workshop_to_read(session, actor, workshop_id)
        stage = Stage(workshop.stage)
        return WorkshopHeading(
            workshop.id, workshop.title, stage, stage_sentence(stage), workshop.revision
        )


# ---- the list ---------------------------------------------------------------------------------


def _day_texts(session: Session, workshop_ids: Iterable[int]) -> dict[int, list[dt.date]]:
    days: dict[int, list[dt.date]] = {}
    rows = session.execute(
        select(WorkshopDay.workshop_id, WorkshopDay.day)
        .where(WorkshopDay.workshop_id.in_(list(workshop_ids)))
        .order_by(WorkshopDay.day)
    )
    for workshop_id, day in rows:
        days.setdefault(workshop_id, []).append(day)
    return days


def _facilitator_names(session: Session, workshop_ids: Iterable[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    rows = session.execute(
        select(WorkshopFacilitator.workshop_id, UserAccount.name)
        .join(UserAccount, UserAccount.id == WorkshopFacilitator.user_id)
        .where(WorkshopFacilitator.workshop_id.in_(list(workshop_ids)))
        .order_by(UserAccount.name)
    )
    for workshop_id, name in rows:
        names.setdefault(workshop_id, []).append(name)
    return names


def dates_text(days: Sequence[dt.date]) -> str:
    return ", ".join(day_month_year(day) for day in days) or "no date yet"


def list_workshops(actor: Actor) -> WorkshopList:
    """The workshops this person reaches, soonest first: a facilitator's own, everyone else's
    the organisation's. Arrangers also get what the new workshop form offers."""
    reading_permission(actor)
    with transaction() as session:
        query = select(Workshop, Area.name).join(Area, Area.id == Workshop.area_id)
        query = query.where(Workshop.organisation_id == actor.organisation_id)
        if actor.role is Role.FACILITATOR:
            query = query.join(
                WorkshopFacilitator,
                (WorkshopFacilitator.workshop_id == Workshop.id)
                & (WorkshopFacilitator.user_id == actor.user_id),
            )
        found = list(session.execute(query).all())
        ids = [workshop.id for workshop, _ in found]
        days = _day_texts(session, ids)
        names = _facilitator_names(session, ids)
        far_future = dt.date.max
        found.sort(key=lambda row: (days.get(row[0].id, [far_future])[0], row[0].title))
        rows = [
            WorkshopRow(
                id=workshop.id,
                title=workshop.title,
                area_name=area_name,
                dates=dates_text(days.get(workshop.id, [])),
                stage_label=stage_text(Stage(workshop.stage)),
                facilitators=", ".join(names.get(workshop.id, [])) or "none yet",
            )
            for workshop, area_name in found
        ]
        can_arrange = actor.can(Permission.ARRANGE_WORKSHOPS)
        return WorkshopList(
            rows=rows,
            can_arrange=can_arrange,
            empty_text=_empty_text(actor),
            choices=_new_workshop_choices(session, actor) if can_arrange else NewWorkshopChoices(),
        )


def _empty_text(actor: Actor) -> str:
    if actor.can(Permission.ARRANGE_WORKSHOPS):
        return (
            "There are no workshops yet. Set one up with the form below: give it a title, its "
            "area, its day and its facilitators."
        )
    if actor.role is Role.FACILITATOR:
        return (
            "No workshops are assigned to you yet. Your administrator or the innovation team "
            "adds you to a workshop's facilitators."
        )
    return "There are no workshops yet. The innovation team or an administrator sets them up."


def _facilitator_accounts(session: Session, organisation_id: int) -> list[UserAccount]:
    return list(
        session.scalars(
            select(UserAccount)
            .where(
                UserAccount.organisation_id == organisation_id,
                UserAccount.role == Role.FACILITATOR.value,
                UserAccount.active.is_(True),
            )
            .order_by(UserAccount.name)
        )
    )


def _new_workshop_choices(session: Session, actor: Actor) -> NewWorkshopChoices:
    areas = session.scalars(
        select(Area).where(Area.organisation_id == actor.organisation_id).order_by(Area.name)
    ).all()
    return NewWorkshopChoices(
        areas=[Choice(str(area.id), area.name) for area in areas],
        teams_by_area=[
            AreaTeams(
                area.id,
                area.name,
                [Choice(str(team.id), team.name) for team in _teams_of(session, area.id)],
            )
            for area in areas
        ],
        facilitators=[
            Choice(str(user.id), user.name)
            for user in _facilitator_accounts(session, actor.organisation_id)
        ],
        perspectives=[Choice(p.value, p.label, True) for p in Perspective],
    )


def _teams_of(session: Session, area_id: int) -> list[Team]:
    return list(session.scalars(select(Team).where(Team.area_id == area_id).order_by(Team.name)))


# ---- a new workshop and its preparation -------------------------------------------------------


@dataclass(frozen=True)
class WorkshopDraft:
    """A workshop's preparation as the form sent it: numbers and days as typed, so that each
    bad one gets a message of its own. `area_id` and `facilitator_ids` are read only when the
    workshop is made; afterwards its area stays and `set_facilitators` changes who runs it."""

    title: str
    purpose: str = ""
    place: str = ""
    days: tuple[str, ...] = ()  # "2026-03-12"; blanks are left out
    team_ids: tuple[int, ...] = ()  # none: the whole area
    perspectives: tuple[str, ...] = tuple(Perspective)  # the keys ticked
    more_perspectives: str = ""  # perspectives to add, one a line
    tables: str = "1"
    vote_budget: str = "5"
    votes_per_theme: str = "3"
    area_id: int = 0
    facilitator_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class _Checked:
    title: str
    purpose: str
    place: str
    days: tuple[dt.date, ...]
    team_ids: frozenset[int]
    perspectives: tuple[str, ...]
    tables: int
    vote_budget: int
    votes_per_theme: int


def _whole_number(raw: str, empty: str) -> int:
    text = (raw or "").strip()
    if not text.isdigit():
        raise InputProblem(empty)
    return int(text)


def _days(raw_days: Iterable[str]) -> tuple[dt.date, ...]:
    days = []
    for raw in raw_days:
        text = (raw or "").strip()
        if not text:
            continue
        try:
            days.append(dt.date.fromisoformat(text))
        except ValueError:
            raise InputProblem(
                f"“{text}” is not a date; give the day as a date, for example 12/03/2026."
            ) from None
    checked = check_days(days)
    if len(checked) > MAX_WORKSHOP_DAYS:
        raise InputProblem(f"A workshop runs over {MAX_WORKSHOP_DAYS} days at most.")
    return checked


def _perspective_keys(draft: WorkshopDraft, added_before: Collection[str]) -> tuple[str, ...]:
    """The perspectives taking part: the named ones ticked, the added ones kept, then the new
    ones typed (each checked against all the others)."""
    named = [p.value for p in Perspective if p.value in draft.perspectives]
    kept = [key for key in added_before if key in draft.perspectives]
    keys = named + kept
    for line in draft.more_perspectives.splitlines():
        if line.strip():
            keys.append(custom_perspective(line, keys[len(named) :]))
    if not keys:
        raise InputProblem("Tick at least one perspective taking part.")
    return tuple(keys)


def _checked(session: Session, draft: WorkshopDraft, area_id: int, added_before=()) -> _Checked:
    title = clean_name(draft.title, "workshop", NAME_LENGTH)
    purpose = clean_notes(draft.purpose, WORKSHOP_PURPOSE_LENGTH)
    place = " ".join(draft.place.split())
    if len(place) > NAME_LENGTH:
        raise InputProblem(f"Please shorten the place to {NAME_LENGTH} characters.")
    days = _days(draft.days)
    area_teams = {team.id for team in _teams_of(session, area_id)}
    if not set(draft.team_ids) <= area_teams:
        raise InputProblem("Choose teams of the workshop's area only.")
    perspectives = _perspective_keys(draft, added_before)
    tables = check_tables(_whole_number(draft.tables, "Say how many tables there are."))
    budget = _whole_number(draft.vote_budget, "Say how many votes each participant has.")
    per_theme = _whole_number(
        draft.votes_per_theme, "Say how many votes one person may put on one theme."
    )
    check_budget(budget, per_theme)
    return _Checked(
        title, purpose, place, days, frozenset(draft.team_ids), perspectives, tables, budget,
        per_theme,
    )  # fmt: skip


def _facilitators(session: Session, actor: Actor, user_ids: Iterable[int]) -> list[UserAccount]:
    chosen = set(user_ids)
    if not chosen:
        raise InputProblem(
            "Choose at least one facilitator. If there are none to choose, invite them as "
            "workshop facilitators on the People page."
        )
    accounts = [u for u in _facilitator_accounts(session, actor.organisation_id) if u.id in chosen]
    if len(accounts) != len(chosen):
        raise InputProblem("Choose the facilitators from the workshop facilitators listed.")
    return accounts


def _write_parts(session: Session, workshop: Workshop, checked: _Checked) -> None:
    """The workshop's days, teams and perspectives, replacing what it had."""
    for table in (WorkshopDay, WorkshopTeam, WorkshopPerspective):
        session.execute(delete(table).where(table.workshop_id == workshop.id))
    session.add_all(WorkshopDay(workshop_id=workshop.id, day=day) for day in checked.days)
    session.add_all(WorkshopTeam(workshop_id=workshop.id, team_id=t) for t in checked.team_ids)
    session.add_all(
        WorkshopPerspective(workshop_id=workshop.id, key=key) for key in checked.perspectives
    )


def _set_fields(workshop: Workshop, checked: _Checked) -> None:
    workshop.title = checked.title
    workshop.purpose = checked.purpose
    workshop.place = checked.place
    workshop.tables = checked.tables
    workshop.vote_budget = checked.vote_budget
    workshop.votes_per_theme = checked.votes_per_theme


def create_workshop(actor: Actor, draft: WorkshopDraft) -> int:
    """Sets up a workshop (administrators and the innovation team); its id."""
    require(actor, Permission.ARRANGE_WORKSHOPS)
    with transaction() as session:
        area = area_in_reach(session, actor, draft.area_id, Permission.ARRANGE_WORKSHOPS)
        checked = _checked(session, draft, area.id)
        facilitators = _facilitators(session, actor, draft.facilitator_ids)
        workshop = Workshop(organisation_id=actor.organisation_id, area_id=area.id)
        _set_fields(workshop, checked)
        session.add(workshop)
        session.flush()
        _write_parts(session, workshop, checked)
        session.add_all(
            WorkshopFacilitator(workshop_id=workshop.id, user_id=user.id) for user in facilitators
        )
        repo.record(
            session,
            actor,
            "workshop set up",
            f"“{workshop.title}” for {area.name} on {dates_text(checked.days)}, run by "
            f"{', '.join(user.name for user in facilitators)}",
        )
        return workshop.id


CHANGED_MEANWHILE = (
    "Your changes were not saved: someone else changed this workshop while you were editing. "
    "The form now shows their version; make your changes again if they are still needed."
)


def _claim(session: Session, workshop: Workshop, seen_revision: int) -> None:
    """Raises the revision only if it is still the one the form was loaded at (one statement,
    so two saves at once cannot both pass), else Conflict and nothing is written."""
    session.flush()
    claimed = session.execute(
        update(Workshop)
        .where(Workshop.id == workshop.id, Workshop.revision == seen_revision)
        .values(revision=Workshop.revision + 1)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], claimed).rowcount != 1:
        raise Conflict(CHANGED_MEANWHILE)
    set_committed_value(workshop, "revision", seen_revision + 1)


def _preparer(session: Session, actor: Actor, workshop_id: int) -> Workshop:
    """The workshop, if this person may prepare it: its facilitators and the arrangers."""
    permission = (
        Permission.ARRANGE_WORKSHOPS
        if actor.can(Permission.ARRANGE_WORKSHOPS)
        else Permission.RUN_WORKSHOPS
    )
    return workshop_in_reach(session, actor, workshop_id, permission)


def _may_prepare(actor: Actor) -> bool:
    return actor.can(Permission.ARRANGE_WORKSHOPS) or actor.can(Permission.RUN_WORKSHOPS)


def _perspectives_in_use(session: Session, workshop_id: int) -> set[str]:
    entries = select(WorkshopEntry.perspective).where(
        WorkshopEntry.workshop_id == workshop_id, WorkshopEntry.perspective.is_not(None)
    )
    success = (
        select(WorkshopSuccess.perspective)
        .join(WorkshopTheme, WorkshopTheme.id == WorkshopSuccess.theme_id)
        .where(WorkshopTheme.workshop_id == workshop_id)
    )
    return {key for key in session.scalars(entries.union(success)) if key}


def _keys(session: Session, table, column, workshop_id: int) -> list:
    return list(session.scalars(select(column).where(table.workshop_id == workshop_id)))


def update_preparation(
    actor: Actor, workshop_id: int, draft: WorkshopDraft, seen_revision: int
) -> None:
    """Saves the preparation form, if nothing changed the workshop since the form was loaded."""
    if not _may_prepare(actor):
        raise Forbidden(f"Your role ({actor.role.label}) cannot prepare workshops.")
    with transaction() as session:
        workshop = _preparer(session, actor, workshop_id)
        before = _keys(session, WorkshopPerspective, WorkshopPerspective.key, workshop.id)
        added_before = [key for key in before if member_of(Perspective, key) is None]
        _claim(session, workshop, seen_revision)
        checked = _checked(session, draft, workshop.area_id, added_before)
        dropped = _perspectives_in_use(session, workshop.id) - set(checked.perspectives)
        if dropped:
            names = ", ".join(f"“{perspective_label(key)}”" for key in sorted(dropped))
            raise InputProblem(
                f"{names} cannot be taken out: entries or success statements are from it. "
                "Tick it again to keep it."
            )
        if workshop.voting != VotingState.NOT_OPEN and (
            (checked.vote_budget, checked.votes_per_theme)
            != (workshop.vote_budget, workshop.votes_per_theme)
        ):
            raise InputProblem(
                "Voting has opened, so the number of votes can no longer change: it must be "
                "the same for everyone."
            )
        _set_fields(workshop, checked)
        _write_parts(session, workshop, checked)
        repo.record(session, actor, "workshop preparation changed", f"“{workshop.title}”")


def set_facilitators(actor: Actor, workshop_id: int, user_ids: Iterable[int]) -> None:
    """Chooses who runs the workshop (administrators and the innovation team)."""
    require(actor, Permission.ARRANGE_WORKSHOPS)
    with transaction() as session:
        workshop = workshop_in_reach(session, actor, workshop_id, Permission.ARRANGE_WORKSHOPS)
        chosen = _facilitators(session, actor, user_ids)
        session.execute(
            delete(WorkshopFacilitator).where(WorkshopFacilitator.workshop_id == workshop.id)
        )
        session.add_all(
            WorkshopFacilitator(workshop_id=workshop.id, user_id=user.id) for user in chosen
        )
        touch(session, workshop)
        repo.record(
            session,
            actor,
            "workshop facilitators chosen",
            f"“{workshop.title}”: {', '.join(user.name for user in chosen)}",
        )


def move_stage(actor: Actor, workshop_id: int, stage: str) -> Stage:
    """Moves the workshop on one stage, or back to any earlier one."""
    if not _may_prepare(actor):
        raise Forbidden(f"Your role ({actor.role.label}) cannot run workshops.")
    target = member_of(Stage, stage)
    if target is None:
        raise InputProblem("Choose the stage to move to.")
    with transaction() as session:
        workshop = _preparer(session, actor, workshop_id)
        current = Stage(workshop.stage)
        if target is current:
            return current
        check_stage_move(current, target)
        workshop.stage = target.value
        touch(session, workshop)
        repo.record(
            session,
            actor,
            "workshop stage moved",
            f"“{workshop.title}”: from {current.label} to {target.label}",
        )
        return target


# ---- the overview -----------------------------------------------------------------------------


def _count(session: Session, query) -> int:
    return int(session.scalar(query) or 0)


def workshop_overview(actor: Actor, workshop_id: int) -> WorkshopOverview:
    """Everything the preparation page shows, how far the workshop has got, and what this
    person may do with it."""
    with transaction() as session:
        workshop = workshop_to_read(session, actor, workshop_id)
        area = session.get(Area, workshop.area_id)
        assert area is not None
        days = _day_texts(session, [workshop.id]).get(workshop.id, [])
        team_ids = set(_keys(session, WorkshopTeam, WorkshopTeam.team_id, workshop.id))
        area_teams = _teams_of(session, area.id)
        keys = _keys(session, WorkshopPerspective, WorkshopPerspective.key, workshop.id)
        named = [p.value for p in Perspective]
        ordered = [k for k in named if k in keys] + sorted(k for k in keys if k not in named)
        assigned = set(
            _keys(session, WorkshopFacilitator, WorkshopFacilitator.user_id, workshop.id)
        )
        names = _facilitator_names(session, [workshop.id]).get(workshop.id, [])
        theme_ids = select(WorkshopTheme.id).where(WorkshopTheme.workshop_id == workshop.id)
        entries = _count(
            session,
            select(func.count())
            .select_from(WorkshopEntry)
            .where(WorkshopEntry.workshop_id == workshop.id),
        )
        themes = _count(
            session,
            select(func.count())
            .select_from(WorkshopTheme)
            .where(WorkshopTheme.workshop_id == workshop.id),
        )
        votes = _count(
            session,
            select(func.sum(WorkshopBallotVote.votes)).where(
                WorkshopBallotVote.theme_id.in_(theme_ids)
            ),
        ) + _count(
            session,
            select(func.sum(WorkshopTableVote.votes)).where(
                WorkshopTableVote.workshop_id == workshop.id
            ),
        )
        actions = _count(
            session,
            select(func.count())
            .select_from(PlanAction)
            .where(PlanAction.workshop_id == workshop.id),
        )
        can_assign = actor.can(Permission.ARRANGE_WORKSHOPS)
        can_prepare = _may_prepare(actor)
        stage = Stage(workshop.stage)
        chosen_teams = [team.name for team in area_teams if team.id in team_ids]
        return WorkshopOverview(
            id=workshop.id,
            title=workshop.title,
            purpose=workshop.purpose,
            area_name=area.name,
            teams_text=", ".join(chosen_teams) or "the whole area",
            dates=dates_text(days),
            day_values=[day.isoformat() for day in days],
            place=workshop.place or "not set yet",
            facilitators=", ".join(names) or "none yet",
            perspectives_text=", ".join(perspective_label(key) for key in ordered),
            tables=workshop.tables,
            vote_budget=workshop.vote_budget,
            votes_per_theme=workshop.votes_per_theme,
            stage_label=stage_text(stage),
            revision=workshop.revision,
            entries=entries,
            themes=themes,
            votes_given=votes,
            actions=actions,
            counts_text=", ".join(
                (
                    count_of(entries, "entry", "entries"),
                    count_of(themes, "theme", "themes"),
                    count_of(votes, "vote given", "votes given"),
                    count_of(actions, "action", "actions"),
                )
            ),
            can_prepare=can_prepare,
            can_assign=can_assign,
            what_you_can_do=_what_you_can_do(can_prepare, can_assign),
            teams=[Choice(str(t.id), t.name, t.id in team_ids) for t in area_teams],
            facilitator_choices=[
                Choice(str(user.id), user.name, user.id in assigned)
                for user in _facilitator_accounts(session, actor.organisation_id)
            ]
            if can_assign
            else [],
            perspectives=[Choice(p.value, p.label, p.value in keys) for p in Perspective]
            + [Choice(key, key, True) for key in ordered if key not in named],
            stage_moves=_stage_moves(stage) if can_prepare else [],
        )


def _what_you_can_do(can_prepare: bool, can_assign: bool) -> str:
    if can_assign:
        return (
            "You can change the workshop's preparation, choose its facilitators and move it on "
            "to its next stage."
        )
    if can_prepare:
        return (
            "You can change the workshop's preparation and move it on to its next stage. "
            "Your administrator or the innovation team chooses its facilitators."
        )
    return "You can read this workshop. Its facilitators prepare and run it."


def _stage_moves(current: Stage) -> list[Choice]:
    """The stages it may move to: the next one first, then back to any earlier one."""
    stages = list(Stage)
    index = stages.index(current)
    moves = []
    if index + 1 < len(stages):
        following = stages[index + 1]
        moves.append(Choice(following.value, f"Move on to {following.label}", True))
    moves += [
        Choice(stage.value, f"Go back to {stage.label}") for stage in reversed(stages[:index])
    ]
    return moves
