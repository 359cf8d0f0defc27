"""What a workshop decides and follows up, stages 4 to 8: root causes and the vote (understand),
success statements (identify success), what is already happening and the actions (plan), and
the review: each action's status from the area's plan, review notes, the parking board and the
entries kept for a follow-up session.

Facilitators assigned to the workshop write (`RUN_WORKSHOPS`); everyone who reads workshops
reads. Each function is one transaction and raises the workshop's revision (`workshops.touch`),
so every open page of it reloads within a couple of seconds.

A workshop's actions are the area plan's actions: a `PlanAction` for the whole area, marked
with its workshop, theme and viewpoint, due by the plan's own rule (`plans.due_date`). Their
status is the plan's and is changed there; this module only reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from culturetool.domain import clock
from culturetool.domain.access import Actor, Permission
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import ActionStatus, ActionTimescale, member_of
from culturetool.domain.limits import (
    ACTION_NOTES_LENGTH,
    MAX_PEOPLE_AT_TABLE,
    NAME_LENGTH,
    ROOT_CAUSE_LENGTH,
)
from culturetool.domain.text import clean_line, clean_notes
from culturetool.domain.wording import count_of, day_month_year
from culturetool.domain.workshop import stages, votes
from culturetool.domain.workshop.board import Theme
from culturetool.domain.workshop.kinds import (
    WORKSHOP_TIMESCALES,
    EntryKind,
    Perspective,
    Viewpoint,
    VotingState,
)
from culturetool.services import workshops
from culturetool.services.plans import STATUS_LABELS, TIMESCALE_LABELS, due_date
from culturetool.services.reach import workshop_in_reach
from culturetool.store import repository as repo
from culturetool.store import workshops as store
from culturetool.store.db import transaction
from culturetool.store.tables import (
    Area,
    PlanAction,
    Workshop,
    WorkshopEntry,
    WorkshopParkedIssue,
    WorkshopPerspective,
    WorkshopRootCause,
    WorkshopSuccess,
    WorkshopTheme,
    utcnow,
)
from culturetool.views.workshops import NO_STATEMENT, VoteLine

# How many of the top-ranked themes are proposed to address after the vote (ties across the
# cut-off come in too): three is what a room can plan for in one afternoon.
SUGGESTED_THEMES = 3
ALREADY_HAPPENING_LENGTH = 2000
NO_SUCH_THEME = "That theme is not on this workshop's board; it may have been deleted."


# ---- what the pages show ---------------------------------------------------------------------


@dataclass(frozen=True)
class RootCauseLine:
    id: int
    text: str


@dataclass(frozen=True)
class CauseTheme:
    """A not-working-well theme with the root causes found behind it."""

    id: int
    statement: str
    entries_text: str  # "3 entries"
    root_causes: list[RootCauseLine] = field(default_factory=list)


@dataclass(frozen=True)
class BallotChoice:
    """A theme that may be put to the vote; `ticked` is on the ballot (or, before anyone chose,
    proposed for it)."""

    id: int
    statement: str
    kind_label: str
    entries_text: str  # "3 entries"
    ticked: bool


@dataclass(frozen=True)
class ResultLine:
    theme_id: int
    statement: str
    votes: int
    place: str  # "1st", "Joint 2nd"
    chosen: bool
    suggested: bool  # once voting closed: among the top themes, proposed to address


@dataclass(frozen=True)
class UnderstandView:
    workshop_id: int
    can_run: bool  # a facilitator of this workshop: may change it
    cause_themes: list[CauseTheme]
    ballot: list[BallotChoice]
    voting: str  # a VotingState value
    voting_text: str  # "Voting is open: 14 votes so far."
    votes_given: int
    budget_text: str  # "Each person has 5 votes, at most 3 on one theme."
    results: list[ResultLine]
    chosen_text: str  # "Chosen to address: 2 themes." or ""


@dataclass(frozen=True)
class SuccessItem:
    id: int
    perspective_label: str
    text: str


@dataclass(frozen=True)
class ActionItem:
    id: int
    title: str
    owner: str
    viewpoint_label: str
    timescale_label: str
    due_label: str
    status_label: str  # the plan's
    notes: str  # the plan's notes: the review notes


@dataclass(frozen=True)
class ViewpointActions:
    viewpoint: str
    label: str
    actions: list[ActionItem]


@dataclass(frozen=True)
class ChosenTheme:
    id: int
    statement: str
    root_causes: list[str]
    success: list[SuccessItem]
    viewpoints: list[ViewpointActions]  # traditional, community, radical, each possibly empty


@dataclass(frozen=True)
class ParkedItem:
    id: int
    issue: str
    owner: str
    status: str
    status_label: str


@dataclass(frozen=True)
class FollowUpEntry:
    id: int
    text: str
    kind_label: str
    where: str  # "Unthemed" or the theme's statement
    follow_up: bool


@dataclass(frozen=True)
class PlanPageView:
    workshop_id: int
    area_id: int
    area_name: str
    can_run: bool
    chosen: list[ChosenTheme]
    already_happening: str
    perspective_choices: list[tuple[str, str]]  # (key, label) of those taking part
    viewpoint_choices: list[tuple[str, str]]
    timescale_choices: list[tuple[str, str]]
    status_choices: list[tuple[str, str]]
    parked: list[ParkedItem]
    follow_up: list[FollowUpEntry]  # marked for a follow-up session
    not_covered: list[FollowUpEntry]  # entries outside the chosen themes, that may be marked


# ---- shared pieces ---------------------------------------------------------------------------


def _to_run(session: Session, actor: Actor, workshop_id: int) -> Workshop:
    return workshop_in_reach(session, actor, workshop_id, Permission.RUN_WORKSHOPS)


def _statement(theme: WorkshopTheme | Theme) -> str:
    return theme.statement or NO_STATEMENT


def _theme(session: Session, workshop: Workshop, theme_id: int) -> WorkshopTheme:
    row = session.get(WorkshopTheme, theme_id)
    if row is None or row.workshop_id != workshop.id:
        raise NotFound(NO_SUCH_THEME)
    return row


def _board_theme(session: Session, workshop: Workshop, theme_id: int) -> Theme:
    theme = store.load_board(session, workshop.id).themes.get(theme_id)
    if theme is None:
        raise NotFound(NO_SUCH_THEME)
    return theme


def _themes(session: Session, workshop_id: int) -> list[WorkshopTheme]:
    return list(
        session.scalars(
            select(WorkshopTheme)
            .where(WorkshopTheme.workshop_id == workshop_id)
            .order_by(WorkshopTheme.id)
        )
    )


def _chosen_ids(session: Session, workshop_id: int) -> frozenset[int]:
    return frozenset(t.id for t in _themes(session, workshop_id) if t.chosen)


def _record(session: Session, actor: Actor, workshop: Workshop, what: str, detail: str) -> None:
    repo.record(session, actor, what, f"Workshop “{workshop.title}”: {detail}")


# ---- stage 4: root causes --------------------------------------------------------------------


def add_root_cause(actor: Actor, workshop_id: int, theme_id: int, text: str) -> int:
    """A root cause behind a theme of what is not working well; its id."""
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        cleaned = stages.check_root_cause(_board_theme(session, workshop, theme_id), text)
        row = WorkshopRootCause(theme_id=theme_id, text=cleaned)
        session.add(row)
        workshops.touch(session, workshop)
        return row.id


def _root_cause(session: Session, workshop: Workshop, root_cause_id: int) -> WorkshopRootCause:
    row = session.get(WorkshopRootCause, root_cause_id)
    if row is None or _theme_or_none(session, row.theme_id, workshop) is None:
        raise NotFound("That root cause is no longer there; someone may have removed it.")
    return row


def _theme_or_none(session: Session, theme_id: int, workshop: Workshop) -> WorkshopTheme | None:
    row = session.get(WorkshopTheme, theme_id)
    return row if row is not None and row.workshop_id == workshop.id else None


def edit_root_cause(actor: Actor, workshop_id: int, root_cause_id: int, text: str) -> None:
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        row = _root_cause(session, workshop, root_cause_id)
        cleaned = clean_line(
            text, "root cause", ROOT_CAUSE_LENGTH, "Please say what the root cause is."
        )
        if cleaned != row.text:
            row.text = cleaned
            workshops.touch(session, workshop)


def remove_root_cause(actor: Actor, workshop_id: int, root_cause_id: int) -> None:
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        session.delete(_root_cause(session, workshop, root_cause_id))
        workshops.touch(session, workshop)


# ---- stage 4: the vote -----------------------------------------------------------------------


def set_ballot(actor: Actor, workshop_id: int, theme_ids: Collection[int]) -> None:
    """The themes put to the vote, chosen before voting opens."""
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        if workshop.voting != VotingState.NOT_OPEN:
            raise InputProblem(
                "Voting has already opened, so the themes on the ballot can no longer change."
            )
        themes = _themes(session, workshop.id)
        unknown = set(theme_ids) - {t.id for t in themes}
        if unknown:
            raise NotFound(NO_SUCH_THEME)
        if len(set(theme_ids)) < 2:
            raise InputProblem("Tick at least two themes to put to the vote.")
        for theme in themes:
            theme.on_ballot = theme.id in theme_ids
        workshops.touch(session, workshop)


def open_voting(actor: Actor, workshop_id: int) -> None:
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        on_ballot = [t.id for t in _themes(session, workshop.id) if t.on_ballot]
        state = votes.open_voting(VotingState(workshop.voting), on_ballot)
        if state != workshop.voting:
            workshop.voting = state.value
            _record(session, actor, workshop, "workshop voting opened", f"{len(on_ballot)} themes")
            workshops.touch(session, workshop)


def close_voting(actor: Actor, workshop_id: int) -> None:
    """Closes voting for good; the vote rules lock the workshop's row, so a vote being saved
    at the same moment lands before the close or is refused after it."""
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        store.vote_rules(session, workshop.id)  # takes the row lock
        session.refresh(workshop)
        workshop.voting = votes.close_voting(VotingState(workshop.voting)).value
        given = sum(sum(b.values()) for b in store.all_votes(session, workshop.id))
        _record(session, actor, workshop, "workshop voting closed", f"{given} votes given")
        workshops.touch(session, workshop)


def record_table_votes(
    actor: Actor, workshop_id: int, table: str, people: str | int, counts: Mapping[int, str | int]
) -> None:
    """A table's votes for the people at it without a device; a later record for the same table
    replaces the earlier one. Counts as typed: blank is none."""
    name = clean_line(table, "table's name", NAME_LENGTH, "Say which table these votes are from.")
    how_many = _whole_number(
        people, f"Say how many people at {name} are voting: between 1 and {MAX_PEOPLE_AT_TABLE}."
    )
    numbers = {
        theme_id: _whole_number(raw, "Give each theme's votes as a whole number, such as 3.")
        for theme_id, raw in counts.items()
        if str(raw).strip()
    }
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        store.record_table_votes(
            session, workshop.id, name, how_many, {t: n for t, n in numbers.items() if n}
        )
        _record(
            session,
            actor,
            workshop,
            "workshop table votes recorded",
            f"{name}: {count_of(how_many, 'person', 'people')}, "
            f"{count_of(sum(numbers.values()), 'vote', 'votes')}",
        )
        workshops.touch(session, workshop)


def _whole_number(raw: str | int, problem: str) -> int:
    text = str(raw).strip()
    if not text.isdigit() or len(text) > 4:
        raise InputProblem(problem)
    return int(text)


def _ranking(session: Session, workshop: Workshop) -> list[votes.RankedTheme]:
    on_ballot = [t.id for t in _themes(session, workshop.id) if t.on_ballot]
    return votes.ranking(on_ballot, store.all_votes(session, workshop.id))


def choose_themes(actor: Actor, workshop_id: int, theme_ids: Collection[int]) -> None:
    """The themes to address, from those voted on, once voting has closed. A theme that
    already has success statements or actions stays chosen, so they are not hidden."""
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        if workshop.voting != VotingState.CLOSED:
            raise InputProblem(
                "Close voting first: the themes to address are chosen from its result."
            )
        themes = _themes(session, workshop.id)
        chosen = stages.check_chosen(theme_ids, [t.id for t in themes if t.on_ballot])
        for theme in themes:
            if theme.chosen and theme.id not in chosen and _has_plans(session, theme.id):
                name = _board_theme(session, workshop, theme.id).name
                raise InputProblem(
                    f"{name[0].upper()}{name[1:]} already has success statements or actions, "
                    "so it stays chosen to address."
                )
            theme.chosen = theme.id in chosen
        _record(
            session,
            actor,
            workshop,
            "workshop themes chosen",
            count_of(len(chosen), "theme", "themes"),
        )
        workshops.touch(session, workshop)


def _has_plans(session: Session, theme_id: int) -> bool:
    success = session.scalar(
        select(func.count())
        .select_from(WorkshopSuccess)
        .where(WorkshopSuccess.theme_id == theme_id)
    )
    actions = session.scalar(
        select(func.count()).select_from(PlanAction).where(PlanAction.workshop_theme_id == theme_id)
    )
    return bool(success or actions)


def understand_view(actor: Actor, workshop_id: int) -> UnderstandView:
    with transaction() as session:
        workshop = workshops.workshop_to_read(session, actor, workshop_id)
        board = store.load_board(session, workshop.id)
        rows = _themes(session, workshop.id)
        causes: dict[int, list[RootCauseLine]] = {}
        for cause in session.scalars(
            select(WorkshopRootCause)
            .join(WorkshopTheme, WorkshopTheme.id == WorkshopRootCause.theme_id)
            .where(WorkshopTheme.workshop_id == workshop.id)
            .order_by(WorkshopRootCause.id)
        ):
            causes.setdefault(cause.theme_id, []).append(RootCauseLine(cause.id, cause.text))
        entries = {
            t.id: count_of(len(board.themes[t.id].entry_ids), "entry", "entries")
            for t in rows
            if t.id in board.themes
        }
        anyone_chose = any(t.on_ballot for t in rows)
        proposed = votes.default_ballot(board)
        order = list(EntryKind)
        ballot = [
            BallotChoice(
                t.id,
                _statement(t),
                EntryKind(t.kind).label,
                entries.get(t.id, ""),
                t.on_ballot if anyone_chose else t.id in proposed,
            )
            for t in sorted(rows, key=lambda t: (order.index(EntryKind(t.kind)), t.id))
        ]
        state = VotingState(workshop.voting)
        ranked = _ranking(session, workshop) if state != VotingState.NOT_OPEN else []
        given = sum(line.votes for line in ranked)
        suggested = (
            stages.top_themes(ranked, SUGGESTED_THEMES) if state == VotingState.CLOSED else set()
        )
        statements = {t.id: _statement(t) for t in rows}
        chosen = [t.id for t in rows if t.chosen]
        results = [
            ResultLine(
                line.theme_id,
                statements[line.theme_id],
                line.votes,
                VoteLine(line.theme_id, "", line.votes, line.rank, line.tied).place,
                line.theme_id in chosen,
                line.theme_id in suggested,
            )
            for line in ranked
        ]
        return UnderstandView(
            workshop_id=workshop.id,
            can_run=actor.can(Permission.RUN_WORKSHOPS),
            cause_themes=[
                CauseTheme(t.id, _statement(t), entries.get(t.id, ""), causes.get(t.id, []))
                for t in rows
                if t.kind == EntryKind.NOT_WORKING_WELL
            ],
            ballot=ballot,
            voting=state.value,
            voting_text=_voting_words(state, given),
            votes_given=given,
            budget_text=(
                f"Each person has {count_of(workshop.vote_budget, 'vote', 'votes')}, at most "
                f"{workshop.votes_per_theme} on one theme."
            ),
            results=results,
            chosen_text=(
                f"Chosen to address: {count_of(len(chosen), 'theme', 'themes')}." if chosen else ""
            ),
        )


def _voting_words(state: VotingState, given: int) -> str:
    so_far = count_of(given, "vote", "votes")
    if state == VotingState.OPEN:
        return f"Voting is open: {so_far} so far."
    if state == VotingState.CLOSED:
        return f"Voting has closed: {so_far} given. The result below is final."
    return "Voting has not opened yet."


# ---- stages 5 and 6: success, what is already happening, actions -----------------------------


def add_success_statement(
    actor: Actor, workshop_id: int, theme_id: int, perspective: str, text: str
) -> int:
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        _theme(session, workshop, theme_id)
        taking_part = _perspectives(session, workshop.id)
        cleaned = stages.check_success_statement(
            theme_id, _chosen_ids(session, workshop.id), perspective, taking_part, text
        )
        row = WorkshopSuccess(theme_id=theme_id, perspective=perspective, text=cleaned)
        session.add(row)
        workshops.touch(session, workshop)
        return row.id


def remove_success_statement(actor: Actor, workshop_id: int, success_id: int) -> None:
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        row = session.get(WorkshopSuccess, success_id)
        if row is None or _theme_or_none(session, row.theme_id, workshop) is None:
            raise NotFound(
                "That success statement is no longer there; someone may have removed it."
            )
        session.delete(row)
        workshops.touch(session, workshop)


def set_already_happening(actor: Actor, workshop_id: int, text: str) -> None:
    """What is already happening about the chosen themes, one thing a line."""
    cleaned = clean_notes(text, ALREADY_HAPPENING_LENGTH)
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        if cleaned != workshop.already_happening:
            workshop.already_happening = cleaned
            workshops.touch(session, workshop)


def add_action(
    actor: Actor,
    workshop_id: int,
    theme_id: int,
    title: str,
    owner: str,
    viewpoint: str,
    timescale: str,
    today: dt.date | None = None,
) -> int:
    """An action for a chosen theme, added to the area's plan for the whole area; its id. It
    carries the theme's culture model conditions, so the plan lists them as for any action."""
    today = today or clock.today()
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        theme = _board_theme(session, workshop, theme_id)
        agreed = stages.check_action(
            theme_id, _chosen_ids(session, workshop.id), title, owner, viewpoint, timescale
        )
        area = session.get(Area, workshop.area_id)
        assert area is not None  # a foreign key
        now = utcnow()
        due_on = due_date(agreed.timescale, today)
        action = PlanAction(
            organisation_id=workshop.organisation_id,
            area_id=area.id,
            team_id=None,
            title=agreed.title,
            owner=agreed.owner,
            condition_ids=" ".join(sorted(theme.condition_ids)),
            timescale=agreed.timescale.value,
            due_on=due_on,
            status=ActionStatus.PLANNED.value,
            created_at=now,
            created_by_user_id=actor.user_id,
            updated_at=now,
            workshop_id=workshop.id,
            workshop_theme_id=theme_id,
            viewpoint=agreed.viewpoint.value,
        )
        session.add(action)
        session.flush()
        repo.record(
            session,
            actor,
            "action added",
            f"“{agreed.title}” for the whole of {area.name}, due {day_month_year(due_on)}, "
            f"from the workshop “{workshop.title}”",
        )
        workshops.touch(session, workshop)
        return action.id


