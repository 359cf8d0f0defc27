"""Test helpers: a workshop in the test database with facilitators assigned to it."""

from __future__ import annotations

import datetime as dt

from people import make_person

from culturetool.domain.access import Actor, Role
from culturetool.domain.workshop.kinds import Perspective, Stage
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import (
    Area,
    Organisation,
    Workshop,
    WorkshopDay,
    WorkshopFacilitator,
    WorkshopPerspective,
)

PERSPECTIVES = (Perspective.PEOPLE, Perspective.CARERS, Perspective.STAFF)


def make_workshop(title: str = "Carers' voices", stage: Stage = Stage.THEME) -> int:
    """A workshop of an area (the organisation made first if there is none yet), with three
    perspectives taking part; its id."""
    with transaction() as session:
        organisation = repo.the_organisation(session)
        if organisation is None:
            organisation = Organisation(name="Shirebrook County Council")
            session.add(organisation)
            session.flush()
        area = Area(organisation_id=organisation.id, name=f"Area for {title}")
        session.add(area)
        session.flush()
        workshop = Workshop(
            organisation_id=organisation.id,
            area_id=area.id,
            title=title,
            vote_budget=5,
            votes_per_theme=3,
            stage=stage.value,
        )
        session.add(workshop)
        session.flush()
        session.add(WorkshopDay(workshop_id=workshop.id, day=dt.date(2026, 3, 12)))
        session.add_all(
            WorkshopPerspective(workshop_id=workshop.id, key=p.value) for p in PERSPECTIVES
        )
        return workshop.id


def facilitator_of(workshop_id: int) -> Actor:
    """A new facilitator's account, assigned to the workshop."""
    actor = make_person(Role.FACILITATOR)
    with transaction() as session:
        session.add(WorkshopFacilitator(workshop_id=workshop_id, user_id=actor.user_id))
    return actor
