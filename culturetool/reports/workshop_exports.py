"""A workshop's results as CSV and Excel files: the entries with their themes, the themes, the
vote, the success statements, the actions and the parking board, one table each.

The files are written by reports/exports.py, which keeps every cell as text (a cell starting
with "=" is never a formula); entries are people's own words, so that matters here.
"""

from __future__ import annotations

from culturetool.reports.exports import Table, to_csv, to_xlsx
from culturetool.views.workshops import WorkshopSummary


def workshop_tables(view: WorkshopSummary) -> list[Table]:
    entries = Table(
        title="Entries",
        headers=["Entry", "About", "Channel", "Perspective", "Theme", "For follow-up"],
        rows=[
            [
                entry.text,
                entry.kind.label,
                entry.channel_label,
                entry.perspective_label,
                view.statement_of(entry.theme_id) if entry.theme_id is not None else "Unthemed",
                "Yes" if entry.follow_up else "",
            ]
            for entry in view.entries
        ],
    )
    themes = Table(
        title="Themes",
        headers=["Theme", "About", "Entries", "Conditions", "Root causes", "Chosen to address"],
        rows=[
            [
                theme.shown_statement,
                theme.kind.label,
                theme.entry_count,
                "; ".join(theme.condition_names),
                "; ".join(theme.root_causes),
                "Yes" if theme.chosen else "",
            ]
            for theme in view.themes
        ],
    )
    votes = Table(
        title="Votes",
        headers=["Place", "Rank", "Tied", "Theme", "Votes"],
        rows=[
            [line.place, line.rank, "Yes" if line.tied else "", line.statement, line.votes]
            for line in view.votes
        ],
    )
    success = Table(
        title="Success statements",
        headers=["Theme", "Perspective", "Success statement"],
        rows=[
            [view.statement_of(line.theme_id), line.perspective_label, line.text]
            for line in view.success
        ],
    )
    actions = Table(
        title="Actions",
        headers=["Action", "Theme", "Viewpoint", "Owner", "Timescale", "Status", "Review notes"],
        rows=[
            [
                action.title,
                view.statement_of(action.theme_id),
                action.viewpoint_label,
                action.owner,
                action.timescale_label,
                action.status_label,
                action.review_notes,
            ]
            for action in view.actions
        ],
    )
    parked = Table(
        title="Parking board",
        headers=["Issue", "Followed up by", "Status"],
        rows=[[p.issue, p.owner, p.status_label] for p in view.parked],
    )
    about = Table(
        title="About",
        headers=["Workshop", "Area", "Teams", "Days", "Place", "Stage", "Exported on"],
        rows=[
            [
                view.title,
                view.area_name,
                "; ".join(view.team_names) or "The whole area",
                "; ".join(view.day_labels),
                view.place,
                view.stage_label,
                view.made_on,
            ]
        ],
    )
    return [entries, themes, votes, success, actions, parked, about]


def workshop_csv(view: WorkshopSummary) -> bytes:
    return to_csv(workshop_tables(view))


def workshop_xlsx(view: WorkshopSummary) -> bytes:
    return to_xlsx(workshop_tables(view))
