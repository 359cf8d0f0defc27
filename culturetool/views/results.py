"""What a round's and an area's results pages show, filled by services/round_results.py and
services/area_results.py, turned into tables by reports/results_tables.py and shown by ui/.

A hidden figure carries why it is hidden as a `Hidden` reason, which code compares; the reason
becomes words only through `hidden_words`, the same words on pages and in files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from culturetool.domain.kinds import Direction


class Hidden(StrEnum):
    """Why the gate withheld a figure."""

    TOO_FEW = "too_few"  # it rests on fewer people than the threshold
    PROTECTED = "protected"  # showing it would let a smaller group's answers be worked out


_HIDDEN_WORDS = {
    Hidden.TOO_FEW: "Too few answers to show",
    Hidden.PROTECTED: (
        "Hidden so that a smaller team's answers cannot be worked out from the area's figures"
    ),
}


_HIDDEN_SHORT = {
    Hidden.TOO_FEW: "too few answers",
    Hidden.PROTECTED: "protects a smaller team",
}


def hidden_short_words(reason: Hidden | None) -> str:
    """The reason in a few words, for a cell of the area's grid; the notes below it say more."""
    return _HIDDEN_SHORT[reason] if reason is not None else ""


def hidden_words(reason: Hidden | None) -> str:
    """The sentence a page or a file shows for a hidden figure; "" when there is no reason (a
    shown figure, or an area with too few responses for any figure)."""
    return _HIDDEN_WORDS[reason] if reason is not None else ""


@dataclass
class ScoreRow:
    key: str
    name: str  # in everyday words: an acceptance scale's plain name
    shown: bool
    hidden: Hidden | None = None  # why it is not shown
    research_name: str = ""  # an acceptance scale's name in the research, for small print
    mean: float = 0.0
    bar_width: str = "0%"  # where the mean sits on the 1 to 5 scale, for the page's bar
    level: int = 0
    level_name: str = ""
    # The level above the one reached, as something to aim for: "To reach Thriving" and what
    # that looks like. At the top level, what keeping it up looks like.
    aim: str = ""
    aim_looks_like: str = ""
    target: str = ""  # the target in force as its band, "Thriving: 3.4 and above"
    target_gap: str = ""  # "0.03 below Thriving (3.4 and above)" or "On target: ..."
    below_target: bool = False
    respondents: int = 0
    answers: int = 0
    dont_know: int = 0
    spread: float = 0.0
    how_sure: str = ""  # people, agreement and "don't know" in words
    note: str = ""  # set when the score is shown as it was earlier (see `as_before_note`)


@dataclass
class Band:
    """A maturity level as the chart's legend and its bars show it."""

    name: str
    scores: str  # "2.6 to 3.4", "4.2 and above"
    start: str  # where the band starts along the 1 to 5 scale, as a CSS percentage
    width: str


@dataclass
class ChangeRow:
    """One condition of a round beside the same condition in the team's previous round."""

    key: str
    name: str
    compared: bool  # both rounds' figures are shown; otherwise `sentence` says why not
    previous: float = 0.0
    current: float = 0.0
    change: float = 0.0
    change_text: str = ""  # "+0.35", "−0.20" or "no change"
    direction: Direction | None = None  # None when not compared
    sentence: str = ""


@dataclass
class DoneAction:
    """An action of the plan marked done between two rounds."""

    id: int
    title: str
    team_name: str  # "Whole area" for an action of the whole area
    done_on: str
    conditions: str  # the conditions it addresses, by name


@dataclass
class RoundComparison:
    """A round against the team's most recent earlier round with results, and the actions done
    in between. Only figures shown on both rounds' pages are compared."""

    previous_round_id: int
    previous_dates: str
    summary: str
    actions_from: str
    actions_to: str
    actions_shown: bool  # the person may see action plans
    rows: list[ChangeRow] = field(default_factory=list)
    actions_done: list[DoneAction] = field(default_factory=list)


@dataclass(kw_only=True)
class ScoreFigures:
    """The figures a round's results and an area's both show, under the same names, so that
    ui/scores.py and reports/results_tables.py treat both alike. Keyword-only, so the views
    built on it keep their own fields first."""

    conditions: list[ScoreRow] = field(default_factory=list)
    acceptance: list[ScoreRow] = field(default_factory=list)
    confidence_shown: bool = False
    confidence_hidden: Hidden | None = None
    confidence_note: str = ""
    confidence_personal: float = 0.0
    confidence_work: float = 0.0
    confidence_gap: float = 0.0
    confidence_sentence: str = ""
    bands: list[Band] = field(default_factory=list)  # the maturity levels, lowest first
    # The sentences the page leads with (domain/summary.py), from shown figures only.
    summary: list[str] = field(default_factory=list)
    responses_text: str = ""  # "1 response", "12 responses"
    # Said once above the tables when some scores are shown as they were earlier; the rows
    # themselves then carry a short marker, and their full `note` goes into the files.
    as_before_summary: str = ""


@dataclass
class ResultsView(ScoreFigures):
    round_id: int
    team_id: int
    team_name: str
    area_name: str
    opened_on: str
    closed_on: str
    model_label: str
    responses: int
    threshold: int
    disclosed: bool
    still_needed: int
    comment_threshold: int = 0
    comments_shown: bool = False
    comments: list[str] = field(default_factory=list)
    comparison: RoundComparison | None = None
    comparison_note: str = ""  # why there is no comparison, when this round has results


@dataclass
class TeamCell:
    """One team's score for one condition on the area page."""

    shown: bool
    mean: float = 0.0
    level: int = 0
    hidden: Hidden | None = None  # why it is not shown
    note: str = ""  # set when the score is shown as it was earlier


@dataclass
class AreaTeamRow:
    team_id: int
    team_name: str
    round_id: int
    round_dates: str
    responses: int
    disclosed: bool
    responses_text: str = ""  # "1 response", "6 responses"
    cells: list[TeamCell] = field(default_factory=list)


@dataclass
class ConditionAcrossTeams:
    """One line of the area page's grid: a condition, the area's score and each team's."""

    name: str
    area: TeamCell
    teams: list[TeamCell] = field(default_factory=list)


@dataclass
class AreaResultsView(ScoreFigures):
    """An area's pooled figures and each team's."""

    area_id: int
    area_name: str
    responses: int
    threshold: int
    disclosed: bool
    still_needed: int
    model_label: str = ""
    condition_names: list[str] = field(default_factory=list)
    teams: list[AreaTeamRow] = field(default_factory=list)
    teams_without_responses: list[str] = field(default_factory=list)
    teams_text: str = ""  # "from 1 team", "from 3 teams"
    grid: list[ConditionAcrossTeams] = field(default_factory=list)
    any_protected: bool = False
