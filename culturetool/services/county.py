"""The county dashboard: every area of an assessment period by condition, each against the
county average with its 95% interval, the spread of teams over the maturity levels, response
rates, and the change since the previous period with the actions done in between; and the
drill-down into one area's teams. For leaders and the innovation team.

Every figure comes through the gate (`store.disclosure.county_results`); this module only puts
what it lets through into words and order. There is no rank anywhere: rows are ordered by name
or by one condition's score, and each shows its own band against the county's.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from culturetool.domain import clock
from culturetool.domain.access import Actor, Permission, require
from culturetool.domain.disclosure import FigureKey
from culturetool.domain.errors import NotFound
from culturetool.domain.kinds import Audience
from culturetool.domain.measurement import (
    Sums,
    consistency_warning,
    difference_interval_95,
    interval_95,
    low_agreement,
)
from culturetool.domain.model_schema import CultureModel
from culturetool.domain.scoring import GroupScore
from culturetool.domain.wording import count_of, day_month_year
from culturetool.services.reach import area_in_reach
from culturetool.services.score_rows import as_before_note, why_hidden
from culturetool.store import repository as repo
from culturetool.store.county_mark import county_mark, ledger_last_id
from culturetool.store.db import transaction
from culturetool.store.disclosure import (
    AreaInPeriod,
    CountyResults,
    Disclosed,
    TeamPart,
    Withheld,
    county_results,
)
from culturetool.store.kept_views import keep_once_committed, kept_view
from culturetool.store.ledger import last_id_after
from culturetool.store.tables import AssessmentPeriod, Organisation, Team
from culturetool.views.county import (
    ORDER_BY_NAME,
    AreaChange,
    ChangeCell,
    ConditionChoice,
    ConditionColumn,
    CountyAreaView,
    CountyView,
    HeatCell,
    HeatRow,
    LevelCount,
    PeriodOption,
)
from culturetool.views.results import DoneAction, Hidden

MINUS = "\u2212"


def _signed(value: float) -> str:
    text = f"{abs(value):.2f}"
    if text == "0.00":
        return "0.00"
    return ("+" if value > 0 else MINUS) + text


def _sums(score: GroupScore) -> Sums:
    """A shown score's running totals, back from its mean and spread (sample deviation)."""
    n = score.respondents
    return Sums(n, score.mean * n, (n - 1) * score.spread**2 + n * score.mean**2)


def _side(low: float, high: float) -> int:
    return 1 if low > 0 else -1 if high < 0 else 0


def _agreement_text(value: float | None) -> str:
    if value is None:
        return "agreement not measurable"
    if low_agreement(value):
        return f"answers differ a lot (agreement {value:.2f})"
    return f"people broadly agree (agreement {value:.2f})"


def _cell(
    model: CultureModel,
    condition_id: str,
    outcome: Withheld | Disclosed,
    county: GroupScore | None,
) -> HeatCell:
    """One group's cell for one condition; `county` None for the county's own cell."""
    if isinstance(outcome, Withheld):
        return HeatCell(shown=False, hidden=Hidden.TOO_FEW)
    key: FigureKey = ("condition", condition_id)
    score = outcome.scores.conditions.get(condition_id)
    if score is None:
        return HeatCell(shown=False, hidden=why_hidden(key, outcome.protected))
    level = model.level_for_score(score.mean)
    sums = _sums(score)
    interval = interval_95(sums)
    cell = HeatCell(
        shown=True,
        mean=round(score.mean, 2),
        level=level.level,
        level_name=level.name,
        people=score.respondents,
        spread=round(score.spread, 2),
        interval_text=f"{interval.low:.2f} to {interval.high:.2f}" if interval else "",
        note=as_before_note(outcome.as_before.get(key)),
    )
    if condition_id in outcome.agreement:
        value = outcome.agreement[condition_id]
        cell.agreement = None if value is None else round(value, 2)
        cell.agreement_low = low_agreement(value)
        cell.agreement_text = _agreement_text(value)
    if county is not None:
        found = difference_interval_95(sums, _sums(county))
        if found is not None:
            difference, band = found
            cell.difference = round(difference, 2)
            if band is None:
                cell.difference_text = _signed(difference)
            else:
                cell.difference_text = (
                    f"{_signed(difference)} ({_signed(band.low)} to {_signed(band.high)})"
                )
                cell.differs = _side(band.low, band.high)
    return cell


