"""Property tests of the anonymity promise on the results people see.

Hypothesis makes up rounds (how many people answered, the threshold, who said "don't know" to
what) and checks that no figure shown rests on fewer people than the threshold.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from people import admin, leader, manager_of

from culturetool.services import assessments as svc
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import MIN_ANONYMITY_THRESHOLD, AssessmentRound

_team_names = (f"Team {n}" for n in itertools.count(1))


@pytest.fixture
def area(database) -> int:
    svc.create_organisation("Property Council")
    return svc.add_area(admin(), "Everywhere")


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
def test_no_shown_figure_rests_on_fewer_people_than_the_threshold(area, model, data):
    threshold, responses = data.draw(rounds(model))
    team = svc.add_team(admin(), area, next(_team_names))
    opened = svc.open_round(manager_of(team), team)
    with transaction() as session:
        round_ = session.get(AssessmentRound, opened.id)
        round_.anonymity_threshold = threshold
        for number, response in enumerate(responses):
            repo.insert_response(session, round_, f"key-{number}", response, dt.date(2026, 1, 1))

    view = svc.results_for_round(leader(), opened.id)

    assert view.responses == len(responses)
    if len(responses) < threshold:
        assert not view.disclosed
        assert view.still_needed == threshold - len(responses)
        assert view.conditions == [] and view.acceptance == [] and view.chart_svg == ""
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
