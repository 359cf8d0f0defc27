"""The domain's single wording of counts and dates, the target rule and the settable clock."""

from __future__ import annotations

import datetime as dt

import pytest

from culturetool.domain import clock
from culturetool.domain.errors import InputProblem
from culturetool.domain.targets import TargetInForce, target_in_force, targets_in_force
from culturetool.domain.text import clean_line, clean_name, clean_notes
from culturetool.domain.wording import count_of, day_month_year, day_month_year_time


@pytest.mark.parametrize(
    ("number", "expected"), [(0, "0 people"), (1, "1 person"), (2, "2 people"), (12, "12 people")]
)
def test_count_of_uses_the_singular_only_for_one(number, expected):
    assert count_of(number, "person", "people") == expected


def test_dates_read_the_same_everywhere_without_a_leading_zero():
    assert day_month_year(dt.date(2026, 9, 7)) == "7 Sep 2026"
    assert day_month_year(dt.datetime(2026, 3, 1, 23, 59)) == "1 Mar 2026"
    assert day_month_year(dt.date(2026, 12, 31)) == "31 Dec 2026"
    assert day_month_year(None) == ""
    assert day_month_year_time(dt.datetime(2026, 9, 7, 8, 5)) == "7 Sep 2026 08:05"


LEVELS = {
    "organisation": {"a": 2, "b": 3, "c": 1},
    "area": {"a": 5, "b": 4},
    "team": {"a": 1},
}


def test_the_most_specific_target_wins():
    assert target_in_force(LEVELS, "a", 3) == TargetInForce(1, "team")
    assert target_in_force(LEVELS, "b", 3) == TargetInForce(4, "area")
    assert target_in_force(LEVELS, "c", 3) == TargetInForce(1, "organisation")
    assert target_in_force(LEVELS, "d", 3) == TargetInForce(3, "model")
    assert targets_in_force(LEVELS, ["a", "b", "c", "d"], 3) == {"a": 1, "b": 4, "c": 1, "d": 3}


def test_what_a_scope_inherits_ignores_it_and_anything_below_it():
    assert target_in_force(LEVELS, "a", 3, below="team") == TargetInForce(5, "area")
    assert target_in_force(LEVELS, "a", 3, below="area") == TargetInForce(2, "organisation")
    assert target_in_force(LEVELS, "a", 3, below="organisation") == TargetInForce(3, "model")
    # A chain without a team (an area's own page) sets nothing at the team.
    area_only = {"organisation": {"a": 2}, "area": {}}
    assert target_in_force(area_only, "a", 3) == TargetInForce(2, "organisation")


def test_a_frozen_clock_reads_the_same_until_moved_and_then_the_machines_clock_again():
    with clock.frozen_at(dt.date(2026, 1, 10)) as frozen:
        assert clock.today() == dt.date(2026, 1, 10)
        assert clock.now() == dt.datetime(2026, 1, 10, 12)
        frozen.advance(days=3, hours=1)
        assert clock.now() == dt.datetime(2026, 1, 13, 13)
        frozen.set(dt.datetime(2026, 4, 20, 17, tzinfo=dt.timezone(dt.timedelta(hours=1))))
        assert clock.now() == dt.datetime(2026, 4, 20, 16)  # kept as naive UTC
        assert clock.today() == dt.date(2026, 4, 20)
    assert clock.today() != dt.date(2026, 4, 20)
    assert abs(clock.now() - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(minutes=5)


def test_clean_line_joins_spaces_and_says_what_to_fix():
    assert clean_line("  Tech   buddy\nin every shift ", "action", 40, "Say what.") == (
        "Tech buddy in every shift"
    )
    with pytest.raises(InputProblem, match="^Say what.$"):
        clean_line(" \n ", "action", 40, "Say what.")
    with pytest.raises(InputProblem, match="The action is 1,001 characters long; .* to 1,000"):
        clean_line("x" * 1001, "action", 1000, "Say what.")
    with pytest.raises(InputProblem, match="The action contains characters that cannot be shown"):
        clean_line("Pay \u202eevil", "action", 40, "Say what.")
    with pytest.raises(InputProblem, match="The team name is 5 characters long"):
        clean_name("Alpha", "team", 4)


def test_clean_notes_keep_line_breaks_and_refuse_hidden_characters():
    assert clean_notes("  Line one  \r\nLine two\n\n", 100) == "Line one\nLine two"
    assert clean_notes(None, 100) == ""
    with pytest.raises(InputProblem, match="The notes are 11 characters long"):
        clean_notes("x" * 11, 10)
    with pytest.raises(InputProblem, match="The notes contain characters"):
        clean_notes("a\x00b", 10)