def _rate(responses: int, staff: int | None, missing: int = 0) -> str:
    if missing:
        return f"Rate not known: {count_of(missing, 'team has', 'teams have')} no staff number"
    if not staff:
        return "Rate not known: no staff number recorded"
    return f"{responses} of {staff} staff ({round(100 * responses / staff)}%)"


def _row(
    group_id: int,
    name: str,
    outcome: Withheld | Disclosed,
    model: CultureModel | None,
    county: Withheld | Disclosed,
    staff_counts: Sequence[int | None],
    is_county: bool = False,
) -> HeatRow:
    missing = sum(1 for s in staff_counts if s is None)
    staff = sum(s for s in staff_counts if s is not None) if staff_counts else None
    row = HeatRow(
        group_id=group_id,
        name=name,
        responses=outcome.responses,
        staff=None if missing else staff,
        response_rate_text=_rate(outcome.responses, staff, missing),
        disclosed=isinstance(outcome, Disclosed),
        still_needed=outcome.still_needed if isinstance(outcome, Withheld) else 0,
    )
    if model is None:
        return row
    for condition in model.conditions:
        county_score = (
            county.scores.conditions.get(condition.id)
            if isinstance(county, Disclosed) and not is_county
            else None
        )
        row.cells.append(_cell(model, condition.id, outcome, county_score))
    return row


def _ordered(rows: list[HeatRow], order_by: str, model: CultureModel | None) -> list[HeatRow]:
    """By name, or by one condition's score, lowest first; hidden ones after, by name."""
    by_name = sorted(rows, key=lambda r: r.name.casefold())
    if model is None or order_by == ORDER_BY_NAME:
        return by_name
    ids = [c.id for c in model.conditions]
    if order_by not in ids:
        return by_name
    at = ids.index(order_by)
    shown = [r for r in by_name if r.cells and r.cells[at].shown]
    hidden = [r for r in by_name if not (r.cells and r.cells[at].shown)]
    return sorted(shown, key=lambda r: r.cells[at].mean) + hidden


def _period_dates(period: AssessmentPeriod) -> str:
    return f"{day_month_year(period.opens_on)} to {day_month_year(period.closes_on)}"


def _periods(session: Session, organisation_id: int) -> list[AssessmentPeriod]:
    return list(
        session.scalars(
            select(AssessmentPeriod)
            .where(AssessmentPeriod.organisation_id == organisation_id)
            .order_by(AssessmentPeriod.opens_on.desc(), AssessmentPeriod.id.desc())
        )
    )


def _chosen_period(periods: list[AssessmentPeriod], period_id: int | None) -> AssessmentPeriod:
    """The period asked for, else the newest that has begun, else the newest."""
    if period_id:
        found = next((p for p in periods if p.id == period_id), None)
        if found is None:
            raise NotFound("There is no such assessment period.")
        return found
    today = clock.today()
    return next((p for p in periods if p.opens_on <= today), periods[0])


def _staff_by_team(session: Session, area_ids: Sequence[int]) -> dict[int, list[Team]]:
    teams: dict[int, list[Team]] = {area_id: [] for area_id in area_ids}
    for team in session.scalars(select(Team).where(Team.area_id.in_(area_ids))):
        teams[team.area_id].append(team)
    return teams