def _workshop_action(session: Session, workshop: Workshop, action_id: int) -> PlanAction:
    action = session.get(PlanAction, action_id)
    if action is None or action.workshop_id != workshop.id:
        raise NotFound("That action is not one of this workshop's.")
    return action


def save_review_notes(actor: Actor, workshop_id: int, action_id: int, notes: str) -> None:
    """An action's review notes: the plan's notes for it, audited as the plan audits them."""
    cleaned = clean_notes(notes, ACTION_NOTES_LENGTH)
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        action = _workshop_action(session, workshop, action_id)
        if cleaned == action.notes:
            return
        action.notes = cleaned
        action.updated_at = utcnow()
        said = "notes cleared" if not cleaned else "notes changed"
        repo.record(
            session,
            actor,
            "action notes changed",
            f"“{action.title}” for the whole of {action.area.name}: {said}, in the review of "
            f"the workshop “{workshop.title}”",
        )
        workshops.touch(session, workshop)


# ---- stages 7 and 8: the parking board and follow-up -----------------------------------------


def park_issue(actor: Actor, workshop_id: int, issue: str, owner: str) -> int:
    parked = stages.check_parked_issue(issue, owner)
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        row = WorkshopParkedIssue(workshop_id=workshop.id, issue=parked.issue, owner=parked.owner)
        session.add(row)
        workshops.touch(session, workshop)
        return row.id


