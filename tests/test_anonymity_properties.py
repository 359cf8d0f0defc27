"""Property tests of the anonymity promise on the results people see.

Hypothesis makes up rounds and whole areas (how many teams, rounds and people, the threshold,
who said "don't know" to what) and checks, for each role's views, that no figure shown rests on
fewer people than the threshold, directly or by subtracting shown figures from an area's total.
"""

from __future__ import annotations

import io
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from people import admin, leader, manager_of
from respondents import open_link_round

from culturetool.domain.access import Forbidden
from culturetool.domain.limits import MIN_ANONYMITY_THRESHOLD
from culturetool.services import exports
from culturetool.services.area_results import area_results_view
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.services.round_results import results_for_round
from culturetool.services.rounds import close_round
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.disclosure import Disclosed, area_results, round_results
from culturetool.store.tables import Area, AssessmentRound

_team_names = (f"Team {n}" for n in itertools.count(1))


_area_names = (f"Area {n}" for n in itertools.count(1))


@pytest.fixture
def organisation(database) -> None:
    create_organisation("Property Council")


def answers_strategy(item_ids: list[str], blank_conditions: frozenset[str], model):
    """One person's answers; conditions in blank_conditions are often all "don't know"."""

    def answer_for(item_id: str):
        item = model.item_by_id[item_id]
        if item.condition in blank_conditions:
            return st.one_of(st.none(), st.none(), st.integers(1, 5))
        return st.one_of(st.none(), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))

    return st.fixed_dictionaries({item_id: answer_for(item_id) for item_id in item_ids})


@st.composite
def rounds(draw, model):
    threshold = draw(st.integers(MIN_ANONYMITY_THRESHOLD, 8))
    people = draw(st.integers(0, threshold + 4))
    blank = frozenset(draw(st.sets(st.sampled_from([c.id for c in model.conditions]), max_size=3)))
    item_ids = [item.id for item in model.questionnaire.items]
    responses = draw(st.lists(answers_strategy(item_ids, blank, model), min_size=people,
                              max_size=people))  # fmt: skip
    return threshold, responses


def usable_respondents(model, responses, belongs) -> int:
    ids = {item.id for item in model.questionnaire.items if belongs(item)}
    return sum(any(r[i] is not None for i in ids) for r in responses)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_shown_figure_rests_on_fewer_people_than_the_threshold(organisation, model, data):
    threshold, responses = data.draw(rounds(model))
    area = add_area(admin(), next(_area_names))  # alone in its area: no subtraction here
    team = add_team(admin(), area, next(_team_names))
    opened = open_link_round(manager_of(team), team)
    with transaction() as session:
        round_ = session.get(AssessmentRound, opened.id)
        round_.anonymity_threshold = threshold
        for response in responses:
            repo.insert_response(session, round_, response)

    view = results_for_round(leader(), opened.id)

    assert view.responses == len(responses)
    if len(responses) < threshold:
        assert not view.disclosed
        assert view.still_needed == threshold - len(responses)
        assert view.conditions == [] and view.acceptance == [] and view.summary == []
        assert not view.confidence_shown
        return
    assert view.disclosed
    for row, condition in zip(view.conditions, model.conditions, strict=True):
        people = usable_respondents(model, responses, lambda i, c=condition.id: i.condition == c)
        assert row.shown == (people >= threshold)
        if row.shown:
            assert row.respondents == people >= threshold
    for row, scale in zip(view.acceptance, model.questionnaire.acceptance_scales, strict=True):
        people = usable_respondents(model, responses, lambda i, s=scale.id: i.acceptance_scale == s)
        assert row.shown == (people >= threshold)
    pairs = sum(
        all(r[i.id] is not None for i in model.questionnaire.items if i.confidence)
        for r in responses
    )
    assert view.confidence_shown == (pairs >= threshold)


# ---- areas: totals and their parts, as each role sees them ---------------------------------


