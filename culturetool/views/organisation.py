"""What the start page and a team's page show: the organisation's areas and teams, a team's
rounds. Filled by services/organisation.py and services/rounds.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from culturetool.domain.kinds import AccessMode


@dataclass
class RoundSummary:
    id: int
    token: str
    opened_on: str
    closed_on: str
    is_open: bool
    responses: int
    threshold: int
    model_label: str
    access_mode: str = AccessMode.LINK.value
    staff_count: int = 0  # 0 for rounds opened before the staff count was asked
    period_name: str = ""  # the assessment period it belongs to, if any
    # For an open round whose period is over: it takes no answers, and what to do about it.
    period_over: str = ""


@dataclass
class TeamSummary:
    id: int
    name: str
    area_name: str
    has_open_round: bool
    latest_round_id: int
    latest_responses: int
    latest_responses_text: str = ""  # "1 response", "12 responses"


@dataclass
class AreaView:
    id: int
    name: str
    teams: list[TeamSummary] = field(default_factory=list)


@dataclass
class OrganisationView:
    name: str
    threshold: int
    can_manage: bool
    can_view_areas: bool = False
    areas: list[AreaView] = field(default_factory=list)


@dataclass
class TeamView:
    id: int
    name: str
    area_name: str
    organisation_name: str
    survey_minutes: int
    can_run_rounds: bool
    can_view_results: bool
    rounds: list[RoundSummary] = field(default_factory=list)
    managers: list[str] = field(default_factory=list)  # the names of its active managers
    staff_count: int = 0  # the team's number of staff as recorded; 0 when not recorded
    can_record_staff_count: bool = False
