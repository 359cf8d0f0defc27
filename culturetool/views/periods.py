"""What the assessment periods pages show: the list of periods with the form to open one, and a
period's printable sheet of share links. Filled by services/periods.py."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AreaChoice:
    id: int
    name: str
    teams: int  # how many teams it has, so the form says what opening a period will do


@dataclass
class PeriodRow:
    id: int
    name: str
    dates: str  # "1 Dec 2026 to 31 May 2027"
    state: str  # "Open until 31 May 2027", "Closed", "Opens 1 Mar 2027"
    areas: str  # the areas' names, or "All 4 areas"
    rounds: int  # rounds that belong to the period
    responses: int  # responses so far in those rounds


@dataclass
class PeriodsView:
    rows: list[PeriodRow] = field(default_factory=list)
    areas: list[AreaChoice] = field(default_factory=list)


@dataclass
class PeriodOpened:
    """A period just opened: how many rounds it opened, and a sentence for every team that
    did not simply get a new round (so no team is left out without a word)."""

    period_id: int
    rounds_opened: int
    notes: list[str] = field(default_factory=list)


@dataclass
class SheetTeam:
    name: str
    token: str  # the round's share token; "" when the team has no round taking answers
    staff: str  # "12 staff", or "" when unknown
    responses: int
    note: str  # why there is no link, or ""


@dataclass
class SheetArea:
    id: int
    name: str
    teams: list[SheetTeam] = field(default_factory=list)


@dataclass
class PeriodSheet:
    name: str
    dates: str
    organisation_name: str
    taking_answers: bool
    areas: list[SheetArea] = field(default_factory=list)
