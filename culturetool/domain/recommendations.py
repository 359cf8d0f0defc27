"""Recommendations for a team or an area: from gaps against targets to bundles of interventions.

Pure functions over the culture model and the scores the store has already disclosed: no
database, no web. The rules are the model's data (the condition-to-bundle weights in
bundles.yaml; the default target, points per theme and signal rules in signals.yaml); this
module applies them and says why in plain English.

Ranking: a bundle's score, in score points, is the sum of
- weight x gap for every condition it serves that is below target;
- weight x points_per_theme x themes for those same conditions: focus-group themes tagged with
  a condition strengthen a gap the survey shows but never create one, because a theme says
  people talked about a condition, not that it is weak. A workshop's themes count here too
  (`WorkshopThemes`), and the reasons name the workshop: "From the workshop “Carers' voices”
  (March 2026): 3 themes point at ...". A theme tagged with no condition counts for nothing;
- for every signal rule that fired and points at one of its interventions, how far past the
  threshold the score is, counted once per bundle (a rule weighs like a condition served with
  weight 1.0 whose target is the threshold). A rule that fires exactly at its threshold adds
  nothing to the score but its interventions are still suggested.
Highest first; equal scores go to the lower bundle number, so the order never depends on chance.

Withheld data is never used: a condition, acceptance scale, confidence pair or statement that
is None or missing makes no gap, fires no rule, is named in no recommendation, and its gap is
reported as "not enough answers to judge". Scores are compared as people see them, rounded to
two decimals, so a team shown at 3.40 is at Thriving, not a hair below it.

Ids the model does not know (in targets, themes or interventions under way, for instance saved
against an older model version) are ignored.

Who can act: every intervention says who carries it out (a team, its service or area, or the
whole organisation). The ranking above does not depend on it; the audience decides only how the
ranked interventions are split. A team's own list holds what the team and its manager can do
themselves, and the rest is what to ask of leaders and commissioners; an area's own list holds
the area's and the organisation's, and the rest is what its teams can do themselves. Each list
keeps the ranking's order (the bundle's rank, then the order within the bundle), with what is
already under way last, and every suggestion says in one sentence why it is there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from culturetool.domain.kinds import CarriedOutBy, TargetScope
from culturetool.domain.model_schema import (
    CONFIDENCE_GAP,
    Bundle,
    Condition,
    CultureModel,
    Intervention,
    SignalRule,
)
from culturetool.domain.scoring import ConfidenceGap, GroupScore, ItemScore
from culturetool.domain.targets import gap_words
from culturetool.domain.wording import count_of, how_sure_words, month_year

NOT_ENOUGH_ANSWERS = "not enough answers to judge"


@dataclass(frozen=True)
class _GapAgainstTarget:
    """What every condition's gap says, judged or not: the condition and its target."""

    condition_id: str
    name: str
    target_level: int
    target_name: str
    target_score: float  # the target level's min_score
    themes: int  # focus-group themes tagged with the condition
    sentence: str


@dataclass(frozen=True)
class JudgedGap(_GapAgainstTarget):
    """A condition whose score was shown, and how far it is below its target."""

    mean: float  # rounded to two decimals, as shown
    level: int
    level_name: str
    gap: float  # score points below target; 0 at or above it
    respondents: int
    answers: int
    dont_know: int
    spread: float

    @property
    def below_target(self) -> bool:
        return self.gap > 0


@dataclass(frozen=True)
class UnjudgedGap(_GapAgainstTarget):
    """A condition whose score was withheld: nothing can be said about its gap."""

    reason: str = NOT_ENOUGH_ANSWERS


# Every condition has one of the two; `isinstance(gap, JudgedGap)` tells which.
ConditionGap = JudgedGap | UnjudgedGap


@dataclass(frozen=True)
class SignalCheck:
    """One signal rule applied to the team's scores."""

    rule_id: str
    name: str
    value: float | None  # None when the score it watches was withheld
    threshold: float
    fired: bool
    points: float  # how far past the threshold, added to the ranking; 0 unless fired
    points_to: tuple[str, ...]
    sentence: str


