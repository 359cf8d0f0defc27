"""Workshop themes as evidence for the recommendations (issue 12, point 9): a theme tagged with a
condition counts as a focus-group theme for it (`points_per_theme` in signals.yaml), and the
reasons name the workshop, its month and how many of its themes point at the condition. An
untagged theme counts for nothing; another area's workshop does not count."""

from __future__ import annotations

import datetime as dt

import pytest
from model_fixtures import write_tiny_model
from people import admin, make_person, manager_of
from test_recommendation_service import add_round
from test_recommendations import bundle, order, tiny_scores

from culturetool.domain.access import Role
from culturetool.domain.model_loader import load_model_dir
from culturetool.domain.recommendations import (
    WorkshopThemes,
    recommend,
    themes_from_workshops,
    workshop_reason,
)
from culturetool.domain.workshop.kinds import EntryKind, Stage
from culturetool.services import recommendations as rec
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.store.db import transaction
from culturetool.store.tables import Workshop, WorkshopDay, WorkshopTeam, WorkshopTheme

CONFIDENT = "confident_staff_and_people"
CONFIDENT_NAME = "Confident, empowered staff and local people"
EVIDENCE = "evidence_of_impact"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_model_dir(write_tiny_model(tmp_path_factory.mktemp("tiny") / "model"))


def carers(*tags: set[str], held_on: dt.date | None = dt.date(2026, 3, 12)) -> WorkshopThemes:
    return WorkshopThemes("Carers' voices", held_on, tuple(frozenset(t) for t in tags))


# ---- the pure rule ---------------------------------------------------------------------------


def test_each_tagged_theme_counts_once_for_each_condition_it_points_at():
    workshops = [carers({"alpha"}, {"alpha", "beta"}, set()), carers({"beta"}, set())]
    assert themes_from_workshops(workshops) == {"alpha": 2, "beta": 2}
    assert themes_from_workshops([carers(set(), set())]) == {}


def test_the_reason_names_the_workshop_its_month_and_the_count(tiny):
    alpha = tiny.condition_by_id["alpha"]
    assert workshop_reason(carers({"alpha"}, {"alpha"}, {"alpha"}), alpha) == (
        "From the workshop “Carers' voices” (March 2026): 3 themes point at Alpha."
    )
    assert workshop_reason(carers({"alpha"}, {"beta"}), alpha) == (
        "From the workshop “Carers' voices” (March 2026): 1 theme points at Alpha."
    )
    assert workshop_reason(carers({"alpha"}, held_on=None), alpha) == (
        "From the workshop “Carers' voices”: 1 theme points at Alpha."
    )


def test_a_workshops_themes_strengthen_a_gap_and_say_so(tiny):
    # As test_focus_group_themes_strengthen_a_gap: alpha 2.9 (gap 0.5) with 3 themes gives
    # both = 0.5 + 1.0 x 0.1 x 3 = 0.8; beta is at target, so its theme creates no gap.
    other = WorkshopThemes("Staff voices", dt.date(2026, 9, 1), (frozenset({"alpha"}),))
    workshops = [carers({"alpha"}, {"alpha"}, {"beta"}, set()), other]
    result = recommend(tiny, tiny_scores(2.9, 3.4), workshops=workshops)
    assert order(result) == [("both", 0.8), ("kit", 0.24)]
    why = bundle(result, "both").why
    assert "From the workshop “Carers' voices” (March 2026): 2 themes point at Alpha." in why
    assert "From the workshop “Staff voices” (September 2026): 1 theme points at Alpha." in why
    assert not any("Beta" in reason for reason in why)
    assert not any("about Alpha" in reason for reason in why)  # every theme's workshop is named
    assert why[-1].endswith("focus-group themes 0.3.")


def test_untagged_themes_count_for_nothing(tiny):
    plain = recommend(tiny, tiny_scores(2.9, 3.4))
    untagged = recommend(tiny, tiny_scores(2.9, 3.4), workshops=[carers(set(), set(), set())])
    assert order(untagged) == order(plain) == [("both", 0.5), ("kit", 0.15)]
    assert bundle(untagged, "both").why == bundle(plain, "both").why