def set_parked_status(actor: Actor, workshop_id: int, parked_id: int, status: str) -> None:
    chosen = member_of(ActionStatus, status)
    if chosen is None:
        raise InputProblem("Choose a status: Planned, In progress, Done or Dropped.")
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        row = session.get(WorkshopParkedIssue, parked_id)
        if row is None or row.workshop_id != workshop.id:
            raise NotFound("That issue is not on this workshop's parking board.")
        if row.status != chosen:
            row.status = chosen.value
            workshops.touch(session, workshop)


def mark_follow_up(actor: Actor, workshop_id: int, entry_id: int, follow_up: bool) -> None:
    """Marks an entry not covered on the day for a follow-up session, or takes the mark off."""
    with transaction() as session:
        workshop = _to_run(session, actor, workshop_id)
        entry = session.get(WorkshopEntry, entry_id)
        if entry is None or entry.workshop_id != workshop.id:
            raise NotFound("That entry is not on this workshop's board.")
        if entry.follow_up != follow_up:
            entry.follow_up = follow_up
            workshops.touch(session, workshop)


# ---- the plan page's view --------------------------------------------------------------------


def _perspectives(session: Session, workshop_id: int) -> list[str]:
    named = [p.value for p in Perspective]
    keys = session.scalars(
        select(WorkshopPerspective.key).where(WorkshopPerspective.workshop_id == workshop_id)
    )
    return sorted(keys, key=lambda key: (named.index(key) if key in named else len(named), key))


