"""Importing areas and teams from a CSV file: a preview that saves nothing, then the import.

Neither step trusts the other: the import reads and checks the file again and compares it with
the database as it is then, and saves all of it in one transaction or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from culturetool.domain import team_import as rules
from culturetool.domain.access import Actor, Permission, require
from culturetool.domain.errors import InputProblem
from culturetool.domain.limits import NAME_LENGTH
from culturetool.domain.team_import import TeamFile, TeamRow
from culturetool.domain.wording import count_of
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import Area, Team

NEW_AREA_AND_TEAM = "New team in a new area"
NEW_TEAM = "New team"
ALREADY_THERE = "Already there, skipped"


@dataclass
class ImportGuide:
    """The limits of one import and a template to start from."""

    max_size: str
    max_rows: int
    template: str
    example: list[list[str]]  # the template's rows under its header, to show as a table


@dataclass
class ImportLine:
    row: int
    area: str
    team: str
    outcome: str


@dataclass
class ImportPlan:
    """What a file adds: in a preview, what importing it would do; after it, what it did."""

    file_name: str
    new_areas: int = 0
    new_teams: int = 0
    already_there: int = 0
    lines: list[ImportLine] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"{count_of(self.new_areas, 'new area', 'new areas')}, "
            f"{count_of(self.new_teams, 'new team', 'new teams')}, "
            f"{self.already_there} already there"
        )


def import_guide(actor: Actor) -> ImportGuide:
    require(actor, Permission.MANAGE_ORGANISATION)
    return ImportGuide(
        max_size=rules.kilobytes(rules.MAX_BYTES),
        max_rows=rules.MAX_ROWS,
        template=rules.TEMPLATE,
        example=[line.split(",") for line in rules.TEMPLATE.splitlines()[1:]],
    )


def explain_refused_file(actor: Actor, name: str, reasons: list[str]) -> list[str]:
    """What to fix about a file the browser refused to send (wrong type, too large)."""
    require(actor, Permission.MANAGE_ORGANISATION)
    return rules.refused_by_browser(name, reasons)


def _plan(session: Session, actor: Actor, file: TeamFile, rows: list[TeamRow]) -> ImportPlan:
    """Each row against the database: an area or team whose name matches apart from capitals
    is the one already there, so a file typed in another case adds nothing twice."""
    areas = {
        area.name.casefold(): area.name
        for area in session.scalars(
            select(Area).where(Area.organisation_id == actor.organisation_id)
        )
    }
    teams = {
        (area_name.casefold(), team_name.casefold())
        for area_name, team_name in session.execute(
            select(Area.name, Team.name)
            .join(Team, Team.area_id == Area.id)
            .where(Area.organisation_id == actor.organisation_id)
        )
    }
    plan = ImportPlan(file_name=rules.shown_name(file.name))
    for row in rows:
        area_key = row.area.casefold()
        if area_key not in areas:
            areas[area_key] = row.area
            plan.new_areas += 1
            outcome = NEW_AREA_AND_TEAM
        elif (area_key, row.team.casefold()) in teams:
            plan.already_there += 1
            outcome = ALREADY_THERE
        else:
            outcome = NEW_TEAM
        if outcome != ALREADY_THERE:
            plan.new_teams += 1
        plan.lines.append(ImportLine(row.row, areas[area_key], row.team, outcome))
    return plan


def preview_import(actor: Actor, file: TeamFile) -> ImportPlan:
    """What importing the file would add; FileProblems listing what to fix. Saves nothing."""
    require(actor, Permission.MANAGE_ORGANISATION)
    rows = rules.read_team_file(file, NAME_LENGTH)
    with transaction() as session:
        return _plan(session, actor, file, rows)


def import_areas_and_teams(actor: Actor, file: TeamFile) -> ImportPlan:
    """Adds the file's new areas and teams and one audit event, all together or none of it."""
    require(actor, Permission.MANAGE_ORGANISATION)
    rows = rules.read_team_file(file, NAME_LENGTH)
    try:
        with transaction() as session:
            plan = _plan(session, actor, file, rows)
            if plan.new_teams == 0:
                return plan  # a file imported before: nothing to add, nothing to record
            area_ids = {
                area.name: area.id
                for area in session.scalars(
                    select(Area).where(Area.organisation_id == actor.organisation_id)
                )
            }
            for line in plan.lines:
                if line.outcome == ALREADY_THERE:
                    continue
                if line.area not in area_ids:
                    area = Area(organisation_id=actor.organisation_id, name=line.area)
                    session.add(area)
                    session.flush()
                    area_ids[area.name] = area.id
                session.add(Team(area_id=area_ids[line.area], name=line.team))
            session.flush()
            repo.record(
                session, actor, "areas and teams imported", f"{plan.file_name}: {plan.summary}"
            )
            return plan
    except IntegrityError:
        raise InputProblem(
            "Someone else added areas or teams while you were importing, so nothing was "
            "imported. Check the file again and import it once more."
        ) from None