@dataclass(frozen=True)
class SuggestedIntervention:
    intervention_id: str
    name: str
    what: str
    who: str
    carried_out_by: CarriedOutBy
    timescale: str
    evidence: str
    under_way: bool  # shown as already happening here, not suggested as new
    rules: tuple[str, ...]  # ids of the fired rules that point at it
    why: tuple[str, ...]


@dataclass(frozen=True)
class SuggestedBundle:
    bundle_id: str
    number: int
    name: str
    description: str
    rank: int
    score: float
    gap_points: float
    theme_points: float
    signal_points: float
    conditions: tuple[str, ...]  # ids of the conditions below target it serves, biggest share first
    rules: tuple[str, ...]  # ids of the fired rules that point into it
    interventions: tuple[SuggestedIntervention, ...]
    why: tuple[str, ...]

    @property
    def signal_only(self) -> bool:
        """Here only because a signal rule fired: none of its conditions is below target."""
        return not self.conditions


@dataclass(frozen=True)
class RankedSuggestion:
    """One suggested intervention in the ranking's order, with its bundle and why it is there."""

    intervention: SuggestedIntervention
    bundle_id: str
    bundle_name: str
    bundle_rank: int
    condition_ids: tuple[str, ...]  # the bundle's conditions below target, biggest share first
    sentence: str  # why this, in one sentence


@dataclass(frozen=True)
class Recommendations:
    audience: TargetScope  # TEAM or AREA: whose recommendations these are
    gaps: tuple[ConditionGap, ...]  # every condition, in model order
    signals: tuple[SignalCheck, ...]  # every rule, in the order of signals.yaml
    bundles: tuple[SuggestedBundle, ...]  # ranked, best first
    # Every suggested intervention once, split by who carries it out (see the module's doc):
    own: tuple[RankedSuggestion, ...]  # what the audience can do, best first
    others: tuple[RankedSuggestion, ...]  # a team's asks of leaders; an area's teams' own work
    summary: str


@dataclass(frozen=True)
class WorkshopThemes:
    """One workshop of the team's or area's, as evidence: its title, its first day, and for
    each of its themes the conditions it was tagged with (empty for an untagged theme)."""

    title: str
    held_on: dt.date | None  # None while no day is set
    tags: tuple[frozenset[str], ...]

    def themes_for(self, condition_id: str) -> int:
        return sum(condition_id in tagged for tagged in self.tags)


def themes_from_workshops(workshops: Iterable[WorkshopThemes]) -> dict[str, int]:
    """How many of the workshops' themes point at each condition, all workshops together."""
    counts: dict[str, int] = {}
    for workshop in workshops:
        for tagged in workshop.tags:
            for condition_id in tagged:
                counts[condition_id] = counts.get(condition_id, 0) + 1
    return counts


def workshop_reason(workshop: WorkshopThemes, condition: Condition) -> str:
    """ "From the workshop “Carers' voices” (March 2026): 3 themes point at Confident,
    empowered staff and local people." """
    when = f" ({month_year(workshop.held_on)})" if workshop.held_on else ""
    count = workshop.themes_for(condition.id)
    point = "points" if count == 1 else "point"
    return (
        f"From the workshop “{workshop.title}”{when}: "
        f"{count_of(count, 'theme', 'themes')} {point} at {condition.name}."
    )


def _theme_reasons(
    condition: Condition, themes: int, workshops: Sequence[WorkshopThemes]
) -> list[str]:
    """Why the themes count: each workshop that points at the condition, by name, then any
    themes given without their workshop."""
    named = [w for w in workshops if w.themes_for(condition.id)]
    reasons = [workshop_reason(w, condition) for w in named]
    rest = themes - sum(w.themes_for(condition.id) for w in named)
    if rest > 0:
        was = "was" if rest == 1 else "were"
        reasons.append(
            f"{count_of(rest, 'focus-group theme', 'focus-group themes')} {was} about"
            f" {condition.name}."
        )
    return reasons


def _n(value: float) -> str:
    """A score as people read it: at most two decimals, no trailing zeros."""
    return f"{round(value, 2):g}"


# ---- gaps ----------------------------------------------------------------------------------


