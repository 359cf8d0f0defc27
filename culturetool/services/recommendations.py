"""Recommendations for a team or an area, as the recommendations page shows them.

The figures come from the anonymity gate (`store/disclosure.py`) exactly as the person asking may
see them, the targets from the organisation, area and team, the interventions under way from the
plans; `domain/recommendations.py` does the reasoning. Nothing hidden reaches the domain code, so
no recommendation can rest on data that is not shown.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from culturetool.domain.access import Actor, Permission, require
from culturetool.domain.kinds import TargetScope
from culturetool.domain.model_schema import CultureModel
from culturetool.domain.recommendations import (
    JudgedGap,
    RankedSuggestion,
    Recommendations,
    SuggestedBundle,
    SuggestedIntervention,
    UnjudgedGap,
    WorkshopThemes,
    recommend,
)
from culturetool.domain.targets import target_band, targets_in_force
from culturetool.domain.wording import count_of, day_month_year, how_sure_words
from culturetool.services.model_provider import current_model
from culturetool.services.reach import area_in_reach, team_in_reach
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.disclosure import (
    Disclosed,
    Withheld,
    area_results,
    response_counts,
    round_results,
    round_to_show,
)
from culturetool.store.tables import (
    PlanRequest,
    Workshop,
    WorkshopDay,
    WorkshopTeam,
    WorkshopTheme,
)
from culturetool.views.results import Hidden

# A weak team can be offered all twelve bundles; three at a time is what a team can act on.
# The rest of each list is folded away.
SHOWN_IN_FULL = 3


@dataclass
class GapRow:
    condition_id: str
    name: str
    target: str  # the band, e.g. "Thriving: 3.4 and above"
    shown: bool
    mean: float = 0.0
    level: int = 0
    level_name: str = ""
    gap: float = 0.0
    below_target: bool = False
    how_sure: str = ""  # answers and spread, or why it cannot be judged
    hidden: Hidden | None = None  # set when the gate protected the score; the page words it


@dataclass
class SignalRow:
    name: str
    sentence: str
    fired: bool


@dataclass
class InterventionRow:
    intervention_id: str
    name: str
    what: str
    who: str
    timescale: str
    evidence: str
    under_way: bool
    from_signal: bool
    why: list[str] = field(default_factory=list)
    sentence: str = ""  # why this, in one sentence
    bundle_id: str = ""
    bundle_name: str = ""
    condition_ids: list[str] = field(default_factory=list)  # the bundle's, for a new action
    can_add_to_plan: bool = False  # to the plan of the page's team or area
    plan_link: str = ""  # filled by the page (ui/routes.py): the plan with this action filled in
    # A team's asks of its leaders: the manager asks for it in the area's plan; someone who
    # edits the area's plan adds it there directly (the page fills area_plan_link).
    can_ask: bool = False
    asked: bool = False  # the team has asked for it already
    can_add_to_area_plan: bool = False
    area_plan_link: str = ""


@dataclass
class BundleRow:
    bundle_id: str
    number: int
    name: str
    description: str
    rank: int
    score: float
    headline: str  # the reason in one sentence; `why` has the detail
    condition_names: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    interventions: list[InterventionRow] = field(default_factory=list)


@dataclass
class RecommendationsView:
    scope: TargetScope  # TEAM or AREA
    scope_id: int
    name: str
    area_id: int
    area_name: str
    based_on: str  # which responses the figures come from
    disclosed: bool
    responses: int = 0
    responses_text: str = ""  # "1 response", for the notice while scores are withheld
    threshold: int = 0
    still_needed: int = 0
    summary: str = ""
    gaps: list[GapRow] = field(default_factory=list)
    signals: list[SignalRow] = field(default_factory=list)
    # What the team (or the area and organisation) can do: the first few, and the rest folded.
    top: list[InterventionRow] = field(default_factory=list)
    more: list[InterventionRow] = field(default_factory=list)
    # A team's asks of leaders and commissioners; an area's: what its teams can do themselves.
    others: list[InterventionRow] = field(default_factory=list)
    more_others: list[InterventionRow] = field(default_factory=list)
    bundles: list[BundleRow] = field(default_factory=list)  # every bundle, ranked: the reasons
    can_plan: bool = False
    sees_plan: bool = False
    can_ask: bool = False  # may ask the area's plan for the team's asks
    can_plan_area: bool = False  # may add to the area's plan directly
    results_round_id: int = 0  # a team's round the figures come from; 0 for an area or none
    # Filled by the page from ui/routes.py; services return ids, not page addresses.
    plan_link: str = ""
    results_link: str = ""
    targets_link: str = ""


def _gap_rows(model: CultureModel, result: Recommendations) -> list[GapRow]:
    rows = []
    for gap in result.gaps:
        target = target_band(model.maturity_level(gap.target_level))
        match gap:
            case UnjudgedGap():
                how_sure = gap.reason[:1].upper() + gap.reason[1:]
                rows.append(
                    GapRow(gap.condition_id, gap.name, target, shown=False, how_sure=how_sure)
                )
            case JudgedGap():
                how_sure = how_sure_words(gap.respondents, gap.spread, gap.dont_know)
                rows.append(
                    GapRow(
                        gap.condition_id,
                        gap.name,
                        target,
                        shown=True,
                        mean=gap.mean,
                        level=gap.level,
                        level_name=gap.level_name,
                        gap=gap.gap,
                        below_target=gap.below_target,
                        how_sure=how_sure,
                    )
                )
    return rows


def _headline(model: CultureModel, result: Recommendations, bundle: SuggestedBundle) -> str:
    # A bundle's conditions are the judged ones below target it serves.
    judged = {gap.condition_id: gap for gap in result.gaps if isinstance(gap, JudgedGap)}
    signals = {signal.rule_id: signal.name for signal in result.signals}
    below = [
        f"{model.condition_by_id[c].name} ({judged[c].gap:.2f} below)" for c in bundle.conditions
    ]
    named = [f"“{signals[rule]}”" for rule in bundle.rules]
    if below:
        conditions = count_of(len(below), "condition", "conditions")
        sentence = f"It builds {conditions} below target: {'; '.join(below)}."
        if named:
            sentence += f" It also answers {count_of(len(named), 'signal', 'signals')}: "
            sentence += f"{', '.join(named)}."
        return sentence
    return (
        "None of the conditions it builds is below target, but it answers "
        f"{count_of(len(named), 'signal', 'signals')}: {', '.join(named)}."
    )


def _bundle_rows(model: CultureModel, result: Recommendations) -> list[BundleRow]:
    rows = []
    for bundle in result.bundles:
        rows.append(
            BundleRow(
                bundle_id=bundle.bundle_id,
                number=bundle.number,
                name=bundle.name,
                description=bundle.description,
                rank=bundle.rank,
                score=round(bundle.score, 2),
                headline=_headline(model, result, bundle),
                condition_names=[model.condition_by_id[c].name for c in bundle.conditions],
                why=list(bundle.why),
                interventions=[_intervention_row(i) for i in bundle.interventions],
            )
        )
    return rows


def _intervention_row(suggestion: SuggestedIntervention) -> InterventionRow:
    return InterventionRow(
        intervention_id=suggestion.intervention_id,
        name=suggestion.name,
        what=suggestion.what,
        who=suggestion.who,
        timescale=suggestion.timescale,
        evidence=suggestion.evidence,
        under_way=suggestion.under_way,
        from_signal=bool(suggestion.rules),
        why=list(suggestion.why),
    )


def _suggestion_row(ranked: RankedSuggestion) -> InterventionRow:
    row = _intervention_row(ranked.intervention)
    row.sentence = ranked.sentence
    row.bundle_id, row.bundle_name = ranked.bundle_id, ranked.bundle_name
    row.condition_ids = list(ranked.condition_ids)
    return row


def _targets(model: CultureModel, levels: dict[str, dict[str, int]]) -> dict[str, int]:
    """The target in force for each of the model's conditions."""
    return targets_in_force(
        levels, (c.id for c in model.conditions), model.signals.default_target_level
    )


