"""A round's results page: its scores through the anonymity gate, its comments, and each
condition against the team's previous round with results, with the actions done in between."""

from __future__ import annotations

from culturetool.domain import clock
from culturetool.domain.access import Actor, Permission
from culturetool.domain.change import (
    FIRST_ROUND,
    NO_EARLIER_RESULTS,
    NOT_ASKED_BEFORE,
    ShownScore,
    change_between,
    change_summary,
    why_not_compared,
)
from culturetool.domain.model_schema import CultureModel
from culturetool.domain.targets import targets_in_force
from culturetool.domain.wording import count_of, day_month_year
from culturetool.services.model_provider import current_model
from culturetool.services.reach import round_in_reach
from culturetool.services.rounds import round_dates
from culturetool.services.score_rows import fill_scores, score_row, why_hidden
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.disclosure import Disclosed, round_comments, round_results
from culturetool.store.tables import AssessmentRound
from culturetool.views.results import (
    ChangeRow,
    DoneAction,
    Hidden,
    ResultsView,
    RoundComparison,
    ScoreRow,
)


def results_for_round(actor: Actor, round_id: int) -> ResultsView:
    with transaction() as session:
        round_ = round_in_reach(session, actor, round_id, Permission.VIEW_RESULTS)
        model = repo.model_of_round(session, round_)
        sees_area = actor.can(Permission.VIEW_AREA_RESULTS)
        outcome = round_results(session, round_, model, viewer_sees_area_figures=sees_area)
        view = ResultsView(
            round_id=round_.id,
            team_id=round_.team_id,
            team_name=round_.team.name,
            area_name=round_.team.area.name,
            opened_on=day_month_year(round_.opened_at),
            closed_on=day_month_year(round_.closed_at),
            model_label=round_.model_version.label,
            responses=outcome.responses,
            threshold=outcome.threshold,
            disclosed=isinstance(outcome, Disclosed),
            still_needed=0 if isinstance(outcome, Disclosed) else outcome.still_needed,
            responses_text=count_of(outcome.responses, "response", "responses"),
        )
        if isinstance(outcome, Disclosed):
            team = round_.team
            levels = repo.target_levels(session, actor.organisation_id, team.area_id, team.id)
            targets = targets_in_force(
                levels, model.condition_by_id, model.signals.default_target_level
            )
            fill_scores(view, outcome, model, outcome.protected, targets, round_.staff_count)
            view.comparison, view.comparison_note = _compare_with_previous(
                session, actor, round_, view.conditions
            )
        comments = round_comments(session, round_)
        view.comment_threshold = comments.threshold
        view.comments_shown = comments.shown
        view.comments = list(comments.comments)
        return view


# ---- a round against the team's previous one ----------------------------------------------


def _shown(row: ScoreRow) -> ShownScore:
    return ShownScore(mean=row.mean, level=row.level, level_name=row.level_name)


def _change_row(current: ScoreRow, previous: ScoreRow | None) -> ChangeRow:
    row = ChangeRow(key=current.key, name=current.name, compared=False)
    if not current.shown:
        row.sentence = why_not_compared(current.hidden is Hidden.PROTECTED, "this round")
    elif previous is None:
        row.sentence = NOT_ASKED_BEFORE
    elif not previous.shown:
        row.sentence = why_not_compared(previous.hidden is Hidden.PROTECTED, "the previous round")
    else:
        change = change_between(_shown(previous), _shown(current))
        row.compared, row.previous, row.current = True, previous.mean, current.mean
        row.change, row.change_text = change.change, change.change_text
        row.direction, row.sentence = change.direction, change.sentence
    return row


def _condition_names(ids: str, models: list[CultureModel]) -> str:
    names = []
    for condition_id in ids.split():
        known = next((m.condition_by_id[condition_id] for m in models
                      if condition_id in m.condition_by_id), None)  # fmt: skip
        names.append(known.name if known else condition_id)
    return ", ".join(names)


def _latest_with_results(
    session, rounds: list[AssessmentRound], sees_area: bool
) -> tuple[AssessmentRound, CultureModel, Disclosed] | None:
    """The most recent of these rounds whose results are shown, as its own page shows them."""
    for candidate in sorted(rounds, key=lambda r: (r.opened_at, r.id), reverse=True):
        model = repo.model_of_round(session, candidate)
        outcome = round_results(session, candidate, model, viewer_sees_area_figures=sees_area)
        if isinstance(outcome, Disclosed):
            return candidate, model, outcome
    return None


def _compare_with_previous(
    session, actor: Actor, round_: AssessmentRound, current_rows: list[ScoreRow]
) -> tuple[RoundComparison | None, str]:
    """This round against the team's most recent earlier round whose results this person may
    see, through the same gate as that round's own page; with the actions done in between."""
    earlier = [
        r
        for r in round_.team.rounds
        if r.id != round_.id and (r.opened_at, r.id) < (round_.opened_at, round_.id)
    ]
    if not earlier:
        return None, FIRST_ROUND
    found = _latest_with_results(session, earlier, actor.can(Permission.VIEW_AREA_RESULTS))
    if found is None:
        return None, NO_EARLIER_RESULTS
    previous, previous_model, outcome = found
    previous_rows: dict[str, ScoreRow] = {}
    for condition in previous_model.conditions:
        group = outcome.scores.conditions[condition.id]
        reason = why_hidden(("condition", condition.id), outcome.protected)
        previous_rows[condition.id] = score_row(
            group, condition.id, condition.name, previous_model, reason
        )
    rows = [_change_row(row, previous_rows.get(row.key)) for row in current_rows]
    start = previous.opened_at.date()
    end = round_.closed_at.date() if round_.closed_at else clock.today()
    comparison = RoundComparison(
        previous_round_id=previous.id,
        previous_dates=round_dates(previous.opened_at, previous.closed_at),
        summary=change_summary([r.direction for r in rows]),
        actions_from=day_month_year(start),
        actions_to=day_month_year(end),
        actions_shown=actor.can(Permission.VIEW_PLANS),
        rows=rows,
    )
    if comparison.actions_shown:
        models = [current_model(), repo.model_of_round(session, round_), previous_model]
        comparison.actions_done = [
            DoneAction(
                id=action.id,
                title=action.title,
                team_name=action.team.name if action.team is not None else "Whole area",
                done_on=day_month_year(action.done_on) if action.done_on else "",
                conditions=_condition_names(action.condition_ids or "", models),
            )
            for action in repo.actions_done_between(
                session, round_.team.area_id, round_.team_id, start, end
            )
        ]
    return comparison, ""
