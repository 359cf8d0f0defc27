"""Action plans: who may plan what, due dates, statuses, the plan views and their exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from people import admin, leader, make_person, manager_of

from culturetool.domain import clock
from culturetool.domain.access import Actor, Forbidden, Role
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import TargetScope
from culturetool.domain.wording import day_month_year
from culturetool.reports.plan_tables import plan_tables
from culturetool.services import exports, plans
from culturetool.services.accounts import actor_of
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.services.plans import ActionDraft
from culturetool.store import db
from culturetool.store.tables import Area, Organisation, PlanAction, Team, UserAccount

TODAY = dt.date(2026, 11, 22)


@dataclass
class County:
    north: int
    south: int
    alpha: int  # in North
    beta: int  # in North
    gamma: int  # in South
    innovation: Actor
    alpha_manager: Actor
    leader: Actor


@pytest.fixture
def county(database) -> County:
    create_organisation("Plan Council")
    boss = admin()
    north = add_area(boss, "North")
    south = add_area(boss, "South")
    alpha = add_team(boss, north, "Alpha")
    beta = add_team(boss, north, "Beta")
    gamma = add_team(boss, south, "Gamma")
    return County(
        north=north, south=south, alpha=alpha, beta=beta, gamma=gamma,
        innovation=make_person(Role.INNOVATION), alpha_manager=manager_of(alpha),
        leader=leader(),
    )  # fmt: skip


def draft(team_id: int | None, **changes) -> ActionDraft:
    base = ActionDraft(
        title="Recruit two digital champions",
        owner="Sam Patel",
        team_id=team_id,
        condition_ids=("confident_staff_and_people", "awareness_of_benefits"),
        timescale="three_months",
    )
    return replace(base, **changes)


def action_count() -> int:
    with db.transaction() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(PlanAction))


def stored(action_id: int) -> PlanAction:
    with db.transaction() as session:
        action = session.get(PlanAction, action_id)
        assert action is not None
        session.expunge(action)
        return action


# ---- creating actions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timescale", "today", "expected"),
    [
        ("first_week", dt.date(2026, 11, 22), dt.date(2026, 11, 29)),
        ("first_week", dt.date(2026, 12, 28), dt.date(2027, 1, 4)),
        ("three_months", dt.date(2026, 11, 22), dt.date(2027, 2, 22)),
        ("three_months", dt.date(2026, 11, 30), dt.date(2027, 2, 28)),  # clamped to month end
        ("three_months", dt.date(2027, 11, 30), dt.date(2028, 2, 29)),  # a leap year
        ("six_months", dt.date(2026, 8, 31), dt.date(2027, 2, 28)),
        ("six_months", dt.date(2026, 3, 15), dt.date(2026, 9, 15)),
    ],
)
def test_each_timescale_sets_its_due_date(county, timescale, today, expected):
    made = plans.create_action(
        county.alpha_manager, county.north, draft(county.alpha, timescale=timescale), today
    )
    action = stored(made)
    assert action.due_on == expected
    assert action.timescale == timescale and action.status == "planned"
    assert action.created_by_user_id == county.alpha_manager.user_id
    assert action.done_on is None


def test_a_date_timescale_takes_the_date_given(county):
    made = plans.create_action(
        county.innovation, county.north,
        draft(None, timescale="date", due_on="2027-03-31", notes="  Ask HR first.\r\n\r\n "),
        TODAY,
    )  # fmt: skip
    action = stored(made)
    assert action.due_on == dt.date(2027, 3, 31)
    assert action.team_id is None and action.area_id == county.north
    assert action.notes == "Ask HR first."
    # Today itself is not in the past.
    today_made = plans.create_action(
        county.innovation, county.north, draft(None, timescale="date", due_on="2026-11-22"), TODAY
    )
    assert stored(today_made).due_on == TODAY


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"timescale": "date", "due_on": "2026-11-21"}, "already passed"),
        ({"timescale": "date", "due_on": ""}, "Give the date"),
        ({"timescale": "date", "due_on": "2026-02-30"}, "Give the date"),
        ({"timescale": "date", "due_on": "31/12/2026"}, "Give the date"),
        ({"timescale": "date", "due_on": "2999-01-01"}, "check the year"),
        ({"timescale": "next_year"}, "Choose when"),
        ({"title": "   \n  "}, "say what the action is"),
        ({"title": "x" * 201}, "201 characters"),
        ({"title": "Recruit \u202echampions"}, "cannot be shown"),
        ({"owner": ""}, "who will lead"),
        ({"condition_ids": ()}, "at least one condition"),
        ({"condition_ids": ("strategic_clarity", "good_vibes")}, "“good_vibes”"),
        ({"notes": "n" * 2001}, "2,001 characters"),
        ({"intervention_id": "magic_wand"}, "not in the current culture model"),
        ({"bundle_id": "no_such_bundle"}, "not in the current culture model"),
    ],
)
def test_bad_input_is_refused_with_what_to_fix_and_nothing_saved(county, changes, words):
    with pytest.raises(InputProblem, match=words):
        plans.create_action(county.innovation, county.north, draft(county.alpha, **changes), TODAY)
    assert action_count() == 0


def test_title_and_owner_are_tidied_and_conditions_kept_in_model_order(county, model):
    made = plans.create_action(
        county.innovation, county.north,
        draft(
            county.beta, title="  Recruit   two\tdigital champions ", owner=" Indira  Shah ",
            condition_ids=("awareness_of_benefits", "strategic_clarity", "awareness_of_benefits"),
        ),
        TODAY,
    )  # fmt: skip
    action = stored(made)
    assert action.title == "Recruit two digital champions"
    assert action.owner == "Indira Shah"
    order = [c.id for c in model.conditions]
    assert action.condition_ids.split() == sorted(
        {"awareness_of_benefits", "strategic_clarity"}, key=order.index
    )


def test_an_action_from_a_recommendation_keeps_its_intervention_and_bundle(county):
    made = plans.create_action(
        county.alpha_manager, county.north,
        draft(county.alpha, intervention_id="digital_champions", bundle_id="engage_experts"),
        TODAY,
    )  # fmt: skip
    action = stored(made)
    # The intervention's own bundle wins over whatever the link said.
    assert (action.intervention_id, action.bundle_id) == (
        "digital_champions",
        "digital_adoption_programme",
    )
    row = plans.team_plan(county.alpha_manager, county.alpha, TODAY).actions[0]
    assert row.intervention_name == "Digital champions"
    assert row.bundle_name == "A programme of support for digital adoption"


def test_prefill_from_a_recommendation_link_keeps_only_what_the_model_knows(database, model):
    filled = plans.prefill(
        "digital_champions", "engage_experts", "strategic_clarity,nonsense, awareness_of_benefits"
    )
    assert filled.intervention_name == "Digital champions"
    assert filled.title == "Digital champions"
    assert filled.bundle_id == "digital_adoption_programme"
    assert filled.condition_ids == ["strategic_clarity", "awareness_of_benefits"]
    # No conditions in the link: the bundle's main ones are ticked.
    assert plans.prefill("digital_champions").condition_ids == [
        "awareness_of_benefits",
        "confident_staff_and_people",
    ]
    nothing = plans.prefill("<script>", "x", "y", "")
    assert not nothing.from_recommendation and nothing.title == "" and nothing.condition_ids == []


def test_the_form_says_when_the_plan_already_has_the_intervention(county):
    def champions(team_id: int | None, title: str) -> int:
        return plans.create_action(
            county.innovation, county.north,
            draft(team_id, title=title, intervention_id="digital_champions"), TODAY,
        )  # fmt: skip

    def alpha_plan() -> plans.PlanView:
        return plans.team_plan(county.alpha_manager, county.alpha, TODAY)

    assert plans.already_planned(alpha_plan(), "digital_champions") == ""
    # Beta's action is not in Alpha's plan, and Alpha's manager cannot see it.
    champions(county.beta, "Beta's champions")
    assert plans.already_planned(alpha_plan(), "digital_champions") == ""
    # A dropped action does not count.
    alpha_own = champions(county.alpha, "Two champions for Alpha")
    plans.set_action_status(county.innovation, alpha_own, "dropped", TODAY)
    assert plans.already_planned(alpha_plan(), "digital_champions") == ""
    plans.set_action_status(county.innovation, alpha_own, "in_progress", TODAY)
    assert plans.already_planned(alpha_plan(), "digital_champions") == (
        "This plan already has an action for Digital champions: "
        "“Two champions for Alpha” (in progress). You can still add another."
    )
    # Another intervention, or none, says nothing.
    assert plans.already_planned(alpha_plan(), "hands_on_demonstrations") == ""
    assert plans.already_planned(alpha_plan(), "") == ""
    # The whole area's action is in Alpha's plan too; a done one counts.
    whole = champions(None, "Champions across North")
    plans.set_action_status(county.innovation, whole, "done", TODAY)
    assert plans.already_planned(alpha_plan(), "digital_champions") == (
        "This plan already has actions for Digital champions: "
        "“Two champions for Alpha” (in progress), “Champions across North” (done). "
        "You can still add another."
    )
    # The area's plan holds every team's: Beta's is named there.
    area_note = plans.already_planned(
        plans.area_plan(county.innovation, county.north, TODAY), "digital_champions"
    )
    assert "“Beta's champions” (planned)" in area_note
    assert "“Two champions for Alpha”" in area_note
    # Another area's plan knows nothing of North's.
    south = plans.area_plan(county.innovation, county.south, TODAY)
    assert plans.already_planned(south, "digital_champions") == ""


# ---- who may plan what -----------------------------------------------------------------------


def test_a_manager_plans_only_for_their_own_teams_never_a_whole_area(county):
    with pytest.raises(Forbidden):
        plans.create_action(county.alpha_manager, county.north, draft(county.beta), TODAY)
    with pytest.raises(Forbidden, match="innovation team"):
        plans.create_action(county.alpha_manager, county.north, draft(None), TODAY)
    # A team must be planned within its own area.
    with pytest.raises(NotFound):
        plans.create_action(county.innovation, county.south, draft(county.alpha), TODAY)
    with pytest.raises(NotFound):
        plans.create_action(county.innovation, 9999, draft(None), TODAY)
    assert action_count() == 0
    plans.create_action(county.alpha_manager, county.north, draft(county.alpha), TODAY)
    assert action_count() == 1


def test_leaders_read_plans_but_cannot_change_them(county):
    made = plans.create_action(county.innovation, county.north, draft(county.alpha), TODAY)
    with pytest.raises(Forbidden):
        plans.create_action(county.leader, county.north, draft(county.alpha), TODAY)
    with pytest.raises(Forbidden):
        plans.set_action_status(county.leader, made, "done", TODAY)
    with pytest.raises(Forbidden):
        plans.update_action_notes(county.leader, made, "Going well")
    view = plans.team_plan(county.leader, county.alpha, TODAY)
    assert [r.id for r in view.actions] == [made]
    assert not view.can_edit and view.team_choices == []
    assert not any(r.can_edit for r in view.actions)
    assert plans.area_plan(county.leader, county.north, TODAY).actions[0].id == made
    assert stored(made).status == "planned"


def test_administrators_and_facilitators_see_no_plans(county):
    for person in (admin(), make_person(Role.FACILITATOR)):
        with pytest.raises(Forbidden):
            plans.team_plan(person, county.alpha, TODAY)
        with pytest.raises(Forbidden):
            plans.create_action(person, county.north, draft(county.alpha), TODAY)


def test_a_managers_view_of_another_team_and_of_the_area_is_refused(county):
    with pytest.raises(Forbidden):
        plans.team_plan(county.alpha_manager, county.beta, TODAY)
    with pytest.raises(Forbidden, match="your own teams"):
        plans.area_plan(county.alpha_manager, county.north, TODAY)
    with pytest.raises(Forbidden):
        exports.plan_file(county.alpha_manager, "area", county.north, "csv")


def test_a_manager_cannot_change_another_teams_or_a_whole_area_action(county):
    beta_action = plans.create_action(county.innovation, county.north, draft(county.beta), TODAY)
    area_action = plans.create_action(county.innovation, county.north, draft(None), TODAY)
    for action in (beta_action, area_action):
        with pytest.raises(Forbidden):
            plans.set_action_status(county.alpha_manager, action, "done", TODAY)
        with pytest.raises(Forbidden):
            plans.update_action_notes(county.alpha_manager, action, "Mine now")
        assert stored(action).status == "planned" and stored(action).notes == ""


# ---- statuses --------------------------------------------------------------------------------


def test_marking_done_records_the_day_and_leaving_done_clears_it(county):
    made = plans.create_action(county.alpha_manager, county.north, draft(county.alpha), TODAY)
    plans.set_action_status(county.alpha_manager, made, "in_progress", TODAY)
    assert (stored(made).status, stored(made).done_on) == ("in_progress", None)
    plans.set_action_status(county.alpha_manager, made, "done", dt.date(2026, 12, 5))
    assert (stored(made).status, stored(made).done_on) == ("done", dt.date(2026, 12, 5))
    # Saying "done" again keeps the day it was first done.
    plans.set_action_status(county.alpha_manager, made, "done", dt.date(2026, 12, 9))
    assert stored(made).done_on == dt.date(2026, 12, 5)
    plans.set_action_status(county.alpha_manager, made, "in_progress", dt.date(2026, 12, 10))
    assert (stored(made).status, stored(made).done_on) == ("in_progress", None)
    plans.set_action_status(county.alpha_manager, made, "dropped", dt.date(2026, 12, 11))
    assert (stored(made).status, stored(made).done_on) == ("dropped", None)
    with pytest.raises(InputProblem, match="Choose a status"):
        plans.set_action_status(county.alpha_manager, made, "finished", TODAY)
    with pytest.raises(NotFound):
        plans.set_action_status(county.alpha_manager, 9999, "done", TODAY)
    assert stored(made).status == "dropped"


def test_notes_can_be_updated_and_are_checked(county):
    made = plans.create_action(county.innovation, county.north, draft(None), TODAY)
    before = stored(made).updated_at
    plans.update_action_notes(county.innovation, made, "  Booked the room.\n\nInvite sent. ")
    assert stored(made).notes == "Booked the room.\n\nInvite sent."
    assert stored(made).updated_at >= before
    with pytest.raises(InputProblem, match="shorten"):
        plans.update_action_notes(county.innovation, made, "x" * 2001)
    assert stored(made).notes == "Booked the room.\n\nInvite sent."


# ---- the plan views --------------------------------------------------------------------------


def test_overdue_actions_are_flagged_and_open_actions_come_first(county):
    created = dt.date(2026, 1, 5)
    late = plans.create_action(
        county.innovation, county.north, draft(county.alpha, timescale="six_months"), created
    )  # due 5 Jul 2026
    soon = plans.create_action(
        county.innovation, county.north, draft(county.alpha, timescale="first_week"), TODAY
    )  # due 29 Nov 2026
    later = plans.create_action(
        county.innovation, county.north, draft(county.alpha, timescale="three_months"), TODAY
    )  # due 22 Feb 2027
    done_late = plans.create_action(
        county.innovation, county.north, draft(county.alpha, timescale="first_week"), created
    )  # due 12 Jan 2026, but done
    dropped_late = plans.create_action(
        county.innovation, county.north, draft(county.alpha, timescale="three_months"), created
    )  # due 5 Apr 2026, but dropped
    plans.set_action_status(county.innovation, done_late, "done", dt.date(2026, 1, 10))
    plans.set_action_status(county.innovation, dropped_late, "dropped", TODAY)
    also_late = plans.create_action(
        county.innovation, county.north, draft(county.alpha, timescale="first_week"), created
    )  # due 12 Jan 2026, in progress
    plans.set_action_status(county.innovation, also_late, "in_progress", TODAY)

    view = plans.team_plan(county.alpha_manager, county.alpha, TODAY)
    order = [r.id for r in view.actions]
    # Open ones (overdue first, then by due date), then done, then dropped.
    assert order == [also_late, late, soon, later, done_late, dropped_late]
    flags = {r.id: r.overdue for r in view.actions}
    assert flags == {also_late: True, late: True, done_late: False, dropped_late: False,
                     soon: False, later: False}  # fmt: skip
    assert (view.overdue_count, view.open_count, view.done_count) == (2, 4, 1)
    assert view.summary == "6 actions: 1 done, 1 in progress, 3 planned, 1 dropped. 2 are overdue."
    row = next(r for r in view.actions if r.id == late)
    assert (row.due_label, row.due_on) == ("5 Jul 2026", "2026-07-05")
    assert row.timescale_label == "Within six months" and row.status_label == "Planned"
    assert next(r for r in view.actions if r.id == done_late).done_label == "10 Jan 2026"
    # On its due date an action is not yet overdue.
    on_the_day = plans.team_plan(county.alpha_manager, county.alpha, dt.date(2026, 11, 29))
    assert not next(r for r in on_the_day.actions if r.id == soon).overdue


def test_done_actions_follow_the_open_ones_most_recent_first_and_dropped_ones_come_last(county):
    def add(title: str, timescale: str = "three_months", made_on: dt.date = TODAY) -> int:
        return plans.create_action(
            county.innovation, county.north,
            draft(county.alpha, title=title, timescale=timescale), made_on,
        )  # fmt: skip

    dropped_soon = add("Dropped, due soon", "first_week")
    done_long_ago = add("Done in January", "first_week", dt.date(2026, 1, 5))
    done_lately = add("Done last week", "first_week", dt.date(2026, 1, 5))
    dropped_later = add("Dropped, due later", "six_months")
    planned_later = add("Planned for six months", "six_months")
    planned_soon = add("Planned for next week", "first_week")
    plans.set_action_status(county.innovation, dropped_soon, "dropped", TODAY)
    plans.set_action_status(county.innovation, done_long_ago, "done", dt.date(2026, 1, 10))
    plans.set_action_status(county.innovation, done_lately, "done", dt.date(2026, 11, 15))
    plans.set_action_status(county.innovation, dropped_later, "dropped", TODAY)

    view = plans.team_plan(county.leader, county.alpha, TODAY)
    assert [r.title for r in view.actions] == [
        "Planned for next week",
        "Planned for six months",
        "Done last week",
        "Done in January",
        "Dropped, due soon",
        "Dropped, due later",
    ]
    assert [r.id for r in view.actions][:2] == [planned_soon, planned_later]
    # Back from done to in progress: it returns among the open ones, by its due date.
    plans.set_action_status(county.innovation, done_long_ago, "in_progress", TODAY)
    again = plans.team_plan(county.leader, county.alpha, TODAY)
    assert [r.title for r in again.actions][:3] == [
        "Done in January",  # due 12 Jan 2026, so now overdue
        "Planned for next week",
        "Planned for six months",
    ]
    assert again.actions[0].overdue
    # The exports list them in the same order.
    (table, _about) = plan_tables(view)
    assert [row[0] for row in table.rows] == [r.title for r in view.actions]


def test_a_team_plan_holds_its_own_and_the_whole_areas_actions(county):
    own = plans.create_action(county.alpha_manager, county.north, draft(county.alpha), TODAY)
    whole = plans.create_action(
        county.innovation, county.north, draft(None, title="Area drop-in sessions"), TODAY
    )
    plans.create_action(county.innovation, county.north, draft(county.beta), TODAY)
    plans.create_action(county.innovation, county.south, draft(None), TODAY)
    plans.create_action(county.innovation, county.south, draft(county.gamma), TODAY)

    view = plans.team_plan(county.alpha_manager, county.alpha, TODAY)
    rows = {r.id: r for r in view.actions}
    assert set(rows) == {own, whole}
    assert rows[whole].team_name == "Whole area" and rows[whole].team_id == 0
    assert rows[own].team_name == "Alpha" and rows[own].team_id == county.alpha
    # The manager changes their team's action, not the area's.
    assert rows[own].can_edit and not rows[whole].can_edit
    assert view.can_edit and view.team_choices == [(str(county.alpha), "Alpha")]
    assert (view.scope, view.heading, view.area_name) == (
        TargetScope.TEAM,
        "Action plan: Alpha",
        "North",
    )
    assert rows[own].condition_names == [
        "Awareness of the benefits of care technology",
        "Confident, empowered staff and local people",
    ]
    assert len(view.condition_choices) == 9
    # The innovation team may change both from the team's plan.
    as_innovation = plans.team_plan(county.innovation, county.alpha, TODAY)
    assert all(r.can_edit for r in as_innovation.actions)


def test_an_area_plan_holds_every_team_and_the_whole_area(county):
    made = {
        plans.create_action(county.innovation, county.north, draft(county.alpha), TODAY),
        plans.create_action(county.innovation, county.north, draft(county.beta), TODAY),
        plans.create_action(county.innovation, county.north, draft(None), TODAY),
    }
    plans.create_action(county.innovation, county.south, draft(county.gamma), TODAY)
    view = plans.area_plan(county.innovation, county.north, TODAY)
    assert {r.id for r in view.actions} == made
    assert (view.scope, view.team_id, view.heading) == ("area", 0, "Action plan: North")
    assert view.team_choices == [
        ("", "The whole area"),
        (str(county.alpha), "Alpha"),
        (str(county.beta), "Beta"),
    ]
    assert plans.area_plan(county.innovation, county.south, TODAY).summary == (
        "1 action: 1 planned."
    )
    with pytest.raises(NotFound):
        plans.area_plan(county.innovation, 9999, TODAY)


def test_an_empty_plan_says_so(county):
    view = plans.team_plan(county.alpha_manager, county.alpha, TODAY)
    assert view.actions == [] and view.summary == "No actions yet."


# ---- another organisation --------------------------------------------------------------------


def _other_organisation() -> tuple[Actor, int, int, int]:
    """A second organisation (set up behind the services' back) with one action of its own."""
    with db.transaction() as session:
        other = Organisation(name="Elsewhere Council", anonymity_threshold=5)
        session.add(other)
        session.flush()
        area = Area(organisation_id=other.id, name="Far")
        session.add(area)
        session.flush()
        team = Team(area_id=area.id, name="Far team")
        user = UserAccount(organisation_id=other.id, email="far@test.example", name="Far Away",
                           role=Role.INNOVATION.value)  # fmt: skip
        session.add_all([team, user])
        session.flush()
        action = PlanAction(
            organisation_id=other.id, area_id=area.id, team_id=team.id, title="Secret plan",
            owner="Someone", condition_ids="strategic_clarity", timescale="first_week",
            due_on=dt.date(2026, 12, 1),
        )  # fmt: skip
        session.add(action)
        session.flush()
        return actor_of(user), area.id, team.id, action.id


def test_another_organisations_plans_are_out_of_reach(county):
    ours = plans.create_action(county.innovation, county.north, draft(county.alpha), TODAY)
    outsider, far_area, far_team, far_action = _other_organisation()
    # Our people cannot reach theirs...
    for call in (
        lambda: plans.team_plan(county.innovation, far_team, TODAY),
        lambda: plans.area_plan(county.innovation, far_area, TODAY),
        lambda: plans.set_action_status(county.innovation, far_action, "done", TODAY),
        lambda: plans.update_action_notes(county.innovation, far_action, "Ha"),
        lambda: plans.create_action(county.innovation, far_area, draft(far_team), TODAY),
        lambda: plans.create_action(county.innovation, county.north, draft(far_team), TODAY),
        lambda: exports.plan_file(county.innovation, "team", far_team, "csv"),
    ):
        with pytest.raises(NotFound):
            call()
    # ...and theirs cannot reach ours.
    with pytest.raises(NotFound):
        plans.set_action_status(outsider, ours, "dropped", TODAY)
    with pytest.raises(NotFound):
        plans.area_plan(outsider, county.north, TODAY)
    assert [r.title for r in plans.area_plan(outsider, far_area, TODAY).actions] == ["Secret plan"]
    assert stored(far_action).status == "planned" and stored(ours).status == "planned"
    assert action_count() == 2


# ---- exports ---------------------------------------------------------------------------------


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def planned(county) -> Iterator[County]:
    """Alpha: one overdue action, one done, one from a formula-looking title; the area: one.
    The clock stays at TODAY while the test runs."""
    with clock.frozen_at(TODAY - dt.timedelta(days=200)) as frozen:
        plans.create_action(
            county.alpha_manager, county.north,
            draft(county.alpha, title="Hands-on demonstration sessions", timescale="first_week",
                  intervention_id="hands_on_demonstrations"),
        )  # fmt: skip
        frozen.set(TODAY)
        done = plans.create_action(
            county.alpha_manager, county.north,
            draft(county.alpha, title="=HYPERLINK(\"http://evil.example\")", owner="@owner",
                  notes="Line one\nLine two"),
        )  # fmt: skip
        plans.set_action_status(county.alpha_manager, done, "done")
        plans.create_action(
            county.innovation, county.north,
            draft(None, title="Area steering group", owner="Indira"),
        )  # fmt: skip
        plans.create_action(county.innovation, county.north, draft(county.beta, title="Beta only"))
        yield county


def test_csv_export_holds_the_team_plan_as_shown(planned):
    county = planned
    view = plans.team_plan(county.alpha_manager, county.alpha)
    download = exports.plan_file(county.alpha_manager, "team", county.alpha, "csv")
    assert download.filename == "action-plan-alpha-2026-11-22.csv"
    assert download.mime_type == "text/csv"
    rows = read_csv(download.data)
    assert rows[0] == ["Actions"]
    assert rows[1] == ["Action", "For", "Conditions", "Intervention", "Timescale", "Due",
                       "Status", "Overdue", "Owner", "Done on", "Notes"]  # fmt: skip
    actions = rows[2 : 2 + len(view.actions)]
    assert [r[0] for r in actions] == [
        "Hands-on demonstration sessions",
        "Area steering group",
        '\'=HYPERLINK("http://evil.example")',  # text, never a formula; done, so last
    ]
    first = actions[0]
    assert first[1:5] == [
        "Alpha",
        "Awareness of the benefits of care technology; Confident, empowered staff and local people",
        "Hands-on demonstrations and immersive experiences",
        "In the first week",
    ]
    assert first[6:8] == ["Planned", "Yes"]
    done = actions[2]
    assert (done[6], done[7], done[8]) == ("Done", "", "'@owner")
    assert done[9] == "22 Nov 2026" and done[10] == "Line one\nLine two"
    assert actions[1][1] == "Whole area"
    assert "Beta only" not in [cell for row in rows for cell in row]
    about_at = rows.index(["About"])
    header, about = rows[about_at + 1], rows[about_at + 2]
    assert header == ["Plan", "Area", "Team", "Summary", "Exported on"]
    assert about[:3] == ["Action plan: Alpha", "North", "Alpha"]
    assert about[3] == "3 actions: 1 done, 2 planned. 1 is overdue."
    assert about[4] == "22 Nov 2026"


def test_xlsx_export_of_an_area_plan(planned):
    county = planned
    download = exports.plan_file(county.innovation, "area", county.north, "xlsx")
    assert download.filename.startswith("action-plan-north-") and download.filename.endswith(
        ".xlsx"
    )
    workbook = load_workbook(io.BytesIO(download.data))
    assert workbook.sheetnames == ["Actions", "About"]
    sheet = workbook["Actions"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Action" and rows[0][7] == "Overdue"
    by_title = {row[0]: row for row in rows[1:]}
    assert set(by_title) == {
        "Hands-on demonstration sessions",
        '=HYPERLINK("http://evil.example")',
        "Area steering group",
        "Beta only",
    }
    assert by_title["Hands-on demonstration sessions"][7] == "Yes"
    assert by_title["Beta only"][1] == "Beta"
    assert by_title['=HYPERLINK("http://evil.example")'][6] == "Done"
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    about = [cell.value for cell in workbook["About"][2]]
    assert about[0] == "Action plan: North" and about[2] == "All teams and the whole area"


def test_plan_exports_check_who_asks_and_the_format(planned):
    county = planned
    with pytest.raises(Forbidden):
        exports.plan_file(manager_of(county.beta), "team", county.alpha, "csv")
    with pytest.raises(Forbidden):
        exports.plan_file(admin(), "team", county.alpha, "xlsx")
    with pytest.raises(InputProblem):
        exports.plan_file(county.leader, "team", county.alpha, "pdf")
    with pytest.raises(InputProblem):
        exports.plan_file(county.leader, "organisation", county.alpha, "csv")
    with pytest.raises(NotFound):
        exports.plan_file(county.leader, "team", 9999, "csv")
    assert exports.plan_file(county.leader, "team", county.alpha, "csv").data


# ---- the demo's plans ------------------------------------------------------------------------


def test_the_demo_has_live_plans(database):
    from culturetool.services.demo import (
        FIRST_ROUND,
        SECOND_ROUND,
        TEAMS_WITH_TWO_ROUNDS,
        load_demo,
    )

    assert load_demo() is True
    innovation = make_person(Role.INNOVATION)
    with db.transaction() as session:
        teams = {t.name: (t.id, t.area_id) for t in session.scalars(sa.select(Team))}
        areas = {a.name: a.id for a in session.scalars(sa.select(Area))}
    discharge = plans.team_plan(innovation, teams["Hospital Discharge Team"][0], TODAY)
    done = [r for r in discharge.actions if r.status == "done"]
    assert {r.title for r in done} == {
        "Recruit two digital champions",
        "Hands-on demonstration sessions",
    }
    # Done between the first round's close and the second round's opening (the demo
    # workshops' actions are the areas' and follow their workshops' days).
    from_the_plan = (PlanAction.status == "done", PlanAction.workshop_id.is_(None))
    with db.transaction() as session:
        done_days = session.scalars(sa.select(PlanAction.done_on).where(*from_the_plan)).all()
        done_teams = {
            session.get(Team, t).name
            for t in session.scalars(sa.select(PlanAction.team_id).where(*from_the_plan))
        }
    assert done_teams <= TEAMS_WITH_TWO_ROUNDS and len(done_teams) >= 2
    assert all(
        FIRST_ROUND.date() + dt.timedelta(days=21) < d < SECOND_ROUND.date() for d in done_days
    )
    east = plans.area_plan(innovation, areas["East Vale"], TODAY)
    whole = [r for r in east.actions if r.team_name == "Whole area" and not r.workshop_origin]
    assert len(whole) == 1 and whole[0].overdue and whole[0].status == "in_progress"
    assert whole[0].due_on == "2026-10-31"
    overdue = [r.overdue for r in east.actions]
    assert overdue == sorted(overdue, reverse=True)  # overdue first
    riverside = plans.team_plan(innovation, teams["Riverside Front Door"][0], TODAY)
    assert [(r.status, r.due_on[:4]) for r in riverside.actions if not r.workshop_origin] == [
        ("planned", "2027")
    ]
    # The manager of the discharge team sees the plan and may change it.
    manager = actor_of_email("manager@shirebrook.example")
    assert plans.team_plan(manager, teams["Hospital Discharge Team"][0], TODAY).can_edit


def actor_of_email(email: str) -> Actor:
    with db.transaction() as session:
        user = session.scalars(sa.select(UserAccount).where(UserAccount.email == email)).one()
        return actor_of(user)


# ---- the page's state, as the browser drives it ----------------------------------------------


def _plan_state(token: str, path: str, params: dict[str, str]):
    import reflex as rx
    from sessions import router_for

    import culturetool.culturetool  # noqa: F401  (registers the pages and their states)
    from culturetool.ui.pages.plan import PlanState

    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(PlanState.get_full_name().split(".")[1:])
    root.router = router_for(
        token, pathname=path, query=params, asPath=path, headers={"origin": "http://x"}
    )
    return state


def _token_of(role: Role, team_ids: tuple[int, ...] = ()) -> str:
    from people import PASSWORD

    from culturetool.services import accounts

    person = make_person(role, team_ids, password=PASSWORD)
    with db.transaction() as session:
        email = session.get(UserAccount, person.user_id).email
    return accounts.sign_in(email, PASSWORD).token


def test_the_page_opens_a_recommendation_as_a_filled_form_and_saves_it(county):
    token = _token_of(Role.MANAGER, (county.alpha,))
    address = (f"/teams/{county.alpha}/plan?intervention=digital_champions"
               "&bundle=digital_adoption_programme&conditions=awareness_of_benefits")  # fmt: skip
    state = _plan_state(token, address, {"team_id": str(county.alpha)})
    outcome = type(state).load.fn(state)
    assert outcome is not None  # scrolls to the form
    assert state.view is not None and state.view.heading == "Action plan: Alpha"
    assert state.form_open and state.prefill_title == "Digital champions"
    assert state.prefill_intervention_name == "Digital champions"
    assert state.prefill_conditions == ["awareness_of_benefits"]
    # A form without a condition ticked: refused, said in the form, nothing saved.
    form = {"title": "Digital champions", "owner": "Sam", "timescale": "first_week"}
    type(state).save_action.fn(state, form)
    assert "at least one condition" in state.form_message and action_count() == 0
    type(state).save_action.fn(state, {**form, "condition_awareness_of_benefits": "on"})
    assert state.saved.startswith("Saved") and state.form_message == ""
    assert not state.form_open and state.prefill_intervention == ""
    (row,) = state.view.actions
    assert row.intervention_name == "Digital champions" and row.team_name == "Alpha"
    # Its status is saved from its own little form.
    type(state).save_status.fn(state, {"action_id": str(row.id), "status": "done"})
    assert state.confirmation == "“Digital champions” is now done."
    assert state.view.actions[0].done_label == day_month_year(clock.today())
    type(state).save_status.fn(state, {"action_id": "nonsense", "status": "done"})
    assert "no such action" in state.message


def test_the_area_page_plans_for_the_whole_area_or_a_team(county):
    token = _token_of(Role.INNOVATION)
    state = _plan_state(token, f"/areas/{county.north}/plan", {"area_id": str(county.north)})
    type(state).load.fn(state)
    assert state.view is not None and state.view.scope == "area" and not state.form_open
    form = {"title": "Area drop-in", "owner": "Indira", "timescale": "six_months",
            "condition_strategic_clarity": "on", "notes": "Monthly"}  # fmt: skip
    type(state).save_action.fn(state, {**form, "team": ""})
    type(state).save_action.fn(state, {**form, "team": str(county.beta), "title": "Beta drop-in"})
    type(state).save_action.fn(state, {**form, "team": "Beta"})
    assert "Choose who the action is for" in state.form_message
    rows = {r.title: r for r in state.view.actions}
    assert set(rows) == {"Area drop-in", "Beta drop-in"}
    assert rows["Area drop-in"].team_name == "Whole area"
    assert rows["Beta drop-in"].team_name == "Beta"
    # A team of another area is not offered and not accepted.
    type(state).save_action.fn(state, {**form, "team": str(county.gamma)})
    assert "no such team in North" in state.form_message
    assert action_count() == 2


def test_the_page_warns_when_the_recommended_intervention_is_already_planned(county):
    plans.create_action(
        county.alpha_manager, county.north,
        draft(county.alpha, title="Champions for Alpha", intervention_id="digital_champions"),
    )  # fmt: skip
    token = _token_of(Role.MANAGER, (county.alpha,))
    address = f"/teams/{county.alpha}/plan?intervention=digital_champions"
    state = _plan_state(token, address, {"team_id": str(county.alpha)})
    type(state).load.fn(state)
    assert state.form_open
    assert state.already_planned == (
        "This plan already has an action for Digital champions: “Champions for Alpha” "
        "(planned). You can still add another."
    )
    # Adding another is allowed; the note goes with the recommendation.
    form = {"title": "More champions", "owner": "Sam", "timescale": "first_week",
            "condition_awareness_of_benefits": "on"}  # fmt: skip
    type(state).save_action.fn(state, form)
    assert state.saved.startswith("Saved") and state.already_planned == ""
    assert len(state.view.actions) == 2
    # Opened from another recommendation: no note.
    other = _plan_state(
        token, f"/teams/{county.alpha}/plan?intervention=hands_on_demonstrations",
        {"team_id": str(county.alpha)},
    )  # fmt: skip
    type(other).load.fn(other)
    assert other.form_open and other.already_planned == ""


def test_notes_are_saved_from_the_page_beside_their_action(county):
    made = plans.create_action(county.alpha_manager, county.north, draft(county.alpha, notes="Old"))
    token = _token_of(Role.MANAGER, (county.alpha,))
    state = _plan_state(token, f"/teams/{county.alpha}/plan", {"team_id": str(county.alpha)})
    type(state).load.fn(state)
    type(state).save_notes.fn(state, {"action_id": str(made), "notes": " Room booked.\r\nDone. "})
    assert state.notes_message == "Notes saved for “Recruit two digital champions”."
    assert state.notes_for == made and state.notes_saved and state.message == ""
    assert stored(made).notes == "Room booked.\nDone."
    assert state.view.actions[0].notes == "Room booked.\nDone."
    # Refused: said beside the action, the notes kept as they were.
    type(state).save_notes.fn(state, {"action_id": str(made), "notes": "x" * 2001})
    assert state.notes_message.startswith("Notes not saved. The notes are 2,001 characters")
    assert state.notes_for == made and not state.notes_saved
    assert stored(made).notes == "Room booked.\nDone."
    # A status change clears the notes message.
    type(state).save_status.fn(state, {"action_id": str(made), "status": "in_progress"})
    assert state.notes_message == "" and state.notes_for == 0
    # An action that is not on the page: said at the top.
    type(state).save_notes.fn(state, {"action_id": "99999", "notes": "Hello"})
    assert "no such action" in state.message and state.notes_message == ""
    # Empty notes clear them.
    type(state).save_notes.fn(state, {"action_id": str(made), "notes": "  "})
    assert state.notes_saved and stored(made).notes == ""
    # The whole area's action is not the manager's to change.
    whole = plans.create_action(county.innovation, county.north, draft(None, title="Area one"))
    type(state).save_notes.fn(state, {"action_id": str(whole), "notes": "Mine"})
    assert state.denied != "" and stored(whole).notes == "" and not state.notes_saved


# ---- a team's requests to its area's plan, and the audit of plan changes ---------------------


def audit_events() -> list[tuple[str, str, str]]:
    """(who, what, detail) of every audit event about plans, oldest first (the county's areas
    and teams were audited as they were added)."""
    with db.transaction() as session:
        rows = session.execute(
            sa.text(
                "select actor_name, action, detail from audit_event"
                " where action like 'action %' or action = 'asked of the area''s plan'"
                " order by id"
            )
        )
        return [tuple(row) for row in rows]


def request_count() -> int:
    with db.transaction() as session:
        return session.scalar(sa.text("select count(*) from plan_request"))


def test_a_manager_asks_the_area_plan_for_what_the_team_cannot_do_alone(county):
    assert plans.ask_area_plan(county.alpha_manager, county.alpha, "sourcing_strategy")
    # Asking twice adds nothing, and says so.
    assert not plans.ask_area_plan(county.alpha_manager, county.alpha, " sourcing_strategy ")
    assert request_count() == 1
    assert audit_events() == [
        (
            county.alpha_manager.name,
            "asked of the area's plan",
            "Alpha asked for “Sourcing strategy for a managed service” in the plan for North",
        )
    ]
    area = plans.area_plan(county.innovation, county.north, today=TODAY)
    [request] = area.requests
    assert (request.team_name, request.intervention_id, request.planned) == (
        "Alpha",
        "sourcing_strategy",
        False,
    )
    assert request.asked == (f"on {day_month_year(clock.today())}, by {county.alpha_manager.name}")
    assert request.bundle_id == "managed_service"


def test_only_those_who_edit_the_area_plan_see_the_requests(county):
    plans.ask_area_plan(county.alpha_manager, county.alpha, "business_case")
    assert plans.area_plan(county.leader, county.north, today=TODAY).requests == []
    assert plans.area_plan(county.innovation, county.south, today=TODAY).requests == []
    assert len(plans.area_plan(county.innovation, county.north, today=TODAY).requests) == 1


def test_a_request_shows_as_planned_once_the_area_plans_it(county):
    plans.ask_area_plan(county.alpha_manager, county.alpha, "business_case")
    plans.ask_area_plan(manager_of(county.beta), county.beta, "digital_roadmap")
    plans.create_action(
        county.innovation,
        county.north,
        draft(None, title="Write the business case", intervention_id="business_case"),
        today=TODAY,
    )
    requests = plans.area_plan(county.innovation, county.north, today=TODAY).requests
    # What is still to plan comes first.
    assert [(r.intervention_id, r.planned) for r in requests] == [
        ("digital_roadmap", False),
        ("business_case", True),
    ]


def test_who_may_ask_the_area_plan(county):
    for refused in (county.leader, admin(), manager_of(county.beta), make_person(Role.FACILITATOR)):
        with pytest.raises(Forbidden):
            plans.ask_area_plan(refused, county.alpha, "business_case")
    assert request_count() == 0
    assert plans.ask_area_plan(county.innovation, county.alpha, "business_case")


@pytest.mark.parametrize(
    ("intervention_id", "words"),
    [
        ("digital_champions", "the team can do itself"),  # team-level: the team's own plan
        ("no_such_thing", "not in the current culture model"),
    ],
)
def test_what_cannot_be_asked_of_the_area_is_refused(county, intervention_id, words):
    with pytest.raises(InputProblem, match=words):
        plans.ask_area_plan(county.alpha_manager, county.alpha, intervention_id)
    assert request_count() == 0 and audit_events() == []


def test_adding_changing_and_dropping_an_action_are_audited(county):
    manager = county.alpha_manager
    action = plans.create_action(manager, county.north, draft(county.alpha), today=TODAY)
    plans.set_action_status(manager, action, "in_progress", today=TODAY)
    plans.set_action_status(manager, action, "in_progress", today=TODAY)  # no change: no event
    plans.update_action_notes(manager, action, "Two volunteers so far")
    plans.update_action_notes(manager, action, "Two volunteers so far")  # the same: no event
    plans.update_action_notes(manager, action, "")
    plans.set_action_status(manager, action, "dropped", today=TODAY)
    whole_area = plans.create_action(county.innovation, county.north, draft(None), today=TODAY)
    title = "“Recruit two digital champions”"
    assert audit_events() == [
        (manager.name, "action added", f"{title} for Alpha, due 22 Feb 2027"),
        (manager.name, "action status changed", f"{title} for Alpha: was planned, now in progress"),
        (manager.name, "action notes changed", f"{title} for Alpha: notes changed"),
        (manager.name, "action notes changed", f"{title} for Alpha: notes cleared"),
        (manager.name, "action dropped", f"{title} for Alpha: was in progress, now dropped"),
        (
            county.innovation.name,
            "action added",
            f"{title} for the whole of North, due 22 Feb 2027",
        ),
    ]
    assert whole_area


def test_a_refused_change_is_not_audited(county):
    action = plans.create_action(county.innovation, county.north, draft(None), today=TODAY)
    before = audit_events()
    with pytest.raises(Forbidden):
        plans.set_action_status(county.alpha_manager, action, "dropped", today=TODAY)
    with pytest.raises(InputProblem):
        plans.create_action(county.alpha_manager, county.north, draft(county.alpha, title=" "))
    assert audit_events() == before


def test_a_request_is_dated_by_the_organisations_clock_not_utc(county):
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (summer time).
    with clock.frozen_at(dt.datetime(2026, 7, 1, 23, 30)):
        plans.ask_area_plan(county.alpha_manager, county.alpha, "business_case")
    [request] = plans.area_plan(county.innovation, county.north, today=TODAY).requests
    assert request.asked.startswith("on 2 Jul 2026, by ")
