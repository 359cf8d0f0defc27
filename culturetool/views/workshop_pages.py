"""What the workshop list and a workshop's overview and preparation page show (stage 1)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Choice:
    """One tick or option of a form: its value, its words and whether it starts chosen."""

    value: str
    label: str
    chosen: bool = False


@dataclass(frozen=True)
class WorkshopRow:
    id: int
    title: str
    area_name: str
    dates: str  # "12 Mar 2026" or "12 Mar 2026, 13 Mar 2026"
    stage_label: str  # "Stage 2 of 8: Collect"
    facilitators: str  # names, "none yet" when no one is assigned


@dataclass(frozen=True)
class AreaTeams:
    """An area and its teams, for choosing which teams a workshop is about."""

    area_id: int
    area_name: str
    teams: list[Choice] = field(default_factory=list)


@dataclass(frozen=True)
class NewWorkshopChoices:
    """What the new workshop form offers."""

    areas: list[Choice] = field(default_factory=list)
    teams_by_area: list[AreaTeams] = field(default_factory=list)
    facilitators: list[Choice] = field(default_factory=list)
    perspectives: list[Choice] = field(default_factory=list)  # the five named, all ticked


@dataclass(frozen=True)
class WorkshopList:
    rows: list[WorkshopRow] = field(default_factory=list)
    can_arrange: bool = False
    empty_text: str = ""  # what to do when there are no workshops
    choices: NewWorkshopChoices = field(default_factory=NewWorkshopChoices)


@dataclass(frozen=True)
class WorkshopOverview:
    id: int
    title: str
    purpose: str
    area_name: str
    teams_text: str  # "the whole area" or the teams' names
    dates: str
    day_values: list[str]  # "2026-03-12", for the date inputs
    place: str
    facilitators: str
    perspectives_text: str
    tables: int
    vote_budget: int
    votes_per_theme: int
    stage_label: str
    revision: int
    entries: int
    themes: int
    votes_given: int
    actions: int
    counts_text: str  # "12 entries, 3 themes, 0 votes given, 0 actions"
    can_prepare: bool  # change the preparation and move the stage
    can_assign: bool  # choose the facilitators
    what_you_can_do: str
    teams: list[Choice] = field(default_factory=list)  # the area's teams, those chosen ticked
    facilitator_choices: list[Choice] = field(default_factory=list)
    perspectives: list[Choice] = field(default_factory=list)  # named and added, chosen ticked
    stage_moves: list[Choice] = field(default_factory=list)  # where it may move now