def _levels(
    model: CultureModel, condition_id: str, parts: list[TeamPart]
) -> tuple[list[LevelCount], int]:
    counts = {level.level: 0 for level in model.meta.maturity_levels}
    # `model.level_for_score`, with the levels sorted once for the county's hundreds of teams.
    levels_up = sorted(model.meta.maturity_levels, key=lambda lv: lv.min_score)
    bounds = [lv.min_score - 1e-9 for lv in levels_up]
    hidden = 0
    for part in parts:
        outcome = part.outcome
        score = (
            outcome.scores.conditions.get(condition_id) if isinstance(outcome, Disclosed) else None
        )
        if score is None:
            hidden += 1
            continue
        at = bisect_right(bounds, score.mean)
        counts[levels_up[at - 1 if at else 0].level] += 1
    levels = [
        LevelCount(level=lv.level, level_name=lv.name, teams=counts[lv.level])
        for lv in sorted(model.meta.maturity_levels, key=lambda lv: lv.level)
    ]
    return levels, hidden


def _changes(
    session: Session,
    model: CultureModel,
    now: CountyResults,
    before: CountyResults,
    start: dt.date,
    end: dt.date,
    previous_name: str,
    sees_plans: bool,
) -> list[AreaChange]:
    earlier = {area.area_id: area for area in before.areas}
    done = (
        repo.areas_actions_done_between(session, [a.area_id for a in now.areas], start, end)
        if sees_plans
        else {}
    )
    changes = []
    for area in now.areas:
        change = AreaChange(area_id=area.area_id, area_name=area.area_name)
        then = earlier.get(area.area_id)
        for condition in model.conditions:
            change.cells.append(_change_cell(condition.id, area, then, previous_name))
        if sees_plans:
            change.actions_done = [
                DoneAction(
                    id=action.id,
                    title=action.title,
                    team_name=action.team.name if action.team is not None else "Whole area",
                    done_on=day_month_year(action.done_on) if action.done_on else "",
                    conditions=", ".join(
                        model.condition_by_id[c].name
                        for c in (action.condition_ids or "").split()
                        if c in model.condition_by_id
                    ),
                )
                for action in done[area.area_id]
            ]
        changes.append(change)
    return changes


def _change_cell(
    condition_id: str, area: AreaInPeriod, then: AreaInPeriod | None, previous_name: str
) -> ChangeCell:
    def shown(outcome: Withheld | Disclosed | None) -> GroupScore | None:
        if not isinstance(outcome, Disclosed):
            return None
        return outcome.scores.conditions.get(condition_id)

    after = shown(area.total)
    before = shown(then.total) if then is not None else None
    if before is None:
        return ChangeCell(compared=False, sentence=f"Not shown in {previous_name}")
    if after is None:
        return ChangeCell(compared=False, sentence="Not shown in this period")
    found = difference_interval_95(_sums(after), _sums(before))
    assert found is not None  # both have people
    change, band = found
    cell = ChangeCell(
        compared=True,
        before=round(before.mean, 2),
        after=round(after.mean, 2),
        change=round(change, 2),
        change_text=_signed(change),
    )
    if band is not None:
        cell.change_text += f" ({_signed(band.low)} to {_signed(band.high)})"
        cell.moved = _side(band.low, band.high)
    cell.sentence = {
        1: "Clearly higher than before",
        -1: "Clearly lower than before",
        0: "No clear change",
    }[cell.moved]
    return cell


