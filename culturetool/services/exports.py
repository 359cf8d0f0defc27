"""Downloads of results. Each builds the same view the page shows (permission checks and the
anonymity gate included) and only then turns it into a file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from culturetool.domain.access import Actor
from culturetool.domain.errors import InputProblem
from culturetool.domain.kinds import TargetScope
from culturetool.reports.county_exports import county_area_tables, county_tables
from culturetool.reports.exports import Table, to_csv, to_xlsx
from culturetool.reports.plan_tables import plan_tables
from culturetool.reports.results_tables import area_results_tables, round_results_tables
from culturetool.services import county, plans
from culturetool.services.area_results import area_results_view
from culturetool.services.round_results import results_for_round
from culturetool.views.county import ORDER_BY_NAME

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Download:
    filename: str
    data: bytes
    mime_type: str


def file_stem(*parts: str) -> str:
    """A filename any system accepts: letters, digits and dashes only."""
    text = "-".join(parts).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "results"


def _as_file(tables: list[Table], stem: str, file_format: str) -> Download:
    if file_format == "csv":
        return Download(f"{stem}.csv", to_csv(tables), "text/csv")
    if file_format == "xlsx":
        return Download(f"{stem}.xlsx", to_xlsx(tables), XLSX_TYPE)
    raise InputProblem("Choose CSV or Excel.")


def round_results_file(actor: Actor, round_id: int, file_format: str) -> Download:
    view = results_for_round(actor, round_id)
    stem = file_stem("results", view.team_name, view.opened_on)
    return _as_file(round_results_tables(view), stem, file_format)


def area_results_file(actor: Actor, area_id: int, file_format: str) -> Download:
    view = area_results_view(actor, area_id)
    stem = file_stem("area-results", view.area_name)
    return _as_file(area_results_tables(view), stem, file_format)


def county_file(
    actor: Actor,
    period_id: int | None,
    order_by: str,
    selected_area_ids: Sequence[int],
    file_format: str,
) -> Download:
    """The county dashboard in the period, order and selection the page shows."""
    view = county.county_view(actor, period_id, order_by, selected_area_ids)
    stem = file_stem("county", view.period_name or "no-period")
    return _as_file(county_tables(view), stem, file_format)


def county_area_file(
    actor: Actor,
    area_id: int,
    period_id: int | None,
    file_format: str,
    order_by: str = ORDER_BY_NAME,
) -> Download:
    """An area's teams against the county, in the order the drill-down shows them."""
    view = county.county_area_view(actor, area_id, period_id, order_by)
    stem = file_stem("county", view.area_name, view.period_name)
    return _as_file(county_area_tables(view), stem, file_format)


def plan_file(actor: Actor, scope: TargetScope | str, scope_id: int, file_format: str) -> Download:
    """A team's or an area's action plan, as the plan page shows it today."""
    if scope == TargetScope.TEAM:
        view = plans.team_plan(actor, scope_id)
    elif scope == TargetScope.AREA:
        view = plans.area_plan(actor, scope_id)
    else:
        raise InputProblem("Choose a team's plan or an area's plan.")
    stem = file_stem("action-plan", view.team_name or view.area_name, view.today)
    return _as_file(plan_tables(view), stem, file_format)
