"""Stages 4 to 8 of a workshop (services/workshop_outcomes.py), on SQLite and PostgreSQL: root
causes, the ballot and the vote with its limits and ties, the themes chosen to address, success
statements, actions that are the area plan's actions (shown there with their workshop and theme,
their status changed there and read back here), review notes, the parking board and the
follow-up list. Each write raises the workshop's revision. Who may call what is in
tests/test_handlers.py."""

from __future__ import annotations

import datetime as dt

import pytest
from people import leader, make_person
from sqlalchemy import select
from workshop_people import facilitator_of, make_workshop

from culturetool.domain.access import Forbidden, Role
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.workshop.votes import VotingNotOpen
from culturetool.services import plans
from culturetool.services import workshop_outcomes as outcomes
from culturetool.services.workshops import revision_of
from culturetool.store import workshops as store
from culturetool.store.db import transaction
from culturetool.store.tables import AuditEvent, PlanAction, WorkshopEntry, WorkshopTheme

pytestmark = pytest.mark.db

TODAY = dt.date(2026, 3, 12)


@pytest.fixture
def url(database) -> str:  # on SQLite and on PostgreSQL (conftest.py)
    return database


def theme(workshop_id: int, kind: str, statement: str, *texts: str, conditions: str = "") -> int:
    """A theme on the board with entries of its kind; its id."""
    with transaction() as session:
        row = WorkshopTheme(
            workshop_id=workshop_id, kind=kind, statement=statement, condition_ids=conditions
        )
        session.add(row)
        session.flush()
        session.add_all(
            WorkshopEntry(
                workshop_id=workshop_id, kind=kind, channel="paper", text=text, theme_id=row.id
            )
            for text in texts
        )
        return row.id


def unthemed(workshop_id: int, kind: str, text: str) -> int:
    with transaction() as session:
        row = WorkshopEntry(workshop_id=workshop_id, kind=kind, channel="paper", text=text)
        session.add(row)
        session.flush()
        return row.id


def phone_vote(workshop_id: int, ballot: dict[int, int]) -> None:
    with transaction() as session:
        store.record_ballot(session, workshop_id, store.new_ballot_key(), ballot)


@pytest.fixture
def room(url):
    """A workshop with three not-working-well themes and one working-well theme, and its
    facilitator."""
    workshop_id = make_workshop()
    anna = facilitator_of(workshop_id)
    ids = {
        "respite": theme(workshop_id, "not_working_well", "I want a break when I need it", "a"),
        "joined": theme(workshop_id, "not_working_well", "We want joined-up services", "b", "c"),
        "waiting": theme(
            workshop_id,
            "not_working_well",
            "I wait too long for a call back",
            "d",
            conditions="strategic_clarity",
        ),  # fmt: skip
        "groups": theme(workshop_id, "working_well", "I like the carers' group", "e"),
    }
    return workshop_id, anna, ids


def voted(room, phone_ballots: list[dict[str, int]]) -> list[outcomes.ResultLine]:
    """Voting on the three not-working-well themes, the ballots given, voting closed."""
    workshop_id, anna, ids = room
    outcomes.set_ballot(anna, workshop_id, [ids["respite"], ids["joined"], ids["waiting"]])
    outcomes.open_voting(anna, workshop_id)
    for ballot in phone_ballots:
        phone_vote(workshop_id, {ids[name]: n for name, n in ballot.items()})
    outcomes.close_voting(anna, workshop_id)
    return outcomes.understand_view(anna, workshop_id).results


def test_root_causes_are_added_edited_and_removed_for_what_is_not_working_well(room):
    workshop_id, anna, ids = room
    before = revision_of(anna, workshop_id)
    cause = outcomes.add_root_cause(anna, workshop_id, ids["respite"], "  No cover  for carers ")
    assert revision_of(anna, workshop_id) == before + 1
    outcomes.edit_root_cause(anna, workshop_id, cause, "No cover for carers at weekends")
    view = outcomes.understand_view(leader(), workshop_id)
    respite = next(t for t in view.cause_themes if t.id == ids["respite"])
    assert [c.text for c in respite.root_causes] == ["No cover for carers at weekends"]
    assert ids["groups"] not in {t.id for t in view.cause_themes}
    with pytest.raises(InputProblem, match="Root causes are for themes of what is not working"):
        outcomes.add_root_cause(anna, workshop_id, ids["groups"], "Good staff")
    outcomes.remove_root_cause(anna, workshop_id, cause)
    assert revision_of(anna, workshop_id) == before + 3
    with pytest.raises(NotFound):
        outcomes.edit_root_cause(anna, workshop_id, cause, "Gone")


