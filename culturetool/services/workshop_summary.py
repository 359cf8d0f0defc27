"""A workshop's summary, to share back with the people who took part, and its downloads: the
summary as a PDF and the workshop's results as CSV and Excel.

Everything is read from the database in one transaction, as it is now: the board, the vote,
what success would look like, the actions (the area plan's, with the plan's status), the parking
board and the entries kept for a follow-up session. Entries are stored only as redacted, so the
summary and the files hold people's words exactly as the board shows them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from culturetool.domain import clock
from culturetool.domain.access import Actor
from culturetool.domain.errors import InputProblem
from culturetool.domain.kinds import ActionStatus, ActionTimescale
from culturetool.domain.wording import day_month_year
from culturetool.domain.workshop.kinds import (
    Channel,
    EntryKind,
    Perspective,
    Stage,
    Viewpoint,
    VotingState,
)
from culturetool.domain.workshop.stages import perspective_label
from culturetool.domain.workshop.votes import ranking
from culturetool.reports.workshop_exports import workshop_csv, workshop_xlsx
from culturetool.reports.workshop_summary import summary_pdf
from culturetool.services.exports import XLSX_TYPE, Download, file_stem
from culturetool.services.model_provider import current_model
from culturetool.services.plans import STATUS_LABELS, TIMESCALE_LABELS
from culturetool.services.workshops import workshop_to_read
from culturetool.store import workshops as store
from culturetool.store.db import transaction
from culturetool.store.tables import (
    Area,
    PlanAction,
    Team,
    Workshop,
    WorkshopDay,
    WorkshopEntry,
    WorkshopParkedIssue,
    WorkshopPerspective,
    WorkshopRootCause,
    WorkshopSuccess,
    WorkshopTeam,
    WorkshopTheme,
)
from culturetool.views.workshops import (
    ActionLine,
    EntryLine,
    ParkedLine,
    SuccessLine,
    WorkshopSummary,
    theme_lines,
    vote_lines,
)

PDF_TYPE = "application/pdf"
SUMMARY_FORMATS = ("pdf", "csv", "xlsx")


def summary(actor: Actor, workshop_id: int) -> WorkshopSummary:
    """The workshop's summary as it stands today, for anyone who may read the workshop (a
    facilitator only a workshop they are assigned to; see `services.workshops.READING`)."""
    # Asked before the transaction: on a new database the model provider stores the model in
    # a transaction of its own.
    conditions = {condition.id: condition.name for condition in current_model().conditions}
    with transaction() as session:
        workshop = workshop_to_read(session, actor, workshop_id)
        return _summary_of(session, workshop, conditions)


def summary_file(actor: Actor, workshop_id: int, file_format: str) -> Download:
    """The summary as a PDF, or the workshop's results (entries with their themes, themes,
    votes, success statements, actions and the parking board) as CSV or Excel."""
    if file_format not in SUMMARY_FORMATS:
        raise InputProblem("Choose the PDF, CSV or Excel.")
    view = summary(actor, workshop_id)
    if file_format == "pdf":
        stem = file_stem("workshop-summary", view.title)
        return Download(f"{stem}.pdf", summary_pdf(view), PDF_TYPE)
    stem = file_stem("workshop-results", view.title)
    if file_format == "csv":
        return Download(f"{stem}.csv", workshop_csv(view), "text/csv")
    return Download(f"{stem}.xlsx", workshop_xlsx(view), XLSX_TYPE)


def _summary_of(
    session: Session, workshop: Workshop, conditions: dict[str, str]
) -> WorkshopSummary:
    """`conditions` is the model's condition id → name, in the model's order."""
    area = session.get(Area, workshop.area_id)
    assert area is not None  # a foreign key
    team_names = list(
        session.scalars(
            select(Team.name)
            .join(WorkshopTeam, WorkshopTeam.team_id == Team.id)
            .where(WorkshopTeam.workshop_id == workshop.id)
            .order_by(Team.name)
        )
    )
    days = session.scalars(
        select(WorkshopDay.day)
        .where(WorkshopDay.workshop_id == workshop.id)
        .order_by(WorkshopDay.day)
    )
    perspectives = session.scalars(
        select(WorkshopPerspective.key).where(WorkshopPerspective.workshop_id == workshop.id)
    )
    board = store.load_board(session, workshop.id)
    theme_rows = list(
        session.scalars(select(WorkshopTheme).where(WorkshopTheme.workshop_id == workshop.id))
    )
    root_causes: dict[int, list[str]] = {}
    for theme_id, text in session.execute(
        select(WorkshopRootCause.theme_id, WorkshopRootCause.text)
        .join(WorkshopTheme, WorkshopTheme.id == WorkshopRootCause.theme_id)
        .where(WorkshopTheme.workshop_id == workshop.id)
        .order_by(WorkshopRootCause.id)
    ):
        root_causes.setdefault(theme_id, []).append(text)
    themes = theme_lines(
        board, conditions, root_causes, chosen={row.id for row in theme_rows if row.chosen}
    )

    votes = []
    if workshop.voting != VotingState.NOT_OPEN:
        on_ballot = [row.id for row in theme_rows if row.on_ballot]
        votes = vote_lines(ranking(on_ballot, store.all_votes(session, workshop.id)), themes)

    entries = [
        EntryLine(
            id=row.id,
            text=row.text,
            kind=EntryKind(row.kind),
            channel_label=Channel(row.channel).label,
            perspective_label=perspective_label(row.perspective) if row.perspective else "",
            theme_id=row.theme_id,
            follow_up=row.follow_up,
        )
        for row in session.scalars(
            select(WorkshopEntry)
            .where(WorkshopEntry.workshop_id == workshop.id)
            .order_by(WorkshopEntry.id)
        )
    ]
    success = [
        SuccessLine(theme_id, perspective_label(perspective), text)
        for theme_id, perspective, text in session.execute(
            select(WorkshopSuccess.theme_id, WorkshopSuccess.perspective, WorkshopSuccess.text)
            .join(WorkshopTheme, WorkshopTheme.id == WorkshopSuccess.theme_id)
            .where(WorkshopTheme.workshop_id == workshop.id)
            .order_by(WorkshopSuccess.theme_id, WorkshopSuccess.id)
        )
    ]
    actions = [
        ActionLine(
            theme_id=action.workshop_theme_id,
            title=action.title,
            viewpoint_label=Viewpoint(action.viewpoint).label if action.viewpoint else "",
            owner=action.owner,
            timescale_label=TIMESCALE_LABELS[ActionTimescale(action.timescale)],
            status_label=STATUS_LABELS[ActionStatus(action.status)],
            review_notes=action.notes,
        )
        for action in session.scalars(
            select(PlanAction)
            .where(PlanAction.workshop_id == workshop.id)
            .order_by(PlanAction.workshop_theme_id, PlanAction.id)
        )
    ]
    parked = [
        ParkedLine(row.issue, row.owner, STATUS_LABELS[ActionStatus(row.status)])
        for row in session.scalars(
            select(WorkshopParkedIssue)
            .where(WorkshopParkedIssue.workshop_id == workshop.id)
            .order_by(WorkshopParkedIssue.id)
        )
    ]
    return WorkshopSummary(
        title=workshop.title,
        purpose=workshop.purpose,
        area_name=area.name,
        team_names=team_names,
        day_labels=[day_month_year(day) for day in days],
        place=workshop.place,
        perspective_labels=[perspective_label(key) for key in _in_order(perspectives)],
        votes_each=workshop.vote_budget,
        stage_label=Stage(workshop.stage).label,
        entries=entries,
        themes=themes,
        votes=votes,
        voting_closed=workshop.voting == VotingState.CLOSED,
        success=success,
        already_happening=[
            line.strip() for line in workshop.already_happening.splitlines() if line.strip()
        ],
        actions=actions,
        parked=parked,
        made_on=day_month_year(clock.today()),
    )


def _in_order(keys: Iterable[str]) -> list[str]:
    """The named perspectives in their usual order, then those the workshop added, by name."""
    named = [p.value for p in Perspective]
    return sorted(keys, key=lambda key: (named.index(key) if key in named else len(named), key))
