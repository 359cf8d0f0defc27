"""What the county PDF report holds beyond the dashboard's own views: each group's gaps against
its targets with the bundles recommended for them, the action plans' statuses and the workshop
themes tagged with each condition. Filled by services/county_report.py, printed by
reports/county_report.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from culturetool.views.county import CountyAreaView, CountyView


@dataclass
class GapLine:
    """A shown condition of a group below its target."""

    condition_name: str
    score: float
    level_name: str
    target_text: str  # "Thriving: 3.4 and above"
    gap: float  # score points below the target band


@dataclass
class BundleLine:
    name: str
    headline: str  # why it is suggested, in one sentence


@dataclass
class GroupGaps:
    """The county or one area: its lowest conditions against target, and what is suggested."""

    group_name: str
    gaps: list[GapLine] = field(default_factory=list)  # the largest gap first
    bundles: list[BundleLine] = field(default_factory=list)  # best first
    note: str = ""  # why there are no gaps to show, when there are none


@dataclass
class PlanStatusRow:
    area_name: str
    counts: list[int]  # one per `CountyReportData.status_names`


@dataclass
class ThemeLine:
    condition_name: str
    statement: str
    workshop_title: str
    area_name: str


@dataclass
class CountyReportData:
    """The report for the county (`area` None) or for one area of it."""

    county: CountyView  # the period, the threshold, the county row and the change
    made_on: str  # "2 December 2026"
    area: CountyAreaView | None = None  # set for one area's report
    areas: list[CountyAreaView] = field(default_factory=list)  # a page each
    gaps: list[GroupGaps] = field(default_factory=list)
    sees_plans: bool = False
    status_names: list[str] = field(default_factory=list)
    plan_statuses: list[PlanStatusRow] = field(default_factory=list)
    themes: list[ThemeLine] = field(default_factory=list)
