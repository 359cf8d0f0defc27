"""What an action plan page shows, filled by services/plans.py and turned into tables by
reports/plan_tables.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from culturetool.domain.kinds import TargetScope


@dataclass(frozen=True)
class ActionRow:
    id: int
    title: str
    owner: str
    team_id: int  # 0: the whole area
    team_name: str
    condition_names: list[str]
    intervention_name: str
    bundle_name: str
    intervention_id: str  # "" when the action did not come from a recommendation
    timescale_label: str
    due_label: str
    due_on: str  # ISO date
    status: str
    status_label: str
    notes: str
    overdue: bool
    done_label: str
    can_edit: bool
    # "From the workshop “Carers' voices”: theme “I want …”" for an action a workshop agreed.
    workshop_origin: str = ""


@dataclass
class RequestRow:
    """A team's request that the area's plan take up an intervention, as its plan shows it."""

    team_name: str
    intervention_id: str
    intervention_name: str
    bundle_id: str
    asked: str  # when and by whom: "on 2 Dec 2026, by Sam Jones"
    planned: bool  # the area's plan (or the team's) already has an action for it, not dropped
    plan_link: str = ""  # filled by the page (ui/routes.py): a new whole-area action for it


@dataclass(frozen=True)
class PlanView:
    scope: TargetScope  # TEAM or AREA
    area_id: int
    area_name: str
    team_id: int  # 0 on an area's plan
    team_name: str
    heading: str
    summary: str
    today: str  # ISO date: the earliest due date the form accepts
    today_label: str
    can_edit: bool
    can_view_area: bool
    actions: list[ActionRow] = field(default_factory=list)
    overdue_count: int = 0
    open_count: int = 0
    done_count: int = 0
    dropped_count: int = 0
    # (value, label) for the form's "For" select; "" is the whole area.
    team_choices: list[tuple[str, str]] = field(default_factory=list)
    # (condition id, name), in model order.
    condition_choices: list[tuple[str, str]] = field(default_factory=list)
    # Teams' requests to the area's plan: only on an area's plan, for those who may edit it.
    requests: list[RequestRow] = field(default_factory=list)
