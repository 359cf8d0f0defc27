"""The county report (PDF) for the county or one area of it: the dashboard's views, as
services/county.py makes them for the person asking, with each group's gaps against its
targets and the bundles recommended for them, the action plans' statuses per area, and the
workshop themes tagged with conditions. For the people who see the county dashboard.

The gaps are read from the very cells the report prints; the bundles are recommended from the
same period's figures as the gate lets them through, with any protected figure left out, so no
suggestion rests on a figure the report hides.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from culturetool.domain import clock
from culturetool.domain.access import Actor, Permission, require
from culturetool.domain.disclosure import CONFIDENCE
from culturetool.domain.errors import InputProblem
from culturetool.domain.kinds import TargetScope
from culturetool.domain.model_schema import CultureModel
from culturetool.domain.recommendations import recommend
from culturetool.domain.scoring import GroupScore
from culturetool.domain.targets import gap_to_band, target_band, targets_in_force
from culturetool.domain.wording import day_month_year
from culturetool.reports.county_report import Progress, county_report_pdf
from culturetool.services.county import county_area_view, county_view
from culturetool.services.exports import Download, file_stem
from culturetool.services.plans import STATUS_LABELS
from culturetool.services.recommendations import (
    _headline,
    _who_acts_filled_in,
    _workshop_themes,
)
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.disclosure import Disclosed, Withheld, county_results
from culturetool.store.tables import (
    AssessmentPeriod,
    Organisation,
    PlanAction,
    Workshop,
    WorkshopTheme,
)
from culturetool.views.county import HeatRow
from culturetool.views.county_report import (
    BundleLine,
    CountyReportData,
    GapLine,
    GroupGaps,
    PlanStatusRow,
    ThemeLine,
)

PDF_TYPE = "application/pdf"
# The gaps and bundles a group's part of the report lists: what a reader can act on.
GAPS_SHOWN = 3
BUNDLES_SHOWN = 3


def _gaps(model: CultureModel, row: HeatRow, targets: dict[str, int]) -> list[GapLine]:
    """The row's shown conditions below their target, the largest gap first."""
    lines = []
    for condition, cell in zip(model.conditions, row.cells, strict=False):
        if not cell.shown:
            continue
        level = model.maturity_level(targets[condition.id])
        gap = gap_to_band(cell.mean, level)
        if gap > 0:
            lines.append(
                GapLine(condition.name, cell.mean, cell.level_name, target_band(level), gap)
            )
    return sorted(lines, key=lambda line: -line.gap)[:GAPS_SHOWN]


def _bundles(
    model: CultureModel,
    outcome: Withheld | Disclosed,
    targets: dict[str, int],
    under_way: set[str],
    session: Session,
    area_ids: Sequence[int],
) -> list[BundleLine]:
    """The bundles recommended from the figures shown, protected ones left out."""
    if not isinstance(outcome, Disclosed):
        return []
    scores = outcome.scores

    def shown(kind: str, figures: dict[str, GroupScore | None]) -> dict[str, GroupScore | None]:
        return {k: None if (kind, k) in outcome.protected else v for k, v in figures.items()}

    workshops = [w for area_id in area_ids for w in _workshop_themes(session, area_id)]
    result = recommend(
        _who_acts_filled_in(model),
        shown("condition", scores.conditions),
        audience=TargetScope.AREA,
        targets=targets,
        acceptance=shown("acceptance", scores.acceptance),
        confidence=None if CONFIDENCE in outcome.protected else scores.confidence,
        items=outcome.items,
        workshops=workshops,
        under_way=under_way,
    )
    return [
        BundleLine(bundle.name, _headline(model, result, bundle))
        for bundle in result.bundles[:BUNDLES_SHOWN]
    ]


def _group_gaps(
    session: Session,
    model: CultureModel,
    organisation_id: int,
    name: str,
    row: HeatRow,
    outcome: Withheld | Disclosed,
    area_ids: Sequence[int],
    area_id: int | None,
) -> GroupGaps:
    ids = [c.id for c in model.conditions]
    levels = repo.target_levels(session, organisation_id, area_id)
    targets = targets_in_force(levels, ids, model.signals.default_target_level)
    group = GroupGaps(name, _gaps(model, row, targets))
    if not row.disclosed:
        group.note = "Too few responses for any score, so no gaps can be judged."
        return group
    if not any(cell.shown for cell in row.cells):
        group.note = "Every score here is suppressed (see the heatmap), so no gaps can be judged."
        return group
    if not group.gaps:
        group.note = "Every score shown is at or above its target."
    under_way = {i for a in area_ids for i in repo.interventions_in_plan(session, a)}
    group.bundles = _bundles(model, outcome, targets, under_way, session, area_ids)
    return group


