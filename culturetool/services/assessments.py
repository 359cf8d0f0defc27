"""Use cases of the team self-assessment, each in one transaction.

The web pages call these and get back plain dataclasses; they never touch tables or rules.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from culturetool import config
from culturetool.analytics.charts import condition_chart_svg
from culturetool.domain.access import Actor, Permission, require
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.model_loader import load_model_dir
from culturetool.domain.model_schema import CultureModel
from culturetool.domain.scoring import GroupScore
from culturetool.domain.text import clean_name
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.disclosure import (
    CONFIDENCE,
    AsBefore,
    Disclosed,
    FigureKey,
    Withheld,
    area_results,
    response_count,
    round_comments,
    round_results,
)
from culturetool.store.tables import (
    DEFAULT_ANONYMITY_THRESHOLD,
    MIN_ANONYMITY_THRESHOLD,
    NAME_LENGTH,
    Area,
    AssessmentRound,
    Organisation,
    Team,
    utcnow,
)

SECONDS_PER_STATEMENT = 12  # reading and answering one short statement, rounded up


@cache
def _model_from(directory: Path) -> CultureModel:
    return load_model_dir(directory)


def current_model() -> CultureModel:
    """The culture model in force: new rounds are measured with it."""
    return _model_from(config.model_dir().resolve())


def _minutes_to_answer(model: CultureModel) -> int:
    return max(1, math.ceil(len(model.questionnaire.items) * SECONDS_PER_STATEMENT / 60))


# ---- views handed to the pages ------------------------------------------------------------


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
    access_mode: str = "link"  # "codes": personal one-off codes; "link": an open link
    staff_count: int = 0  # 0 for rounds opened before the staff count was asked


@dataclass
class TeamSummary:
    id: int
    name: str
    area_name: str
    has_open_round: bool
    latest_round_id: int
    latest_responses: int


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


TOO_FEW = "Too few answers to show"
PROTECTED = "Hidden so that a smaller team's answers cannot be worked out from the area's figures"


@dataclass
class ScoreRow:
    key: str
    name: str
    shown: bool
    hidden_reason: str = ""
    mean: float = 0.0
    level: int = 0
    level_name: str = ""
    looks_like: str = ""
    respondents: int = 0
    answers: int = 0
    dont_know: int = 0
    spread: float = 0.0
    note: str = ""  # set when the score is shown as it was earlier (see `as_before_note`)


@dataclass
class ChangeRow:
    """One condition of a round beside the same condition in the team's previous round."""

    key: str
    name: str
    compared: bool  # both rounds' figures are shown; otherwise `sentence` says why not
    previous: float = 0.0
    current: float = 0.0
    change: float = 0.0
    change_text: str = ""  # "+0.35", "−0.20" or "no change"
    direction: str = ""  # "up", "down" or "same"; "" when not compared
    sentence: str = ""


@dataclass
class DoneAction:
    """An action of the plan marked done between two rounds."""

    id: int
    title: str
    team_name: str  # "Whole area" for an action of the whole area
    done_on: str
    conditions: str  # the conditions it addresses, by name


@dataclass
class RoundComparison:
    """A round against the team's most recent earlier round with results, and the actions done
    in between. Only figures shown on both rounds' pages are compared."""

    previous_round_id: int
    previous_dates: str
    summary: str
    actions_from: str
    actions_to: str
    actions_shown: bool  # the person may see action plans
    rows: list[ChangeRow] = field(default_factory=list)
    actions_done: list[DoneAction] = field(default_factory=list)


@dataclass
class ResultsView:
    round_id: int
    team_id: int
    team_name: str
    area_name: str
    opened_on: str
    closed_on: str
    model_label: str
    responses: int
    threshold: int
    disclosed: bool
    still_needed: int
    conditions: list[ScoreRow] = field(default_factory=list)
    acceptance: list[ScoreRow] = field(default_factory=list)
    confidence_shown: bool = False
    confidence_hidden_reason: str = ""
    confidence_note: str = ""
    confidence_personal: float = 0.0
    confidence_work: float = 0.0
    confidence_gap: float = 0.0
    confidence_sentence: str = ""
    chart_svg: str = ""
    comment_threshold: int = 0
    comments_shown: bool = False
    comments: list[str] = field(default_factory=list)
    comparison: RoundComparison | None = None
    comparison_note: str = ""  # why there is no comparison, when this round has results


@dataclass
class TeamCell:
    """One team's score for one condition on the area page."""

    shown: bool
    mean: float = 0.0
    level: int = 0
    hidden_reason: str = ""
    note: str = ""  # set when the score is shown as it was earlier


