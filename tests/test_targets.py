"""Targets per condition: the most specific wins, who may see and change which, the audit log."""

from __future__ import annotations

import pytest
from people import admin, leader, make_person, manager_of
from sqlalchemy import select

from culturetool.domain.access import Forbidden, NotSignedIn, Role
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import TargetScope
from culturetool.domain.targets import targets_in_force
from culturetool.services import targets
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import Area, AuditEvent, ConditionTarget, Organisation

FIRST, SECOND, THIRD = "strategic_clarity", "leadership_governance", "sustained_resources"


@pytest.fixture
def county(database):
    """Shirebrook with two areas; East Vale has two teams."""
    create_organisation("Shirebrook County Council")
    boss = admin()
    east = add_area(boss, "East Vale")
    west = add_area(boss, "West Vale")
    older = add_team(boss, east, "Older Adults East")
    learning = add_team(boss, east, "Learning Disabilities East")
    west_team = add_team(boss, west, "Reablement West")
    return {
        "admin": boss,
        "innovation": make_person(Role.INNOVATION),
        "east": east,
        "west": west,
        "older": older,
        "learning": learning,
        "west_team": west_team,
    }


def rows_of(view) -> dict[str, targets.TargetRow]:
    return {row.condition_id: row for row in view.rows}


def stored_targets() -> list[tuple]:
    with transaction() as session:
        return sorted(
            (t.scope, t.scope_id, t.condition_id, t.level)
            for t in session.scalars(select(ConditionTarget))
        )


