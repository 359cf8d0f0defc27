"""The anonymity gate: the one place that decides which results may be shown or exported.

Every screen, chart and export gets results from here. The rules:

1. A group (a team's round, or an area) with fewer responses than the threshold shows only its
   count of responses. For a team's round the answers are not even read.
2. Any single figure (a condition, an acceptance scale, the confidence pair, a statement) that
   rests on fewer respondents than the threshold is withheld too, e.g. a condition most people
   said "don't know" to.
3. Nothing shown, now or before, may be added and subtracted to single out fewer people than the
   threshold: not an area minus its other teams, not a team's figure now minus the same figure
   before, not a mix of the two. The rule itself is pure (`culturetool.domain.disclosure`); this
   module keeps the disclosure ledger it is checked against (`disclosure_record`): every figure
   shown, to which audience, and the people it rested on. A figure that would break the rule is
   hidden ("protected") or, where its group showed it before, shown as it was then, marked, until
   enough new people have answered.

There are two audiences, each with its own ledger: people who can see area figures (leaders,
the innovation team) and team-only viewers (managers). A leader sees a team's page with the
same figures hidden as on the area page, so no pair of their screens gives a team away; a
manager, who never sees area figures, sees their own team's figures as rules 1 and 2 and the
team's own history allow.

Statements (single questionnaire items, used to say which statement of a weak condition scored
lowest) follow the same rules, as figures of their own, plus one: a condition's (or scale's)
statements are shown all together or not at all, and only where the condition itself is shown
as it is now. Otherwise the condition's figure and its shown statements could give away a hidden
statement that rests on too few people.
"""

from __future__ import annotations

import datetime as dt
import weakref
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from culturetool.domain.disclosure import (
    CONFIDENCE,
    ITEM,
    FigureKey,
    FigureValue,
    Held,
    RoundFacts,
    Wanted,
    decide,
    figure_values,
    statements_to_show,
    total_then_parts,
)
from culturetool.domain.disclosure import round_to_show as _round_to_show
from culturetool.domain.figure_totals import (
    FigureTotal,
    Totals,
    add_up,
    agreement_of,
    alpha_of,
    condition_scores_from_totals,
    item_scores_from_totals,
    scores_from_totals,
    shares,
)
from culturetool.domain.kinds import Audience, GroupKind
from culturetool.domain.model_schema import CultureModel
from culturetool.domain.periods import filter_may_show
from culturetool.domain.scoring import ConfidenceGap, GroupScore, ItemScore, ResponseSetScores
from culturetool.store.ledger import GroupKey, Ledger, state_after
from culturetool.store.repository import model_of_round
from culturetool.store.tables import (
    Answer,
    Area,
    AssessmentPeriod,
    AssessmentPeriodArea,
    AssessmentRound,
    Comment,
    Organisation,
    Response,
    RoundFigure,
    Team,
)


@dataclass(frozen=True)
class Withheld:
    """Not enough responses yet: nothing but the count may be shown."""

    responses: int
    threshold: int

    @property
    def still_needed(self) -> int:
        return max(self.threshold - self.responses, 0)


@dataclass(frozen=True)
class AsBefore:
    """A figure shown as it was shown before, because the figure as it is now would let someone
    work out the few people who answered in between."""

    people: int  # the people the value shown rests on
    more_needed: int | None  # people still to answer before it updates, where that is known


@dataclass(frozen=True)
class Disclosed:
    responses: int
    threshold: int
    scores: ResponseSetScores  # figures that may not be shown are None
    protected: frozenset[FigureKey] = frozenset()  # hidden only to stop subtraction (rule 3)
    # Statement id -> score, for the statements that may be shown; the others are absent.
    items: Mapping[str, ItemScore] = field(default_factory=dict)
    # Figures in `scores` that are shown with an earlier value (rule 3).
    as_before: Mapping[FigureKey, AsBefore] = field(default_factory=dict)
    # Condition id -> within-group agreement, rwg(j) (domain.measurement), for the conditions
    # shown as they are now; None where it cannot be worked out.
    agreement: Mapping[str, float | None] = field(default_factory=dict)
    # Condition id -> Cronbach's alpha of its statements, for the same conditions.
    alpha: Mapping[str, float | None] = field(default_factory=dict)


def response_count(session: Session, round_id: int) -> int:
    return session.scalar(select(func.count()).where(Response.round_id == round_id)) or 0


def response_counts(session: Session, round_ids: Iterable[int]) -> dict[int, int]:
    """Responses per round in one query; rounds with none are absent."""
    rows = session.execute(
        select(Response.round_id, func.count())
        .where(Response.round_id.in_(list(round_ids)))
        .group_by(Response.round_id)
    )
    return {round_id: count for round_id, count in rows}


def _answers_by_response(session: Session, round_id: int) -> list[dict[str, int | None]]:
    rows = session.execute(
        select(Answer.response_id, Answer.item_id, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.round_id == round_id)
    )
    responses: dict[str, dict[str, int | None]] = defaultdict(dict)
    for response_id, item_id, value in rows:
        responses[response_id][item_id] = value
    return list(responses.values())


def _people(value: FigureValue | None) -> int:
    return value.respondents if value is not None else 0


# ---- running figures ------------------------------------------------------------------------


def round_figures(session: Session, round_: AssessmentRound) -> dict[str, FigureTotal]:
    """A round's running figures (`round_figure`), as submissions keep them. A round opened
    before they existed has them built here once from its answers, and kept. The build takes
    the round's row lock first (PostgreSQL), so a response being saved is either in the answers
    it reads or added after it, and a second build waits and finds the first one's figures."""
    if round_.figures_responses is None:
        session.refresh(round_, ["figures_responses"], with_for_update=True)
    if round_.figures_responses is None:
        model = model_of_round(session, round_)
        answers = _answers_by_response(session, round_.id)
        built = add_up(shares(model, response) for response in answers)
        session.add_all(
            RoundFigure(round_id=round_.id, figure=figure, **total._asdict())
            for figure, total in built.items()
        )
        round_.figures_responses = len(answers)
        session.flush()
        return built
    return _read_figures(session, [round_.id]).get(round_.id, {})