def plan_view(actor: Actor, workshop_id: int) -> PlanPageView:
    with transaction() as session:
        workshop = workshops.workshop_to_read(session, actor, workshop_id)
        area = session.get(Area, workshop.area_id)
        assert area is not None  # a foreign key
        themes = _themes(session, workshop.id)
        statements = {t.id: _statement(t) for t in themes}
        chosen_ids = [t.id for t in themes if t.chosen]
        causes: dict[int, list[str]] = {}
        success: dict[int, list[SuccessItem]] = {}
        for cause in session.scalars(
            select(WorkshopRootCause)
            .where(WorkshopRootCause.theme_id.in_(chosen_ids))
            .order_by(WorkshopRootCause.id)
        ):
            causes.setdefault(cause.theme_id, []).append(cause.text)
        for row in session.scalars(
            select(WorkshopSuccess)
            .where(WorkshopSuccess.theme_id.in_(chosen_ids))
            .order_by(WorkshopSuccess.id)
        ):
            success.setdefault(row.theme_id, []).append(
                SuccessItem(row.id, stages.perspective_label(row.perspective), row.text)
            )
        actions: dict[tuple[int | None, str | None], list[ActionItem]] = {}
        for action in session.scalars(
            select(PlanAction).where(PlanAction.workshop_id == workshop.id).order_by(PlanAction.id)
        ):
            actions.setdefault((action.workshop_theme_id, action.viewpoint), []).append(
                ActionItem(
                    id=action.id,
                    title=action.title,
                    owner=action.owner,
                    viewpoint_label=Viewpoint(action.viewpoint).label if action.viewpoint else "",
                    timescale_label=TIMESCALE_LABELS[ActionTimescale(action.timescale)],
                    due_label=day_month_year(action.due_on),
                    status_label=STATUS_LABELS[ActionStatus(action.status)],
                    notes=action.notes,
                )
            )
        chosen = [
            ChosenTheme(
                theme_id,
                statements[theme_id],
                causes.get(theme_id, []),
                success.get(theme_id, []),
                [
                    ViewpointActions(v.value, v.label, actions.get((theme_id, v.value), []))
                    for v in Viewpoint
                ],
            )
            for theme_id in chosen_ids
        ]
        entries = []
        for entry in session.scalars(
            select(WorkshopEntry)
            .where(WorkshopEntry.workshop_id == workshop.id)
            .order_by(WorkshopEntry.id)
        ):
            if entry.theme_id in chosen_ids:
                continue  # covered on the day
            entries.append(
                FollowUpEntry(
                    entry.id,
                    entry.text,
                    EntryKind(entry.kind).label,
                    statements.get(entry.theme_id, "Unthemed")
                    if entry.theme_id is not None
                    else "Unthemed",
                    entry.follow_up,
                )
            )
        perspectives = _perspectives(session, workshop.id)
        return PlanPageView(
            workshop_id=workshop.id,
            area_id=area.id,
            area_name=area.name,
            can_run=actor.can(Permission.RUN_WORKSHOPS),
            chosen=chosen,
            already_happening=workshop.already_happening,
            perspective_choices=[(key, stages.perspective_label(key)) for key in perspectives],
            viewpoint_choices=[(v.value, v.label) for v in Viewpoint],
            timescale_choices=[(t.value, TIMESCALE_LABELS[t]) for t in WORKSHOP_TIMESCALES],
            status_choices=[(s.value, label) for s, label in STATUS_LABELS.items()],
            parked=[
                ParkedItem(
                    row.id,
                    row.issue,
                    row.owner,
                    row.status,
                    STATUS_LABELS[ActionStatus(row.status)],
                )
                for row in session.scalars(
                    select(WorkshopParkedIssue)
                    .where(WorkshopParkedIssue.workshop_id == workshop.id)
                    .order_by(WorkshopParkedIssue.id)
                )
            ],
            follow_up=[e for e in entries if e.follow_up],
            not_covered=entries,
        )
