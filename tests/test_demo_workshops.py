"""The demo county's workshops (services/demo_workshops.py): one at every stage and one finished
with a full summary, in the demo's areas, kept to the domain's rules (every entry in one theme
of its own kind or unthemed, every ballot within the budget), all run by the demo facilitator
but one, and the finished one's themes counted in its area's recommendations."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from people import leader

from culturetool.domain.access import Forbidden
from culturetool.domain.workshop.kinds import Stage
from culturetool.services import recommendations, workshop_summary
from culturetool.services.accounts import actor_of
from culturetool.services.demo import COUNTY, load_demo
from culturetool.services.demo_workshops import DEMO_FACILITATOR
from culturetool.store.db import transaction
from culturetool.store.tables import (
    Area,
    UserAccount,
    Workshop,
    WorkshopBallot,
    WorkshopBallotVote,
    WorkshopEntry,
    WorkshopFacilitator,
    WorkshopTheme,
)


def test_the_demo_has_a_workshop_at_every_stage_and_a_finished_one(database):
    assert load_demo() is True
    with transaction() as session:
        workshops = session.scalars(sa.select(Workshop)).all()
        stages = [Stage(w.stage) for w in workshops]
        area_names = {session.get(Area, w.area_id).name for w in workshops}  # type: ignore[union-attr]
        facilitator = session.scalars(
            sa.select(UserAccount).where(UserAccount.email == DEMO_FACILITATOR)
        ).one()
        runs = {
            w.id: {f.user_id for f in session.scalars(
                sa.select(WorkshopFacilitator).where(WorkshopFacilitator.workshop_id == w.id)
            )}
            for w in workshops
        }  # fmt: skip
        demo_facilitator = actor_of(facilitator)
        ids = {w.title: w.id for w in workshops}
        budgets = {w.id: w.vote_budget for w in workshops}
    assert set(stages) == set(Stage) and len(workshops) == len(Stage) + 1
    assert area_names <= set(COUNTY)
    not_theirs = [wid for wid, people in runs.items() if facilitator.id not in people]
    assert len(not_theirs) == 1 and all(len(people) == 1 for people in runs.values())

    with transaction() as session:
        for entry in session.scalars(sa.select(WorkshopEntry)):
            if entry.theme_id is not None:
                theme = session.get(WorkshopTheme, entry.theme_id)
                assert theme is not None and theme.workshop_id == entry.workshop_id
                assert theme.kind == entry.kind
        for workshop_id, given in session.execute(
            sa.select(WorkshopBallot.workshop_id, sa.func.sum(WorkshopBallotVote.votes))
            .join(WorkshopBallotVote, WorkshopBallotVote.key_hash == WorkshopBallot.key_hash)
            .group_by(WorkshopBallot.key_hash, WorkshopBallot.workshop_id)
        ):
            assert given <= budgets[workshop_id]

    finished = workshop_summary.summary(demo_facilitator, ids["Carers' voices"])
    assert finished.voting_closed and finished.votes[0].place == "1st"
    assert all(theme.statement for theme in finished.themes)
    assert finished.success and finished.already_happening and finished.parked
    assert {a.viewpoint_label for a in finished.actions} == {"Traditional", "Community", "Radical"}
    assert all(a.review_notes for a in finished.actions if a.status_label == "Done")
    assert finished.follow_up
    with pytest.raises(Forbidden):  # the one another facilitator runs
        workshop_summary.summary(demo_facilitator, not_theirs[0])

    with transaction() as session:
        east = session.scalars(sa.select(Area.id).where(Area.name == "East Vale")).one()
    reasons = [
        r for b in recommendations.area_recommendations(leader(), east).bundles for r in b.why
    ]
    assert any(r.startswith("From the workshop “Carers' voices” (March 2026): ") for r in reasons)
