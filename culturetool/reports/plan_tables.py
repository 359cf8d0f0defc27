"""An action plan as tables for export: built from the view the plan page shows."""

from __future__ import annotations

from culturetool.reports.exports import Cell, Table
from culturetool.views.plans import ActionRow, PlanView

ACTION_HEADERS = [
    "Action", "For", "Conditions", "Intervention", "Timescale", "Due", "Status", "Overdue",
    "Owner", "Done on", "Notes",
]  # fmt: skip


def _action_cells(row: ActionRow) -> list[Cell]:
    return [
        row.title,
        row.team_name,
        "; ".join(row.condition_names),
        row.intervention_name,
        row.timescale_label,
        row.due_label,
        row.status_label,
        "Yes" if row.overdue else "",
        row.owner,
        row.done_label,
        row.notes,
    ]


def plan_tables(view: PlanView) -> list[Table]:
    """The actions in the page's order (open ones first, overdue at the top, then done, then
    dropped) and a small table saying what this is; the plan was read on the day of export,
    so its date is the date of the overdue flags."""
    actions = Table(title="Actions", headers=ACTION_HEADERS)
    actions.rows += [_action_cells(row) for row in view.actions]
    about = Table(
        title="About",
        headers=["Plan", "Area", "Team", "Summary", "Exported on"],
        rows=[
            [
                view.heading,
                view.area_name,
                view.team_name or "All teams and the whole area",
                view.summary,
                view.today_label,
            ]
        ],
    )
    return [actions, about]