def test_the_ballot_proposes_what_is_not_working_well_until_a_facilitator_chooses(room):
    workshop_id, anna, ids = room
    ticked = {c.id for c in outcomes.understand_view(anna, workshop_id).ballot if c.ticked}
    assert ticked == {ids["respite"], ids["joined"], ids["waiting"]}
    outcomes.set_ballot(anna, workshop_id, [ids["respite"], ids["groups"]])
    ticked = {c.id for c in outcomes.understand_view(anna, workshop_id).ballot if c.ticked}
    assert ticked == {ids["respite"], ids["groups"]}
    with pytest.raises(InputProblem, match="at least two themes"):
        outcomes.set_ballot(anna, workshop_id, [ids["respite"]])
    outcomes.open_voting(anna, workshop_id)
    with pytest.raises(InputProblem, match="can no longer change"):
        outcomes.set_ballot(anna, workshop_id, [ids["respite"], ids["joined"]])


def test_votes_so_far_show_while_voting_is_open(room):
    workshop_id, anna, ids = room
    outcomes.set_ballot(anna, workshop_id, [ids["respite"], ids["joined"]])
    assert outcomes.understand_view(anna, workshop_id).voting_text == "Voting has not opened yet."
    outcomes.open_voting(anna, workshop_id)
    phone_vote(workshop_id, {ids["respite"]: 3, ids["joined"]: 2})
    view = outcomes.understand_view(anna, workshop_id)
    assert view.voting_text == "Voting is open: 5 votes so far."
    assert [(r.theme_id, r.votes, r.place) for r in view.results] == [
        (ids["respite"], 3, "1st"),
        (ids["joined"], 2, "2nd"),
    ]


def test_a_table_votes_within_its_people_times_the_budget_and_a_correction_replaces_it(room):
    workshop_id, anna, ids = room
    outcomes.set_ballot(anna, workshop_id, [ids["respite"], ids["joined"]])
    outcomes.open_voting(anna, workshop_id)
    with pytest.raises(InputProblem, match="10 votes at most; 11 are entered"):
        outcomes.record_table_votes(
            anna, workshop_id, "Table 2", "2", {ids["respite"]: "6", ids["joined"]: "5"}
        )
    with pytest.raises(InputProblem, match="more than the 6 that can be given"):
        outcomes.record_table_votes(anna, workshop_id, "Table 2", "2", {ids["respite"]: "7"})
    with pytest.raises(InputProblem, match="whole number"):
        outcomes.record_table_votes(anna, workshop_id, "Table 2", "2", {ids["respite"]: "lots"})
    assert outcomes.understand_view(anna, workshop_id).votes_given == 0
    outcomes.record_table_votes(
        anna, workshop_id, "Table 2", "2", {ids["respite"]: "6", ids["joined"]: ""}
    )
    outcomes.record_table_votes(
        anna, workshop_id, "Table 2", "2", {ids["respite"]: "4", ids["joined"]: "3"}
    )
    view = outcomes.understand_view(anna, workshop_id)
    assert [(r.theme_id, r.votes) for r in view.results] == [
        (ids["respite"], 4),
        (ids["joined"], 3),
    ]


def test_no_vote_is_taken_after_voting_closes_and_it_never_reopens(room):
    workshop_id, anna, ids = room
    voted(room, [{"respite": 2}])
    with pytest.raises(VotingNotOpen, match="Voting has closed"):
        phone_vote(workshop_id, {ids["respite"]: 1})
    with pytest.raises(VotingNotOpen, match="Voting has closed"):
        outcomes.record_table_votes(anna, workshop_id, "Table 1", "1", {ids["joined"]: "1"})
    with pytest.raises(InputProblem, match="cannot be opened again"):
        outcomes.open_voting(anna, workshop_id)
    view = outcomes.understand_view(anna, workshop_id)
    assert view.voting_text == "Voting has closed: 2 votes given. The result below is final."


def test_a_phone_ballot_over_the_budget_or_the_per_theme_cap_is_refused(room):
    workshop_id, anna, ids = room
    outcomes.set_ballot(anna, workshop_id, [ids["respite"], ids["joined"], ids["waiting"]])
    outcomes.open_voting(anna, workshop_id)
    with pytest.raises(InputProblem, match="each person has 5"):
        phone_vote(workshop_id, {ids["respite"]: 3, ids["joined"]: 2, ids["waiting"]: 1})
    with pytest.raises(InputProblem, match="more than the 3"):
        phone_vote(workshop_id, {ids["respite"]: 4})
    assert outcomes.understand_view(anna, workshop_id).votes_given == 0


