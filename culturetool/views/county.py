"""What the county dashboard (`/county`) and its drill-down into one area show, filled by
services/county.py from the gate's county results, shown by ui/pages/county.py and written to
files by reports/county_exports.py.

Every figure here is one the gate let through; a cell that is not shown carries why
(`Hidden`), and the page and files say so in words, never as a blank or a zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from culturetool.views.results import DoneAction, Hidden

# How rows may be ordered: by name, or by one condition's score (its id). Never a rank.
ORDER_BY_NAME = "name"


@dataclass
class HeatCell:
    """One group's score for one condition: a cell of the heatmap."""

    shown: bool
    hidden: Hidden | None = None  # why it is not shown
    mean: float = 0.0
    level: int = 0  # the maturity level, 1 = lowest; the cell's colour
    level_name: str = ""
    people: int = 0  # the people the score rests on ("don't know" left out)
    spread: float = 0.0  # standard deviation of people's scores
    interval_text: str = ""  # 95% interval of the score, "3.1 to 3.6"
    # The difference from the county average with its 95% interval, "+0.32 (−0.05 to +0.69)";
    # "" for the county itself.
    difference: float = 0.0
    difference_text: str = ""
    # The whole interval of the difference lies above (+1) or below (−1) the county, else 0:
    # only then is the group said to differ from the county.
    differs: int = 0
    agreement: float | None = None  # within-group agreement rwg(j), 0 to 1
    agreement_low: bool = False
    agreement_text: str = ""  # "people largely agree", "people disagree a lot"...
    note: str = ""  # set when the score is shown as it was earlier


@dataclass
class HeatRow:
    """An area on the county heatmap, or a team on an area's drill-down."""

    group_id: int  # the area's id, or the team's
    name: str
    responses: int
    staff: int | None  # the team's recorded staff number (summed over an area's teams)
    response_rate_text: str  # "12 of 20 staff (60%)", or why there is no rate
    disclosed: bool  # enough responses for any figure
    still_needed: int = 0  # responses still needed before figures show
    cells: list[HeatCell] = field(default_factory=list)  # one per condition, model order


@dataclass
class LevelCount:
    """How many teams reached one maturity level on one condition."""

    level: int
    level_name: str
    teams: int


@dataclass
class ConditionChoice:
    """A condition rows may be ordered by."""

    id: str
    name: str


@dataclass
class ConditionColumn:
    """A condition: its county score and quality, and the spread of teams over its levels."""

    id: str
    name: str
    county: HeatCell
    alpha: float | None = None  # Cronbach's alpha of its statements over the county
    alpha_text: str = ""  # "0.82", or why there is none
    consistency_warning: str = ""  # plain English, when alpha is below 0.7
    levels: list[LevelCount] = field(default_factory=list)  # lowest level first
    teams_hidden: int = 0  # teams whose score on it is not shown, so not counted in `levels`


@dataclass
class PeriodOption:
    id: int
    name: str
    dates: str  # "1 March to 31 May 2027"


@dataclass
class ChangeCell:
    """One condition of an area: this period against the previous one."""

    compared: bool  # both periods' figures are shown; otherwise `sentence` says why not
    before: float = 0.0
    after: float = 0.0
    change: float = 0.0
    change_text: str = ""  # "+0.35 (+0.05 to +0.65)"
    moved: int = 0  # +1 or −1 when the whole interval is above or below zero, else 0
    sentence: str = ""


@dataclass
class AreaChange:
    """An area's change between two periods, with the actions completed in between."""

    area_id: int
    area_name: str
    cells: list[ChangeCell] = field(default_factory=list)  # one per condition, model order
    actions_done: list[DoneAction] = field(default_factory=list)


@dataclass
class CountyView:
    organisation_name: str
    threshold: int
    periods: list[PeriodOption]  # every period with rounds, newest first
    period_id: int  # the period shown; 0 when there is none yet
    period_name: str
    responses: int
    responses_text: str  # "1,234 responses from 57 teams"
    response_rate_text: str
    disclosed: bool
    condition_names: list[str] = field(default_factory=list)
    conditions: list[ConditionColumn] = field(default_factory=list)
    areas: list[HeatRow] = field(default_factory=list)  # ordered as asked
    order_by: str = ORDER_BY_NAME
    # A chosen set of areas (the filter) and their pooled row; `selection_note` says why a
    # selection's figures are withheld (a subtraction from the county would give away the rest).
    selected_area_ids: list[int] = field(default_factory=list)
    selection: HeatRow | None = None
    selection_note: str = ""
    # Change since the previous period, when there is one.
    previous_period_name: str = ""
    changes: list[AreaChange] = field(default_factory=list)
    any_hidden: bool = False  # some cell is hidden: the page explains the marks


@dataclass
class CountyAreaView:
    """The drill-down: one area's teams in one period, against the county."""

    area_id: int
    area_name: str
    period_id: int
    period_name: str
    threshold: int
    condition_names: list[str]
    area: HeatRow  # the area's own pooled row
    county: HeatRow  # the county's row, for reference
    teams: list[HeatRow] = field(default_factory=list)  # ordered as asked
    order_by: str = ORDER_BY_NAME
    # The conditions the teams may be ordered by (id and name).
    order_choices: list[ConditionChoice] = field(default_factory=list)
    any_hidden: bool = False
