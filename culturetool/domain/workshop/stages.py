"""What each stage of a workshop accepts: moving between stages, the perspectives taking part,
the public collection link, root causes, the themes chosen to address, success statements and
actions. Pure rules: each check returns the value tidied or raises `InputProblem` saying what
to fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from culturetool.domain.errors import InputProblem
from culturetool.domain.kinds import ActionTimescale, member_of
from culturetool.domain.limits import (
    ACTION_TITLE_LENGTH,
    MAX_COLLECTION_DAYS,
    MAX_COLLECTION_RESPONSES,
    MAX_TABLES,
    NAME_LENGTH,
    ROOT_CAUSE_LENGTH,
    SUCCESS_STATEMENT_LENGTH,
    WORKSHOP_ENTRY_LENGTH,
)
from culturetool.domain.text import clean_line, clean_name
from culturetool.domain.wording import day_month_year
from culturetool.domain.workshop.board import ABOUT, Theme, is_first_person
from culturetool.domain.workshop.kinds import (
    WORKSHOP_TIMESCALES,
    EntryKind,
    Perspective,
    Stage,
    Viewpoint,
)
from culturetool.domain.workshop.votes import RankedTheme

# Each person gives two things working well, two not working well and two important for the
# future: the method's own number, so it is not a setting.
ANSWERS_PER_QUESTION = 2
ORDINALS = ("first", "second")

STAGES = tuple(Stage)


def check_stage_move(current: Stage, target: Stage) -> Stage:
    """A workshop moves on one stage at a time, and may go back to any earlier stage (to add a
    late entry or redo a theme) without losing what later stages hold."""
    if STAGES.index(target) > STAGES.index(current) + 1:
        following = STAGES[STAGES.index(current) + 1]
        raise InputProblem(
            f"Stages are worked through in order: finish “{current.label}” and move on to "
            f"“{following.label}” before “{target.label}”."
        )
    return target


# Prepare.


def check_days(days: Iterable[dt.date]) -> tuple[dt.date, ...]:
    """The workshop's days, in order (Hertfordshire's ran over two days in one week)."""
    ordered = tuple(sorted(set(days)))
    if not ordered:
        raise InputProblem("Give the day the workshop is held, or each day if it runs over more.")
    return ordered


def check_tables(count: int) -> int:
    """How many tables the room has, each with a facilitator."""
    if not 1 <= count <= MAX_TABLES:
        raise InputProblem(f"Say how many tables there are: between 1 and {MAX_TABLES}.")
    return count


# Perspectives. A workshop's perspectives are keyed by a Perspective value for the five every
# workshop can name, and by the name itself for one the workshop added.


def custom_perspective(raw: str | None, existing: Collection[str]) -> str:
    """A perspective a workshop adds ("Young carers"), not the same as one it already has or
    as one of the five named ones."""
    name = clean_name(raw, "perspective", NAME_LENGTH)
    taken = {p.label.casefold() for p in Perspective} | {e.casefold() for e in existing}
    if name.casefold() in taken:
        raise InputProblem(f"“{name}” is already one of the workshop's perspectives.")
    return name


def perspective_label(key: str) -> str:
    """The words for a perspective key: a named perspective's label, or the added name."""
    named = member_of(Perspective, key)
    return named.label if named else key


def check_perspective(key: str, taking_part: Collection[str]) -> str:
    if key not in taking_part:
        raise InputProblem(
            "Choose one of the perspectives taking part in this workshop; add it in the "
            "workshop's preparation if it is missing."
        )
    return key


# The public collection link: three questions, two answers each, no sign-in.


@dataclass(frozen=True)
class CollectionLink:
    most_responses: int  # it says it is full after this many
    last_day: dt.date  # answers are taken until the end of this day


def check_collection_link(most_responses: int, last_day: dt.date, today: dt.date) -> None:
    if not 1 <= most_responses <= MAX_COLLECTION_RESPONSES:
        raise InputProblem(
            f"Choose how many responses the link takes: between 1 and {MAX_COLLECTION_RESPONSES:,}."
        )
    if last_day < today:
        raise InputProblem("The link's last day has passed; choose today or a later day.")
    if (last_day - today).days > MAX_COLLECTION_DAYS:
        raise InputProblem(
            f"A collection link can stay open for {MAX_COLLECTION_DAYS} days at most; choose a "
            f"last day on or before {day_month_year(today + dt.timedelta(MAX_COLLECTION_DAYS))}."
        )


def check_link_takes_answers(link: CollectionLink, responses: int, today: dt.date) -> None:
    """The message a person sees instead of the questions when the link no longer takes
    answers."""
    if today > link.last_day:
        raise InputProblem(
            f"This collection closed on {day_month_year(link.last_day)}. Thank you for wanting "
            "to take part."
        )
    if responses >= link.most_responses:
        raise InputProblem(
            "This collection has all the answers it can take. Thank you for wanting to take part."
        )


