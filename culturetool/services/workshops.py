"""Workshops (Working Together for Change): who reaches which workshop, the revision number that
tells every open page it is out of date, and stage 1 (the list, a new workshop, preparation,
stage moves and the overview).

Several facilitators work on one workshop at once, from browsers served by different app
processes, and the database is the only copy of it. Every write to a workshop or anything in it
raises `Workshop.revision` by one in its own transaction (`touch`), and each open workshop page
asks for that one number every second or two (`revision_of`), reloading its view when it moved.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from culturetool.domain.access import Actor, Forbidden, Permission, Role
from culturetool.domain.errors import NotFound
from culturetool.domain.workshop.kinds import Stage
from culturetool.services.reach import NOT_YOUR_WORKSHOP, workshop_in_reach
from culturetool.store.db import transaction
from culturetool.store.tables import Workshop, WorkshopFacilitator

NO_SUCH_WORKSHOP = "There is no such workshop."
# Read access to a workshop: leaders and the innovation team read every one, facilitators their
# own, and administrators (who arrange them) see what they arranged.
READING = (Permission.VIEW_WORKSHOPS, Permission.RUN_WORKSHOPS, Permission.ARRANGE_WORKSHOPS)


def touch(session: Session, workshop: Workshop) -> None:
    """Marks the workshop changed, in the caller's transaction: every open page of it reloads.

    The increment is done by the database (`revision = revision + 1`), so two transactions that
    both touch the workshop each add one, whatever each had loaded."""
    session.flush()
    session.execute(
        update(Workshop)
        .where(Workshop.id == workshop.id)
        .values(revision=Workshop.revision + 1)
        .execution_options(synchronize_session=False)
    )
    revision = session.scalar(select(Workshop.revision).where(Workshop.id == workshop.id))
    set_committed_value(workshop, "revision", revision)


def reading_permission(actor: Actor) -> Permission:
    """The permission by which this person reads workshops, or Forbidden if they may not."""
    for permission in READING:
        if actor.can(permission):
            return permission
    raise Forbidden(f"Your role ({actor.role.label}) cannot read workshops.")


def workshop_to_read(session: Session, actor: Actor, workshop_id: int) -> Workshop:
    """The workshop, if this person may read it (a facilitator only their own)."""
    return workshop_in_reach(session, actor, workshop_id, reading_permission(actor))


def revision_of(actor: Actor, workshop_id: int) -> int:
    """The workshop's revision number, for an open page to see whether it is out of date.

    Asked every second or two by every open page, so it is one query: the revision, the
    organisation and, for a facilitator, whether they are assigned, with the same refusals as
    `workshop_in_reach` (another organisation's workshop is not found; a facilitator of another
    workshop is refused)."""
    reading_permission(actor)
    assigned = exists().where(
        WorkshopFacilitator.workshop_id == Workshop.id,
        WorkshopFacilitator.user_id == actor.user_id,
    )
    with transaction() as session:
        row = session.execute(
            select(Workshop.revision, Workshop.organisation_id, assigned).where(
                Workshop.id == workshop_id
            )
        ).one_or_none()
    if row is None or row.organisation_id != actor.organisation_id:
        raise NotFound(NO_SUCH_WORKSHOP)
    revision, _, is_assigned = row
    if actor.role is Role.FACILITATOR and not is_assigned:
        raise Forbidden(NOT_YOUR_WORKSHOP)
    return revision


@dataclass(frozen=True)
class WorkshopHeading:
    """What every workshop page shows above its own content, and the revision it was read at."""

    id: int
    title: str
    stage: Stage
    stage_text: str  # "Stage 2 of 8: Collect"
    revision: int


def stage_text(stage: Stage) -> str:
    stages = list(Stage)
    return f"Stage {stages.index(stage) + 1} of {len(stages)}: {stage.label}"


def workshop_heading(actor: Actor, workshop_id: int) -> WorkshopHeading:
    """The workshop's title, stage and revision, for the frame of each of its pages."""
    with transaction() as session:
        workshop = workshop_to_read(session, actor, workshop_id)
        stage = Stage(workshop.stage)
        return WorkshopHeading(
            workshop.id, workshop.title, stage, stage_text(stage), workshop.revision
        )