def test_themes_given_without_their_workshop_are_still_counted_apart(tiny):
    result = recommend(
        tiny, tiny_scores(2.9, 3.4), themes={"alpha": 2}, workshops=[carers({"alpha"})]
    )
    why = bundle(result, "both").why
    assert bundle(result, "both").theme_points == 0.3
    assert "From the workshop “Carers' voices” (March 2026): 1 theme points at Alpha." in why
    assert "2 focus-group themes were about Alpha." in why


# ---- what the area's page says ---------------------------------------------------------------


def add_workshop(
    organisation_id: int,
    area_id: int,
    title: str,
    tags: list[str],
    day: dt.date | None = dt.date(2026, 3, 10),
    team_id: int | None = None,
) -> None:
    """A workshop with one theme per tag ("" for an untagged theme), as the board stores them."""
    with transaction() as session:
        workshop = Workshop(
            organisation_id=organisation_id,
            area_id=area_id,
            title=title,
            vote_budget=3,
            votes_per_theme=2,
            stage=Stage.UNDERSTAND.value,
        )
        session.add(workshop)
        session.flush()
        if day is not None:
            session.add_all(
                [
                    WorkshopDay(workshop_id=workshop.id, day=day + dt.timedelta(days=2)),
                    WorkshopDay(workshop_id=workshop.id, day=day),
                ]
            )
        if team_id is not None:
            session.add(WorkshopTeam(workshop_id=workshop.id, team_id=team_id))
        session.add_all(
            WorkshopTheme(
                workshop_id=workshop.id,
                kind=EntryKind.NOT_WORKING_WELL.value,
                statement=f"We want {n}",
                condition_ids=tag,
            )
            for n, tag in enumerate(tags)
        )


@pytest.fixture
def two_areas(database, model):
    create_organisation("Recommending Council")
    boss = admin()
    east = add_area(boss, "East Vale")
    west = add_area(boss, "West Riverside")
    carers_team = add_team(boss, east, "Carers Support East")
    add_round(carers_team, 6, model)  # confident staff and evidence of impact are low
    return boss.organisation_id, east, west, carers_team


def reasons(view) -> list[str]:
    return [reason for row in view.bundles for reason in row.why]


def test_an_areas_page_names_its_workshop_month_and_count(two_areas):
    organisation_id, east, west, _ = two_areas
    add_workshop(
        organisation_id,
        east,
        "Carers' voices",
        [CONFIDENT, CONFIDENT, f"{CONFIDENT} {EVIDENCE}", ""],
    )
    view = rec.area_recommendations(make_person(Role.INNOVATION), east)
    said = reasons(view)
    assert (
        f"From the workshop “Carers' voices” (March 2026): 3 themes point at {CONFIDENT_NAME}."
        in said
    )
    assert any(
        reason.startswith(
            "From the workshop “Carers' voices” (March 2026): 1 theme points at Evidence"
        )
        for reason in said
    )


def test_untagged_themes_and_another_areas_workshop_count_for_nothing(two_areas, model):
    organisation_id, east, west, _ = two_areas
    before = rec.area_recommendations(make_person(Role.INNOVATION), east)
    add_workshop(organisation_id, east, "Nothing tagged yet", ["", ""])
    add_workshop(organisation_id, west, "West's workshop", [CONFIDENT, CONFIDENT])
    after = rec.area_recommendations(make_person(Role.INNOVATION), east)
    assert [(b.bundle_id, b.score) for b in after.bundles] == [
        (b.bundle_id, b.score) for b in before.bundles
    ]
    assert not any("workshop" in reason for reason in reasons(after))


def test_a_teams_page_counts_only_workshops_about_the_team(two_areas):
    organisation_id, east, _, team = two_areas
    add_workshop(organisation_id, east, "Whole area", [CONFIDENT], dt.date(2026, 2, 3))
    add_workshop(organisation_id, east, "Our team", [CONFIDENT], dt.date(2026, 4, 3), team)
    said = reasons(rec.team_recommendations(manager_of(team), team))
    assert f"From the workshop “Our team” (April 2026): 1 theme points at {CONFIDENT_NAME}." in said
    assert not any("Whole area" in reason for reason in said)
