"""Property tests of the anonymity promise at county scale.

Hypothesis makes up counties (areas, teams, the threshold), two assessment periods and a
sequence of events: people answering in a team's round of either period, and leaders looking
at the county for either period, with or without a chosen set of areas. After every look the
test collects every figure shown as it is now, with the people it rests on: the first n of each
of its rounds' respondents (answers are only ever added). It then splits everyone into cells
by which shown figures they are in, from its own definition, and checks that every cell holds
nobody or at least the threshold: so no sum or difference of shown figures (a county minus its
areas, an area minus its teams, a selection against the county, one period or one look against
another) singles out fewer people.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from people import admin, manager_of
from respondents import open_link_round

from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.services.rounds import close_round
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.disclosure import Disclosed, county_results
from culturetool.store.tables import (
    AssessmentPeriod,
    AssessmentPeriodArea,
    AssessmentRound,
    Organisation,
)

pytestmark = pytest.mark.db

_names = (f"{n}" for n in itertools.count(1))


@pytest.fixture
def organisation(database) -> None:
    create_organisation("County Property Council")


def _cells(bases: list[dict[int, int]]) -> list[int]:
    """Cell sizes of the partition the bases make: people of one round in the order they
    answered, so a basis holds the first n of each of its rounds."""
    sizes: dict[frozenset[int], int] = {}
    for round_id in {r for basis in bases for r in basis}:
        cuts = sorted({b[round_id] for b in bases if b.get(round_id, 0) > 0})
        below = 0
        for cut in cuts:
            members = frozenset(i for i, b in enumerate(bases) if b.get(round_id, 0) >= cut)
            sizes[members] = sizes.get(members, 0) + cut - below
            below = cut
    return list(sizes.values())


@st.composite
def counties(draw):
    threshold = draw(st.integers(3, 5))
    areas = draw(st.lists(st.integers(1, 3), min_size=2, max_size=3))  # teams per area
    teams = sum(areas)
    events = draw(
        st.lists(
            st.one_of(
                st.tuples(
                    st.just("answer"),
                    st.integers(0, teams - 1),
                    st.integers(0, 1),
                    st.integers(1, threshold + 2),
                ),
                st.tuples(
                    st.just("look"),
                    st.integers(0, 1),
                    st.sets(st.integers(0, len(areas) - 1)),
                ),
            ),
            min_size=3,
            max_size=12,
        )
    )
    return threshold, areas, events


def _county(threshold: int, teams_per_area: list[int]):
    """Areas and teams, two periods, and a round per team in each period."""
    tag = next(_names)
    area_ids, team_areas, rounds = [], [], []
    for number, team_count in enumerate(teams_per_area):
        area = add_area(admin(), f"Area {tag}.{number}")
        area_ids.append(area)
        for team_number in range(team_count):
            team = add_team(admin(), area, f"Team {tag}.{number}.{team_number}")
            team_areas.append(area)
            first = open_link_round(manager_of(team), team)
            close_round(manager_of(team), first.id)
            second = open_link_round(manager_of(team), team)
            rounds.append((first.id, second.id))
    with transaction() as session:
        organisation = session.query(Organisation).one()
        organisation.anonymity_threshold = threshold
        periods = []
        for number, start in enumerate((dt.date(2030, 1, 1), dt.date(2030, 7, 1))):
            period = AssessmentPeriod(
                organisation_id=organisation.id,
                name=f"Period {tag}.{number}",
                opens_on=start,
                closes_on=start + dt.timedelta(days=120),
            )
            period.areas = [AssessmentPeriodArea(area_id=a) for a in area_ids]
            session.add(period)
            session.flush()
            periods.append(period.id)
        for pair in rounds:
            for number, round_id in enumerate(pair):
                round_ = session.get_one(AssessmentRound, round_id)
                round_.period_id = periods[number]
                round_.anonymity_threshold = threshold
    return area_ids, rounds, periods


def _shown(
    outcome, rounds_of: list[int], counts: dict[int, int], found: dict, group=None, own=None
) -> None:
    """Every figure shown as it is now, with its basis, into `found` (figure -> bases) and
    `own` ((figure, group) -> bases)."""
    if not isinstance(outcome, Disclosed):
        return
    shown = {("condition", k): v for k, v in outcome.scores.conditions.items() if v is not None}
    shown.update({("item", k): v for k, v in outcome.items.items()})
    for key, value in shown.items():
        if key in outcome.as_before:
            continue  # shown as it was: a basis already among those collected
        basis = {r: counts.get(r, 0) for r in rounds_of}
        assert value.respondents == sum(basis.values())
        found.setdefault(key, []).append(basis)
        if own is not None:
            own.setdefault((key, group), []).append(basis)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(county=counties(), seed=st.integers(0, 2**16))
def test_no_shown_county_figure_can_single_out_fewer_people_than_the_threshold(
    organisation, model, county, seed
):
    threshold, teams_per_area, events = county
    area_ids, rounds, periods = _county(threshold, teams_per_area)
    team_area = [a for a, n in zip(area_ids, teams_per_area, strict=True) for _ in range(n)]
    rng = random.Random(seed)
    items = [item.id for item in model.questionnaire.items]
    counts: dict[int, int] = {}
    found: dict = {}
    own: dict = {}  # the same group's figure over looks, periods and responses
    for event in events:
        if event[0] == "answer":
            _, team, period, people = event
            round_id = rounds[team][period]
            with transaction() as session:
                round_ = session.get_one(AssessmentRound, round_id)
                for _ in range(people):
                    repo.insert_response(session, round_, {i: rng.randint(1, 5) for i in items})
            counts[round_id] = counts.get(round_id, 0) + people
            continue
        _, period, chosen = event
        selected = [area_ids[a] for a in chosen]
        with transaction() as session:
            organisation_row = session.query(Organisation).one()
            period_row = session.get_one(AssessmentPeriod, periods[period])
            results = county_results(session, organisation_row, period_row, selected)
        in_period = {a: [] for a in area_ids}
        for team, pair in enumerate(rounds):
            if counts.get(pair[period], 0):
                in_period[team_area[team]].append(pair[period])
        every = [r for rs in in_period.values() for r in rs]
        _shown(results.total, every, counts, found, "county", own)
        for area in results.areas:
            _shown(area.total, in_period[area.area_id], counts, found, area.area_id, own)
            for part in area.parts:
                _shown(part.outcome, [part.round_id], counts, found, ("team", part.team_id), own)
                if counts.get(part.round_id, 0) < threshold:
                    assert not isinstance(part.outcome, Disclosed)
        if results.selection is not None:
            _shown(results.selection, [r for a in selected for r in in_period[a]], counts, found)
        left_out = sum(
            counts.get(r, 0) for a in area_ids if a not in selected for r in in_period[a]
        )
        if results.selection is not None:
            assert left_out == 0 or left_out >= threshold
        for key, bases in found.items():
            small = [n for n in _cells(bases) if 0 < n < threshold]
            assert not small, (key, bases)
        # The rule in its own words: two figures of one group that may be shown, for
        # two periods or before and after more responses, differ by nobody or by at least the
        # threshold of people.
        for (key, group), bases in own.items():
            for a, b in itertools.combinations(bases, 2):
                moved = sum(abs(a.get(r, 0) - b.get(r, 0)) for r in set(a) | set(b))
                assert moved == 0 or moved >= threshold, (key, group, a, b)
