"""Every page address in one place: the route patterns `culturetool.py` declares, and builders
that make a link from ids.

A builder takes plain ids (in event handlers) or Reflex vars (in components), so a page and its
state build the same address the same way; services return ids, never addresses.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import reflex as rx
from reflex.vars import StringVar

HOME = "/"
SIGN_IN = "/sign-in"
ACCOUNT = "/account"
PEOPLE = "/admin/people"
SETTINGS = "/admin/settings"
AUDIT = "/admin/audit"
IMPORT = "/admin/import"
TARGETS = "/targets"
COUNTY = "/county"  # the county dashboard; ?period=<id> for a period other than the newest
PERIODS = "/periods"  # assessment periods: the list and the form to open one
# Reflex's name for the page shown at any address that is none of the others.
NOT_FOUND = "404"

# Patterns for app.add_page; [name] becomes a state var of that page.
TEAM_PAGE = "/teams/[team_id]"
ROUND_RESULTS = "/rounds/[round_id]"
ROUND_IMPORT = "/rounds/[round_id]/import"  # responses collected elsewhere, into an open round
AREA_RESULTS = "/areas/[area_id]"
TEAM_PLAN = "/teams/[team_id]/plan"
AREA_PLAN = "/areas/[area_id]/plan"
TEAM_RECOMMENDATIONS = "/teams/[team_id]/recommendations"
AREA_RECOMMENDATIONS = "/areas/[area_id]/recommendations"
INVITATION = "/invite/[invite_token]"
COUNTY_AREA = "/county/areas/[area_id]"  # an area's teams against the county; ?period=<id>
PERIOD_SHEET = "/periods/[period_id]"  # a period's printable sheet of share links
WORKSHOPS = "/workshops"
WORKSHOP = "/workshops/[workshop_id]"  # overview and preparation (stage 1)
WORKSHOP_COLLECT = "/workshops/[workshop_id]/collect"  # stage 2
WORKSHOP_BOARD = "/workshops/[workshop_id]/board"  # stage 3, theming
WORKSHOP_UNDERSTAND = "/workshops/[workshop_id]/understand"  # stage 4: root causes and votes
WORKSHOP_PLAN = "/workshops/[workshop_id]/plan"  # stages 5 to 8: success, plan, review
WORKSHOP_SUMMARY = "/workshops/[workshop_id]/summary"  # the report shared with participants
# The public workshop links are plain HTTP pages (culturetool/web), like the questionnaire.
WORKSHOP_COLLECTION_LINK = "/c/"  # + token
WORKSHOP_VOTING_LINK = "/v/"  # + token


def _part(value: Any) -> Any:
    """An id as text: a number var's `to_string()` in components (a text var as it is, since
    `to_string()` would quote it), `str` in Python."""
    if isinstance(value, StringVar):
        return value
    return value.to_string() if isinstance(value, rx.Var) else str(value)


def team_page(team_id: Any) -> Any:
    return "/teams/" + _part(team_id)


def round_results(round_id: Any) -> Any:
    return "/rounds/" + _part(round_id)


def round_import(round_id: Any) -> Any:
    return round_results(round_id) + "/import"


def area_results(area_id: Any) -> Any:
    return "/areas/" + _part(area_id)


def period_sheet(period_id: Any) -> Any:
    return "/periods/" + _part(period_id)


def county(period_id: Any) -> Any:
    """The county dashboard showing one period (0 for the newest)."""
    return COUNTY + "?period=" + _part(period_id)


def county_area(area_id: Any, period_id: Any) -> Any:
    return "/county/areas/" + _part(area_id) + "?period=" + _part(period_id)


def team_plan(team_id: Any) -> Any:
    return team_page(team_id) + "/plan"


def area_plan(area_id: Any) -> Any:
    return area_results(area_id) + "/plan"


def team_recommendations(team_id: Any) -> Any:
    return team_page(team_id) + "/recommendations"


def area_recommendations(area_id: Any) -> Any:
    return area_results(area_id) + "/recommendations"


def workshop(workshop_id: Any) -> Any:
    return "/workshops/" + _part(workshop_id)


def workshop_collect(workshop_id: Any) -> Any:
    return workshop(workshop_id) + "/collect"


def workshop_board(workshop_id: Any) -> Any:
    return workshop(workshop_id) + "/board"


def workshop_understand(workshop_id: Any) -> Any:
    return workshop(workshop_id) + "/understand"


def workshop_plan(workshop_id: Any) -> Any:
    return workshop(workshop_id) + "/plan"


def workshop_summary(workshop_id: Any) -> Any:
    return workshop(workshop_id) + "/summary"


def targets_for(scope: str, scope_id: Any) -> Any:
    """The targets page opened on one team's or area's targets ("team" or "area")."""
    return f"{TARGETS}?scope={scope}:" + _part(scope_id)


def plan_with_suggestion(
    scope: str, scope_id: int, intervention_id: str, bundle_id: str, condition_ids: list[str]
) -> str:
    """The plan page with a new action filled in from a recommendation (plain ids only)."""
    query = {"intervention": intervention_id, "bundle": bundle_id}
    if condition_ids:
        query["conditions"] = ",".join(condition_ids)
    base = team_plan(scope_id) if scope == "team" else area_plan(scope_id)
    return f"{base}?{urlencode(query)}"
