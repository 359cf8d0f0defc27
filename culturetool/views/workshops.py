"""What a workshop's summary shows: the report shared back with the people who took part
(reports/workshop_summary.py), its page, and the workshop's exports (reports/workshop_exports.py).

The services fill these from the store; every figure and word in them is final, so the report
and the files only arrange them. Labels a service owns (an action's timescale and status, which
the area's plan words) arrive as words.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from culturetool.domain.workshop.board import Board
from culturetool.domain.workshop.kinds import EntryKind
from culturetool.domain.workshop.votes import RankedTheme

NO_STATEMENT = "A theme with no “I” or “We” statement yet"


@dataclass(frozen=True)
class EntryLine:
    """One entry in the person's own words (redacted where a facilitator took out a name)."""

    id: int
    text: str
    kind: EntryKind
    channel_label: str
    perspective_label: str  # "" when no perspective was given
    theme_id: int | None  # None: unthemed
    follow_up: bool = False  # not covered on the day, to be looked at in a follow-up session


@dataclass(frozen=True)
class ThemeLine:
    id: int
    kind: EntryKind
    statement: str  # the "I" or "We" statement; "" until someone writes it
    entry_count: int
    condition_names: list[str] = field(default_factory=list)  # in the model's order
    root_causes: list[str] = field(default_factory=list)  # only a not-working-well theme has them
    chosen: bool = False  # chosen to address after the vote

    @property
    def shown_statement(self) -> str:
        return self.statement or NO_STATEMENT


@dataclass(frozen=True)
class VoteLine:
    """A theme's place in the vote; themes with the same votes share a place (see
    `domain.workshop.votes.ranking`)."""

    theme_id: int
    statement: str
    votes: int
    rank: int
    tied: bool

    @property
    def place(self) -> str:
        """ "1st", or "Joint 1st" for a tie."""
        words = ordinal(self.rank)
        return f"Joint {words}" if self.tied else words


@dataclass(frozen=True)
class SuccessLine:
    theme_id: int
    perspective_label: str
    text: str


@dataclass(frozen=True)
class ActionLine:
    """An action agreed in stage 6; it is one of the area plan's actions, so its status and
    timescale are the plan's words."""

    theme_id: int | None  # None once the theme it addressed was deleted; the action stays
    title: str
    viewpoint_label: str
    owner: str
    timescale_label: str
    status_label: str
    review_notes: str = ""


@dataclass(frozen=True)
class ParkedLine:
    issue: str
    owner: str  # who follows it up
    status_label: str


@dataclass(frozen=True)
class WorkshopSummary:
    title: str
    purpose: str
    area_name: str
    team_names: list[str]  # [] when the workshop is for the whole area
    day_labels: list[str]  # "10 Mar 2026", in order
    place: str
    perspective_labels: list[str]
    votes_each: int  # each participant's budget
    stage_label: str
    entries: list[EntryLine] = field(default_factory=list)
    themes: list[ThemeLine] = field(default_factory=list)  # in board order
    votes: list[VoteLine] = field(default_factory=list)  # most votes first
    voting_closed: bool = False
    success: list[SuccessLine] = field(default_factory=list)
    already_happening: list[str] = field(default_factory=list)
    actions: list[ActionLine] = field(default_factory=list)
    parked: list[ParkedLine] = field(default_factory=list)
    made_on: str = ""  # the day the summary was made, "2 Dec 2026"

    def themes_of(self, kind: EntryKind) -> list[ThemeLine]:
        return [theme for theme in self.themes if theme.kind == kind]

    def entries_of(self, kind: EntryKind) -> list[EntryLine]:
        return [entry for entry in self.entries if entry.kind == kind]

    def unthemed(self, kind: EntryKind) -> list[EntryLine]:
        return [entry for entry in self.entries_of(kind) if entry.theme_id is None]

    def statement_of(self, theme_id: int | None) -> str:
        """The theme's statement as the summary shows it; "" for no theme."""
        if theme_id is None:
            return ""
        for theme in self.themes:
            if theme.id == theme_id:
                return theme.shown_statement
        raise ValueError(f"theme {theme_id} is not in this summary")

    @property
    def follow_up(self) -> list[EntryLine]:
        return [entry for entry in self.entries if entry.follow_up]

    @property
    def votes_given(self) -> int:
        return sum(line.votes for line in self.votes)


def ordinal(number: int) -> str:
    """ "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st"."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def theme_lines(
    board: Board,
    condition_names: Mapping[str, str],
    root_causes: Mapping[int, list[str]],
    chosen: Collection[int],
) -> list[ThemeLine]:
    """The board's themes as the summary lists them: by kind in the questions' order, then in
    the order they were made. `condition_names` is the model's id → name, in model order."""
    order = list(EntryKind)
    return [
        ThemeLine(
            id=theme.id,
            kind=theme.kind,
            statement=theme.statement,
            entry_count=len(theme.entry_ids),
            condition_names=[
                name for key, name in condition_names.items() if key in theme.condition_ids
            ],
            root_causes=list(root_causes.get(theme.id, [])),
            chosen=theme.id in chosen,
        )
        for theme in sorted(board.themes.values(), key=lambda t: (order.index(t.kind), t.id))
    ]


def vote_lines(ranked: Iterable[RankedTheme], themes: Iterable[ThemeLine]) -> list[VoteLine]:
    """The ranking with each theme's statement, in the ranking's order."""
    statements = {theme.id: theme.shown_statement for theme in themes}
    return [
        VoteLine(line.theme_id, statements[line.theme_id], line.votes, line.rank, line.tied)
        for line in ranked
    ]