def county_view(
    actor: Actor,
    period_id: int | None = None,
    order_by: str = ORDER_BY_NAME,
    selected_area_ids: Sequence[int] = (),
) -> CountyView:
    """The county dashboard for one period (the newest begun, unless asked)."""
    require(actor, Permission.VIEW_AREA_RESULTS)
    with transaction() as session:
        organisation = session.get_one(Organisation, actor.organisation_id)
        periods = _periods(session, organisation.id)
        options = [PeriodOption(p.id, p.name, _period_dates(p)) for p in periods]
        view = CountyView(
            organisation_name=organisation.name,
            threshold=organisation.anonymity_threshold,
            periods=options,
            period_id=0,
            period_name="",
            responses=0,
            responses_text="No assessment period yet",
            response_rate_text="",
            disclosed=False,
            order_by=order_by,
        )
        if not periods:
            return view
        period = _chosen_period(periods, period_id)
        at = periods.index(period)
        previous = periods[at + 1] if at + 1 < len(periods) else None
        sees_plans = actor.can(Permission.VIEW_PLANS)
        # Everything the view is made from, read in one statement before anything else: when
        # none of it changed since a look in this process, that look's view is the answer.
        # Read first, so that what this look goes on to read is at least as new as its mark.
        mark = county_mark(session, organisation.id, [p.id for p in (period, previous) if p])
        key = (
            "county",
            organisation.id,
            period.id,
            order_by,
            tuple(sorted(set(selected_area_ids))),
            sees_plans,
            clock.today(),
        )
        inputs = (
            organisation.name,
            organisation.anonymity_threshold,
            tuple((p.id, p.name, p.opens_on, p.closes_on) for p in periods),
            mark.data,
        )
        found = kept_view(session, key, (inputs, mark.ledger_last_id), CountyView)
        if found is not None:
            return found
        _build_county_view(
            session, view, organisation, period, previous, order_by, selected_area_ids, sees_plans
        )  # fmt: skip
        # Kept with the ledger as the next look will find it: with the rows this look wrote
        # (under the organisation's lock), or as it was at the mark if this look made no
        # decisions and nothing was written since.
        after = last_id_after(session, organisation.id, Audience.AREA)
        if after is None and ledger_last_id(session, organisation.id) == mark.ledger_last_id:
            after = mark.ledger_last_id
        if after is not None:
            keep_once_committed(session, key, (inputs, after), view)
        return view


def _build_county_view(
    session: Session,
    view: CountyView,
    organisation: Organisation,
    period: AssessmentPeriod,
    previous: AssessmentPeriod | None,
    order_by: str,
    selected_area_ids: Sequence[int],
    sees_plans: bool,
) -> None:
    """Fills `view` with the period's results, and the change since `previous`."""
    results = county_results(session, organisation, period, selected_area_ids)
    model = results.model
    teams = _staff_by_team(session, [a.area_id for a in results.areas])
    all_teams = [t for area in results.areas for t in teams[area.area_id]]
    answered = sum(len(a.parts) for a in results.areas)
    view.period_id, view.period_name = period.id, period.name
    view.threshold = results.threshold
    view.responses = results.total.responses
    view.responses_text = (
        f"{count_of(results.total.responses, 'response', 'responses')} from "
        f"{count_of(answered, 'team', 'teams')} of {len(all_teams)}"
    )
    view.response_rate_text = _rate(
        results.total.responses,
        sum(t.staff_count or 0 for t in all_teams),
        sum(1 for t in all_teams if t.staff_count is None),
    )
    view.disclosed = isinstance(results.total, Disclosed)
    view.selected_area_ids = sorted(
        {a for a in selected_area_ids if a in {x.area_id for x in results.areas}}
    )
    if model is None:
        view.areas = [
            _row(
                a.area_id,
                a.area_name,
                a.total,
                None,
                results.total,
                [t.staff_count for t in teams[a.area_id]],
            )  # fmt: skip
            for a in results.areas
        ]
        return
    view.condition_names = [c.name for c in model.conditions]
    county_row = _row(
        organisation.id,
        "County",
        results.total,
        model,
        results.total,
        [t.staff_count for t in all_teams],
        is_county=True,
    )
    every_part = [p for a in results.areas for p in a.parts]
    for condition, cell in zip(model.conditions, county_row.cells, strict=True):
        column = ConditionColumn(id=condition.id, name=condition.name, county=cell)
        if isinstance(results.total, Disclosed) and condition.id in results.total.alpha:
            alpha = results.total.alpha[condition.id]
            column.alpha = None if alpha is None else round(alpha, 2)
            column.alpha_text = (
                f"{alpha:.2f}" if alpha is not None else "Not enough complete answers"
            )
            column.consistency_warning = consistency_warning(alpha) or ""
        column.levels, column.teams_hidden = _levels(model, condition.id, every_part)
        view.conditions.append(column)
    rows = [
        _row(
            a.area_id,
            a.area_name,
            a.total,
            model,
            results.total,
            [t.staff_count for t in teams[a.area_id]],
        )  # fmt: skip
        for a in results.areas
    ]
    view.areas = _ordered(rows, order_by, model)
    if results.selection is not None:
        view.selection = _row(
            0,
            f"Selected areas ({len(view.selected_area_ids)})",
            results.selection,
            model,
            results.total,
            [t.staff_count for a in view.selected_area_ids for t in teams.get(a, [])],
        )
    elif results.selection_refused:
        view.selection_note = (
            "These areas cannot be shown together: the areas left out have fewer than "
            f"{results.threshold} responses between them, so taking the areas you chose "
            "away from the county would show what those few people said. Choose more "
            "areas, or fewer."
        )
    view.any_hidden = any(
        not cell.shown
        for row in [county_row, *view.areas, *([view.selection] if view.selection else [])]
        for cell in row.cells
    )
    if previous is not None:
        before = county_results(session, organisation, previous)
        view.previous_period_name = previous.name
        end = min(period.closes_on, clock.today())
        view.changes = _changes(
            session, model, results, before, previous.opens_on, end, previous.name,
            sees_plans,
        )  # fmt: skip