def _gap_sentence(condition: Condition, gap: JudgedGap) -> str:
    # The target as its band, and the gap from where the band starts (domain/targets.py).
    target = f"your target of {gap.target_name} ({_n(gap.target_score)} and above)"
    points = "point" if _n(gap.gap) == "1" else "points"
    where = f"{_n(gap.gap)} {points} below {target}" if gap.gap > 0 else f"at or above {target}"
    how_sure = how_sure_words(gap.respondents, gap.spread, gap.dont_know)
    return f"{condition.name} scored {_n(gap.mean)} ({gap.level_name}), {where}: {how_sure}"


def condition_gaps(
    model: CultureModel,
    conditions: Mapping[str, GroupScore | None],
    targets: Mapping[str, int] | None = None,
    themes: Mapping[str, int] | None = None,
) -> tuple[ConditionGap, ...]:
    """The gap of every condition in model order.

    `conditions` maps a condition id to its disclosed score (None or missing when withheld);
    a `ResponseSetScores`'s `conditions` is such a mapping.
    `targets` maps a condition id to a maturity level; others take the model's default target.
    `themes` maps a condition id to the number of focus-group themes tagged with it.
    """
    targets = targets or {}
    themes = themes or {}
    levels = {lv.level for lv in model.meta.maturity_levels}
    for condition_id, level in targets.items():
        if level not in levels:
            raise ValueError(f"target for {condition_id} must be a maturity level, not {level!r}")
    for condition_id, count in themes.items():
        if count < 0:
            raise ValueError(f"themes for {condition_id} cannot be negative ({count})")
    gaps: list[ConditionGap] = []
    for condition in model.conditions:
        target = model.maturity_level(targets.get(condition.id, model.signals.default_target_level))
        score = conditions.get(condition.id)
        if score is None:
            gaps.append(
                UnjudgedGap(
                    condition_id=condition.id,
                    name=condition.name,
                    target_level=target.level,
                    target_name=target.name,
                    target_score=target.min_score,
                    themes=themes.get(condition.id, 0),
                    sentence=f"{condition.name}: {NOT_ENOUGH_ANSWERS}.",
                )
            )
            continue
        mean = score.rounded_mean
        current = model.level_for_score(mean)
        judged = JudgedGap(
            condition_id=condition.id,
            name=condition.name,
            target_level=target.level,
            target_name=target.name,
            target_score=target.min_score,
            themes=themes.get(condition.id, 0),
            sentence="",  # written below, from the figures
            mean=mean,
            level=current.level,
            level_name=current.name,
            gap=round(max(target.min_score - mean, 0.0), 2),
            respondents=score.respondents,
            answers=score.answers,
            dont_know=score.dont_know,
            spread=round(score.spread, 2),
        )
        gaps.append(replace(judged, sentence=_gap_sentence(condition, judged)))
    return tuple(gaps)


# ---- signals -------------------------------------------------------------------------------


def _watched(
    model: CultureModel,
    rule: SignalRule,
    acceptance: Mapping[str, GroupScore | None],
    confidence: ConfidenceGap | None,
) -> tuple[float | None, str]:
    """The disclosed value a rule watches, and how to say what it is."""
    if rule.watches == CONFIDENCE_GAP:
        if confidence is None:
            return None, "The gap between confidence in personal life and at work"
        value = round(confidence.gap, 2)
        return value, (
            f"Confidence with technology averaged {_n(confidence.personal)} in personal life"
            f" and {_n(confidence.work)} at work, a gap of {_n(value)}"
        )
    name = model.acceptance_scale_by_id[rule.watches].name
    score = acceptance.get(rule.watches)
    if score is None:
        return None, name
    return score.rounded_mean, f"{name} averaged {_n(score.rounded_mean)}"


