"""The county's and the area page's results are kept per process and reused while nothing they
were computed from changes, even after a look that wrote ledger rows. What they were computed
from is read from the database at every look, so a new response, a threshold changed, a round
closed, a period opened or any write by another process is seen by the next look: these tests
show each one is (the results are a new object, and say what changed)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from county_world import COUNTY, EARLIER, LATER, answer_in_another_process, build_county
from hypothesis import given, settings
from hypothesis import strategies as st
from people import admin, make_person, manager_of
from sqlalchemy import select

from culturetool.domain import clock
from culturetool.domain.access import Role
from culturetool.domain.kinds import Audience
from culturetool.services.admin import set_anonymity_threshold
from culturetool.services.organisation import create_organisation
from culturetool.services.periods import open_period
from culturetool.services.rounds import close_round
from culturetool.store import disclosure, ledger
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.disclosure import Disclosed, area_results, county_results
from culturetool.store.tables import (
    Area,
    AssessmentPeriod,
    AssessmentRound,
    DisclosureRecord,
    Organisation,
)


@pytest.fixture
def county(database, model) -> dict[str, int]:
    create_organisation("Kept County")
    return build_county(model)


def _county(period_id: int, selected: tuple[int, ...] = ()):
    with transaction() as session:
        organisation = session.query(Organisation).one()
        period = session.get_one(AssessmentPeriod, period_id)
        return county_results(session, organisation, period, selected)


def _area(area_id: int):
    with transaction() as session:
        return area_results(session, session.get_one(Area, area_id))


def _round_of(team_id: int, period_id: int) -> int:
    with transaction() as session:
        return (
            session.query(AssessmentRound.id)
            .filter_by(team_id=team_id, period_id=period_id)
            .scalar()
        )


def _kept(look):
    """A look's results, after checking that the next look reuses them (so that a test of
    what invalidates them is not passed by results never kept at all)."""
    results = look()
    assert look() is results
    return results


def _answer(round_id: int, model, people: int = 1) -> None:
    with transaction() as session:
        round_ = session.get_one(AssessmentRound, round_id)
        for _ in range(people):
            repo.insert_response(session, round_, {i.id: 4 for i in model.questionnaire.items})


def test_a_look_that_wrote_the_ledger_is_reused_by_the_next(county):
    first = _county(county[LATER])
    assert isinstance(first.total, Disclosed)
    assert _county(county[LATER]) is first
    area = county["Dash Northmoor"]
    assert _area(area) is _area(area)


def test_a_new_response_is_seen(county, model):
    first = _kept(lambda: _county(county[LATER]))
    area_first = _kept(lambda: _area(county["Dash Eastfen"]))
    _answer(_round_of(county["Dash Fen One"], county[LATER]), model)
    after = _county(county[LATER])
    assert after is not first
    assert after.total.responses == first.total.responses + 1
    area_after = _area(county["Dash Eastfen"])
    assert area_after is not area_first
    assert area_after.total.responses == area_first.total.responses + 1


def test_a_threshold_change_is_seen(county):
    first = _kept(lambda: _county(county[LATER]))
    area_first = _kept(lambda: _area(county["Dash Eastfen"]))
    set_anonymity_threshold(admin(), first.threshold + 3)
    after = _county(county[LATER])
    assert after is not first and after.threshold == first.threshold + 3
    area_after = _area(county["Dash Eastfen"])
    assert area_after is not area_first and area_after.threshold == first.threshold + 3


def test_a_closed_round_is_seen(county, model):
    # The later period is over, but its rounds stay open until someone closes them.
    round_id = _round_of(county["Dash Moor Big"], county[LATER])
    first = _kept(lambda: _county(county[LATER]))
    area_first = _kept(lambda: _area(county["Dash Northmoor"]))
    close_round(manager_of(county["Dash Moor Big"]), round_id)
    after = _county(county[LATER])
    assert after is not first
    part = next(p for a in after.areas for p in a.parts if p.round_id == round_id)
    assert part.closed_at is not None
    assert _area(county["Dash Northmoor"]) is not area_first


def test_a_new_period_is_seen_by_the_area_page(county):
    area = county["Dash Quietdale"]
    first = _kept(lambda: _area(area))
    innovation = make_person(Role.INNOVATION)
    start = clock.today()
    open_period(innovation, "Kept Next", start, start + dt.timedelta(days=30), [area])
    assert _area(area) is not first


def test_another_look_that_writes_the_ledger_is_seen(county):
    first = _kept(lambda: _county(county[LATER]))
    # A selection of areas is a group of its own: its look adds ledger rows.
    _county(county[LATER], (county["Dash Northmoor"], county["Dash Eastfen"]))
    assert _county(county[LATER]) is not first


def test_figures_shown_for_another_period_leave_a_periods_results_kept(county, model):
    # The dashboard looks at two periods: new figures of the later one (six more people in a
    # team, so it, its area and the county are shown anew) say nothing of the earlier one's
    # rounds, whose results stay as they were.
    earlier = _kept(lambda: _county(county[EARLIER]))
    later = _kept(lambda: _county(county[LATER]))
    _answer(_round_of(county["Dash Fen One"], county[LATER]), model, 6)
    assert _county(county[LATER]) is not later
    assert _county(county[EARLIER]) is earlier
    # And the same as a look from scratch against the ledger as it is now.
    disclosure._kept_results.clear()
    assert _county_rolled_back(county[EARLIER]) == earlier


def test_figures_shown_for_the_same_rounds_are_seen(county):
    earlier = _kept(lambda: _county(county[EARLIER]))
    # A selection of the period's areas is judged on the same rounds.
    _county(county[EARLIER], (county["Dash Northmoor"], county["Dash Eastfen"]))
    assert _county(county[EARLIER]) is not earlier


def test_a_look_rolled_back_is_not_kept(county):
    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction() as session:
        organisation = session.query(Organisation).one()
        period = session.get_one(AssessmentPeriod, county[LATER])
        rolled_back = county_results(session, organisation, period)
        raise Undone
    assert _county(county[LATER]) is not rolled_back


def test_another_process_writing_a_response_is_seen(county, database):
    first = _kept(lambda: _county(county[LATER]))
    area_first = _kept(lambda: _area(county["Dash Eastfen"]))
    round_id = _round_of(county["Dash Fen Two"], county[LATER])
    answer_in_another_process(round_id)
    after = _county(county[LATER])
    assert after is not first
    assert after.total.responses == first.total.responses + 1
    assert _area(county["Dash Eastfen"]).total.responses == area_first.total.responses + 1


def test_the_numbers_of_the_county_world_are_as_expected(county):
    # The tests above count on the later period's responses as county_world gives them.
    expected = sum(counts[2] for teams in COUNTY.values() for counts in teams.values())
    assert _county(county[LATER]).total.responses == expected


def _ledger_copy(kept) -> tuple:
    return (
        kept.last_id,
        kept.rows,
        {figure: (list(shown.bases), dict(shown.own)) for figure, shown in kept.by_figure.items()},
        dict(kept.last_value),
    )


def test_the_ledger_kept_after_looks_is_the_ledger_read_afresh(county):
    # Looks add what they showed to the process's copy of the ledger once committed, instead
    # of reading it back: the copy must be what reading the whole ledger gives.
    _county(county[LATER])
    _county(county[LATER], (county["Dash Northmoor"], county["Dash Eastfen"]))
    _area(county["Dash Northmoor"])
    with transaction() as session:
        organisation_id = session.query(Organisation.id).scalar()
        kept = ledger._caught_up(session, organisation_id, Audience.AREA)
        assert kept.rows > 0
        held = _ledger_copy(kept)
        cells = {figure: _cells(record) for figure, record in kept.by_figure.items()}
        ledger._kept.pop(ledger._engine_of(session))
        afresh = ledger._caught_up(session, organisation_id, Audience.AREA)
        assert _ledger_copy(afresh) == held
        # The partitions the looks kept up to date (bases tried while deciding and kept, as
        # `ShownBefore.settle` allows) are those of the bases read afresh.
        assert any(size is not None for size in cells.values())
        for figure, record in afresh.by_figure.items():
            if cells[figure] is not None:
                assert _cells(record, build=True) == cells[figure], figure


def _cells(record, build: bool = False) -> list[int] | None:
    """The sizes of a figure's cells, whatever their names; None if its partition was never
    built (unless told to build it)."""
    if record._partition is None and not build:
        return None
    return sorted(n for cell, n in record.partition()._size.items() if cell and n)


class _Undone(Exception):
    pass


def _county_rolled_back(period_id: int):
    """A look whose ledger rows are thrown away, so that two ways of looking can be compared
    against the same ledger."""
    try:
        with transaction() as session:
            organisation = session.query(Organisation).one()
            period = session.get_one(AssessmentPeriod, period_id)
            results = county_results(session, organisation, period)
            raise _Undone
    except _Undone:
        return results


def test_a_look_rolled_back_leaves_nothing_in_the_kept_ledger(county):
    # A look adds what it showed to the process's copy of the ledger at once, so that a second
    # look in the same transaction (the dashboard's two periods) need not read it back. Rolled
    # back, those rows never were, and SQLite gives their ids to the next rows written: the
    # copy must not go on holding them.
    _county(county[LATER])
    _county_rolled_back(county[EARLIER])
    with transaction() as session:
        organisation_id = session.query(Organisation.id).scalar()
        in_memory = _ledger_copy(ledger._kept_for(session, organisation_id, Audience.AREA))
        ledger._kept.pop(ledger._engine_of(session))
        afresh = _ledger_copy(ledger._caught_up(session, organisation_id, Audience.AREA))
    assert afresh[1] > 0
    assert in_memory[1] <= afresh[1]
    for figure, (bases, _) in in_memory[2].items():
        assert all(basis in afresh[2][figure][0] for basis in bases), figure


@pytest.mark.parametrize("people", [1, 6])
def test_after_new_responses_only_their_team_area_and_county_are_judged_again(
    county, model, people
):
    first = _kept(lambda: _county(county[LATER]))
    _answer(_round_of(county["Dash Fen One"], county[LATER]), model, people)
    after = _county_rolled_back(county[LATER])
    assert after.total.responses == first.total.responses + people
    for before, now in zip(first.areas, after.areas, strict=True):
        if before.area_id == county["Dash Eastfen"]:
            assert now is not before
            assert now.total.responses == before.total.responses + people
            for old, new in zip(before.parts, now.parts, strict=True):
                assert (new is old) == (new.team_id != county["Dash Fen One"])
        else:
            assert now is before
    # The same as a look from scratch against the same ledger (one response: the team, its
    # area and the county shown as before; six: shown anew).
    disclosure._kept_results.clear()
    assert _county_rolled_back(county[LATER]) == after
    fen_one = next(p for a in after.areas for p in a.parts if p.team_id == county["Dash Fen One"])
    assert isinstance(fen_one.outcome, Disclosed)
    assert bool(fen_one.outcome.as_before) == (people == 1)


def test_a_figure_is_written_to_the_ledger_as_its_fields_and_read_back_the_same():
    # remember() writes vars(value), not asdict(value): right only while the figures are flat.
    from culturetool.domain.scoring import ConfidenceGap, GroupScore, ItemScore

    figures = {
        "condition": GroupScore("c1", "Leadership", 3.25, 7, 60, 3, 0.5),
        ledger.ITEM: ItemScore("q1", 4.0, 6, 1),
        ledger.CONFIDENCE[0]: ConfidenceGap(3.5, 3.0, 5),
    }
    for kind, value in figures.items():
        assert vars(value) == dataclasses.asdict(value)
        written = json.dumps(vars(value), separators=(",", ":"))
        assert ledger._value_from(kind, written) == value


@settings(max_examples=200)
@given(st.dictionaries(st.integers(0, 10**9), st.integers(0, 10**6), max_size=30))
def test_a_basis_is_written_as_json_would_write_it(basis):
    expected = json.dumps({str(r): n for r, n in sorted(basis.items()) if n}, separators=(",", ":"))
    assert ledger._basis_text(basis) == expected


def test_a_county_look_judges_and_remembers_each_teams_conditions_only(county, model):
    """The dashboard and everything made from it show a team's conditions and nothing else of
    it, so a county look judges and remembers only those; the team's statements are judged on
    the area page, which still shows them."""
    results = _county(county[LATER])
    big = next(p for a in results.areas for p in a.parts if p.team_id == county["Dash Moor Big"])
    assert isinstance(big.outcome, Disclosed)
    assert any(score is not None for score in big.outcome.scores.conditions.values())
    assert big.outcome.items == {}
    with transaction() as session:
        remembered = session.execute(
            select(DisclosureRecord.group_kind, DisclosureRecord.figure)
        ).all()
    of_teams = {figure for kind, figure in remembered if kind == "round"}
    assert of_teams and all(figure.startswith("condition:") for figure in of_teams)
    assert any(f.startswith("item:") for kind, f in remembered if kind == "area")

    area = _area(county["Dash Northmoor"])
    part = next(p for p in area.parts if p.team_id == county["Dash Moor Big"])
    assert isinstance(part.outcome, Disclosed)
    answered = {i.id for i in model.questionnaire.items}
    assert set(part.outcome.items) == answered