def _fill(
    view: RecommendationsView,
    model: CultureModel,
    outcome: Disclosed,
    targets: dict[str, int],
    under_way: set[str],
    asked: Collection[str] = (),
    workshops: Sequence[WorkshopThemes] = (),
) -> None:
    scores = outcome.scores
    result = recommend(
        _who_acts_filled_in(model),
        scores.conditions,
        audience=view.scope,
        targets=targets,
        acceptance=scores.acceptance,
        confidence=scores.confidence,
        items=outcome.items,
        workshops=workshops,
        under_way=under_way,
    )
    view.summary = result.summary
    view.gaps = _gap_rows(model, result)
    protected = {key for kind, key in outcome.protected if kind == "condition"}
    for row in view.gaps:
        if row.condition_id in protected:
            row.hidden, row.how_sure = Hidden.PROTECTED, ""
    hidden = (
        "some scores are hidden here so that a smaller team's answers cannot be worked out from"
        " the area's figures"
    )
    if protected and result.bundles:
        view.summary = f"{result.summary} Also, {hidden}; they are left out of the suggestions."
    elif protected:
        view.summary = f"Nothing can be suggested from the scores shown here: {hidden}."
    view.signals = [SignalRow(s.name, s.sentence, s.fired) for s in result.signals]
    view.bundles = _bundle_rows(model, result)
    own = [_suggestion_row(r) for r in result.own]
    for suggestion in own:
        suggestion.can_add_to_plan = view.can_plan and view.sees_plan
    others = [_suggestion_row(r) for r in result.others]
    if view.scope == TargetScope.TEAM:  # the asks of leaders: to the area's plan
        for ask in others:
            ask.asked = ask.intervention_id in asked
            ask.can_add_to_area_plan = view.can_plan_area
            ask.can_ask = view.can_ask and not ask.can_add_to_area_plan
    view.top, view.more = own[:SHOWN_IN_FULL], own[SHOWN_IN_FULL:]
    view.others, view.more_others = others[:SHOWN_IN_FULL], others[SHOWN_IN_FULL:]