def check_signals(
    model: CultureModel,
    acceptance: Mapping[str, GroupScore | None] | None = None,
    confidence: ConfidenceGap | None = None,
) -> tuple[SignalCheck, ...]:
    """Every signal rule of the model against the disclosed acceptance and confidence scores.

    `acceptance` maps an acceptance scale id to its disclosed score (None or missing: withheld);
    `confidence` is the disclosed personal-versus-work pair, or None when withheld.
    """
    acceptance = acceptance or {}
    checks = []
    for rule in model.signals.rules:
        value, subject = _watched(model, rule, acceptance, confidence)
        fired = value is not None and rule.fires(value)
        points = 0.0
        if value is None:
            sentence = f"{subject}: {NOT_ENOUGH_ANSWERS}."
        else:
            past = "below" if (rule.when == "below") == fired else "at or above"
            sentence = f"{subject}, {past} {_n(rule.threshold)}."
            if fired:
                sentence += f" {rule.reason}"
                beyond = rule.threshold - value if rule.when == "below" else value - rule.threshold
                points = round(beyond, 2)
        checks.append(
            SignalCheck(
                rule_id=rule.id,
                name=rule.name,
                value=value,
                threshold=rule.threshold,
                fired=fired,
                points=points,
                points_to=tuple(rule.points_to),
                sentence=sentence,
            )
        )
    return tuple(checks)


# ---- bundles ------------------------------------------------------------------------------


def _lowest_statement(
    model: CultureModel, condition: Condition, items: Mapping[str, ItemScore | None]
) -> str | None:
    shown = [
        (score.mean, position, item)
        for position, item in enumerate(model.items_for_condition(condition.id))
        if (score := items.get(item.id)) is not None
    ]
    if not shown:
        return None
    mean, _, item = min(shown, key=lambda entry: (round(entry[0], 2), entry[1]))
    if item.reverse:
        return (
            f'Lowest statement for {condition.name}: "{item.text}" scored {_n(mean)} out of 5.'
            " It is worded the other way round, so agreeing with it lowers the score."
        )
    return f'Lowest statement for {condition.name}: "{item.text}" averaged {_n(mean)} out of 5.'


def _carried_out_by(intervention: Intervention) -> CarriedOutBy:
    """Who carries it out. A snapshot of the model older than the field does not say; such an
    intervention counts as the organisation's, so that no team is told it can do alone what may
    need its leaders."""
    return intervention.carried_out_by or CarriedOutBy.ORGANISATION


def _intervention(
    intervention: Intervention, fired: list[SignalCheck], under_way: Collection[str]
) -> SuggestedIntervention:
    rules = [check for check in fired if intervention.id in check.points_to]
    is_under_way = intervention.id in under_way
    why = []
    if is_under_way:
        why.append("Already under way here, so it is not suggested as new.")
    why += [f'Suggested for the signal "{check.name}".' for check in rules]
    why.append(f"What the transcripts report: {intervention.evidence}")
    return SuggestedIntervention(
        intervention_id=intervention.id,
        name=intervention.name,
        what=intervention.what,
        who=intervention.who,
        carried_out_by=_carried_out_by(intervention),
        timescale=intervention.timescale,
        evidence=intervention.evidence,
        under_way=is_under_way,
        rules=tuple(check.rule_id for check in rules),
        why=tuple(why),
    )


def _ranking_sentence(
    below: Mapping[str, JudgedGap],
    served: list[tuple[float, Condition, float]],
    gap_points: float,
    theme_points: float,
    signal_points: float,
) -> str:
    """The arithmetic of the bundle's score, so that nobody has to take the order on trust."""
    parts = []
    if served:
        terms = ", ".join(
            f"{c.name} {_n(below[c.id].gap)} below target x weight {_n(weight)}"
            for _, c, weight in served
        )
        parts.append(f"gaps {_n(gap_points)} ({terms})")
    if theme_points:
        parts.append(f"focus-group themes {_n(theme_points)}")
    if signal_points:
        parts.append(f"signals {_n(signal_points)}")
    total = gap_points + theme_points + signal_points
    reasons = ", ".join(parts) or "its signals are exactly at their thresholds"
    return f"Ranking score {_n(total)}: {reasons}."