def _read_figures(session: Session, round_ids: Sequence[int]) -> dict[int, dict[str, FigureTotal]]:
    rows = session.execute(
        select(
            RoundFigure.round_id,
            RoundFigure.figure,
            RoundFigure.respondents,
            RoundFigure.answers,
            RoundFigure.dont_know,
            RoundFigure.total,
            RoundFigure.total_sq,
        ).where(RoundFigure.round_id.in_(round_ids))
    )
    read: dict[int, dict[str, FigureTotal]] = defaultdict(dict)
    for round_id, figure, *numbers in rows:
        read[round_id][figure] = FigureTotal(*numbers)
    return read


# Per process and database: a round's running figures as last read, with how many responses
# they held then. A round's figures change only with its response count (in the same
# transaction), so a look reads again only the rounds that have taken answers since.
_kept_figures: weakref.WeakKeyDictionary[Engine, dict[tuple[int, str], tuple[int, Totals]]] = (
    weakref.WeakKeyDictionary()
)


def _kept_for(session: Session) -> dict[tuple[int, str], tuple[int, Totals]]:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    return _kept_figures.setdefault(engine, {})


def figures_of_rounds(session: Session, rounds: Sequence[AssessmentRound]) -> dict[int, Totals]:
    """Several rounds' running figures: one query for how many responses each holds, and one
    for the figures of those that changed since this process last read them."""
    kept = _kept_for(session)
    held: dict[int, int | None] = {
        round_id: responses
        for round_id, responses in session.execute(
            select(AssessmentRound.id, AssessmentRound.figures_responses).where(
                AssessmentRound.id.in_([r.id for r in rounds])
            )
        )
    }
    figures: dict[int, Totals] = {}
    changed: list[int] = []
    for round_ in rounds:
        responses = held.get(round_.id)
        if responses is None:
            figures[round_.id] = round_figures(session, round_)
        elif (found := kept.get((round_.id, ""))) is not None and found[0] == responses:
            figures[round_.id] = found[1]
        else:
            changed.append(round_.id)
    if changed:
        read = _read_figures(session, changed)
        for round_id in changed:
            figures[round_id] = read.get(round_id, {})
            kept[round_id, ""] = (held[round_id] or 0, figures[round_id])
    return figures


def _figures_under(
    session: Session, round_: AssessmentRound, model: CultureModel, version_id: str, responses: int
) -> Totals:
    """A round's figures scored with another model than its own (a pool whose newest round uses
    a newer model): answers to statements that model no longer has are left out. Rare, so built
    from the answers and kept per process like the running figures."""
    kept = _kept_for(session)
    key = (round_.id, version_id)
    found = kept.get(key)
    if found is not None and found[0] == responses:
        return found[1]
    totals = add_up(shares(model, answers) for answers in _answers_by_response(session, round_.id))
    kept[key] = (responses, totals)
    return totals


def _figure_name(key: FigureKey) -> str:
    """The running figure whose respondents a ledger figure rests on."""
    return "confidence:personal" if key == CONFIDENCE else f"{key[0]}:{key[1]}"


def _figures(
    model: CultureModel, totals: Totals, responses: int
) -> tuple[dict[str, ItemScore | None], dict[FigureKey, FigureValue | None]]:
    """Statements' scores, and every figure by key, from a group's running figures."""
    items = item_scores_from_totals(model, totals)
    return items, figure_values(scores_from_totals(model, totals, responses), items)


# ---- judging figures against the ledger -----------------------------------------------------


@dataclass(frozen=True)
class _Candidate(Wanted[GroupKey]):
    """A figure that would be shown, with its value."""

    value: FigureValue


