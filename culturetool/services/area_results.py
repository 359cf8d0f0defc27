"""An area's results page: the area's pooled scores and each team's latest round with
results side by side, as leaders and the innovation team see them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from culturetool.domain.access import Actor, Permission
from culturetool.domain.targets import targets_in_force
from culturetool.domain.wording import count_of
from culturetool.services.reach import area_in_reach
from culturetool.services.rounds import round_dates
from culturetool.services.score_rows import as_before_note, fill_scores, why_hidden
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.disclosure import Disclosed, TeamPart, Withheld, area_results
from culturetool.store.tables import AssessmentRound
from culturetool.views.results import (
    AreaResultsView,
    AreaTeamRow,
    ConditionAcrossTeams,
    Hidden,
    TeamCell,
)


def area_results_view(actor: Actor, area_id: int) -> AreaResultsView:
    """The area's pooled scores and a row per team, as leaders and innovation teams see them."""
    with transaction() as session:
        area = area_in_reach(session, actor, area_id, Permission.VIEW_AREA_RESULTS)
        results = area_results(session, area)
        total = results.total
        view = AreaResultsView(
            area_id=area.id,
            area_name=area.name,
            responses=total.responses,
            threshold=total.threshold,
            disclosed=isinstance(total, Disclosed),
            still_needed=total.still_needed if isinstance(total, Withheld) else 0,
            teams_without_responses=results.teams_without_responses,
            responses_text=count_of(total.responses, "response", "responses"),
            teams_text=count_of(len(results.parts), "team", "teams"),
        )
        model = results.model
        if model is None:
            return view
        view.model_label = model.meta.version_label
        view.condition_names = [c.name for c in model.conditions]
        if isinstance(total, Disclosed):
            levels = repo.target_levels(session, actor.organisation_id, area.id)
            targets = targets_in_force(
                levels, model.condition_by_id, model.signals.default_target_level
            )
            fill_scores(view, total, model, targets=targets, staff=_staff(session, results.parts))
        for part in results.parts:
            row = AreaTeamRow(
                team_id=part.team_id,
                team_name=part.team_name,
                round_id=part.round_id,
                round_dates=round_dates(part.opened_at, part.closed_at),
                responses=part.outcome.responses,
                disclosed=isinstance(part.outcome, Disclosed),
                responses_text=count_of(part.outcome.responses, "response", "responses"),
            )
            if isinstance(part.outcome, Disclosed):
                # The team's round may use an older model: a condition it did not ask about
                # is missing from its scores and gets no figure.
                by_condition = part.outcome.scores.conditions
                for condition in model.conditions:
                    group = by_condition.get(condition.id)
                    if group is None:
                        reason = why_hidden(("condition", condition.id), part.protected)
                        row.cells.append(TeamCell(shown=False, hidden=reason))
                    else:
                        mean = round(group.mean, 2)
                        level = model.level_for_score(mean).level
                        note = as_before_note(
                            part.outcome.as_before.get(("condition", condition.id))
                        )
                        row.cells.append(TeamCell(shown=True, mean=mean, level=level, note=note))
            view.any_protected = view.any_protected or bool(part.protected)
            view.teams.append(row)
        view.grid = _grid(view)
        return view


def _staff(session: Session, parts: list[TeamPart]) -> int | None:
    """How many work in the teams the area's figures pool, as their managers said when opening
    the rounds that count; None unless every one of those rounds says."""
    counts = [session.get_one(AssessmentRound, part.round_id).staff_count for part in parts]
    if not counts or None in counts:
        return None
    return sum(count for count in counts if count is not None)


def _grid(view: AreaResultsView) -> list[ConditionAcrossTeams]:
    grid = []
    for number, name in enumerate(view.condition_names):
        area_row = view.conditions[number] if view.disclosed else None
        area_cell = (
            TeamCell(shown=True, mean=area_row.mean, level=area_row.level, note=area_row.note)
            if area_row is not None and area_row.shown
            else TeamCell(shown=False, hidden=area_row.hidden if area_row else None)
        )
        cells = [
            team.cells[number] if team.disclosed else TeamCell(shown=False, hidden=Hidden.TOO_FEW)
            for team in view.teams
        ]
        grid.append(ConditionAcrossTeams(name=name, area=area_cell, teams=cells))
    return grid
