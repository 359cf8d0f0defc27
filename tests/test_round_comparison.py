"""A round beside the team's previous round with results, and the actions done in between."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from people import admin, leader, manager_of
from respondents import open_link_round

from culturetool.domain import clock
from culturetool.domain.access import Forbidden
from culturetool.domain.change import FIRST_ROUND, NO_EARLIER_RESULTS
from culturetool.domain.kinds import Direction
from culturetool.services import exports
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.services.round_results import results_for_round
from culturetool.services.rounds import close_round
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import AssessmentRound, PlanAction

DAY = dt.date


def condition_score(answer: int) -> float:
    """Everyone gives the same answer: two plain statements and one reversed per condition."""
    return round((2 * answer + (6 - answer)) / 3, 2)


def add_round(
    team_id: int,
    model,
    people: int,
    answer_for,
    opened: dt.date,
    closed: dt.date | None,
    dont_know: str = "",
    dont_know_people: int = 0,
) -> int:
    """A round of `people` answers, opened at 9:00 and closed at 17:00 on these days (the clock
    set to each). `answer_for(condition_id)` gives everyone's answer to that condition's
    statements; the first `dont_know_people` answer "don't know" to every statement of the
    condition `dont_know`."""
    with clock.frozen_at(dt.datetime.combine(opened, dt.time(9))):
        summary = open_link_round(manager_of(team_id), team_id)
    condition_of = {
        item.id: condition.id
        for condition in model.conditions
        for item in model.items_for_condition(condition.id)
    }
    with transaction() as session:
        round_ = session.get(AssessmentRound, summary.id)
        for number in range(people):
            answers = {
                item.id: (
                    None
                    if number < dont_know_people and condition_of.get(item.id) == dont_know
                    else answer_for(condition_of[item.id])
                    if item.id in condition_of
                    else 4
                )
                for item in model.questionnaire.items
            }
            repo.insert_response(session, round_, answers)
    if closed is not None:
        with clock.frozen_at(dt.datetime.combine(closed, dt.time(17))):
            close_round(manager_of(team_id), summary.id)
    return summary.id


def add_action(
    team_id: int | None,
    area_id: int,
    title: str,
    status: str = "done",
    done_on: dt.date | None = None,
    condition_ids: str = "",
) -> None:
    with transaction() as session:
        organisation = repo.the_organisation(session)
        session.add(
            PlanAction(
                organisation_id=organisation.id,
                area_id=area_id,
                team_id=team_id,
                title=title,
                owner="Sam Owner",
                condition_ids=condition_ids,
                timescale="three_months",
                due_on=DAY(2026, 6, 1),
                status=status,
                done_on=done_on,
            )
        )


@pytest.fixture
def teams(database):
    """One area with two teams, and a second area with one."""
    create_organisation("Comparison Council")
    boss = admin()
    area = add_area(boss, "North")
    other_area = add_area(boss, "South")
    return {
        "area": area,
        "other_area": other_area,
        "team": add_team(boss, area, "Day Services"),
        "neighbour": add_team(boss, area, "Reablement"),
        "far": add_team(boss, other_area, "Far Team"),
    }


def varied(model):
    """Condition number i (from 0) is answered 1 + i % 5: every direction of change shows."""
    numbers = {c.id: i for i, c in enumerate(model.conditions)}
    return lambda condition_id: 1 + numbers[condition_id] % 5


def test_two_rounds_above_threshold_give_exact_changes(teams, model):
    team = teams["team"]
    add_round(team, model, 6, lambda _: 3, DAY(2026, 1, 10), DAY(2026, 1, 31))
    second = add_round(team, model, 5, varied(model), DAY(2026, 4, 1), DAY(2026, 4, 20))

    view = results_for_round(manager_of(team), second)
    comparison = view.comparison
    assert comparison is not None and view.comparison_note == ""
    assert comparison.previous_dates == "10 Jan 2026 to 31 Jan 2026"
    assert [r.key for r in comparison.rows] == [c.id for c in model.conditions]
    # Before: everyone answered 3, so 3.0 everywhere. After: 1..5 gives 2.33, 2.67, 3.0,
    # 3.33, 3.67, so the changes are -0.67, -0.33, none, +0.33, +0.67.
    expected = {1: (-0.67, "\u22120.67", Direction.DOWN), 2: (-0.33, "\u22120.33", Direction.DOWN),
                3: (0.0, "no change", Direction.SAME), 4: (0.33, "+0.33", Direction.UP),
                5: (0.67, "+0.67", Direction.UP)}  # fmt: skip
    answer_for = varied(model)
    for row in comparison.rows:
        answer = answer_for(row.key)
        assert row.compared, row.key
        assert (row.previous, row.current) == (3.0, condition_score(answer)), row.key
        assert (row.change, row.change_text, row.direction) == expected[answer], row.key
    rows = {answer_for(r.key): r for r in comparison.rows}
    assert rows[5].sentence == "Up 0.67 points, moved from Established to Thriving."
    assert rows[4].sentence == "Up 0.33 points, still Established."
    assert rows[3].sentence == "No change: still Established."
    assert rows[1].sentence == "Down 0.67 points, moved from Established to Developing."
    # Nine conditions answered 1, 2, 3, 4, 5, 1, 2, 3, 4.
    assert comparison.summary == "Of 9 conditions, 3 went up, 4 went down and 2 stayed the same."


def test_changes_come_from_the_shown_figures(teams, model):
    """3.33 (10/3) before and 3.67 (11/3) after: the change is the shown 0.34, not 0.33."""
    team = teams["team"]
    add_round(team, model, 5, lambda _: 4, DAY(2026, 1, 10), DAY(2026, 1, 31))
    second = add_round(team, model, 5, lambda _: 5, DAY(2026, 4, 1), DAY(2026, 4, 20))
    row = results_for_round(leader(), second).comparison.rows[0]
    assert (row.previous, row.current, row.change, row.change_text) == (3.33, 3.67, 0.34, "+0.34")


def test_the_first_round_has_nothing_to_compare_with(teams, model):
    first = add_round(teams["team"], model, 5, lambda _: 3, DAY(2026, 1, 10), DAY(2026, 1, 31))
    view = results_for_round(leader(), first)
    assert view.disclosed and view.comparison is None
    assert view.comparison_note == FIRST_ROUND


def test_an_earlier_round_below_the_threshold_gives_no_comparison(teams, model):
    team = teams["team"]
    add_round(team, model, 4, lambda _: 1, DAY(2026, 1, 10), DAY(2026, 1, 31))
    second = add_round(team, model, 5, lambda _: 3, DAY(2026, 4, 1), DAY(2026, 4, 20))
    view = results_for_round(leader(), second)
    assert view.disclosed and view.comparison is None
    assert view.comparison_note == NO_EARLIER_RESULTS
    # The four people's scores appear nowhere.
    assert condition_score(1) not in [r.mean for r in view.conditions]


def test_a_round_below_the_threshold_is_skipped_for_the_one_before_it(teams, model):
    team = teams["team"]
    first = add_round(team, model, 5, lambda _: 3, DAY(2026, 1, 10), DAY(2026, 1, 31))
    add_round(team, model, 3, lambda _: 1, DAY(2026, 3, 1), DAY(2026, 3, 20))
    third = add_round(team, model, 5, lambda _: 4, DAY(2026, 5, 1), DAY(2026, 5, 20))
    comparison = results_for_round(leader(), third).comparison
    assert comparison is not None and comparison.previous_round_id == first
    assert {(r.previous, r.change) for r in comparison.rows} == {(3.0, 0.33)}
    assert comparison.summary == "All 9 conditions went up."


def test_a_later_round_is_never_the_previous_one(teams, model):
    team = teams["team"]
    first = add_round(team, model, 5, lambda _: 3, DAY(2026, 1, 10), DAY(2026, 1, 31))
    add_round(team, model, 5, lambda _: 4, DAY(2026, 4, 1), DAY(2026, 4, 20))
    assert results_for_round(leader(), first).comparison is None


def test_a_round_without_results_shows_no_comparison(teams, model):
    team = teams["team"]
    add_round(team, model, 5, lambda _: 3, DAY(2026, 1, 10), DAY(2026, 1, 31))
    second = add_round(team, model, 4, lambda _: 4, DAY(2026, 4, 1), None)
    view = results_for_round(leader(), second)
    assert not view.disclosed and view.comparison is None and view.comparison_note == ""


def test_a_condition_withheld_in_one_round_gets_no_change_figure(teams, model):
    team = teams["team"]
    hidden_before, hidden_now = model.conditions[0].id, model.conditions[1].id
    # Round one: four of five said "don't know" to the first condition, so it rests on one person.
    add_round(team, model, 5, lambda _: 3, DAY(2026, 1, 10), DAY(2026, 1, 31),
              dont_know=hidden_before, dont_know_people=4)  # fmt: skip
    second = add_round(team, model, 6, lambda _: 5, DAY(2026, 4, 1), DAY(2026, 4, 20),
                       dont_know=hidden_now, dont_know_people=2)  # fmt: skip
    # Round two: the second condition rests on four people, under the threshold of five.
    view = results_for_round(leader(), second)
    rows = {r.key: r for r in view.comparison.rows}
    for key, which in ((hidden_before, "the previous round"), (hidden_now, "this round")):
        row = rows[key]
        assert not row.compared and row.direction is None
        assert (row.previous, row.current, row.change, row.change_text) == (0.0, 0.0, 0.0, "")
        assert row.sentence == f"Cannot compare: too few answers in {which}."
    others = [r for k, r in rows.items() if k not in (hidden_before, hidden_now)]
    assert len(others) == 7
    assert all(r.compared and r.change == 0.67 and r.direction is Direction.UP for r in others)
    assert view.comparison.summary == "Of 9 conditions, 7 went up and 2 could not be compared."
    # The export holds the same: no figure on the two rows.
    data = exports.round_results_file(leader(), second, "csv").data
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    start = lines.index(["Change since previous round"])
    table = {line[0]: line for line in lines[start + 2 : start + 11]}
    hidden_name = model.condition_by_id[hidden_before].name
    assert table[hidden_name][1:4] == ["", "", ""]
    assert table[model.conditions[2].name][1:4] == ["3.0", "3.67", "0.67"]


def test_actions_done_between_the_rounds(teams, model):
    team, area = teams["team"], teams["area"]
    add_round(team, model, 5, lambda _: 3, DAY(2026, 1, 10), DAY(2026, 1, 31))
    second = add_round(team, model, 5, lambda _: 4, DAY(2026, 4, 1), DAY(2026, 4, 20))
    condition_ids = f"{model.conditions[0].id} {model.conditions[2].id}"
    add_action(team, area, "Tech buddy in every shift", done_on=DAY(2026, 2, 15),
               condition_ids=condition_ids)  # fmt: skip
    add_action(team, area, "Done while round one ran", done_on=DAY(2026, 1, 10))
    add_action(team, area, "Done on the day round two closed", done_on=DAY(2026, 4, 20))
    add_action(None, area, "Area-wide training", done_on=DAY(2026, 3, 1))
    add_action(team, area, "Before round one", done_on=DAY(2026, 1, 9))
    add_action(team, area, "After round two", done_on=DAY(2026, 4, 21))
    add_action(team, area, "Dropped", status="dropped", done_on=DAY(2026, 2, 1))
    add_action(team, area, "Still going", status="in_progress")
    add_action(team, area, "Planned", status="planned")
    add_action(teams["neighbour"], area, "Neighbour's action", done_on=DAY(2026, 2, 1))
    add_action(teams["far"], teams["other_area"], "Far team's", done_on=DAY(2026, 2, 1))
    add_action(None, teams["other_area"], "Other area's", done_on=DAY(2026, 2, 1))

    for reader in (manager_of(team), leader()):
        comparison = results_for_round(reader, second).comparison
        assert comparison.actions_shown
        assert (comparison.actions_from, comparison.actions_to) == ("10 Jan 2026", "20 Apr 2026")
        done = [(a.title, a.team_name, a.done_on) for a in comparison.actions_done]
        assert done == [
            ("Done while round one ran", "Day Services", "10 Jan 2026"),
            ("Tech buddy in every shift", "Day Services", "15 Feb 2026"),
            ("Area-wide training", "Whole area", "1 Mar 2026"),
            ("Done on the day round two closed", "Day Services", "20 Apr 2026"),
        ]
    first_action = comparison.actions_done[1]
    assert first_action.conditions == f"{model.conditions[0].name}, {model.conditions[2].name}"
    assert comparison.actions_done[0].conditions == ""

    # The Excel file lists the same actions.
    xlsx = exports.round_results_file(leader(), second, "xlsx").data
    book = load_workbook(io.BytesIO(xlsx))
    sheet = book["Actions done in between"]
    titles = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == [a[0] for a in done]
    changes = book["Change since previous round"]
    previous = "Previous round (10 Jan 2026 to 31 Jan 2026)"
    assert [c.value for c in changes[1]][:4] == ["Condition", previous, "This round", "Change"]


def test_an_open_round_counts_actions_up_to_today(teams, model):
    team, area = teams["team"], teams["area"]
    today = DAY(2026, 6, 15)
    add_round(team, model, 5, lambda _: 3, DAY(2026, 3, 17), DAY(2026, 4, 16))
    second = add_round(team, model, 5, lambda _: 4, DAY(2026, 6, 10), None)
    add_action(team, area, "Done today", done_on=today)
    add_action(team, area, "Dated tomorrow", done_on=today + dt.timedelta(days=1))
    with clock.frozen_at(today):
        comparison = results_for_round(leader(), second).comparison
    assert [a.title for a in comparison.actions_done] == ["Done today"]
    assert comparison.actions_to == "15 Jun 2026"


def test_no_actions_done_reads_as_such_in_the_export(teams, model):
    team = teams["team"]
    add_round(team, model, 5, lambda _: 3, DAY(2026, 1, 10), DAY(2026, 1, 31))
    second = add_round(team, model, 5, lambda _: 4, DAY(2026, 4, 1), DAY(2026, 4, 20))
    assert results_for_round(leader(), second).comparison.actions_done == []
    data = exports.round_results_file(leader(), second, "csv").data.decode("utf-8-sig")
    assert "No actions were marked done between these rounds." in data


# ---- the anonymity gate: a leader sees no change for a team protected on the area ----------


def test_leader_gets_no_change_for_a_team_protected_on_the_area(database, model):
    """Three teams of 9, 6 and 2 people. The 2 are hidden; so is the 6-person team for anyone
    who sees the area's figures, or the area minus the big team would give the 2 away."""
    create_organisation("Gate Council")
    boss = admin()
    area = add_area(boss, "East")
    big = add_team(boss, area, "Big team")
    middle = add_team(boss, area, "Middle team")
    small = add_team(boss, area, "Small team")
    add_round(big, model, 9, lambda _: 4, DAY(2026, 4, 1), DAY(2026, 4, 20))
    add_round(small, model, 2, lambda _: 1, DAY(2026, 4, 1), DAY(2026, 4, 20))
    add_round(middle, model, 6, lambda _: 2, DAY(2026, 1, 10), DAY(2026, 1, 31))
    latest = add_round(middle, model, 6, lambda _: 3, DAY(2026, 4, 1), DAY(2026, 4, 20))

    as_leader = results_for_round(leader(), latest).comparison
    assert as_leader is not None
    for row in as_leader.rows:
        assert not row.compared and row.change_text == "", row.key
        assert (row.previous, row.current, row.change) == (0.0, 0.0, 0.0)
        assert "worked out" in row.sentence and "this round" in row.sentence
    xlsx = exports.round_results_file(leader(), latest, "xlsx").data
    values = {c.value for row in load_workbook(io.BytesIO(xlsx))["Change since previous round"]
              .iter_rows() for c in row}  # fmt: skip
    change = round(condition_score(3) - condition_score(2), 2)
    assert not {change, condition_score(3), condition_score(2)} & values

    # The team's own manager sees no area figures: nothing to subtract, so the change shows.
    as_manager = results_for_round(manager_of(middle), latest).comparison
    assert all(r.compared and r.change == change == 0.33 for r in as_manager.rows)


def test_a_manager_sees_only_their_own_teams_rounds(teams, model):
    team = teams["team"]
    add_round(team, model, 5, lambda _: 3, DAY(2026, 1, 10), DAY(2026, 1, 31))
    second = add_round(team, model, 5, lambda _: 4, DAY(2026, 4, 1), DAY(2026, 4, 20))
    with pytest.raises(Forbidden):
        results_for_round(manager_of(teams["neighbour"]), second)
