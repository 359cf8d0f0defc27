"""The county dashboard's view is kept per process and given again while nothing it is made
from changes (`store.county_mark`): these tests show that each kind of change is seen by the
next look, that a look rolled back is not kept, and that each caller gets a copy of its own.
A look answered from the kept view does not call the gate at all, which the tests count."""

from __future__ import annotations

import datetime as dt

import pytest
from county_world import ACTION, LATER, answer_in_another_process, build_county
from people import admin, make_person, manager_of

from culturetool.domain import clock
from culturetool.domain.access import Role
from culturetool.domain.kinds import ActionStatus
from culturetool.services import county as county_service
from culturetool.services.admin import set_anonymity_threshold
from culturetool.services.county import county_view
from culturetool.services.organisation import create_organisation, set_staff_count
from culturetool.services.plans import set_action_status
from culturetool.services.rounds import close_round
from culturetool.store import repository as repo
from culturetool.store.county_mark import ledger_last_id
from culturetool.store.db import transaction
from culturetool.store.tables import AssessmentRound, Organisation, PlanAction


@pytest.fixture
def county(database, model) -> dict[str, int]:
    create_organisation("Kept View County")
    return build_county(model)


@pytest.fixture
def gate_calls(monkeypatch) -> list[int]:
    """Each call of the gate's county results by the dashboard, by period."""
    calls: list[int] = []
    real = county_service.county_results

    def counted(session, organisation, period, *args):
        calls.append(period.id)
        return real(session, organisation, period, *args)

    monkeypatch.setattr(county_service, "county_results", counted)
    return calls


@pytest.fixture
def leader():
    return make_person(Role.LEADER)


def _kept(leader, gate_calls, period_id: int):
    """A look, after checking the next one is answered from the kept view (so that a test of
    what is seen is not passed by a view never kept)."""
    first = county_view(leader, period_id)
    gate_calls.clear()
    again = county_view(leader, period_id)
    assert gate_calls == [] and again == first
    return again


def _round_of(team_id: int, period_id: int) -> int:
    with transaction() as session:
        return (
            session.query(AssessmentRound.id)
            .filter_by(team_id=team_id, period_id=period_id)
            .scalar()
        )


def test_a_look_with_nothing_changed_is_the_kept_view_as_a_copy(county, leader, gate_calls):
    first = _kept(leader, gate_calls, county[LATER])
    assert first.responses > 0 and first.changes
    first.areas.clear()
    first.responses_text = "changed by the caller"
    again = county_view(leader, county[LATER])
    assert again.areas and again.responses_text != "changed by the caller"
    assert gate_calls == []


def test_a_new_response_is_seen(county, leader, gate_calls, model):
    first = _kept(leader, gate_calls, county[LATER])
    with transaction() as session:
        round_ = session.get_one(AssessmentRound, _round_of(county["Dash Fen One"], county[LATER]))
        repo.insert_response(session, round_, {i.id: 4 for i in model.questionnaire.items})
    after = county_view(leader, county[LATER])
    assert after.responses == first.responses + 1
    assert gate_calls


def test_a_staff_number_is_seen(county, leader, gate_calls):
    first = _kept(leader, gate_calls, county[LATER])
    set_staff_count(admin(), county["Dash Fen One"], 40)
    after = county_view(leader, county[LATER])
    assert after.response_rate_text != first.response_rate_text
    fen = next(row for row in after.areas if row.name == "Dash Eastfen")
    assert fen.staff == 40 + 9


def test_an_action_no_longer_done_is_seen(county, leader, gate_calls):
    first = _kept(leader, gate_calls, county[LATER])
    assert any(a.title == ACTION for change in first.changes for a in change.actions_done)
    with transaction() as session:
        action_id = session.query(PlanAction.id).filter_by(title=ACTION).scalar()
    set_action_status(make_person(Role.INNOVATION), action_id, ActionStatus.IN_PROGRESS.value)
    after = county_view(leader, county[LATER])
    assert not any(a.title == ACTION for change in after.changes for a in change.actions_done)


def test_a_threshold_change_is_seen(county, leader, gate_calls):
    first = _kept(leader, gate_calls, county[LATER])
    set_anonymity_threshold(admin(), first.threshold + 3)
    assert county_view(leader, county[LATER]).threshold == first.threshold + 3


def test_a_closed_round_is_seen(county, leader, gate_calls):
    _kept(leader, gate_calls, county[LATER])
    round_id = _round_of(county["Dash Moor Big"], county[LATER])
    close_round(manager_of(county["Dash Moor Big"]), round_id)
    county_view(leader, county[LATER])
    assert county[LATER] in gate_calls


def test_figures_shown_elsewhere_since_are_seen(county, leader, gate_calls):
    _kept(leader, gate_calls, county[LATER])
    # A selection of areas is a group of its own: its look adds rows to the ledger, which the
    # dashboard's next look must judge against.
    with transaction() as session:
        before = ledger_last_id(session, session.query(Organisation.id).scalar())
    chosen = county_view(leader, county[LATER], selected_area_ids=[county["Dash Northmoor"]])
    assert chosen.selection is not None
    with transaction() as session:
        assert ledger_last_id(session, session.query(Organisation.id).scalar()) > before
    gate_calls.clear()
    county_view(leader, county[LATER])
    assert county[LATER] in gate_calls


def test_the_next_day_is_looked_at_again(county, leader, gate_calls):
    _kept(leader, gate_calls, county[LATER])
    with clock.frozen_at(clock.today() + dt.timedelta(days=1)):
        county_view(leader, county[LATER])
    assert gate_calls


def test_a_look_rolled_back_is_not_kept(county, leader, gate_calls, monkeypatch):
    class Undone(Exception):
        pass

    real = county_service._build_county_view

    def fails_after_building(*args):
        real(*args)
        raise Undone

    monkeypatch.setattr(county_service, "_build_county_view", fails_after_building)
    with pytest.raises(Undone):
        county_view(leader, county[LATER])
    monkeypatch.setattr(county_service, "_build_county_view", real)
    gate_calls.clear()
    county_view(leader, county[LATER])
    assert gate_calls


def test_another_process_writing_a_response_is_seen(county, leader, gate_calls):
    first = _kept(leader, gate_calls, county[LATER])
    round_id = _round_of(county["Dash Fen Two"], county[LATER])
    answer_in_another_process(round_id)
    assert county_view(leader, county[LATER]).responses == first.responses + 1