def collected_answers(
    answers: Mapping[EntryKind, Sequence[str | None]],
) -> list[tuple[EntryKind, str]]:
    """One person's answers from the collection link, as entries: blank answers left out, each
    tidied, at least one given."""
    entries = []
    for kind in EntryKind:
        given = list(answers.get(kind, ()))
        if len(given) > ANSWERS_PER_QUESTION:
            raise ValueError(f"{len(given)} answers about {kind}; the page shows two")
        for ordinal, raw in zip(ORDINALS, given, strict=False):
            if raw and raw.strip():
                what = f"{ordinal} answer about {ABOUT[kind]}"
                entries.append((kind, clean_line(raw, what, WORKSHOP_ENTRY_LENGTH, "")))
    if not entries:
        raise InputProblem("Please write at least one answer before sending.")
    return entries


# Understand, identify success and plan.


def check_root_cause(theme: Theme, raw: str | None) -> str:
    """Root causes are looked for behind what is not working well only."""
    if theme.kind != EntryKind.NOT_WORKING_WELL:
        raise InputProblem(
            f"Root causes are for themes of what is not working well, and {theme.name} is about "
            f"{ABOUT[theme.kind]}."
        )
    return clean_line(raw, "root cause", ROOT_CAUSE_LENGTH, "Please say what the root cause is.")


def top_themes(ranked: Iterable[RankedTheme], how_many: int) -> frozenset[int]:
    """The themes ranked `how_many` or higher, as the default choice of which to address. A tie
    across the cut-off brings in every tied theme, because the vote did not put one above the
    other."""
    return frozenset(theme.theme_id for theme in ranked if theme.rank <= how_many)


def check_chosen(chosen: Collection[int], on_ballot: Collection[int]) -> frozenset[int]:
    """The themes the workshop chose to address, from those voted on."""
    if not chosen:
        raise InputProblem("Choose at least one theme to address.")
    if not set(chosen) <= set(on_ballot):
        raise InputProblem("Only themes that were voted on can be chosen to address.")
    return frozenset(chosen)


def check_success_statement(
    theme_id: int,
    chosen: Collection[int],
    perspective: str | None,
    taking_part: Collection[str],
    raw: str | None,
) -> str:
    """What success would look like for a chosen theme, from one perspective, in the first
    person ("As a carer I know who to call when things get hard")."""
    if theme_id not in chosen:
        raise InputProblem(
            "Success statements are written for the themes chosen to address; choose this "
            "theme to address first."
        )
    if not perspective:
        raise InputProblem("Say whose perspective the success statement is from.")
    check_perspective(perspective, taking_part)
    text = clean_line(
        raw,
        "success statement",
        SUCCESS_STATEMENT_LENGTH,
        "Please write what success would look like.",
    )
    if not is_first_person(text):
        raise InputProblem(
            "Word the success statement as that person would say it, with I, me, my, we, us "
            "or our: for example “We know who to call when things get hard”."
        )
    return text


@dataclass(frozen=True)
class ParkedIssue:
    """An issue raised outside the workshop's scope, kept on the parking board so it is taken
    forward elsewhere rather than lost or argued over on the day."""

    issue: str
    owner: str  # who follows it up; its status is an ActionStatus, as an action's is


def check_parked_issue(issue: str | None, owner: str | None) -> ParkedIssue:
    return ParkedIssue(
        clean_line(issue, "issue", WORKSHOP_ENTRY_LENGTH, "Please write the issue down."),
        clean_line(owner, "owner's name", NAME_LENGTH, "Please say who will follow it up."),
    )


@dataclass(frozen=True)
class WorkshopAction:
    """An action agreed in stage 6. It becomes one of the area plan's actions (with its
    workshop and theme), so its status is tracked there."""

    theme_id: int
    title: str
    owner: str
    viewpoint: Viewpoint
    timescale: ActionTimescale


def check_action(
    theme_id: int,
    chosen: Collection[int],
    title: str | None,
    owner: str | None,
    viewpoint: str | None,
    timescale: str | None,
) -> WorkshopAction:
    if theme_id not in chosen:
        raise InputProblem("Actions are planned for the themes chosen to address.")
    clean_title = clean_line(title, "action", ACTION_TITLE_LENGTH, "Please say what the action is.")
    clean_owner = clean_line(
        owner, "owner's name", NAME_LENGTH, "Please say who will make sure the action happens."
    )
    chosen_viewpoint = member_of(Viewpoint, viewpoint or "")
    if chosen_viewpoint is None:
        raise InputProblem(
            "Choose the viewpoint the action comes from: traditional, community or radical."
        )
    chosen_timescale = member_of(ActionTimescale, timescale or "")
    if chosen_timescale is None or chosen_timescale not in WORKSHOP_TIMESCALES:
        raise InputProblem(
            "Choose when the action will be done: in the first week, within three months or "
            "within six months."
        )
    return WorkshopAction(theme_id, clean_title, clean_owner, chosen_viewpoint, chosen_timescale)