def test_ties_are_shown_as_ties(room):
    _, _, ids = room
    results = voted(room, [{"respite": 3, "joined": 2}, {"joined": 1, "waiting": 1}])
    assert [(r.theme_id, r.votes, r.place) for r in results] == [
        (ids["respite"], 3, "Joint 1st"),
        (ids["joined"], 3, "Joint 1st"),
        (ids["waiting"], 1, "3rd"),  # two themes did better, so it is not second
    ]
    assert all(r.suggested for r in results)  # the top three


def test_a_tie_below_the_top_shares_its_place(room):
    _, _, ids = room
    results = voted(room, [{"respite": 3, "joined": 1, "waiting": 1}])
    assert [(r.theme_id, r.place) for r in results] == [
        (ids["respite"], "1st"),
        (ids["joined"], "Joint 2nd"),
        (ids["waiting"], "Joint 2nd"),
    ]


def test_themes_to_address_are_chosen_from_the_ballot_after_voting_closes(room):
    workshop_id, anna, ids = room
    outcomes.set_ballot(anna, workshop_id, [ids["respite"], ids["joined"]])
    outcomes.open_voting(anna, workshop_id)
    with pytest.raises(InputProblem, match="Close voting first"):
        outcomes.choose_themes(anna, workshop_id, [ids["respite"]])
    outcomes.close_voting(anna, workshop_id)
    with pytest.raises(InputProblem, match="Only themes that were voted on"):
        outcomes.choose_themes(anna, workshop_id, [ids["respite"], ids["groups"]])
    with pytest.raises(InputProblem, match="at least one theme"):
        outcomes.choose_themes(anna, workshop_id, [])
    outcomes.choose_themes(anna, workshop_id, [ids["respite"]])
    view = outcomes.understand_view(anna, workshop_id)
    assert [r.theme_id for r in view.results if r.chosen] == [ids["respite"]]
    assert view.chosen_text == "Chosen to address: 1 theme."
    assert [t.id for t in outcomes.plan_view(anna, workshop_id).chosen] == [ids["respite"]]


def chosen_room(room, *names: str):
    workshop_id, anna, ids = room
    voted(room, [{"respite": 2, "joined": 2}])
    outcomes.choose_themes(anna, workshop_id, [ids[name] for name in names])
    return workshop_id, anna, ids


def test_success_statements_are_for_chosen_themes_from_a_perspective_taking_part(room):
    workshop_id, anna, ids = chosen_room(room, "respite")
    outcomes.add_success_statement(
        anna, workshop_id, ids["respite"], "carers", "As a carer I get a break every month"
    )
    with pytest.raises(InputProblem, match="choose this theme to address first"):
        outcomes.add_success_statement(
            anna, workshop_id, ids["joined"], "carers", "We are listened to"
        )
    with pytest.raises(InputProblem, match="perspectives taking part"):
        outcomes.add_success_statement(
            anna, workshop_id, ids["respite"], "commissioners", "We fund respite"
        )
    (respite,) = outcomes.plan_view(anna, workshop_id).chosen
    assert [(s.perspective_label, s.text) for s in respite.success] == [
        ("Carers and family", "As a carer I get a break every month")
    ]
    with pytest.raises(InputProblem, match="stays chosen"):
        outcomes.choose_themes(anna, workshop_id, [ids["joined"]])
    outcomes.remove_success_statement(anna, workshop_id, respite.success[0].id)
    assert outcomes.plan_view(anna, workshop_id).chosen[0].success == []