def _bundle(
    model: CultureModel,
    bundle: Bundle,
    gaps: Mapping[str, ConditionGap],
    fired: list[SignalCheck],
    items: Mapping[str, ItemScore | None],
    under_way: Collection[str],
    workshops: Sequence[WorkshopThemes] = (),
) -> SuggestedBundle | None:
    """The bundle with its score and reasons, or None when neither a gap nor a signal calls it."""
    own = [i for i in model.interventions if i.bundle == bundle.id]
    rules = [check for check in fired if any(i.id in check.points_to for i in own)]
    below = {
        condition_id: gap
        for condition_id, gap in gaps.items()
        if isinstance(gap, JudgedGap) and gap.below_target
    }
    served = [
        (
            link.weight * below[link.condition].gap,
            model.condition_by_id[link.condition],
            link.weight,
        )
        for link in bundle.serves
        if link.condition in below
    ]
    if not served and not rules:
        return None
    served.sort(key=lambda entry: (-entry[0], entry[1].number))
    points_per_theme = model.signals.points_per_theme
    gap_points = sum(share for share, _, _ in served)
    theme_points = sum(
        weight * points_per_theme * gaps[condition.id].themes for _, condition, weight in served
    )
    signal_points = sum(check.points for check in rules)

    why = []
    if not served:
        why.append(
            "None of the conditions this bundle serves is below your target. It is suggested"
            " because of how people feel about the technology itself."
        )
    for _, condition, _ in served:
        why.append(gaps[condition.id].sentence)
        lowest = _lowest_statement(model, condition, items)
        if lowest is not None:
            why.append(lowest)
        why += _theme_reasons(condition, gaps[condition.id].themes, workshops)
    why += [f'Signal "{check.name}": {check.sentence}' for check in rules]

    # A signal-only bundle offers just what the signals point at; a gap calls for all of it.
    chosen = own if served else [i for i in own if any(i.id in c.points_to for c in rules)]
    suggestions = sorted(
        (_intervention(i, rules, under_way) for i in chosen),
        key=lambda s: (s.under_way, not s.rules),  # stable: model order within each group
    )
    if suggestions and all(s.under_way for s in suggestions):
        why.append("Everything suggested here is already under way.")
    why.append(_ranking_sentence(below, served, gap_points, theme_points, signal_points))
    return SuggestedBundle(
        bundle_id=bundle.id,
        number=bundle.number,
        name=bundle.name,
        description=bundle.description,
        rank=0,  # set once every bundle is scored
        score=round(gap_points + theme_points + signal_points, 4),
        gap_points=round(gap_points, 4),
        theme_points=round(theme_points, 4),
        signal_points=round(signal_points, 4),
        conditions=tuple(condition.id for _, condition, _ in served),
        rules=tuple(check.rule_id for check in rules),
        interventions=tuple(suggestions),
        why=tuple(why),
    )


def _summary(gaps: tuple[ConditionGap, ...], bundles: list[SuggestedBundle]) -> str:
    withheld = sum(isinstance(gap, UnjudgedGap) for gap in gaps)
    if withheld == len(gaps) and not bundles:
        return f"There are {NOT_ENOUGH_ANSWERS} any condition yet, so nothing is suggested."
    if bundles:
        summary = (
            f"{count_of(len(bundles), 'bundle', 'bundles')} of interventions suggested,"
            " the most useful first."
        )
    else:
        summary = (
            "Nothing to suggest: every condition with enough answers is at or above its target,"
            " and no signal about the technology applies."
        )
    if withheld == 1:
        summary += " 1 condition had too few answers to judge and is left out."
    elif withheld:
        summary += f" {withheld} conditions had too few answers to judge and are left out."
    return summary


# ---- who can act ------------------------------------------------------------------------------

# What each audience carries out itself; everything else is in its other list.
_OWN_LEVELS = {
    TargetScope.TEAM: frozenset({CarriedOutBy.TEAM}),
    TargetScope.AREA: frozenset({CarriedOutBy.AREA, CarriedOutBy.ORGANISATION}),
}