def figure_people(model, responses) -> dict[tuple[str, str], int]:
    """People behind each figure, counted from the raw answers (independently of the app)."""
    people = {
        ("condition", c): usable_respondents(model, responses, lambda i, c=c: i.condition == c)
        for c in (condition.id for condition in model.conditions)
    }
    for scale in model.questionnaire.acceptance_scales:
        people["acceptance", scale.id] = usable_respondents(
            model, responses, lambda i, s=scale.id: i.acceptance_scale == s
        )
    confidence_items = [i.id for i in model.questionnaire.items if i.confidence]
    people["confidence", ""] = sum(all(r[i] is not None for i in confidence_items)
                                   for r in responses)  # fmt: skip
    return people


def shown_figures(view) -> set[tuple[str, str]]:
    """The figures a results page (team or area) shows."""
    shown = {("condition", r.key) for r in view.conditions if r.shown}
    shown |= {("acceptance", r.key) for r in view.acceptance if r.shown}
    if view.confidence_shown:
        shown.add(("confidence", ""))
    return shown


@st.composite
def areas(draw, model):
    threshold = draw(st.integers(MIN_ANONYMITY_THRESHOLD, 6))
    blank = frozenset(draw(st.sets(st.sampled_from([c.id for c in model.conditions]), max_size=2)))
    item_ids = [item.id for item in model.questionnaire.items]
    person = answers_strategy(item_ids, blank, model)
    teams = draw(
        st.lists(  # per team, its rounds oldest first, each a list of people's answers
            st.lists(st.lists(person, max_size=threshold + 4), min_size=1, max_size=2),
            min_size=1,
            max_size=4,
        )
    )
    return threshold, teams


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_figure_can_be_worked_out_by_subtraction(organisation, model, data):
    threshold, teams = data.draw(areas(model))
    administrator = admin()
    area = add_area(administrator, next(_area_names))
    raw: dict[int, list] = {}  # round id -> its responses
    managers = {}
    for rounds_of_team in teams:
        team = add_team(administrator, area, next(_team_names))
        managers[team] = manager_of(team)
        for responses in rounds_of_team:
            opened = open_link_round(managers[team], team)
            with transaction() as session:
                round_ = session.get(AssessmentRound, opened.id)
                round_.anonymity_threshold = threshold
                for response in responses:
                    repo.insert_response(session, round_, response)
            raw[opened.id] = responses
            close_round(managers[team], opened.id)
    a_leader = leader()

    area_view = area_results_view(a_leader, area)
    pooled_rounds = [row.round_id for row in area_view.teams]
    assert (
        len(set(pooled_rounds))
        == len(pooled_rounds)
        == sum(any(raw[r] for r in team_rounds) for team_rounds in _rounds_by_team(raw, teams))
    )
    pooled = [response for r in pooled_rounds for response in raw[r]]
    assert area_view.responses == len(pooled)
    area_people = figure_people(model, pooled)
    area_shown = shown_figures(area_view) if area_view.disclosed else set()
    if area_view.disclosed:
        assert len(pooled) >= threshold
    for figure in area_shown:
        assert area_people[figure] >= threshold, f"area figure {figure} rests on too few"

    # What a leader sees of each team: its results page, which must agree with the area page.
    team_shown = {}
    for round_id in raw:
        page = results_for_round(a_leader, round_id)
        team_shown[round_id] = shown_figures(page) if page.disclosed else set()
        people = figure_people(model, raw[round_id])
        for figure in team_shown[round_id]:
            assert people[figure] >= threshold, f"team figure {figure} rests on too few"
    for row in area_view.teams:
        shown_cells = zip(model.conditions, row.cells, strict=False)
        cells_shown = {("condition", c.id) for c, cell in shown_cells if cell.shown}
        assert cells_shown == {f for f in team_shown[row.round_id] if f[0] == "condition"}

    # Subtraction: the area's figure minus every shown team figure leaves the hidden teams'
    # figure, which must rest on nobody or on at least the threshold of people.
    for figure in area_shown:
        hidden = sum(
            figure_people(model, raw[r])[figure]
            for r in pooled_rounds
            if figure not in team_shown[r]
        )
        assert hidden == 0 or hidden >= threshold, f"{figure}: {hidden} people by subtraction"

    check_statements(model, area, raw, pooled_rounds, threshold)

    # The area's export holds a team's score exactly where the page shows one.
    workbook = load_workbook(io.BytesIO(exports.area_results_file(a_leader, area, "xlsx").data))
    exported = list(workbook["Teams"].iter_rows(min_row=2, values_only=True))
    for row, line in zip(area_view.teams, exported, strict=False):
        numbers = [value for value in line[3:] if isinstance(value, float | int)]
        assert numbers == [cell.mean for cell in row.cells if cell.shown]

    # A manager sees only their own team's pages, never an area's figures.
    for manager in managers.values():
        with pytest.raises(Forbidden):
            area_results_view(manager, area)
    for round_id, responses in raw.items():
        team_id = _team_of_round(round_id)
        page = results_for_round(managers[team_id], round_id)
        people = figure_people(model, responses)
        for figure in shown_figures(page) if page.disclosed else set():
            assert people[figure] >= threshold


