"""Test helper: a workshop of an area, as it is while being prepared, with its facilitators."""

from __future__ import annotations

import datetime as dt

from culturetool.domain.access import Actor
from culturetool.domain.workshop.kinds import Perspective
from culturetool.store.db import transaction
from culturetool.store.tables import (
    Area,
    Workshop,
    WorkshopDay,
    WorkshopFacilitator,
    WorkshopPerspective,
)


def add_workshop(area_id: int, title: str, *facilitators: Actor, place: str = "Town hall") -> int:
    """A workshop of the area on 12 Mar 2026, with the five named perspectives; its id."""
    with transaction() as session:
        area = session.get(Area, area_id)
        assert area is not None, "add the area first"
        workshop = Workshop(
            organisation_id=area.organisation_id,
            area_id=area_id,
            title=title,
            place=place,
            vote_budget=5,
            votes_per_theme=3,
        )
        session.add(workshop)
        session.flush()
        session.add(WorkshopDay(workshop_id=workshop.id, day=dt.date(2026, 3, 12)))
        session.add_all(
            WorkshopPerspective(workshop_id=workshop.id, key=p.value) for p in Perspective
        )
        session.add_all(
            WorkshopFacilitator(workshop_id=workshop.id, user_id=f.user_id) for f in facilitators
        )
        return workshop.id