@dataclass
class _Verdicts:
    """Per group: figures shown as they are now, shown as before, hidden to protect others."""

    current: dict[GroupKey, dict[FigureKey, FigureValue]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    earlier: dict[GroupKey, dict[FigureKey, tuple[FigureValue, AsBefore]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    protected: dict[GroupKey, set[FigureKey]] = field(default_factory=lambda: defaultdict(set))
    # The figures shown on a basis new for their group: to remember (each a candidate, which
    # carries its basis and the basis's set form, worked out once).
    new_bases: dict[GroupKey, dict[FigureKey, Wanted[GroupKey]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    # The statements each group may show (`statements_to_show`).
    statements: dict[GroupKey, dict[str, ItemScore]] = field(default_factory=dict)
    # The new bases of a figure the kept partition holds already (`ShownBefore.settle`).
    held: dict[FigureKey, Held] = field(default_factory=dict)


def _judge(
    ledger: Ledger,
    candidates: Mapping[FigureKey, Sequence[_Candidate]],
    groups: Iterable[_Group],
) -> _Verdicts:
    """Every candidate judged against the ledger; `groups` are the groups they are of, whose
    outcomes the caller will make (`_outcome`), remembering what they newly show.

    What is newly shown is known here already (`statements_to_show` takes a figure's
    statements back when one of them is hidden), so each figure's decision is settled at once
    with its record in the kept ledger: the bases it tried on the partition stay there up to
    the first that will not be remembered, instead of being taken back and added again when
    the ledger is written. Every candidate's group must be among `groups`."""
    verdicts = _Verdicts()
    of_group = {group.key: group for group in groups}
    with ledger.deciding():
        records = {key: ledger.shown_before(key) for key in candidates}
        decisions = {key: decide(records[key], options, keep=True)
                     for key, options in candidates.items()}  # fmt: skip
        for key, options in candidates.items():
            decision = decisions[key]
            for option in options:
                if option.key in decision.shown:
                    verdicts.current[option.key][key] = option.value
                    if option.key in decision.newly_shown:
                        verdicts.new_bases[option.key][key] = option
                    continue
                earlier = ledger.last_shown(option.key, key)
                if earlier is None:
                    verdicts.protected[option.key].add(key)
                else:
                    refusal = decision.refused[option.key]
                    verdicts.earlier[option.key][key] = (
                        earlier,
                        AsBefore(people=_people(earlier), more_needed=refusal.more_needed),
                    )
        for group_key, group in of_group.items():
            verdicts.statements[group_key] = statements_to_show(
                group.model, verdicts.current.get(group_key, {}), group.items
            )
        for key, options in candidates.items():
            remembered = [
                option
                for option in options
                if option.key in decisions[key].newly_shown
                and (key[0] != ITEM or key[1] in verdicts.statements[option.key])
            ]
            held = records[key].settle(decisions[key], remembered)
            if held is not None:
                verdicts.held[key] = held
            if remembered:
                ledger.keep_record(key, records[key])
    return verdicts


@dataclass(frozen=True)
class _Group:
    """A group being judged: its ledger key, the area its rounds are in (None for several
    areas), its model, figures and threshold."""

    key: GroupKey
    area_id: int | None
    model: CultureModel
    totals: Totals
    items: Mapping[str, ItemScore | None]
    values: Mapping[FigureKey, FigureValue | None]
    responses: int
    threshold: int
    agreement: Mapping[str, float | None]  # condition id -> rwg(j)
    alpha: Mapping[str, float | None]  # condition id -> Cronbach's alpha (pools only)
    # A round's figures as candidates on their own (a pool's depend on the pool's rounds).
    own_candidates: Mapping[FigureKey, _Candidate] = field(default_factory=dict)


def _outcome(group: _Group, verdicts: _Verdicts, ledger: Ledger) -> Disclosed:
    """One group's figures as they may be shown; remembers in the ledger what is newly shown."""
    current = verdicts.current.get(group.key, {})
    earlier = verdicts.earlier.get(group.key, {})
    model = group.model

    def value(key: FigureKey) -> FigureValue | None:
        if key in current:
            return current[key]
        return earlier[key][0] if key in earlier else None

    def group_score(key: FigureKey) -> GroupScore | None:
        shown = value(key)
        assert shown is None or isinstance(shown, GroupScore), key
        return shown

    confidence = value(CONFIDENCE)
    assert confidence is None or isinstance(confidence, ConfidenceGap)
    scores = ResponseSetScores(
        responses=group.responses,
        conditions={c.id: group_score(("condition", c.id)) for c in model.conditions},
        acceptance={
            s.id: group_score(("acceptance", s.id)) for s in model.questionnaire.acceptance_scales
        },
        confidence=confidence,
    )
    items = verdicts.statements[group.key]
    for key, wanted in verdicts.new_bases.get(group.key, {}).items():
        if key[0] == ITEM and key[1] not in items:
            continue
        ledger.remember(group.key, group.area_id, key, wanted, current[key], verdicts.held.get(key))
    now = [c.id for c in model.conditions if ("condition", c.id) in current]
    return Disclosed(
        responses=group.responses,
        threshold=group.threshold,
        scores=scores,
        protected=frozenset(verdicts.protected.get(group.key, set())),
        items=items,
        as_before={key: info for key, (_, info) in earlier.items() if key[0] != ITEM},
        agreement={c: group.agreement.get(c) for c in now},
        alpha={c: group.alpha[c] for c in now if c in group.alpha},
    )


def _candidates(
    pools: Sequence[tuple[_Group, Mapping[int, Totals]]],
    teams: Sequence[_Group],
    bases_before: Mapping[GroupKey, Mapping[FigureKey, Mapping[int, int]]] | None = None,
    changed: Iterable[int] = (),
) -> dict[FigureKey, list[_Candidate]]:
    """Every figure's candidates in the order they are judged: the pools as given (the widest
    first, then by size), then the teams from the largest down, so that what subtraction
    protection hides is the smallest. A pool's basis counts, for each of its rounds, the people
    its figure rests on there, scored as the pool is. `bases_before`: pools' bases at a look
    after which only the rounds `changed` took answers (a county's are hundreds of rounds
    long): those bases with the changed rounds counted again."""
    keys = {key for group in [*(g for g, _ in pools), *teams] for key in group.values}
    changed = list(changed)
    candidates: dict[FigureKey, list[_Candidate]] = {}
    for key in keys:
        name = _figure_name(key)
        pooled: list[_Candidate] = []
        for group, by_round in pools:
            value = group.values.get(key)
            if group.responses < group.threshold or value is None:
                continue
            if value.respondents < group.threshold:
                continue
            before = (bases_before or {}).get(group.key, {}).get(key)
            if before is None:
                basis = {r: (t[name].respondents if name in t else 0) for r, t in by_round.items()}
            else:
                basis = dict(before)
                for r in changed:
                    if (t := by_round.get(r)) is not None:
                        basis[r] = t[name].respondents if name in t else 0
            pooled.append(_Candidate(group.key, basis, group.threshold, value))
        parts = [c for g in teams if (c := g.own_candidates.get(key)) is not None]
        candidates[key] = (
            pooled[:1] + total_then_parts(None, pooled[1:]) + total_then_parts(None, parts)
        )
    return candidates


def _bases_of(
    group: _Group, candidates: Mapping[FigureKey, Sequence[_Candidate]]
) -> dict[FigureKey, Mapping[int, int]]:
    """One group's candidate bases, by figure."""
    return {
        key: option.basis
        for key, options in candidates.items()
        for option in options
        if option.key == group.key
    }


def round_results(
    session: Session,
    round_: AssessmentRound,
    model: CultureModel,
    *,
    viewer_sees_area_figures: bool = False,
) -> Withheld | Disclosed:
    """A round's results as a person may see them, remembered in the ledger.

    `viewer_sees_area_figures`: the person can also see the area's pooled figures. If this round
    is the one its team counts with in the area, its figures are exactly those of the area
    page; otherwise they are judged against what that audience saw before.
    """
    threshold = round_.anonymity_threshold
    count = response_count(session, round_.id)
    if count < threshold:
        return Withheld(responses=count, threshold=threshold)
    area = round_.team.area
    if viewer_sees_area_figures:
        pooled = area_results(session, area)
        part = next((p for p in pooled.parts if p.round_id == round_.id), None)
        if part is not None:
            return part.outcome
    audience = Audience.AREA if viewer_sees_area_figures else Audience.TEAM
    ledger = Ledger(session, area.organisation_id, audience)
    group = _round_group(round_, model, figures_of_rounds(session, [round_])[round_.id], count)
    verdicts = _judge(ledger, _candidates([], [group]), [group])
    outcome = _outcome(group, verdicts, ledger)
    ledger.write()
    return outcome


def _round_group(
    round_: AssessmentRound,
    model: CultureModel,
    totals: Totals,
    responses: int,
    *,
    conditions_only: bool = False,
) -> _Group:
    """A round as a group of its own (of its conditions only, for a county look: see
    `_Pooled`). What its figures give (scores, agreement) is kept per process with the figures
    it came from: a look at the county rescored nothing that did not change."""
    kept_as = (round_.id, round_.model_version_id, conditions_only)
    key: GroupKey = (GroupKind.ROUND, round_.id, 0)
    threshold = round_.anonymity_threshold
    found = _kept_groups.get(kept_as)
    if found is None or found[0] is not totals or found[1] != (responses, threshold):
        if conditions_only:
            items: dict[str, ItemScore | None] = {}
            values: dict[FigureKey, FigureValue | None] = {
                ("condition", c): score
                for c, score in condition_scores_from_totals(model, totals).items()
            }
        else:
            items, values = _figures(model, totals, responses)
        agreement = {c.id: agreement_of(model, totals, c.id) for c in model.conditions}
        candidates = {
            figure: _Candidate(key, {round_.id: value.respondents}, threshold, value)
            for figure, value in values.items()
            if responses >= threshold and value is not None and value.respondents >= threshold
        }
        found = (totals, (responses, threshold), items, values, agreement, candidates)
        _kept_groups[kept_as] = found
    _, _, items, values, agreement, candidates = found
    return _Group(
        key=key,
        area_id=round_.team.area_id,
        model=model,
        totals=totals,
        items=items,
        values=values,
        responses=responses,
        threshold=round_.anonymity_threshold,
        agreement=agreement,
        alpha={},
        own_candidates=candidates,
    )


# (round id, model version, conditions only) -> the figures they came from (the very object kept by
# `figures_of_rounds`), responses and threshold, statements' scores, figures, agreement and the
# figures as candidates.
_kept_groups: dict[
    tuple[int, str, bool],
    tuple[
        Totals,
        tuple[int, int],
        dict[str, ItemScore | None],
        dict[FigureKey, FigureValue | None],
        dict[str, float | None],
        dict[FigureKey, _Candidate],
    ],
] = {}


@dataclass(frozen=True)
class RoundComments:
    """Free-text comments, once the round has enough responses for its comment threshold.

    Shown in alphabetical order: the order they were written in could hint at who wrote them.
    """

    responses: int
    threshold: int
    comments: tuple[str, ...] = ()

    @property
    def shown(self) -> bool:
        return self.responses >= self.threshold


def round_comments(session: Session, round_: AssessmentRound) -> RoundComments:
    count = response_count(session, round_.id)
    threshold = round_.comment_threshold
    if count < threshold:
        return RoundComments(count, threshold)
    texts = session.scalars(select(Comment.text).where(Comment.round_id == round_.id))
    return RoundComments(count, threshold, tuple(sorted(texts, key=str.casefold)))


# ---- pools: a total and its parts ---------------------------------------------------------


@dataclass(frozen=True)
class TeamPart:
    """One team's round as it appears inside its area (or the county). In a county look its
    outcome holds the team's condition scores only (`_Pooled.teams_conditions_only`)."""

    team_id: int
    team_name: str
    round_id: int
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    outcome: Withheld | Disclosed
    model: CultureModel
    protected: frozenset[FigureKey] = frozenset()  # hidden only so another team stays hidden
    protected_items: frozenset[FigureKey] = frozenset()  # statements hidden for the same reason

    @property
    def all_protected(self) -> frozenset[FigureKey]:
        return self.protected | self.protected_items


@dataclass(frozen=True)
class AreaResults:
    area_id: int
    area_name: str
    threshold: int
    total: Withheld | Disclosed
    model: CultureModel | None  # the model the total is scored with; None before any response
    parts: list[TeamPart] = field(default_factory=list)
    teams_without_responses: list[str] = field(default_factory=list)


def round_to_show(rounds: list[AssessmentRound], counts: dict[int, int]) -> AssessmentRound | None:
    """The round a team counts with (see `domain.disclosure.round_to_show`)."""
    facts = [RoundFacts(r.id, r.opened_at, r.anonymity_threshold) for r in rounds]
    chosen = _round_to_show(facts, counts)
    return next((r for r in rounds if r.id == chosen), None)


@dataclass(frozen=True)
class _Pooled:
    """Rounds to be pooled: each one as a group of its own (its own model), and its figures as
    the pools score them (with the model of the newest round)."""

    model: CultureModel
    version_id: str  # the model's version: the newest round's
    own: dict[int, _Group]
    as_pooled: dict[int, Totals]
    # A county look's: each round as a group of its conditions only. The dashboard, its
    # drill-down, exports and report show nothing else of a team (its statements, acceptance
    # and confidence are on the team's and the area's own pages, judged there), and scoring,
    # judging, remembering and writing the rest was most of a first look's work: a hundred
    # figures for each of hundreds of teams.
    teams_conditions_only: bool = False


def _pool(
    session: Session,
    chosen: Sequence[AssessmentRound],
    counts: Mapping[int, int],
    *,
    teams_conditions_only: bool = False,
) -> _Pooled:
    newest = max(chosen, key=lambda r: (r.opened_at, r.id))
    model = model_of_round(session, newest)
    pooled = _Pooled(model, newest.model_version_id, {}, {}, teams_conditions_only)
    _add_to_pool(session, pooled, chosen, counts)
    return pooled


def _pool_again(
    session: Session,
    before: _Pooled,
    changed: Sequence[AssessmentRound],
    counts: Mapping[int, int],
) -> _Pooled:
    """The same rounds pooled again after some of them (`changed`) took answers, and nothing
    else changed (no round opened or closed, no threshold, model or team moved): the other
    rounds' groups and figures are those of `before`, as `_pool` would make them again."""
    pooled = _Pooled(
        before.model,
        before.version_id,
        dict(before.own),
        dict(before.as_pooled),
        before.teams_conditions_only,
    )
    _add_to_pool(session, pooled, changed, counts)
    return pooled


def _add_to_pool(
    session: Session,
    pooled: _Pooled,
    rounds: Sequence[AssessmentRound],
    counts: Mapping[int, int],
) -> None:
    figures = figures_of_rounds(session, rounds)
    models = {pooled.version_id: pooled.model}
    for round_ in rounds:
        if round_.model_version_id not in models:
            models[round_.model_version_id] = model_of_round(session, round_)
        responses = counts.get(round_.id, 0)
        pooled.own[round_.id] = _round_group(
            round_,
            models[round_.model_version_id],
            figures[round_.id],
            responses,
            conditions_only=pooled.teams_conditions_only,
        )
        pooled.as_pooled[round_.id] = (
            figures[round_.id]
            if round_.model_version_id == pooled.version_id
            else _figures_under(session, round_, pooled.model, pooled.version_id, responses)
        )


def _pool_group(
    key: GroupKey,
    area_id: int | None,
    pooled: _Pooled,
    round_ids: Sequence[int],
    threshold: int,
    totals: Totals | None = None,
) -> tuple[_Group, dict[int, Totals]]:
    """A pool of rounds as a group, with each round's figures (for the bases). `totals`, when
    given, are the pool's figures already added up (the county's from its areas')."""
    by_round = {r: pooled.as_pooled[r] for r in round_ids}
    if totals is None:
        totals = add_up(by_round.values())
    responses = sum(pooled.own[r].responses for r in round_ids)
    model = pooled.model
    items, values = _figures(model, totals, responses)
    group = _Group(
        key, area_id, model, totals, items, values, responses, threshold,
        agreement={c.id: agreement_of(model, totals, c.id) for c in model.conditions},
        alpha={c.id: alpha_of(model, totals, c.id) for c in model.conditions},
    )  # fmt: skip
    return group, by_round


def _part(round_: AssessmentRound, group: _Group, verdicts: _Verdicts, ledger: Ledger) -> TeamPart:
    outcome: Withheld | Disclosed = (
        _outcome(group, verdicts, ledger)
        if group.responses >= group.threshold
        else Withheld(group.responses, group.threshold)
    )
    hidden = verdicts.protected.get(group.key, set())
    return TeamPart(
        team_id=round_.team_id,
        team_name=round_.team.name,
        round_id=round_.id,
        opened_at=round_.opened_at,
        closed_at=round_.closed_at,
        outcome=outcome,
        model=group.model,
        protected=frozenset(k for k in hidden if k[0] != ITEM),
        protected_items=frozenset(k for k in hidden if k[0] == ITEM),
    )


def _total(group: _Group, verdicts: _Verdicts, ledger: Ledger) -> Withheld | Disclosed:
    if group.responses < group.threshold:
        return Withheld(group.responses, group.threshold)
    return _outcome(group, verdicts, ledger)


def area_results(session: Session, area: Area) -> AreaResults:
    """The area's pooled figures and each team's, as people who see area figures may see them,
    remembered in their ledger.

    Each team counts with one round (see `round_to_show`). The total is scored with the model
    of the most recent of those rounds; answers to statements it no longer has are left out.
    The threshold is the highest of the organisation's and those rounds' thresholds. The total
    is judged first, then the teams from the largest down, so that the figures hidden to stop
    subtraction are the smallest teams'.
    """
    organisation = session.get(Organisation, area.organisation_id)
    assert organisation is not None  # foreign key
    # One query for the area's rounds, not one per team.
    rounds = list(
        session.scalars(
            select(AssessmentRound).where(
                AssessmentRound.team_id.in_([team.id for team in area.teams])
            )
        )
    )
    by_team: dict[int, list[AssessmentRound]] = defaultdict(list)
    for each in rounds:
        by_team[each.team_id].append(each)
    counts = response_counts(session, (r.id for r in rounds))
    chosen: list[AssessmentRound] = []
    without: list[str] = []
    for team in area.teams:
        round_ = round_to_show(by_team[team.id], counts)
        if round_ is None:
            without.append(team.name)
        else:
            chosen.append(round_)
    threshold = max([organisation.anonymity_threshold] + [r.anonymity_threshold for r in chosen])
    if not chosen:
        return AreaResults(area.id, area.name, threshold, Withheld(0, threshold), None, [], without)
    ledger = Ledger(session, area.organisation_id, Audience.AREA)
    inputs = (
        area.name,
        threshold,
        tuple((t.id, t.name) for t in area.teams),
        _round_inputs(rounds, counts),
        ledger.state,
    )
    kept = _kept_results_for(session)
    found = kept.get((GroupKind.AREA, area.id, 0))
    if found is not None and found[0] == inputs:
        assert isinstance(found[1], AreaResults)
        return found[1]
    pooled = _pool(session, chosen, counts)
    area_group, by_round = _pool_group(
        (GroupKind.AREA, area.id, 0), area.id, pooled, [r.id for r in chosen], threshold
    )
    teams = [pooled.own[r.id] for r in sorted(chosen, key=lambda r: r.id)]
    verdicts = _judge(ledger, _candidates([(area_group, by_round)], teams), [area_group, *teams])
    parts = [_part(r, pooled.own[r.id], verdicts, ledger) for r in chosen]
    total = _total(area_group, verdicts, ledger)
    results = AreaResults(area.id, area.name, threshold, total, pooled.model, parts, without)
    ledger.write()
    _keep_once_committed(session, (GroupKind.AREA, area.id, 0), inputs, ledger, results)
    return results


def _round_inputs(
    rounds: Iterable[AssessmentRound], counts: Mapping[int, int]
) -> tuple[tuple[object, ...], ...]:
    """What a pool's results depend on in its rounds, to tell when they may be reused."""
    return tuple(
        (
            r.id,
            r.team_id,
            counts.get(r.id, 0),
            r.figures_responses,
            r.anonymity_threshold,
            r.model_version_id,
            r.opened_at,
            r.closed_at,
        )
        for r in sorted(rounds, key=lambda r: r.id)
    )


# ---- the county in an assessment period ----------------------------------------------------


@dataclass(frozen=True)
class AreaInPeriod:
    area_id: int
    area_name: str
    threshold: int
    total: Withheld | Disclosed
    parts: list[TeamPart] = field(default_factory=list)  # teams with responses, by name
    teams_without_responses: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CountyResults:
    """The county, its areas and their teams in one period, as leaders may see them.

    `selection` is the pool of a chosen set of areas (a filter), judged after everything else
    so that choosing one never hides what is shown without it; `selection_refused` when the
    areas left out would hold fewer people than the threshold (subtracting the selection from
    the county would show them)."""

    period_id: int
    threshold: int
    model: CultureModel | None
    total: Withheld | Disclosed
    areas: list[AreaInPeriod]
    selection: Withheld | Disclosed | None = None
    selection_refused: bool = False


def selection_id(area_ids: Iterable[int]) -> int:
    """The ledger's id for a chosen set of areas."""
    text = ",".join(str(a) for a in sorted(set(area_ids)))
    return zlib.crc32(text.encode()) & 0x7FFFFFFF


def county_results(
    session: Session,
    organisation: Organisation,
    period: AssessmentPeriod,
    selected_area_ids: Iterable[int] = (),
) -> CountyResults:
    """Every area of a period and each of its teams, pooled into the county, as people who see
    area figures may see them, remembered in their ledger. Each team counts with one of its
    rounds in the period (`round_to_show`); everything is scored with the model of the newest
    of those rounds, and judged widest first: the county, the areas from the largest down, the
    teams from the largest down, then the selection, if any."""
    area_ids = list(
        session.scalars(
            select(AssessmentPeriodArea.area_id).where(AssessmentPeriodArea.period_id == period.id)
        )
    )
    areas = list(session.scalars(select(Area).where(Area.id.in_(area_ids)).order_by(Area.name)))
    teams = list(
        session.scalars(select(Team).where(Team.area_id.in_(area_ids)).order_by(Team.name))
    )
    rounds = list(
        session.scalars(select(AssessmentRound).where(AssessmentRound.period_id == period.id))
    )
    counts = response_counts(session, (r.id for r in rounds))
    by_team: dict[int, list[AssessmentRound]] = defaultdict(list)
    for round_ in rounds:
        by_team[round_.team_id].append(round_)
    chosen: dict[int, list[AssessmentRound]] = defaultdict(list)
    without: dict[int, list[str]] = defaultdict(list)
    for team in teams:
        shown = round_to_show(by_team[team.id], counts)
        if shown is None:
            without[team.area_id].append(team.name)
        else:
            chosen[team.area_id].append(shown)
    every = [r for area in areas for r in chosen[area.id]]

    def threshold_of(rounds: Sequence[AssessmentRound]) -> int:
        return max([organisation.anonymity_threshold] + [r.anonymity_threshold for r in rounds])

    threshold = threshold_of(every)
    if not every:
        empty = [
            AreaInPeriod(a.id, a.name, threshold, Withheld(0, threshold), [], without[a.id])
            for a in areas
        ]
        return CountyResults(period.id, threshold, None, Withheld(0, threshold), empty)
    ledger = Ledger(session, organisation.id, Audience.AREA)
    # Everything the results depend on: when none of it changed since a look that showed
    # nothing new, that look's results are the answer (a closed period's, most of the time).
    inputs = (
        organisation.anonymity_threshold,
        tuple(sorted(set(selected_area_ids))),
        tuple((a.id, a.name) for a in areas),
        tuple((t.id, t.name, t.area_id) for t in teams),
        _round_inputs(rounds, counts),
        ledger.state,
    )
    kept = _kept_results_for(session)
    found = kept.get((GroupKind.COUNTY, organisation.id, period.id))
    if found is not None and found[0] == inputs:
        assert isinstance(found[1], CountyResults)
        return found[1]
    if found is not None and _shown_since_elsewhere(ledger, found[0], inputs, rounds):
        # Only figures of other rounds were shown since (the dashboard's other period): the
        # cells of these rounds are as they were, so every figure here is judged the same.
        assert isinstance(found[1], CountyResults)
        _keep_once_committed(
            session, (GroupKind.COUNTY, organisation.id, period.id), inputs, ledger, found[1],
            found[2],
        )  # fmt: skip
        return found[1]
    if found is not None and isinstance(found[2], _CountyLook):
        assert isinstance(found[1], CountyResults)
        newer = _after_new_answers(
            session, ledger, inputs, found[0], found[1], found[2], counts, areas, chosen, every
        )
        if newer is not None:
            return newer
    pooled = _pool(session, every, counts, teams_conditions_only=True)
    area_pools = {
        area.id: _pool_group(
            (GroupKind.AREA, area.id, period.id),
            area.id,
            pooled,
            [r.id for r in chosen[area.id]],
            threshold_of(chosen[area.id]),
        )
        for area in areas
        if chosen[area.id]
    }
    county = _pool_group(
        (GroupKind.COUNTY, organisation.id, period.id),
        None,
        pooled,
        [r.id for r in every],
        threshold,
        add_up(group.totals for group, _ in area_pools.values()),
    )
    selected = {a for a in selected_area_ids if a in area_pools}
    selection = None
    refused = False
    if selected and selected != set(area_pools):
        pools = [area_pools[a] for a in sorted(selected)]
        responses = sum(group.responses for group, _ in pools)
        if filter_may_show(county[0].responses, responses, threshold):
            selection = _pool_group(
                (GroupKind.SELECTION, selection_id(selected), period.id),
                None,
                pooled,
                [r for _, by_round in pools for r in by_round],
                threshold,
                add_up(group.totals for group, _ in pools),
            )
        else:
            refused = True
    teams_in_order = [pooled.own[r.id] for r in sorted(every, key=lambda r: r.id)]
    candidates = _candidates([county, *area_pools.values()], teams_in_order)
    if selection is not None:
        for key, options in _candidates([selection], []).items():
            candidates.setdefault(key, []).extend(options)
    judged = [county[0], *(group for group, _ in area_pools.values()), *teams_in_order]
    verdicts = _judge(ledger, candidates, judged + ([selection[0]] if selection else []))
    results = []
    for area in areas:
        parts = [_part(r, pooled.own[r.id], verdicts, ledger) for r in chosen[area.id]]
        if area.id in area_pools:
            group = area_pools[area.id][0]
            total: Withheld | Disclosed = _total(group, verdicts, ledger)
            area_threshold = group.threshold
        else:
            total, area_threshold = Withheld(0, threshold), threshold
        results.append(
            AreaInPeriod(area.id, area.name, area_threshold, total, parts, without[area.id])
        )
    county_results = CountyResults(
        period_id=period.id,
        threshold=threshold,
        model=pooled.model,
        total=_total(county[0], verdicts, ledger),
        areas=results,
        selection=_total(selection[0], verdicts, ledger) if selection is not None else None,
        selection_refused=refused,
    )
    ledger.write()
    _keep_once_committed(
        session, (GroupKind.COUNTY, organisation.id, period.id), inputs, ledger, county_results,
        _CountyLook(
            area_pools, frozenset(r.id for r in every), pooled, _bases_of(county[0], candidates)
        )
        if selection is None
        else None,
    )  # fmt: skip
    return county_results


def _shown_since_elsewhere(
    ledger: Ledger,
    before: object,
    inputs: tuple[object, ...],
    rounds: Sequence[AssessmentRound],
) -> bool:
    """Whether nothing changed since an earlier look but the ledger (its state ends `inputs`),
    and every figure shown since rests on rounds other than these. A basis counts people of
    its own rounds only, so figures of other rounds make no cell among these rounds' people,
    and the rule judges these rounds' figures as it did then."""
    assert isinstance(before, tuple)
    if before[:-1] != inputs[:-1]:
        return False
    then = before[-1]
    assert isinstance(then, tuple)
    since = ledger.rounds_shown_since(then)
    return since is not None and since.isdisjoint(r.id for r in rounds)


@dataclass(frozen=True)
class _CountyLook:
    """What a look at the county was built from, beyond its results: each area's pool, and
    the round each team counted with."""

    area_pools: Mapping[int, tuple[_Group, Mapping[int, Totals]]]
    chosen: frozenset[int]
    pooled: _Pooled
    county_bases: Mapping[FigureKey, Mapping[int, int]]  # the county's candidates' bases


def _changed_rounds(before: tuple[object, ...], now: tuple[object, ...]) -> set[int] | None:
    """The rounds whose responses alone changed between two looks' round inputs; None if
    anything else changed (a round opened or closed, a threshold, a model)."""
    if len(before) != len(now):
        return None
    changed: set[int] = set()
    for old, new in zip(before, now, strict=True):
        assert isinstance(old, tuple) and isinstance(new, tuple)
        if old == new:
            continue
        if old[:2] != new[:2] or old[4:] != new[4:]:
            return None
        changed.add(new[0])
    return changed


def _after_new_answers(
    session: Session,
    ledger: Ledger,
    inputs: tuple[object, ...],
    before: object,
    results: CountyResults,
    look: _CountyLook,
    counts: Mapping[int, int],
    areas: Sequence[Area],
    chosen: Mapping[int, Sequence[AssessmentRound]],
    every: Sequence[AssessmentRound],
) -> CountyResults | None:
    """The county after new responses in some of its rounds and nothing else, judging again
    only the groups they are in: those rounds, their areas and the county. None when this does
    not apply (anything else changed, a selection of areas), for a look from scratch.

    Every other group's figures rest on the same people as at the last look, and nothing was
    shown to this audience since (the ledger is as that look left it), so they are shown as
    they were: what was shown then is in the ledger on exactly those bases, and what was
    withheld stays withheld. The groups judged again are judged against the whole ledger, in
    the order a look from scratch takes (the county, areas by size, teams by size), so every
    figure shown anew keeps the rule with everything ever shown."""
    assert isinstance(before, tuple)
    if inputs[1] or before[1] or before[:4] != inputs[:4] or before[5] != inputs[5]:
        return None
    previous_rounds, rounds_now = before[4], inputs[4]
    assert isinstance(previous_rounds, tuple) and isinstance(rounds_now, tuple)
    changed = _changed_rounds(previous_rounds, rounds_now)
    if not changed or frozenset(r.id for r in every) != look.chosen:
        return None
    pooled = _pool_again(session, look.pooled, [r for r in every if r.id in changed], counts)
    area_of = {r.id: area_id for area_id, rs in chosen.items() for r in rs}
    changed_areas = {area_of[r] for r in changed if r in area_of}
    period_id, threshold = results.period_id, results.threshold
    area_pools = {
        area.id: _pool_group(
            (GroupKind.AREA, area.id, period_id),
            area.id,
            pooled,
            [r.id for r in chosen[area.id]],
            look.area_pools[area.id][0].threshold,  # the same rounds, the same thresholds
        )
        if area.id in changed_areas
        else look.area_pools[area.id]
        for area in areas
        if chosen[area.id]
    }
    county = _pool_group(
        (GroupKind.COUNTY, ledger.organisation_id, period_id),
        None,
        pooled,
        [r.id for r in every],
        threshold,
        add_up(group.totals for group, _ in area_pools.values()),
    )
    teams = [pooled.own[r] for r in sorted(changed) if r in area_of]
    judged = [county, *(area_pools[a.id] for a in areas if a.id in changed_areas)]
    candidates = _candidates(judged, teams, {county[0].key: look.county_bases}, changed)
    verdicts = _judge(ledger, candidates, [*(group for group, _ in judged), *teams])
    by_area = {area.area_id: area for area in results.areas}
    now: list[AreaInPeriod] = []
    for area in areas:
        kept_area = by_area[area.id]
        if area.id not in changed_areas:
            now.append(kept_area)
            continue
        kept_parts = {part.round_id: part for part in kept_area.parts}
        parts = [
            _part(r, pooled.own[r.id], verdicts, ledger) if r.id in changed else kept_parts[r.id]
            for r in chosen[area.id]
        ]
        group = area_pools[area.id][0]
        now.append(
            AreaInPeriod(
                area.id,
                area.name,
                group.threshold,
                _total(group, verdicts, ledger),
                parts,
                kept_area.teams_without_responses,
            )  # fmt: skip
        )
    newer = CountyResults(
        period_id=period_id,
        threshold=threshold,
        model=pooled.model,
        total=_total(county[0], verdicts, ledger),
        areas=now,
    )
    ledger.write()
    _keep_once_committed(
        session, (GroupKind.COUNTY, ledger.organisation_id, period_id), inputs, ledger, newer,
        _CountyLook(area_pools, look.chosen, pooled, _bases_of(county[0], candidates)),
    )  # fmt: skip
    return newer


# Per process and database: a pool's results (the area page's, the county's in a period) with
# everything they were computed from, reused while none of it changes.
# A county's with what its look was built from (`_CountyLook`), for the next look after new
# responses.
_Kept = tuple[object, AreaResults | CountyResults, "_CountyLook | None"]
_kept_results: weakref.WeakKeyDictionary[Engine, dict[GroupKey, _Kept]] = (
    weakref.WeakKeyDictionary()
)


def _kept_results_for(session: Session) -> dict[GroupKey, _Kept]:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    return _kept_results.setdefault(engine, {})


def _keep_once_committed(
    session: Session,
    key: GroupKey,
    inputs: tuple[object, ...],
    ledger: Ledger,
    results: AreaResults | CountyResults,
    look: _CountyLook | None = None,
) -> None:
    """Keep a look's results for the next look with the same inputs, the ledger's state among
    them (`inputs` ends with it) as the next transaction will read it: with the rows this one
    wrote, this look's and any later look's in it (a dashboard looks at two periods). Every
    figure in the results is then in the ledger as shown, so showing them again shows nothing
    new. Kept only once the transaction commits: a look rolled back wrote no rows, and its
    results may not be shown without them."""
    pending = session.info.setdefault(_TO_KEEP, [])
    if not pending:
        event.listen(session, "before_commit", _final_states, once=True)
        event.listen(session, "after_commit", _keep_pending, once=True)
        event.listen(session, "after_rollback", _keep_none, once=True)
    pending.append((key, inputs[:-1], (ledger.organisation_id, ledger.audience), results, look))


_TO_KEEP = "culturetool.results_to_keep"
_KEEP_NOW = "culturetool.results_keep_now"


def _final_states(session: Session) -> None:
    """Before commit, after every look of the transaction: each result with its ledger's
    state as the transaction leaves it."""
    session.info[_KEEP_NOW] = [
        (key, (*inputs, state_after(session, *audience)), results, look)
        for key, inputs, audience, results, look in session.info.pop(_TO_KEEP, [])
    ]


def _keep_none(session: Session) -> None:
    session.info.pop(_TO_KEEP, None)
    session.info.pop(_KEEP_NOW, None)


def _keep_pending(session: Session) -> None:
    kept = _kept_results_for(session)
    for key, inputs, results, look in session.info.pop(_KEEP_NOW, []):
        kept[key] = (inputs, results, look)