@dataclass
class AreaTeamRow:
    team_id: int
    team_name: str
    round_id: int
    round_dates: str
    responses: int
    disclosed: bool
    cells: list[TeamCell] = field(default_factory=list)


@dataclass
class ConditionAcrossTeams:
    """One line of the area page's grid: a condition, the area's score and each team's."""

    name: str
    area: TeamCell
    teams: list[TeamCell] = field(default_factory=list)


@dataclass
class AreaResultsView:
    """An area's pooled figures and each team's, with the same field names as ResultsView for
    the pooled figures so that pages and exports can treat both alike."""

    area_id: int
    area_name: str
    responses: int
    threshold: int
    disclosed: bool
    still_needed: int
    model_label: str = ""
    condition_names: list[str] = field(default_factory=list)
    teams: list[AreaTeamRow] = field(default_factory=list)
    teams_without_responses: list[str] = field(default_factory=list)
    grid: list[ConditionAcrossTeams] = field(default_factory=list)
    any_protected: bool = False
    conditions: list[ScoreRow] = field(default_factory=list)
    acceptance: list[ScoreRow] = field(default_factory=list)
    confidence_shown: bool = False
    confidence_hidden_reason: str = ""
    confidence_note: str = ""
    confidence_personal: float = 0.0
    confidence_work: float = 0.0
    confidence_gap: float = 0.0
    confidence_sentence: str = ""
    chart_svg: str = ""



# ---- organisation, areas and teams ----------------------------------------------------------