def _who_acts_filled_in(model: CultureModel) -> CultureModel:
    """The model with each intervention saying who carries it out. A round opened before the
    model said so has a snapshot without it; the current model's word for the same intervention
    is the best there is (one it no longer has counts as the organisation's, in the domain)."""
    if all(i.carried_out_by is not None for i in model.interventions):
        return model
    current = current_model().intervention_by_id
    filled = [
        i.model_copy(update={"carried_out_by": current[i.id].carried_out_by})
        if i.carried_out_by is None and i.id in current
        else i
        for i in model.interventions
    ]
    return model.model_copy(update={"interventions": filled})


def _workshop_themes(
    session: Session, area_id: int, team_id: int | None = None
) -> list[WorkshopThemes]:
    """The area's workshops with their themes' condition tags, oldest first; for a team, only
    the workshops held about that team. A theme tagged with nothing counts for nothing."""
    query = select(Workshop.id, Workshop.title).where(Workshop.area_id == area_id)
    if team_id is not None:
        query = query.join(WorkshopTeam, WorkshopTeam.workshop_id == Workshop.id).where(
            WorkshopTeam.team_id == team_id
        )
    workshops = session.execute(query.order_by(Workshop.id)).all()
    ids = [workshop_id for workshop_id, _ in workshops]
    first_days = {
        workshop_id: day
        for workshop_id, day in session.execute(
            select(WorkshopDay.workshop_id, func.min(WorkshopDay.day))
            .where(WorkshopDay.workshop_id.in_(ids))
            .group_by(WorkshopDay.workshop_id)
        )
    }
    tags: dict[int, list[frozenset[str]]] = {}
    for workshop_id, condition_ids in session.execute(
        select(WorkshopTheme.workshop_id, WorkshopTheme.condition_ids)
        .where(WorkshopTheme.workshop_id.in_(ids), WorkshopTheme.condition_ids != "")
        .order_by(WorkshopTheme.id)
    ):
        tags.setdefault(workshop_id, []).append(frozenset(condition_ids.split()))
    evidence = [
        WorkshopThemes(title, first_days.get(workshop_id), tuple(tags[workshop_id]))
        for workshop_id, title in workshops
        if workshop_id in tags
    ]
    return sorted(evidence, key=lambda w: (w.held_on is None, w.held_on))


