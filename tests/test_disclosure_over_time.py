"""Differencing over time: figures shown for the same group at different moments never rest on
sets of people that differ by 1 to threshold - 1, on screens or in exports.

Hypothesis plays random sequences of responses arriving, rounds opening and closing, and
leaders and managers looking in between (pages and exports). The test keeps its own record of
who answered what and when, works out from it which people each figure shown rests on, and
checks the promise against that record, not against the gate's own bookkeeping.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from people import admin, leader, manager_of

from culturetool.domain.disclosure import cell_sizes
from culturetool.domain.scoring import score_responses
from culturetool.services import exports
from culturetool.services.area_results import area_results_view
from culturetool.services.model_provider import current_model
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.services.round_results import results_for_round
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import AssessmentRound, Team, utcnow

_names = (f"Place {n}" for n in itertools.count(1))

Basis = dict[int, int]  # round id -> how many of its responses, in the order they came


@pytest.fixture
def organisation(database) -> None:
    create_organisation("Over Time Council", threshold=3)


@dataclass
class World:
    """What the test knows: each round's responses in the order they were sent."""

    threshold: int
    area_id: int
    team_ids: list[int]
    rounds: dict[int, list[int]] = field(default_factory=dict)  # team id -> its round ids
    sent: dict[int, list[dict[str, int | None]]] = field(default_factory=dict)
    # (audience, group, figure) -> [(basis, value as shown)]
    shown: dict[tuple, list[tuple[Basis, tuple]]] = field(default_factory=dict)

    def open_round(self, team_id: int) -> int:
        with transaction() as session:
            team = session.get(Team, team_id)
            for earlier in team.rounds:
                earlier.closed_at = earlier.closed_at or utcnow()
            version = repo.ensure_model_version(session, current_model())
            round_ = AssessmentRound(
                team_id=team_id,
                model_version_id=version.id,
                token=repo.new_round_token(),
                anonymity_threshold=self.threshold,
                comment_threshold=10,
            )
            session.add(round_)
            session.flush()
            round_id = round_.id
        self.rounds.setdefault(team_id, []).append(round_id)
        self.sent[round_id] = []
        return round_id

    def answer(self, team_id: int, values: list[int]) -> None:
        rounds = self.rounds.get(team_id)
        if not rounds:
            return
        round_id = rounds[-1]
        model = current_model()
        with transaction() as session:
            round_ = session.get(AssessmentRound, round_id)
            if round_.closed_at is not None:
                return
            for value in values:
                answers = {item.id: value for item in model.questionnaire.items}
                repo.insert_response(session, round_, answers)
                self.sent[round_id].append(answers)

    def record(self, audience: str, group: tuple, figure: str, basis: Basis, value: tuple):
        self.shown.setdefault((audience, group, figure), []).append((basis, value))


def pooled_mean(world: World, basis: Basis, condition_index: int) -> float:
    model = current_model()
    responses = [a for round_id, n in basis.items() for a in world.sent[round_id][:n]]
    group = score_responses(model, responses).conditions[model.conditions[condition_index].id]
    assert group is not None
    return round(group.mean, 2)


def look_at_a_round(world: World, actor, audience: str, round_id: int, export: bool) -> None:
    view = results_for_round(actor, round_id)
    if export:
        svc_file = exports.round_results_file(actor, round_id, "csv")
        assert svc_file.data  # built from the same view, through the same gate
    if not view.disclosed:
        return
    for index, row in enumerate(view.conditions):
        if not row.shown:
            continue
        basis = {round_id: row.respondents}
        value = (row.mean, row.respondents)
        earlier = world.shown.get((audience, ("round", round_id), row.key), [])
        if row.note:  # shown as it was before: must be exactly a value shown before
            assert value in [v for _, v in earlier]
            basis = next(b for b, v in earlier if v == value)
        else:
            assert row.respondents == len(world.sent[round_id])
            assert row.mean == pooled_mean(world, basis, index)
        world.record(audience, ("round", round_id), row.key, basis, value)


def look_at_the_area(world: World, actor, export: bool) -> None:
    view = area_results_view(actor, world.area_id)
    if export:
        assert exports.area_results_file(actor, world.area_id, "xlsx").data
    current = {team.round_id: team.responses for team in view.teams}
    model = current_model()
    if view.disclosed:
        for index, row in enumerate(view.conditions):
            if not row.shown:
                continue
            value = (row.mean, row.respondents)
            earlier = world.shown.get(("area", ("area", world.area_id), row.key), [])
            if row.note:
                assert value in [v for _, v in earlier]
                basis = next(b for b, v in earlier if v == value)
            else:
                basis = dict(current)
                assert row.respondents == sum(basis.values())
                assert row.mean == pooled_mean(world, basis, index)
            world.record("area", ("area", world.area_id), row.key, basis, value)
    for team in view.teams:
        if not team.disclosed:
            continue
        for index, cell in enumerate(team.cells):
            if not cell.shown:
                continue
            key = model.conditions[index].id
            earlier = world.shown.get(("area", ("round", team.round_id), key), [])
            if cell.note:
                match = [b for b, v in earlier if v[0] == cell.mean]
                assert match
                basis = match[-1]
                value = next(v for b, v in earlier if b == basis)
            else:
                basis = {team.round_id: team.responses}
                assert cell.mean == pooled_mean(world, basis, index)
                value = (cell.mean, team.responses)
            world.record("area", ("round", team.round_id), key, basis, value)


