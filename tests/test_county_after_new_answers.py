"""The county after new responses is judged again only where they are (their teams, areas and
the county; `store.disclosure._after_new_answers`). Hypothesis makes up counties whose teams
have all answered, then people answering and leaders looking, and checks after every look, from
the definition, that no sum or difference of the figures ever shown singles out fewer people
than the threshold, as test_county_properties does for looks from scratch; and that the looks
after new responses did take the shorter way."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_county_properties import _cells, _county, _shown

from culturetool.services.organisation import create_organisation
from culturetool.store import disclosure
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.disclosure import county_results
from culturetool.store.tables import AssessmentPeriod, AssessmentRound, Organisation

pytestmark = pytest.mark.db


@pytest.fixture
def organisation(database) -> None:
    create_organisation("County After Answers Council")


@st.composite
def sequences(draw):
    threshold = draw(st.integers(3, 5))
    areas = draw(st.lists(st.integers(1, 3), min_size=2, max_size=3))
    teams = sum(areas)
    start = draw(st.lists(st.integers(1, 2 * threshold), min_size=teams, max_size=teams))
    events = draw(
        st.lists(
            st.one_of(
                st.tuples(st.integers(0, teams - 1), st.integers(1, threshold + 2)),
                st.just("look"),
            ),
            min_size=3,
            max_size=14,
        )
    )
    return threshold, areas, start, events


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sequence=sequences(), seed=st.integers(0, 2**16))
def test_looks_after_new_responses_keep_the_rule(organisation, model, sequence, seed):
    threshold, teams_per_area, start, events = sequence
    area_ids, rounds, periods = _county(threshold, teams_per_area)
    team_area = [a for a, n in zip(area_ids, teams_per_area, strict=True) for _ in range(n)]
    rng = random.Random(seed)
    used = []
    judged_again = disclosure._after_new_answers

    def counted(*args, **kwargs):
        results = judged_again(*args, **kwargs)
        used.append(results is not None)
        return results

    disclosure._after_new_answers = counted  # type: ignore[assignment]
    try:
        _run(
            area_ids,
            rounds,
            periods,
            team_area,
            threshold,
            start,
            events,
            rng,
            [item.id for item in model.questionnaire.items],
        )
    finally:
        disclosure._after_new_answers = judged_again
    answered_between = any(e != "look" for e in events)
    assert not answered_between or any(used)


def _run(area_ids, rounds, periods, team_area, threshold, start, events, rng, items) -> None:
    counts: dict[int, int] = {}

    def answer(team: int, people: int) -> None:
        round_id = rounds[team][1]
        with transaction() as session:
            round_ = session.get_one(AssessmentRound, round_id)
            for _ in range(people):
                repo.insert_response(session, round_, {i: rng.randint(1, 5) for i in items})
        counts[round_id] = counts.get(round_id, 0) + people

    for team, people in enumerate(start):
        answer(team, people)
    found: dict = {}
    own: dict = {}  # the same group's figure over looks and responses
    for event in ["look", *events, "look"]:
        if event != "look":
            answer(*event)
            continue
        with transaction() as session:
            organisation_row = session.query(Organisation).one()
            results = county_results(
                session, organisation_row, session.get_one(AssessmentPeriod, periods[1])
            )
        in_area: dict[int, list[int]] = {a: [] for a in area_ids}
        for team, pair in enumerate(rounds):
            in_area[team_area[team]].append(pair[1])
        every = [r for rs in in_area.values() for r in rs]
        _shown(results.total, every, counts, found, "county", own)
        for area in results.areas:
            _shown(area.total, in_area[area.area_id], counts, found, area.area_id, own)
            for part in area.parts:
                _shown(part.outcome, [part.round_id], counts, found, ("team", part.team_id), own)
        for key, bases in found.items():
            small = [n for n in _cells(bases) if 0 < n < threshold]
            assert not small, (key, bases)
        # Two figures of one group shown before and after more responses differ by nobody
        # or by at least the threshold of people.
        for (key, group), bases in own.items():
            for a, b in itertools.combinations(bases, 2):
                moved = sum(abs(a.get(r, 0) - b.get(r, 0)) for r in set(a) | set(b))
                assert moved == 0 or moved >= threshold, (key, group, a, b)