def _withheld(view: RecommendationsView, outcome: Withheld) -> None:
    view.disclosed = False
    view.responses = outcome.responses
    view.responses_text = count_of(outcome.responses, "response", "responses")
    view.threshold = outcome.threshold
    view.still_needed = outcome.still_needed


def team_recommendations(actor: Actor, team_id: int) -> RecommendationsView:
    """What the team could do next, from its latest round with enough answers."""
    # Refused before anything is read: a manager asking for another team's is told no, whether
    # or not that team exists.
    require(actor, Permission.VIEW_RESULTS, team_id=team_id)
    with transaction() as session:
        team = team_in_reach(session, actor, team_id, Permission.VIEW_RESULTS)
        view = RecommendationsView(
            scope=TargetScope.TEAM,
            scope_id=team.id,
            name=team.name,
            area_id=team.area_id,
            area_name=team.area.name,
            based_on="",
            disclosed=False,
            can_plan=actor.can(Permission.EDIT_PLANS),
            sees_plan=actor.can(Permission.VIEW_PLANS),
            can_ask=actor.may(Permission.EDIT_PLANS, team.id),
            can_plan_area=actor.can(Permission.EDIT_AREA_PLANS),
        )
        counts = response_counts(session, (r.id for r in team.rounds))
        round_ = round_to_show(team.rounds, counts)
        if round_ is None:
            view.based_on = "The team has no responses yet."
            return view
        view.results_round_id = round_.id
        closed = f" to {day_month_year(round_.closed_at)}" if round_.closed_at else " (still open)"
        view.based_on = f"From the round opened {day_month_year(round_.opened_at)}{closed}"
        model = repo.model_of_round(session, round_)
        sees_area = actor.can(Permission.VIEW_AREA_RESULTS)
        outcome = round_results(session, round_, model, viewer_sees_area_figures=sees_area)
        view.based_on += f": {count_of(outcome.responses, 'response', 'responses')}."
        if isinstance(outcome, Withheld):
            _withheld(view, outcome)
            return view
        view.disclosed = True
        view.responses = outcome.responses
        targets = _targets(
            model, repo.target_levels(session, actor.organisation_id, team.area_id, team.id)
        )
        under_way = repo.interventions_in_plan(session, team.area_id, team.id)
        asked = set(
            session.scalars(
                select(PlanRequest.intervention_id).where(PlanRequest.team_id == team.id)
            )
        )
        workshops = _workshop_themes(session, team.area_id, team.id)
        _fill(view, model, outcome, targets, under_way, asked, workshops)
        return view


def area_recommendations(actor: Actor, area_id: int) -> RecommendationsView:
    """What the area could do next, from the pooled figures its results page shows."""
    with transaction() as session:
        area = area_in_reach(session, actor, area_id, Permission.VIEW_AREA_RESULTS)
        view = RecommendationsView(
            scope=TargetScope.AREA,
            scope_id=area.id,
            name=area.name,
            area_id=area.id,
            area_name=area.name,
            based_on="",
            disclosed=False,
            can_plan=actor.can(Permission.EDIT_AREA_PLANS),
            sees_plan=actor.can(Permission.VIEW_PLANS),
        )
        results = area_results(session, area)
        teams = len(results.parts)
        view.based_on = (
            f"From each team's latest round with answers: "
            f"{count_of(results.total.responses, 'response', 'responses')} from "
            f"{count_of(teams, 'team', 'teams')}."
        )
        if isinstance(results.total, Withheld) or results.model is None:
            assert isinstance(results.total, Withheld)  # no model means no responses at all
            _withheld(view, results.total)
            return view
        view.disclosed = True
        view.responses = results.total.responses
        targets = _targets(
            results.model, repo.target_levels(session, actor.organisation_id, area.id)
        )
        under_way = repo.interventions_in_plan(session, area.id)
        workshops = _workshop_themes(session, area.id)
        _fill(view, results.model, results.total, targets, under_way, workshops=workshops)
        return view