def audit_details(action: str = "targets changed") -> list[str]:
    with transaction() as session:
        return list(
            session.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


def test_with_no_targets_every_condition_aims_at_the_models_default(county, model):
    view = targets.targets_view(county["admin"], "organisation", 0)
    assert view.scope_name == "Shirebrook County Council" and view.scope_value == "organisation"
    assert len(view.rows) == len(model.conditions)
    assert [row.number for row in view.rows] == sorted(c.number for c in model.conditions)
    default = model.signals.default_target_level
    for row in view.rows:
        assert (row.level, row.own, row.source) == (default, False, "the model's default")
        default_band = model.maturity_level(default)
        assert row.band == f"{default_band.name}: {default_band.min_score:g} and above"
        assert row.inherited_label == f"Use the model's default ({row.band})"
    assert view.level_choices == [
        (str(lv.level), f"{lv.name}: {lv.min_score:g} and above")
        for lv in model.meta.maturity_levels
    ]


def test_team_over_area_over_organisation_over_default(county, model):
    default = model.signals.default_target_level
    targets.set_targets(county["admin"], "organisation", 0, {FIRST: 2, SECOND: 3})
    targets.set_targets(county["innovation"], "area", county["east"], {FIRST: 5})
    targets.set_targets(county["innovation"], "team", county["older"], {SECOND: 1, FIRST: 3})

    older = rows_of(targets.targets_view(county["innovation"], "team", county["older"]))
    assert older[FIRST].level == 3 and older[FIRST].source == "this team's own target"
    assert older[FIRST].own and older[FIRST].inherited_level == 5
    assert older[FIRST].inherited_label.startswith("Use the area's target (Embedded: ")
    assert older[SECOND].level == 1 and older[SECOND].inherited_level == 3
    assert older[SECOND].inherited_label.startswith("Use the organisation's target (Established: ")
    assert (older[THIRD].level, older[THIRD].source) == (default, "the model's default")

    learning = rows_of(targets.targets_view(county["innovation"], "team", county["learning"]))
    assert (learning[FIRST].level, learning[FIRST].source) == (5, "the area's target")
    assert (learning[SECOND].level, learning[SECOND].source) == (3, "the organisation's target")
    assert not learning[FIRST].own

    west = rows_of(targets.targets_view(county["innovation"], "team", county["west_team"]))
    assert (west[FIRST].level, west[FIRST].source) == (2, "the organisation's target")

    east = rows_of(targets.targets_view(county["innovation"], "area", county["east"]))
    assert east[FIRST].own and east[FIRST].source == "this area's own target"
    assert east[FIRST].inherited_level == 2

    # The recommendations read the same levels through the same rule.
    with transaction() as session:
        organisation_id = repo.the_organisation(session).id
        levels = repo.target_levels(session, organisation_id, county["east"], county["older"])
    in_force = targets_in_force(levels, [FIRST, SECOND, THIRD], default)
    assert in_force == {FIRST: 3, SECOND: 1, THIRD: default}


def test_inherit_removes_the_scopes_own_target(county, model):
    innovation = county["innovation"]
    targets.set_targets(county["admin"], "organisation", 0, {FIRST: 2})
    targets.set_targets(innovation, "team", county["older"], {FIRST: 5, SECOND: 1})
    changes = targets.set_targets(
        innovation, "team", county["older"], {FIRST: "inherit", SECOND: None}
    )
    assert len(changes) == 2
    older = rows_of(targets.targets_view(innovation, "team", county["older"]))
    assert (older[FIRST].level, older[FIRST].own) == (2, False)
    assert older[SECOND].level == model.signals.default_target_level
    assert stored_targets() == [("organisation", _organisation_id(), FIRST, 2)]


def test_a_level_is_kept_as_chosen_even_when_it_equals_the_inherited_one(county, model):
    default = model.signals.default_target_level
    targets.set_targets(county["admin"], "organisation", 0, {FIRST: str(default)})
    row = rows_of(targets.targets_view(county["admin"], "organisation", 0))[FIRST]
    assert (row.level, row.own, row.source) == (default, True, "the organisation's target")


def test_a_save_that_changes_nothing_records_nothing(county):
    innovation = county["innovation"]
    targets.set_targets(innovation, "area", county["east"], {FIRST: 3, SECOND: "inherit"})
    assert len(audit_details()) == 1
    assert targets.set_targets(innovation, "area", county["east"], {FIRST: "3", SECOND: ""}) == []
    assert len(audit_details()) == 1


@pytest.mark.parametrize("level", [0, 6, -1, "six", "3.5", True, " 9 ", 4.0])
def test_an_unknown_level_is_refused_naming_the_condition_and_nothing_is_saved(county, level):
    with pytest.raises(InputProblem, match="Enabling leadership and governance"):
        targets.set_targets(county["innovation"], "area", county["east"], {FIRST: 2, SECOND: level})
    assert stored_targets() == [] and audit_details() == []


def test_an_unknown_condition_is_refused_and_nothing_is_saved(county):
    with pytest.raises(InputProblem, match="no condition “made_up”"):
        targets.set_targets(county["admin"], "organisation", 0, {FIRST: 2, "made_up": 3})
    assert stored_targets() == [] and audit_details() == []


def test_an_unknown_scope_is_refused(county):
    with pytest.raises(InputProblem):
        targets.set_targets(county["admin"], "county", 0, {FIRST: 2})
    with pytest.raises(InputProblem):
        targets.targets_view(county["admin"], "county", 0)


def test_an_area_or_team_that_does_not_exist_is_not_found(county):
    innovation = county["innovation"]
    with pytest.raises(NotFound):
        targets.targets_view(innovation, "area", 999)
    with pytest.raises(NotFound):
        targets.set_targets(innovation, "team", 999, {FIRST: 2})
    assert stored_targets() == []


def test_another_organisations_area_and_team_are_not_reachable(county):
    # A second organisation in the same database (the command line allows only one, so directly).
    with transaction() as session:
        other = Organisation(name="Elsewhere Borough")
        session.add(other)
        session.flush()
        area = Area(organisation_id=other.id, name="Elsewhere North")
        session.add(area)
        session.flush()
        other_area = area.id
    innovation = county["innovation"]
    with pytest.raises(NotFound):
        targets.targets_view(innovation, "area", other_area)
    with pytest.raises(NotFound):
        targets.set_targets(innovation, "area", other_area, {FIRST: 2})
    assert stored_targets() == []
    choices = targets.targets_view(innovation, "organisation", 0).scope_choices
    assert f"area:{other_area}" not in dict(choices)


def test_the_organisation_is_always_the_actors_own(county):
    targets.set_targets(county["admin"], "organisation", 12345, {FIRST: 2})
    assert stored_targets() == [("organisation", _organisation_id(), FIRST, 2)]


# ---- who may see and change what -------------------------------------------------------------


def test_an_administrator_sets_the_organisations_targets_only(county):
    boss = county["admin"]
    assert targets.targets_view(boss, "organisation", 0).can_edit
    for scope, scope_id in (("area", county["east"]), ("team", county["older"])):
        view = targets.targets_view(boss, scope, scope_id)
        assert not view.can_edit and "innovation team" in view.who_can_edit
        with pytest.raises(Forbidden):
            targets.set_targets(boss, scope, scope_id, {FIRST: 2})
    assert stored_targets() == []


def test_the_innovation_team_sets_areas_and_teams_not_the_organisation(county):
    innovation = county["innovation"]
    view = targets.targets_view(innovation, "organisation", 0)
    assert not view.can_edit and "administrator" in view.who_can_edit
    with pytest.raises(Forbidden):
        targets.set_targets(innovation, "organisation", 0, {FIRST: 2})
    assert targets.targets_view(innovation, "area", county["west"]).can_edit
    assert targets.targets_view(innovation, "team", county["west_team"]).can_edit
    targets.set_targets(innovation, "area", county["west"], {FIRST: 2})
    targets.set_targets(innovation, "team", county["west_team"], {FIRST: 3})
    assert len(stored_targets()) == 2


def test_a_leader_sees_every_target_and_changes_none(county):
    boss = leader()
    for scope, scope_id in (("organisation", 0), ("area", county["east"]),
                            ("team", county["older"])):  # fmt: skip
        assert not targets.targets_view(boss, scope, scope_id).can_edit
        with pytest.raises(Forbidden):
            targets.set_targets(boss, scope, scope_id, {FIRST: 2})
    choices = dict(targets.targets_view(boss).scope_choices)
    assert choices["organisation"] == "The whole organisation: Shirebrook County Council"
    assert choices[f"area:{county['east']}"] == "Area: East Vale"
    assert choices[f"team:{county['older']}"] == "Team: Older Adults East (East Vale)"
    assert len(choices) == 1 + 2 + 3
    assert stored_targets() == []


def test_a_manager_sees_their_own_teams_targets_only(county):
    manager = manager_of(county["older"])
    view = targets.targets_view(manager)  # their usual view: their team
    assert (view.scope, view.scope_id) == ("team", county["older"])
    assert view.scope_name == "Older Adults East (East Vale)" and not view.can_edit
    assert view.scope_choices == [
        (f"team:{county['older']}", "Team: Older Adults East (East Vale)")
    ]
    for scope, scope_id in (("organisation", 0), ("area", county["east"]),
                            ("team", county["learning"]), ("team", 999)):  # fmt: skip
        with pytest.raises(Forbidden):
            targets.targets_view(manager, scope, scope_id)
    with pytest.raises(Forbidden):
        targets.set_targets(manager, "team", county["older"], {FIRST: 2})
    assert stored_targets() == []


def test_a_facilitator_and_nobody_are_refused(county):
    facilitator = make_person(Role.FACILITATOR)
    with pytest.raises(Forbidden):
        targets.targets_view(facilitator)
    with pytest.raises(Forbidden):
        targets.targets_view(facilitator, "organisation", 0)
    with pytest.raises(Forbidden):
        targets.set_targets(facilitator, "area", county["east"], {FIRST: 2})
    with pytest.raises(NotSignedIn):
        targets.targets_view(None, "organisation", 0)
    with pytest.raises(NotSignedIn):
        targets.set_targets(None, "organisation", 0, {FIRST: 2})
    assert stored_targets() == []


# ---- the audit log ---------------------------------------------------------------------------


def test_each_save_records_one_readable_event(county, model):
    default = model.signals.default_target_level
    innovation = county["innovation"]
    targets.set_targets(county["admin"], "organisation", 0, {SECOND: 2})
    targets.set_targets(innovation, "area", county["east"], {FIRST: 3, SECOND: 5, THIRD: None})
    targets.set_targets(innovation, "area", county["east"], {FIRST: 2, SECOND: "inherit"})
    assert audit_details() == [
        f"Shirebrook County Council: Enabling leadership and governance from {default} "
        "(the model's default) to 2",
        f"East Vale: Strategic clarity from {default} (the model's default) to 3; "
        "Enabling leadership and governance from 2 (the organisation's target) to 5",
        "East Vale: Strategic clarity from 3 to 2; "
        "Enabling leadership and governance from 5 to 2 (the organisation's target)",
    ]
    with transaction() as session:
        names = set(session.scalars(select(AuditEvent.actor_name).where(
            AuditEvent.action == "targets changed")))  # fmt: skip
    assert names == {county["admin"].name, innovation.name}


def test_scope_values_are_read_strictly():
    assert targets.parse_scope("organisation") == (TargetScope.ORGANISATION, 0)
    assert targets.parse_scope("area:3") == (TargetScope.AREA, 3)
    assert targets.parse_scope(" team:7 ") == (TargetScope.TEAM, 7)
    for odd in ("", "team:", "team:-1", "team:x", "region:3", "area:3:4", "organisation:1", None):
        assert targets.parse_scope(odd) == (None, 0)
    for scope, scope_id in ((TargetScope.ORGANISATION, 1), (TargetScope.AREA, 3)):
        assert targets.parse_scope(targets.scope_value(scope, scope_id))[0] is scope


def test_a_scope_that_is_not_one_is_refused_in_plain_words(county):
    for scope in ("region", "Team", ""):
        with pytest.raises(InputProblem, match="Choose the organisation, an area or a team"):
            targets.set_targets(admin(), scope, 1, {})
    with pytest.raises(InputProblem, match="Choose the organisation, an area or a team"):
        targets.targets_view(admin(), "region", 1)


def _organisation_id() -> int:
    with transaction() as session:
        return repo.the_organisation(session).id