def difference(a: Basis, b: Basis) -> int:
    return sum(abs(a.get(r, 0) - b.get(r, 0)) for r in set(a) | set(b))


def check_promise(world: World) -> None:
    k = world.threshold
    for (_audience, group, figure), seen in world.shown.items():
        for (a, _), (b, _) in itertools.combinations(seen, 2):
            moved = difference(a, b)
            assert moved == 0 or moved >= k, (group, figure, a, b)
    # Stronger: for people who see the area, no arithmetic on everything they were shown
    # isolates fewer than k people.
    by_figure: dict[str, list[Basis]] = {}
    for (audience, _group, figure), seen in world.shown.items():
        if audience == "area":
            by_figure.setdefault(figure, []).extend(basis for basis, _ in seen)
    for figure, bases in by_figure.items():
        assert all(size == 0 or size >= k for size in cell_sizes(bases)), (figure, bases)


steps = st.lists(
    st.one_of(
        st.tuples(st.just("answer"), st.integers(0, 2), st.lists(st.integers(1, 5), min_size=1,
                                                                   max_size=4)),
        st.tuples(st.just("new round"), st.integers(0, 2), st.just([])),
        st.tuples(st.just("look"), st.integers(0, 2), st.booleans()),
    ),
    min_size=3,
    max_size=14,
)  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=steps)
def test_figures_shown_over_time_never_differ_by_fewer_than_the_threshold(organisation, plan):
    area_id = add_area(admin(), next(_names))
    team_ids = [add_team(admin(), area_id, next(_names)) for _ in range(3)]
    world = World(threshold=3, area_id=area_id, team_ids=team_ids)
    for team_id in team_ids:
        world.open_round(team_id)
    lead, managers = leader(), [manager_of(team_id) for team_id in team_ids]
    for action, team_index, detail in plan:
        team_id = team_ids[team_index]
        if action == "answer":
            world.answer(team_id, detail)
        elif action == "new round":
            world.open_round(team_id)
        else:
            export = bool(detail)
            look_at_the_area(world, lead, export)
            for round_id in world.rounds[team_id]:
                look_at_a_round(world, lead, "area", round_id, export)
                look_at_a_round(world, managers[team_index], "team", round_id, export)
    check_promise(world)


# ---- the scenarios, step by step ---------------------------------------------------


def test_five_then_six_the_team_figures_wait_for_the_threshold_of_new_people(organisation):
    area_id = add_area(admin(), next(_names))
    team_id = add_team(admin(), area_id, next(_names))
    world = World(threshold=3, area_id=area_id, team_ids=[team_id])
    round_id = world.open_round(team_id)
    manager = manager_of(team_id)
    world.answer(team_id, [4, 4, 4])
    first = results_for_round(manager, round_id)
    three = pooled_mean(world, {round_id: 3}, 0)
    assert first.conditions[0].mean == three
    world.answer(team_id, [1])
    second = results_for_round(manager, round_id)
    assert second.responses == 4
    row = second.conditions[0]
    # As before: 4 x this mean - 3 x the first gives nothing away.
    assert row.mean == three and row.respondents == 3
    assert "As it was when 3 people had answered" in row.note
    # The page says it once, above the tables; the rows carry the note for the files.
    assert second.as_before_summary == f"Scores marked \u201cas before\u201d: {row.note}"
    assert "2 more" in row.note
    world.answer(team_id, [1, 1])
    third = results_for_round(manager, round_id)
    assert third.conditions[0].respondents == 6 and third.conditions[0].note == ""
    csv_text = exports.round_results_file(manager, round_id, "csv").data
    assert isinstance(csv_text, str | bytes)


def test_a_and_b_then_c_the_area_total_waits_and_c_cannot_be_worked_out(organisation):
    area_id = add_area(admin(), next(_names))
    a, b, c = (add_team(admin(), area_id, next(_names)) for _ in range(3))
    world = World(threshold=3, area_id=area_id, team_ids=[a, b, c])
    for team_id in (a, b, c):
        world.open_round(team_id)
    world.answer(a, [4, 4, 4, 4])
    world.answer(b, [2, 2, 2, 2])
    lead = leader()
    before = area_results_view(lead, area_id)
    a_round, b_round = world.rounds[a][0], world.rounds[b][0]
    both = pooled_mean(world, {a_round: 4, b_round: 4}, 0)
    a_mean, b_mean = pooled_mean(world, {a_round: 4}, 0), pooled_mean(world, {b_round: 4}, 0)
    assert before.conditions[0].mean == both and before.conditions[0].respondents == 8
    assert [team.cells[0].mean for team in before.teams if team.disclosed] == [a_mean, b_mean]

    world.answer(c, [5])
    after = area_results_view(lead, area_id)
    total = after.conditions[0]
    # The total still rests on the 8 people it did: 9 x total - 4 x A - 4 x B would be C's one.
    assert (total.mean, total.respondents) == (both, 8)
    assert "As it was when 8 people had answered" in total.note
    shown_teams = {team.team_id: team.cells[0] for team in after.teams if team.disclosed}
    assert shown_teams[a].mean == a_mean and shown_teams[b].mean == b_mean
    xlsx = exports.area_results_file(lead, area_id, "xlsx").data
    assert xlsx