def _date(value: dt.datetime | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def _round_summary(session, round_: AssessmentRound) -> RoundSummary:
    return RoundSummary(
        id=round_.id,
        token=round_.token,
        opened_on=_date(round_.opened_at),
        closed_on=_date(round_.closed_at),
        is_open=round_.is_open,
        responses=response_count(session, round_.id),
        threshold=round_.anonymity_threshold,
        model_label=round_.model_version.label,
        access_mode=round_.access_mode,
        staff_count=round_.staff_count or 0,
    )


def create_organisation(name: str, threshold: int = DEFAULT_ANONYMITY_THRESHOLD) -> None:
    """Setting up an installation (command line, demo, tests); not reachable from the web."""
    name = clean_name(name, "organisation", NAME_LENGTH)
    if threshold < MIN_ANONYMITY_THRESHOLD:
        raise InputProblem(
            f"The anonymity threshold cannot be below {MIN_ANONYMITY_THRESHOLD} responses."
        )
    with transaction() as session:
        if repo.the_organisation(session) is not None:
            raise InputProblem("An organisation is already set up.")
        session.add(Organisation(name=name, anonymity_threshold=threshold))


def _team_in_reach(session, actor: Actor, team_id: int, permission: Permission) -> Team:
    """The team, if it exists in the actor's organisation and the actor may do this to it.

    A team of another organisation answers as not found, so its existence is not revealed.
    """
    require(actor, permission)
    team = session.get(Team, team_id)
    if team is None or team.area.organisation_id != actor.organisation_id:
        raise NotFound("There is no such team.")
    require(actor, permission, team.id)
    return team


def _round_in_reach(
    session, actor: Actor, round_id: int, permission: Permission
) -> AssessmentRound:
    require(actor, permission)
    round_ = session.get(AssessmentRound, round_id)
    if round_ is None or round_.team.area.organisation_id != actor.organisation_id:
        raise NotFound("There is no such round.")
    require(actor, permission, round_.team_id)
    return round_


def organisation_overview(actor: Actor) -> OrganisationView:
    """The areas and teams this person may see (a manager: only their own teams)."""
    require(actor, Permission.SEE_TEAMS)
    with transaction() as session:
        organisation = session.get(Organisation, actor.organisation_id)
        if organisation is None:
            raise NotFound("Your organisation no longer exists.")
        view = OrganisationView(
            name=organisation.name,
            threshold=organisation.anonymity_threshold,
            can_manage=actor.can(Permission.MANAGE_ORGANISATION),
            can_view_areas=actor.can(Permission.VIEW_AREA_RESULTS),
        )
        for area in organisation.areas:
            area_view = AreaView(id=area.id, name=area.name)
            for team in area.teams:
                if not actor.reaches_team(team.id):
                    continue
                latest = team.rounds[-1] if team.rounds else None
                area_view.teams.append(
                    TeamSummary(
                        id=team.id,
                        name=team.name,
                        area_name=area.name,
                        has_open_round=bool(latest and latest.is_open),
                        latest_round_id=latest.id if latest else 0,
                        latest_responses=response_count(session, latest.id) if latest else 0,
                    )
                )
            if area_view.teams or view.can_manage:
                view.areas.append(area_view)
        return view


def add_area(actor: Actor, name: str) -> int:
    require(actor, Permission.MANAGE_ORGANISATION)
    name = clean_name(name, "area", NAME_LENGTH)
    with transaction() as session:
        if repo.area_named(session, actor.organisation_id, name) is not None:
            raise InputProblem(f"There is already an area called “{name}”.")
        area = Area(organisation_id=actor.organisation_id, name=name)
        session.add(area)
        session.flush()
        repo.record(session, actor, "area added", name)
        return area.id


def add_team(actor: Actor, area_id: int, name: str) -> int:
    require(actor, Permission.MANAGE_ORGANISATION)
    name = clean_name(name, "team", NAME_LENGTH)
    with transaction() as session:
        area = session.get(Area, area_id)
        if area is None or area.organisation_id != actor.organisation_id:
            raise InputProblem("Choose the area the team belongs to.")
        if repo.team_named(session, area.id, name) is not None:
            raise InputProblem(f"{area.name} already has a team called “{name}”.")
        team = Team(area_id=area.id, name=name)
        session.add(team)
        session.flush()
        repo.record(session, actor, "team added", f"{name} in {area.name}")
        return team.id


def team_view(actor: Actor, team_id: int) -> TeamView:
    with transaction() as session:
        team = _team_in_reach(session, actor, team_id, Permission.SEE_TEAMS)
        return TeamView(
            id=team.id,
            name=team.name,
            area_name=team.area.name,
            organisation_name=team.area.organisation.name,
            survey_minutes=_minutes_to_answer(current_model()),
            can_run_rounds=actor.can(Permission.RUN_ROUNDS),
            can_view_results=actor.can(Permission.VIEW_RESULTS),
            rounds=[_round_summary(session, r) for r in reversed(team.rounds)],
        )


# ---- rounds -----------------------------------------------------------------------------------


def close_round(actor: Actor, round_id: int) -> None:
    """Close a round. In the same transaction its receipts and unused codes are deleted, and its
    responses, answers and comments are written again in random order, so that where rows sit
    in the database's files no longer tells when they arrived (see
    `repository.rewrite_in_random_order` for what is left while a round is open)."""
    with transaction() as session:
        round_ = _round_in_reach(session, actor, round_id, Permission.RUN_ROUNDS)
        if round_.closed_at is None:
            round_.closed_at = utcnow()
            repo.forget_round_access(session, round_.id)
            repo.rewrite_in_random_order(session, round_.id)
            repo.record(session, actor, "round closed", f"{round_.team.name} (round {round_.id})")


# ---- results -------------------------------------------------------------------------------


def _hidden_reason(figure: FigureKey, protected: frozenset[FigureKey]) -> str:
    return PROTECTED if figure in protected else TOO_FEW


def as_before_note(earlier: AsBefore | None) -> str:
    """Why a score is the one shown earlier: the words that go beside it on pages and in files."""
    if earlier is None:
        return ""
    when = f"As it was when {_people(earlier.people)} had answered"
    if earlier.more_needed:
        more = (
            "1 more person has"
            if earlier.more_needed == 1
            else f"{earlier.more_needed} more people have"
        )
        update = f"it will update once {more} answered"
    else:
        update = "it will update once more people have answered"
    return f"{when}: {update}, so that nobody's answers can be worked out by comparing the two."


def _people(number: int) -> str:
    return "1 person" if number == 1 else f"{number} people"


def _score_row(
    group: GroupScore | None,
    key: str,
    name: str,
    model: CultureModel,
    reason: str = TOO_FEW,
    earlier: AsBefore | None = None,
) -> ScoreRow:
    if group is None:
        return ScoreRow(key=key, name=name, shown=False, hidden_reason=reason)
    mean = round(group.mean, 2)
    level = model.level_for_score(mean)  # the level of the score people see, not a hidden digit
    condition = model.condition_by_id.get(key)
    return ScoreRow(
        key=key,
        name=name,
        shown=True,
        mean=mean,
        level=level.level,
        level_name=level.name,
        looks_like=condition.levels[level.level] if condition else "",
        respondents=group.respondents,
        answers=group.answers,
        dont_know=group.dont_know,
        spread=round(group.spread, 2),
        note=as_before_note(earlier),
    )


SMALL_CONFIDENCE_GAP = 0.25  # under a quarter point the two are read as the same


def _confidence_sentence(gap: float) -> str:
    if abs(gap) < SMALL_CONFIDENCE_GAP:
        return "People feel about as confident with technology at work as in their personal life."
    where = (
        "in their personal life than at work" if gap > 0 else "at work than in their personal life"
    )
    return f"People feel more confident with technology {where}: a gap of {abs(gap):.1f} points."


def _fill_scores(
    view: ResultsView | AreaResultsView,
    outcome: Disclosed,
    model: CultureModel,
    protected: frozenset[FigureKey] = frozenset(),
) -> None:
    """Put a disclosed set of scores on a page's view: tables, confidence and chart."""
    scores = outcome.scores
    earlier = outcome.as_before
    view.conditions = [
        _score_row(
            g, c.id, c.name, model, _hidden_reason(("condition", c.id), protected),
            earlier.get(("condition", c.id)),
        )  # fmt: skip
        for g, c in zip(scores.conditions, model.conditions, strict=True)
    ]
    view.acceptance = [
        _score_row(
            g, s.id, s.name, model, _hidden_reason(("acceptance", s.id), protected),
            earlier.get(("acceptance", s.id)),
        )  # fmt: skip
        for g, s in zip(scores.acceptance, model.questionnaire.acceptance_scales, strict=True)
    ]
    if scores.confidence is not None:
        view.confidence_note = as_before_note(earlier.get(CONFIDENCE))
        view.confidence_shown = True
        view.confidence_personal = round(scores.confidence.personal, 2)
        view.confidence_work = round(scores.confidence.work, 2)
        view.confidence_gap = round(scores.confidence.gap, 2)
        view.confidence_sentence = _confidence_sentence(scores.confidence.gap)
    else:
        view.confidence_hidden_reason = _hidden_reason(CONFIDENCE, protected)
    view.chart_svg = condition_chart_svg(
        [(r.name, r.mean, r.spread) for r in view.conditions if r.shown],
        [(lv.min_score, lv.name) for lv in model.meta.maturity_levels],
    )


def results_for_round(actor: Actor, round_id: int) -> ResultsView:
    with transaction() as session:
        round_ = _round_in_reach(session, actor, round_id, Permission.VIEW_RESULTS)
        model = repo.model_of_round(session, round_)
        sees_area = actor.can(Permission.VIEW_AREA_RESULTS)
        outcome = round_results(session, round_, model, viewer_sees_area_figures=sees_area)
        view = ResultsView(
            round_id=round_.id,
            team_id=round_.team_id,
            team_name=round_.team.name,
            area_name=round_.team.area.name,
            opened_on=_date(round_.opened_at),
            closed_on=_date(round_.closed_at),
            model_label=round_.model_version.label,
            responses=outcome.responses,
            threshold=outcome.threshold,
            disclosed=isinstance(outcome, Disclosed),
            still_needed=0 if isinstance(outcome, Disclosed) else outcome.still_needed,
        )
        if isinstance(outcome, Disclosed):
            _fill_scores(view, outcome, model, outcome.protected)
            view.comparison, view.comparison_note = _compare_with_previous(
                session, actor, round_, view.conditions
            )
        comments = round_comments(session, round_)
        view.comment_threshold = comments.threshold
        view.comments_shown = comments.shown
        view.comments = list(comments.comments)
        return view


def _round_dates(opened: dt.datetime, closed: dt.datetime | None) -> str:
    return f"{_date(opened)} to {_date(closed)}" if closed else f"opened {_date(opened)}, open"


# ---- a round against the team's previous one ----------------------------------------------

NO_CHANGE = 0.005  # a change that rounds to 0.00 is shown as no change
FIRST_ROUND = "This is the team's first round, so there is nothing to compare it with yet."
NO_EARLIER_RESULTS = (
    "No earlier round of this team had enough answers to show results, so there is nothing to "
    "compare this round with yet."
)


def _day(value: dt.date) -> str:
    return value.strftime("%d %b %Y")


def _why_not_compared(reason: str, which: str) -> str:
    if reason == PROTECTED:
        return (
            f"Cannot compare: hidden in {which} so that a smaller team's answers cannot be "
            "worked out from the area's figures."
        )
    return f"Cannot compare: too few answers in {which}."


def _change_row(current: ScoreRow, previous: ScoreRow | None) -> ChangeRow:
    row = ChangeRow(key=current.key, name=current.name, compared=False)
    if not current.shown:
        row.sentence = _why_not_compared(current.hidden_reason, "this round")
    elif previous is None:
        row.sentence = "Cannot compare: the previous round did not ask about this condition."
    elif not previous.shown:
        row.sentence = _why_not_compared(previous.hidden_reason, "the previous round")
    else:
        # From the figures people see, so the change is exactly their difference.
        change = round(current.mean - previous.mean, 2)
        row.compared, row.previous, row.current = True, previous.mean, current.mean
        if abs(change) < NO_CHANGE:
            row.change, row.change_text, row.direction = 0.0, "no change", "same"
            row.sentence = f"No change: still {current.level_name}."
        else:
            row.change = change
            row.direction = "up" if change > 0 else "down"
            row.change_text = f"+{change:.2f}" if change > 0 else f"\u2212{abs(change):.2f}"
            moved = (
                f"moved from {previous.level_name} to {current.level_name}"
                if previous.level != current.level
                else f"still {current.level_name}"
            )
            word = "Up" if change > 0 else "Down"
            points = "point" if abs(change) == 1 else "points"
            row.sentence = f"{word} {abs(change):.2f} {points}, {moved}."
    return row


def _and_list(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _change_summary(rows: list[ChangeRow]) -> str:
    counts = {
        "went up": sum(r.direction == "up" for r in rows),
        "went down": sum(r.direction == "down" for r in rows),
        "stayed the same": sum(r.direction == "same" for r in rows),
        "could not be compared": sum(not r.compared for r in rows),
    }
    parts = [f"{number} {what}" for what, number in counts.items() if number]
    if counts["could not be compared"] == len(rows):
        return "No condition could be compared: the reasons are in the table."
    noun = "condition" if len(rows) == 1 else "conditions"
    if len(parts) == 1:
        everyone = f"All {len(rows)} {noun}" if len(rows) > 1 else "The condition"
        return f"{everyone} {parts[0].split(' ', 1)[1]}."
    return f"Of {len(rows)} {noun}, {_and_list(parts)}."


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
    for group, condition in zip(outcome.scores.conditions, previous_model.conditions, strict=True):
        reason = _hidden_reason(("condition", condition.id), outcome.protected)
        previous_rows[condition.id] = _score_row(
            group, condition.id, condition.name, previous_model, reason
        )
    rows = [_change_row(row, previous_rows.get(row.key)) for row in current_rows]
    start = previous.opened_at.date()
    end = round_.closed_at.date() if round_.closed_at else dt.date.today()
    comparison = RoundComparison(
        previous_round_id=previous.id,
        previous_dates=_round_dates(previous.opened_at, previous.closed_at),
        summary=_change_summary(rows),
        actions_from=_day(start),
        actions_to=_day(end),
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
                done_on=_day(action.done_on) if action.done_on else "",
                conditions=_condition_names(action.condition_ids or "", models),
            )
            for action in repo.actions_done_between(
                session, round_.team.area_id, round_.team_id, start, end
            )
        ]
    return comparison, ""


def area_results_view(actor: Actor, area_id: int) -> AreaResultsView:
    """The area's pooled scores and a row per team, as leaders and innovation teams see them."""
    require(actor, Permission.VIEW_AREA_RESULTS)
    with transaction() as session:
        area = session.get(Area, area_id)
        if area is None or area.organisation_id != actor.organisation_id:
            raise NotFound("There is no such area.")
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
        )
        model = results.model
        if model is None:
            return view
        view.model_label = model.meta.version_label
        view.condition_names = [c.name for c in model.conditions]
        if isinstance(total, Disclosed):
            _fill_scores(view, total, model)
        for part in results.parts:
            row = AreaTeamRow(
                team_id=part.team_id,
                team_name=part.team_name,
                round_id=part.round_id,
                round_dates=_round_dates(part.opened_at, part.closed_at),
                responses=part.outcome.responses,
                disclosed=isinstance(part.outcome, Disclosed),
            )
            if isinstance(part.outcome, Disclosed):
                by_condition = dict(
                    zip(
                        (c.id for c in part.model.conditions),
                        part.outcome.scores.conditions,
                        strict=True,
                    )
                )
                for condition in model.conditions:
                    group = by_condition.get(condition.id)
                    if group is None:
                        reason = _hidden_reason(("condition", condition.id), part.protected)
                        row.cells.append(TeamCell(shown=False, hidden_reason=reason))
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


def _grid(view: AreaResultsView) -> list[ConditionAcrossTeams]:
    grid = []
    for number, name in enumerate(view.condition_names):
        area_row = view.conditions[number] if view.disclosed else None
        area_cell = (
            TeamCell(shown=True, mean=area_row.mean, level=area_row.level, note=area_row.note)
            if area_row is not None and area_row.shown
            else TeamCell(shown=False, hidden_reason=area_row.hidden_reason if area_row else "")
        )
        cells = [
            team.cells[number] if team.disclosed else TeamCell(shown=False, hidden_reason=TOO_FEW)
            for team in view.teams
        ]
        grid.append(ConditionAcrossTeams(name=name, area=area_cell, teams=cells))
    return grid