def _group_of(item) -> tuple[str, str]:
    if item.condition:
        return ("condition", item.condition)
    if item.acceptance_scale:
        return ("acceptance", item.acceptance_scale)
    return ("confidence", "")


def check_statements(model, area_id: int, raw: dict[int, list], pooled_rounds, threshold) -> None:
    """Statement scores (recommendations quote the lowest) obey the same promise as figures:
    each rests on the threshold, only under a shown figure and together with all its siblings,
    and the area's statement minus the teams' shown ones leaves 0 or at least the threshold."""

    def shown_statements(outcome, responses) -> set[str]:
        if not isinstance(outcome, Disclosed):
            return set()
        figures = {("condition", key) for key, g in outcome.scores.conditions.items() if g}
        figures |= {("acceptance", key) for key, g in outcome.scores.acceptance.items() if g}
        if outcome.scores.confidence:
            figures.add(("confidence", ""))
        for item_id, score in outcome.items.items():
            item = model.item_by_id[item_id]
            assert _group_of(item) in figures, f"{item_id} shown under a hidden figure"
            people = sum(r[item_id] is not None for r in responses)
            assert score.respondents == people >= threshold, f"statement {item_id}: {people}"
            siblings = [i.id for i in model.questionnaire.items if _group_of(i) == _group_of(item)]
            assert all(
                s in outcome.items or all(r[s] is None for r in responses) for s in siblings
            ), f"{item_id} shown without all its siblings"
        return set(outcome.items)

    with transaction() as session:
        results = area_results(session, session.get(Area, area_id))
        pooled = [response for r in pooled_rounds for response in raw[r]]
        area_items = shown_statements(results.total, pooled)
        team_items = {}
        for round_id in raw:
            round_ = session.get(AssessmentRound, round_id)
            seen = round_results(session, round_, model, viewer_sees_area_figures=True)
            team_items[round_id] = shown_statements(seen, raw[round_id])
        for part in results.parts:
            assert shown_statements(part.outcome, raw[part.round_id]) == team_items[part.round_id]
    for item_id in area_items:
        hidden = sum(
            sum(r[item_id] is not None for r in raw[round_id])
            for round_id in pooled_rounds
            if item_id not in team_items[round_id]
        )
        assert hidden == 0 or hidden >= threshold, f"statement {item_id}: {hidden} by subtraction"


def _team_of_round(round_id: int) -> int:
    with transaction() as session:
        return session.get(AssessmentRound, round_id).team_id


def _rounds_by_team(raw: dict[int, list], teams: list) -> list[list[int]]:
    round_ids = iter(sorted(raw))  # rounds were opened team by team, in order
    return [[next(round_ids) for _ in rounds_of_team] for rounds_of_team in teams]