def _plan_statuses(session: Session, areas: Sequence[tuple[int, str]]) -> list[PlanStatusRow]:
    counts = {
        (area_id, status): number
        for area_id, status, number in session.execute(
            select(PlanAction.area_id, PlanAction.status, func.count())
            .where(PlanAction.area_id.in_([a for a, _ in areas]))
            .group_by(PlanAction.area_id, PlanAction.status)
        )
    }
    return [
        PlanStatusRow(name, [counts.get((area_id, s.value), 0) for s in STATUS_LABELS])
        for area_id, name in areas
    ]


def _themes(
    session: Session, model: CultureModel, areas: Sequence[tuple[int, str]]
) -> list[ThemeLine]:
    names = dict(areas)
    found = session.execute(
        select(
            WorkshopTheme.statement, WorkshopTheme.condition_ids, Workshop.title, Workshop.area_id
        )
        .join(Workshop, Workshop.id == WorkshopTheme.workshop_id)
        .where(Workshop.area_id.in_(list(names)), WorkshopTheme.condition_ids != "")
        .order_by(Workshop.id, WorkshopTheme.id)
    ).all()
    lines = []
    for condition in model.conditions:
        for statement, condition_ids, title, area_id in found:
            if condition.id in condition_ids.split():
                shown = statement or "No statement written yet"
                lines.append(ThemeLine(condition.name, shown, title, names[area_id]))
    return lines


def county_report(
    actor: Actor,
    period_id: int | None = None,
    area_id: int | None = None,
    progress: Progress | None = None,
) -> Download:
    """The report of the county, or of `area_id`, in the period (the newest begun, unless
    asked), as a PDF; `progress(done, total)` while it is made."""
    require(actor, Permission.VIEW_AREA_RESULTS)
    county = county_view(actor, period_id)
    if not county.period_id:
        raise InputProblem("There is no assessment period yet, so there is nothing to report.")
    data = CountyReportData(county=county, made_on=day_month_year(clock.today()))
    if area_id is not None:
        data.area = county_area_view(actor, area_id, county.period_id)
        data.areas = [data.area]
    else:
        data.areas = [county_area_view(actor, a.group_id, county.period_id) for a in county.areas]
    chosen = [(a.area_id, a.area_name) for a in data.areas]
    data.sees_plans = actor.can(Permission.VIEW_PLANS)
    data.status_names = list(STATUS_LABELS.values())
    with transaction() as session:
        organisation = session.get_one(Organisation, actor.organisation_id)
        period = session.get(AssessmentPeriod, county.period_id)
        results = county_results(session, organisation, period) if period else None
        model = results.model if results else None
        if results is not None and model is not None:
            by_area = {a.area_id: a for a in results.areas}
            if data.area is None:
                county_row = HeatRow(
                    0,
                    "County",
                    county.responses,
                    None,
                    "",
                    county.disclosed,
                    cells=[c.county for c in county.conditions],
                )
                every = [a for a, _ in chosen]
                data.gaps.append(
                    _group_gaps(
                        session,
                        model,
                        organisation.id,
                        "County",
                        county_row,
                        results.total,
                        every,
                        None,
                    )
                )
            for area in data.areas:
                data.gaps.append(
                    _group_gaps(
                        session,
                        model,
                        organisation.id,
                        area.area_name,
                        area.area,
                        by_area[area.area_id].total,
                        [area.area_id],
                        area.area_id,
                    )
                )
            if actor.can(Permission.VIEW_WORKSHOPS):
                data.themes = _themes(session, model, chosen)
        if data.sees_plans:
            data.plan_statuses = _plan_statuses(session, chosen)
    pdf = county_report_pdf(data, progress)
    parts = ["county-report", county.period_name or "no-period"]
    if data.area is not None:
        parts.insert(1, data.area.area_name)
    return Download(f"{file_stem(*parts)}.pdf", pdf, PDF_TYPE)