def county_area_view(
    actor: Actor, area_id: int, period_id: int | None = None, order_by: str = ORDER_BY_NAME
) -> CountyAreaView:
    """One area's teams in one period, with the area's and the county's rows above them."""
    require(actor, Permission.VIEW_AREA_RESULTS)
    with transaction() as session:
        area = area_in_reach(session, actor, area_id, Permission.VIEW_AREA_RESULTS)
        organisation = session.get_one(Organisation, actor.organisation_id)
        periods = _periods(session, organisation.id)
        if not periods:
            raise NotFound("There is no assessment period yet, so there is no county to show.")
        period = _chosen_period(periods, period_id)
        results = county_results(session, organisation, period)
        found = next((a for a in results.areas if a.area_id == area.id), None)
        if found is None:
            raise NotFound(
                f"{area.name} is not part of {period.name}: choose another period on the "
                "county dashboard."
            )
        model = results.model
        every_team = _staff_by_team(session, [a.area_id for a in results.areas])
        teams = every_team[area.id]
        staff = {t.id: t.staff_count for t in teams}
        county_staff = [t.staff_count for ts in every_team.values() for t in ts]
        view = CountyAreaView(
            area_id=area.id,
            area_name=area.name,
            period_id=period.id,
            period_name=period.name,
            threshold=found.threshold,
            condition_names=[c.name for c in model.conditions] if model else [],
            area=_row(
                area.id,
                area.name,
                found.total,
                model,
                results.total,
                [t.staff_count for t in teams],
            ),  # fmt: skip
            county=_row(
                organisation.id,
                "County",
                results.total,
                model,
                results.total,
                county_staff,
                is_county=True,
            ),  # fmt: skip
            order_by=order_by,
            order_choices=[ConditionChoice(c.id, c.name) for c in model.conditions]
            if model
            else [],
        )
        rows = [
            _row(
                part.team_id,
                part.team_name,
                part.outcome,
                model,
                results.total,
                [staff.get(part.team_id)],
            )  # fmt: skip
            for part in found.parts
        ]
        answered = {part.team_id for part in found.parts}
        rows += [
            _row(t.id, t.name, Withheld(0, found.threshold), model, results.total, [t.staff_count])
            for t in teams
            if t.id not in answered
        ]
        view.teams = _ordered(rows, order_by, model)
        view.any_hidden = any(
            not c.shown for row in [view.area, view.county, *view.teams] for c in row.cells
        )
        return view
