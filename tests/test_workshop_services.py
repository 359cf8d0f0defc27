"""The workshop services of stage 1 (services/workshops.py): who reaches which workshop, the
revision every write raises, the list, a new workshop, preparation and stage moves."""

from __future__ import annotations

import pytest
from people import make_person
from workshop_rows import add_workshop

from culturetool.domain.access import Forbidden, Role
from culturetool.domain.errors import NotFound
from culturetool.services import workshops
from culturetool.services.organisation import add_area, create_organisation
from culturetool.store import db
from culturetool.store.tables import Organisation, Workshop


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


def test_another_organisations_workshop_is_not_found(org):
    with db.transaction() as session:
        other_org = Organisation(name="Elsewhere Council")
        session.add(other_org)
        session.flush()
        session.execute(
            Workshop.__table__.update()
            .where(Workshop.id == org["other workshop"])
            .values(organisation_id=other_org.id)
        )
    with pytest.raises(NotFound):
        workshops.revision_of(org["administrator"], org["other workshop"])
    with pytest.raises(NotFound):
        workshops.revision_of(org["administrator"], 999)
