"""The workshop services of stage 1 (services/workshops.py): who reaches which workshop, the
revision every write raises, the list, a new workshop, preparation and stage moves."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from people import make_person
from workshop_rows import add_workshop

from culturetool.domain.access import Forbidden, Role
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.workshop.kinds import Perspective, Stage, VotingState
from culturetool.services import workshops
from culturetool.services.organisation import add_area, create_organisation
from culturetool.store import db
from culturetool.store.tables import Organisation, Workshop, WorkshopEntry


@pytest.fixture
def org(database):
    create_organisation("Shirebrook County Council")
    administrator = make_person(Role.ADMINISTRATOR)
    area = add_area(administrator, "North")
    facilitator = make_person(Role.FACILITATOR)
    other_facilitator = make_person(Role.FACILITATOR)
    workshop = add_workshop(area, "Carers' voices", facilitator)
    other = add_workshop(area, "Staff voices", other_facilitator)
    return {
        "administrator": administrator,
        "leader": make_person(Role.LEADER),
        "area": area,
        "facilitator": facilitator,
        "other facilitator": other_facilitator,
        "workshop": workshop,
        "other workshop": other,
    }


def _revision(workshop_id: int) -> int:
    with db.transaction() as session:
        return session.get(Workshop, workshop_id).revision


def test_touch_raises_the_revision_by_one_in_the_callers_transaction(org):
    with db.transaction() as session:
        workshop = session.get(Workshop, org["workshop"])
        workshops.touch(session, workshop)
        workshops.touch(session, workshop)
        assert workshop.revision == 3
    assert _revision(org["workshop"]) == 3
    with pytest.raises(RuntimeError), db.transaction() as session:
        workshops.touch(session, session.get(Workshop, org["workshop"]))
        raise RuntimeError("the change fails")
    assert _revision(org["workshop"]) == 3  # rolled back with the change


def test_touch_counts_every_transaction_even_from_a_stale_copy(org):
    with db.transaction() as session:
        stale = session.get(Workshop, org["workshop"])
    with db.transaction() as session:
        workshops.touch(session, session.get(Workshop, org["workshop"]))
    with db.transaction() as session:
        workshops.touch(session, session.merge(stale, load=False))
    assert _revision(org["workshop"]) == 3


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.LEADER, Role.INNOVATION])
def test_the_roles_that_read_every_workshop_get_its_revision(org, role):
    assert workshops.revision_of(make_person(role), org["workshop"]) == 1


def test_a_facilitator_gets_the_revision_of_their_own_workshop_only(org):
    assert workshops.revision_of(org["facilitator"], org["workshop"]) == 1
    with pytest.raises(Forbidden, match="not one of yours"):
        workshops.revision_of(org["other facilitator"], org["workshop"])


def test_a_manager_gets_no_revision(org):
    with pytest.raises(Forbidden):
        workshops.revision_of(make_person(Role.MANAGER), org["workshop"])


def _move_to_another_organisation(workshop_id: int) -> None:
    with db.transaction() as session:
        other_org = Organisation(name="Elsewhere Council")
        session.add(other_org)
        session.flush()
        session.execute(
            Workshop.__table__.update()
            .where(Workshop.id == workshop_id)
            .values(organisation_id=other_org.id)
        )


def test_another_organisations_workshop_is_not_found(org):
    _move_to_another_organisation(org["other workshop"])
    with pytest.raises(NotFound):
        workshops.revision_of(org["administrator"], org["other workshop"])
    with pytest.raises(NotFound):
        workshops.revision_of(org["administrator"], 999)


def _draft(org, **changes) -> workshops.WorkshopDraft:
    fields = dict(
        title="Carers' voices in North",
        purpose="Hear what carers say is working.",
        place="Hatfield library",
        days=("2026-03-12", "", "2026-03-13"),
        area_id=org["area"],
        facilitator_ids=(org["facilitator"].user_id,),
        more_perspectives="Young carers",
        tables="4",
        vote_budget="5",
        votes_per_theme="2",
    )
    return workshops.WorkshopDraft(**{**fields, **changes})


def test_an_arranger_sets_up_a_workshop_and_it_is_audited(org):
    innovation = make_person(Role.INNOVATION)
    workshop_id = workshops.create_workshop(innovation, _draft(org))
    view = workshops.workshop_overview(org["facilitator"], workshop_id)
    assert (view.title, view.place, view.dates) == (
        "Carers' voices in North", "Hatfield library", "12 Mar 2026, 13 Mar 2026",
    )  # fmt: skip
    assert view.perspectives_text.endswith("Commissioners, Young carers")
    assert (view.tables, view.vote_budget, view.votes_per_theme) == (4, 5, 2)
    assert view.counts_text == "0 entries, 0 themes, 0 votes given, 0 actions"
    assert view.can_prepare and not view.can_assign
    with db.transaction() as session:
        actions = session.scalars(sa.text("select action from audit_event")).all()
    assert "workshop set up" in actions


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": " "}, "give the workshop a name"),
        ({"days": ("", "")}, "Give the day"),
        ({"days": ("12 March",)}, "is not a date"),
        ({"tables": "0"}, "between 1 and 20"),
        ({"tables": "many"}, "how many tables"),
        ({"vote_budget": "3", "votes_per_theme": "4"}, "between 1 and their 3 votes"),
        ({"facilitator_ids": ()}, "at least one facilitator"),
        ({"perspectives": (), "more_perspectives": ""}, "at least one perspective"),
        ({"more_perspectives": "Staff"}, "already one of the workshop's perspectives"),
    ],
)
def test_each_bad_field_is_refused_with_what_to_fix(org, changes, message):
    with pytest.raises(InputProblem, match=message):
        workshops.create_workshop(org["administrator"], _draft(org, **changes))


def test_facilitators_must_be_facilitators_of_the_organisation(org):
    leader = make_person(Role.LEADER)
    with pytest.raises(InputProblem, match="from the workshop facilitators listed"):
        workshops.create_workshop(
            org["administrator"], _draft(org, facilitator_ids=(leader.user_id,))
        )


def test_only_arrangers_set_up_workshops(org):
    for role in (Role.FACILITATOR, Role.LEADER, Role.MANAGER):
        with pytest.raises(Forbidden):
            workshops.create_workshop(make_person(role), _draft(org))


def test_facilitators_see_only_their_workshops_and_the_others_see_all(org):
    mine = workshops.list_workshops(org["facilitator"])
    assert [row.title for row in mine.rows] == ["Carers' voices"]
    assert mine.rows[0].dates == "12 Mar 2026"
    assert mine.rows[0].stage_label == "Stage 1 of 8: Prepare"
    assert not mine.can_arrange
    for role in (Role.ADMINISTRATOR, Role.INNOVATION, Role.LEADER):
        everything = workshops.list_workshops(make_person(role))
        assert {row.title for row in everything.rows} == {"Carers' voices", "Staff voices"}
    assert workshops.list_workshops(org["administrator"]).choices.facilitators
    with pytest.raises(Forbidden):
        workshops.list_workshops(make_person(Role.MANAGER))


def _preparation(org, workshop_id, **changes) -> workshops.WorkshopDraft:
    view = workshops.workshop_overview(org["facilitator"], workshop_id)
    fields = dict(
        title=view.title,
        place=view.place,
        days=tuple(view.day_values),
        perspectives=tuple(p.value for p in view.perspectives if p.chosen),
        tables=str(view.tables),
        vote_budget=str(view.vote_budget),
        votes_per_theme=str(view.votes_per_theme),
    )
    return workshops.WorkshopDraft(**{**fields, **changes})


def test_a_facilitator_changes_the_preparation_and_the_revision_rises(org):
    seen = workshops.revision_of(org["facilitator"], org["workshop"])
    draft = _preparation(org, org["workshop"], place="Stevenage hub")
    workshops.update_preparation(org["facilitator"], org["workshop"], draft, seen)
    assert workshops.workshop_overview(org["leader"], org["workshop"]).place == "Stevenage hub"
    assert workshops.revision_of(org["facilitator"], org["workshop"]) == seen + 1


def test_a_stale_preparation_is_refused_and_nothing_is_overwritten(org):
    seen = workshops.revision_of(org["facilitator"], org["workshop"])
    first = _preparation(org, org["workshop"], place="Stevenage hub")
    second = _preparation(org, org["workshop"], place="Watford office")
    workshops.update_preparation(org["administrator"], org["workshop"], first, seen)
    with pytest.raises(InputProblem, match="someone else changed this workshop"):
        workshops.update_preparation(org["facilitator"], org["workshop"], second, seen)
    assert workshops.workshop_overview(org["leader"], org["workshop"]).place == "Stevenage hub"


def test_preparing_another_facilitators_workshop_is_refused(org):
    draft = _preparation(org, org["workshop"], place="Nowhere")
    with pytest.raises(Forbidden, match="not one of yours"):
        workshops.update_preparation(org["other facilitator"], org["workshop"], draft, 1)
    with pytest.raises(Forbidden):
        workshops.update_preparation(org["leader"], org["workshop"], draft, 1)


def test_stages_move_one_at_a_time_and_back(org):
    move = workshops.move_stage
    assert move(org["facilitator"], org["workshop"], "collect") == Stage.COLLECT
    with pytest.raises(InputProblem, match="in order"):
        move(org["facilitator"], org["workshop"], "understand")
    assert move(org["administrator"], org["workshop"], "prepare") == Stage.PREPARE
    assert workshops.revision_of(org["leader"], org["workshop"]) == 3
    with pytest.raises(Forbidden):
        move(org["other facilitator"], org["workshop"], "collect")


def test_arrangers_choose_the_facilitators(org):
    workshops.set_facilitators(
        org["administrator"], org["workshop"], [org["other facilitator"].user_id]
    )
    assert workshops.revision_of(org["other facilitator"], org["workshop"]) == 2
    with pytest.raises(Forbidden):
        workshops.revision_of(org["facilitator"], org["workshop"])
    with pytest.raises(Forbidden):
        workshops.set_facilitators(org["facilitator"], org["workshop"], [])


def test_another_organisations_workshop_is_not_found_by_every_use_case(org):
    _move_to_another_organisation(org["other workshop"])
    draft = _preparation(org, org["workshop"])
    for call in (
        lambda: workshops.workshop_overview(org["administrator"], org["other workshop"]),
        lambda: workshops.update_preparation(org["administrator"], org["other workshop"], draft, 1),
        lambda: workshops.move_stage(org["administrator"], org["other workshop"], "collect"),
        lambda: workshops.set_facilitators(org["administrator"], org["other workshop"], []),
    ):
        with pytest.raises(NotFound):
            call()


def test_a_perspective_in_use_stays_and_an_added_one_can_be_kept(org):
    with db.transaction() as session:
        session.add(
            WorkshopEntry(workshop_id=org["workshop"], kind="working_well", channel="paper",
                          perspective="carers", text="The carers' café helps.")
        )  # fmt: skip
    without_carers = tuple(p.value for p in Perspective if p is not Perspective.CARERS)
    draft = _preparation(org, org["workshop"], perspectives=without_carers)
    with pytest.raises(InputProblem, match="“Carers and family” cannot be taken out"):
        workshops.update_preparation(org["facilitator"], org["workshop"], draft, 1)
    added = _preparation(org, org["workshop"], more_perspectives="Young carers")
    workshops.update_preparation(org["facilitator"], org["workshop"], added, 1)
    kept = _preparation(org, org["workshop"])
    assert "Young carers" in kept.perspectives
    workshops.update_preparation(org["facilitator"], org["workshop"], kept, 2)
    view = workshops.workshop_overview(org["facilitator"], org["workshop"])
    assert view.perspectives_text.endswith("Commissioners, Young carers")


def test_the_votes_cannot_change_once_voting_has_opened(org):
    with db.transaction() as session:
        session.get(Workshop, org["workshop"]).voting = VotingState.OPEN.value
    draft = _preparation(org, org["workshop"], vote_budget="8")
    with pytest.raises(InputProblem, match="Voting has opened"):
        workshops.update_preparation(org["facilitator"], org["workshop"], draft, 1)
    assert workshops.revision_of(org["facilitator"], org["workshop"]) == 1  # nothing written