def test_actions_are_the_area_plans_and_their_status_comes_from_it(room, model):
    workshop_id, anna, ids = chosen_room(room, "waiting")
    outcomes.set_already_happening(anna, workshop_id, "Carers' hub pilot\nA new duty line")
    action_id = outcomes.add_action(
        anna, workshop_id, ids["waiting"], "Call every carer back within two days",
        "Duty team manager", "traditional", "three_months", today=TODAY,
    )  # fmt: skip
    with pytest.raises(InputProblem, match="first week, within three months or within six"):
        outcomes.add_action(
            anna, workshop_id, ids["waiting"], "Soon", "Sam", "radical", "date", today=TODAY
        )
    with pytest.raises(InputProblem, match="chosen to address"):
        outcomes.add_action(
            anna, workshop_id, ids["respite"], "More respite", "Sam", "community", "first_week"
        )

    innovation = make_person(Role.INNOVATION)
    with transaction() as session:
        area_id = session.get(PlanAction, action_id).area_id
    (row,) = plans.area_plan(innovation, area_id, today=TODAY).actions
    assert row.title == "Call every carer back within two days"
    assert row.team_name == plans.WHOLE_AREA
    assert row.due_label == "12 Jun 2026"  # the plan's rule: three calendar months
    assert row.workshop_origin == (
        "From the workshop “Carers' voices”: theme “I wait too long for a call back”"
    )
    assert row.condition_names == [model.condition_by_id["strategic_clarity"].name]
    before = revision_of(anna, workshop_id)
    plans.set_action_status(innovation, action_id, "in_progress", today=TODAY)
    assert revision_of(anna, workshop_id) == before + 1  # the workshop's pages reload

    view = outcomes.plan_view(anna, workshop_id)
    (waiting,) = view.chosen
    assert [v.label for v in waiting.viewpoints] == ["Traditional", "Community", "Radical"]
    (action,) = waiting.viewpoints[0].actions
    assert (action.owner, action.timescale_label, action.status_label) == (
        "Duty team manager",
        "Within three months",
        "In progress",
    )
    assert view.already_happening == "Carers' hub pilot\nA new duty line"

    outcomes.save_review_notes(anna, workshop_id, action_id, "Two days is met for most calls")
    assert plans.area_plan(innovation, area_id).actions[0].notes == (
        "Two days is met for most calls"
    )
    with transaction() as session:
        audited = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert audited[-3:] == ["action added", "action status changed", "action notes changed"]


def test_review_notes_are_only_for_the_workshops_own_actions(room):
    workshop_id, anna, _ = chosen_room(room, "waiting")
    other = make_workshop("Staff voices")
    bea = facilitator_of(other)
    theme_id = theme(other, "not_working_well", "We need time to learn", "f")
    with transaction() as session:
        session.get(WorkshopTheme, theme_id).chosen = True
    foreign = outcomes.add_action(
        bea, other, theme_id, "Learning hour", "Bea", "radical", "first_week"
    )
    with pytest.raises(NotFound):
        outcomes.save_review_notes(anna, workshop_id, foreign, "Not mine")
    with pytest.raises(Forbidden):
        outcomes.save_review_notes(anna, other, foreign, "Not mine")


def test_the_parking_board_keeps_issues_with_an_owner_and_a_status(room):
    workshop_id, anna, _ = room
    parked = outcomes.park_issue(anna, workshop_id, "Parking at the day centre", "Estates lead")
    with pytest.raises(InputProblem, match="who will follow it up"):
        outcomes.park_issue(anna, workshop_id, "Bus routes", " ")
    outcomes.set_parked_status(anna, workshop_id, parked, "in_progress")
    with pytest.raises(InputProblem, match="Choose a status"):
        outcomes.set_parked_status(anna, workshop_id, parked, "sorted")
    (item,) = outcomes.plan_view(leader(), workshop_id).parked
    assert (item.issue, item.owner, item.status_label) == (
        "Parking at the day centre",
        "Estates lead",
        "In progress",
    )


def test_entries_not_covered_on_the_day_are_marked_for_follow_up_and_listed(room):
    workshop_id, anna, ids = chosen_room(room, "respite")
    late = unthemed(workshop_id, "future", "A carers' café in every town")
    view = outcomes.plan_view(anna, workshop_id)
    texts = {e.text for e in view.not_covered}
    assert "a" not in texts  # the respite theme's entry was covered on the day
    assert {"A carers' café in every town", "b", "e"} <= texts
    outcomes.mark_follow_up(anna, workshop_id, late, True)
    (entry,) = outcomes.plan_view(anna, workshop_id).follow_up
    assert (entry.text, entry.where) == ("A carers' café in every town", "Unthemed")
    outcomes.mark_follow_up(anna, workshop_id, late, False)
    assert outcomes.plan_view(anna, workshop_id).follow_up == []


def test_only_the_workshops_facilitators_change_it_and_readers_read(room):
    workshop_id, anna, ids = room
    stranger = facilitator_of(make_workshop("Staff voices"))
    with pytest.raises(Forbidden):
        outcomes.add_root_cause(stranger, workshop_id, ids["respite"], "No cover")
    with pytest.raises(Forbidden):
        outcomes.understand_view(stranger, workshop_id)
    with pytest.raises(Forbidden):
        outcomes.add_root_cause(leader(), workshop_id, ids["respite"], "No cover")
    assert outcomes.understand_view(leader(), workshop_id).can_run is False
    assert outcomes.understand_view(anna, workshop_id).can_run is True