def _why_in_one_sentence(
    model: CultureModel,
    bundle: SuggestedBundle,
    suggestion: SuggestedIntervention,
    gaps: Mapping[str, ConditionGap],
    signals: Mapping[str, SignalCheck],
) -> str:
    """ "It builds Alpha, 0.5 below Thriving (3.4 and above), and answers the signal "Hard to
    use"." The bundle's biggest gap is named; a signal is named when it points at this
    intervention itself."""
    named = ", ".join(f'"{signals[rule].name}"' for rule in suggestion.rules)
    signal = "signal" if len(suggestion.rules) == 1 else "signals"
    if not bundle.conditions:  # a signal-only bundle offers only what its signals point at
        sentence = f"It answers the {signal} about the technology itself: {named}"
    else:
        biggest = gaps[bundle.conditions[0]]
        assert isinstance(biggest, JudgedGap)  # a bundle's conditions are judged, below target
        target = model.maturity_level(biggest.target_level)
        sentence = f"It builds {biggest.name}, {gap_words(biggest.mean, target)}"
        more = len(bundle.conditions) - 1
        if more:
            sentence += (
                f", and {count_of(more, 'other condition', 'other conditions')} below target"
            )
        if named:
            sentence += f", and answers the {signal} {named}"
    if suggestion.under_way:
        return f"Already under way here. {sentence}."
    return f"{sentence}."


def _split_by_who_acts(
    model: CultureModel,
    audience: TargetScope,
    bundles: list[SuggestedBundle],
    gaps: Mapping[str, ConditionGap],
    signals: Mapping[str, SignalCheck],
) -> tuple[tuple[RankedSuggestion, ...], tuple[RankedSuggestion, ...]]:
    ranked = [
        RankedSuggestion(
            intervention=suggestion,
            bundle_id=bundle.bundle_id,
            bundle_name=bundle.name,
            bundle_rank=bundle.rank,
            condition_ids=bundle.conditions,
            sentence=_why_in_one_sentence(model, bundle, suggestion, gaps, signals),
        )
        for bundle in bundles  # ranked already; each bundle's interventions in its own order
        for suggestion in bundle.interventions
    ]
    ranked.sort(key=lambda r: r.intervention.under_way)  # stable: the ranking within each part
    own_levels = _OWN_LEVELS[audience]
    own = tuple(r for r in ranked if r.intervention.carried_out_by in own_levels)
    others = tuple(r for r in ranked if r.intervention.carried_out_by not in own_levels)
    return own, others


def recommend(
    model: CultureModel,
    conditions: Mapping[str, GroupScore | None],
    *,
    audience: TargetScope = TargetScope.TEAM,
    targets: Mapping[str, int] | None = None,
    acceptance: Mapping[str, GroupScore | None] | None = None,
    confidence: ConfidenceGap | None = None,
    items: Mapping[str, ItemScore | None] | None = None,
    themes: Mapping[str, int] | None = None,
    workshops: Sequence[WorkshopThemes] = (),
    under_way: Collection[str] = frozenset(),
) -> Recommendations:
    """Gaps, signals and ranked bundles for one team or area, from disclosed scores only, and
    the suggested interventions split by whether the `audience` (TEAM or AREA) carries them out.

    See `condition_gaps` and `check_signals` for the inputs; `items` maps a statement id to its
    disclosed score (None or missing: withheld) and `under_way` holds the ids of interventions
    already happening in that team or area. `workshops` are the team's or area's workshops:
    their tagged themes count as `themes` do, and the reasons name each workshop.
    """
    if audience not in _OWN_LEVELS:
        raise ValueError(f"recommendations are for a team or an area, not {audience!r}")
    from_workshops = themes_from_workshops(workshops)
    all_themes = {
        condition_id: (themes or {}).get(condition_id, 0) + from_workshops.get(condition_id, 0)
        for condition_id in (themes or {}).keys() | from_workshops.keys()
    }
    gaps = condition_gaps(model, conditions, targets, all_themes)
    signals = check_signals(model, acceptance, confidence)
    by_condition = {gap.condition_id: gap for gap in gaps}
    fired = [check for check in signals if check.fired]
    scored = [
        suggestion
        for bundle in model.bundles
        if (
            suggestion := _bundle(
                model, bundle, by_condition, fired, items or {}, under_way, workshops
            )
        )
        is not None
    ]
    scored.sort(key=lambda s: (-s.score, s.number))
    ranked = [replace(s, rank=rank) for rank, s in enumerate(scored, start=1)]
    by_rule = {check.rule_id: check for check in signals}
    own, others = _split_by_who_acts(model, audience, ranked, by_condition, by_rule)
    return Recommendations(
        audience=audience,
        gaps=gaps,
        signals=signals,
        bundles=tuple(ranked),
        own=own,
        others=others,
        summary=_summary(gaps, ranked),
    )
