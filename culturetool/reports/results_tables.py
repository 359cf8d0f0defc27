"""Results pages as tables for export: built from the very views the pages show, so an export
holds exactly what the screen holds, hidden figures included as hidden."""

from __future__ import annotations

from culturetool.reports.exports import Cell, Table
from culturetool.views.results import (
    AreaResultsView,
    ResultsView,
    RoundComparison,
    ScoreRow,
    hidden_words,
)

SCORE_HEADERS = [
    "Measure", "Name", "Score (1 to 5)", "Maturity level", "Target", "Against the target",
    "People", "Answers", "Don't know", "Spread", "How sure", "Name in the research", "Note",
]  # fmt: skip
EMPTY_FIGURES: list[Cell] = [None] * 9  # from "Maturity level" to "Name in the research"


def _score_cells(kind: str, row: ScoreRow) -> list[Cell]:
    if not row.shown:
        return [kind, row.name, None, *EMPTY_FIGURES[:-1], row.research_name or None,
                hidden_words(row.hidden)]  # fmt: skip
    level = row.level_name and f"{row.level} {row.level_name}"
    return [kind, row.name, row.mean, level or None, row.target or None, row.target_gap or None,
            row.respondents, row.answers, row.dont_know, row.spread, row.how_sure,
            row.research_name or None, row.note]  # fmt: skip


def _scores_table(title: str, view: ResultsView | AreaResultsView) -> Table:
    table = Table(title=title, headers=SCORE_HEADERS)
    if not view.disclosed:
        note = (f"No scores: results appear once {view.threshold} people have answered "
                f"({view.responses} so far).")  # fmt: skip
        table.rows.append(["", "", None, *EMPTY_FIGURES, note])
        return table
    table.rows += [_score_cells("Condition", r) for r in view.conditions]
    table.rows += [_score_cells("How people see care technology", r) for r in view.acceptance]
    if view.confidence_shown:
        table.rows += [
            ["Confidence", "Personal life", view.confidence_personal, *EMPTY_FIGURES,
             view.confidence_note],
            ["Confidence", "At work", view.confidence_work, *EMPTY_FIGURES, view.confidence_note],
            ["Confidence", "Gap", view.confidence_gap, *EMPTY_FIGURES,
             " ".join(filter(None, [view.confidence_sentence, view.confidence_note]))],
        ]  # fmt: skip
    else:
        table.rows.append(["Confidence", "Personal life and work", None, *EMPTY_FIGURES,
                           hidden_words(view.confidence_hidden)])  # fmt: skip
    return table


NO_ACTIONS_DONE = "No actions were marked done between these rounds."


def comparison_tables(comparison: RoundComparison) -> list[Table]:
    """The change per condition since the previous round, from figures shown in both rounds
    only, and the actions done in between when the person may see plans."""
    changes = Table(
        title="Change since previous round",
        headers=["Condition", f"Previous round ({comparison.previous_dates})", "This round",
                 "Change", "Note"],
    )  # fmt: skip
    for row in comparison.rows:
        if row.compared:
            changes.rows.append([row.name, row.previous, row.current, row.change, row.sentence])
        else:
            changes.rows.append([row.name, None, None, None, row.sentence])
    if not comparison.actions_shown:
        return [changes]
    actions = Table(
        title="Actions done in between",
        headers=[f"Action done from {comparison.actions_from} to {comparison.actions_to}",
                 "Team", "Done on", "Conditions addressed"],
        rows=[[a.title, a.team_name, a.done_on, a.conditions] for a in comparison.actions_done],
    )  # fmt: skip
    if not actions.rows:
        actions.rows.append([NO_ACTIONS_DONE, None, None, None])
    return [changes, actions]


def _summary_table(view: ResultsView | AreaResultsView) -> list[Table]:
    """The sentences the page leads with, when it has any."""
    if not view.summary:
        return []
    return [Table("In short", ["What the scores say"], [[sentence] for sentence in view.summary])]


def round_results_tables(view: ResultsView) -> list[Table]:
    title = f"{view.team_name} {view.opened_on}"
    about = Table(
        title="About",
        headers=["Team", "Area", "Round opened", "Round closed", "Responses", "Model version"],
        rows=[
            [
                view.team_name,
                view.area_name,
                view.opened_on,
                view.closed_on or "still open",
                view.responses,
                view.model_label,
            ]
        ],  # fmt: skip
    )
    tables = [_scores_table(title, view), *_summary_table(view), about]
    if view.comparison is not None:
        tables += comparison_tables(view.comparison)
    if view.comments_shown:
        tables.append(Table("Comments", ["Comment (alphabetical order)"],
                            [[text] for text in view.comments]))  # fmt: skip
    return tables


def area_results_tables(view: AreaResultsView) -> list[Table]:
    teams = Table(
        title="Teams",
        headers=["Team", "Round", "Responses"] + view.condition_names + ["Note"],
        rows=[],
    )
    for team in view.teams:
        cells: list[Cell] = [team.team_name, team.round_dates, team.responses]
        if team.disclosed:
            cells += [cell.mean if cell.shown else hidden_words(cell.hidden) for cell in team.cells]
            notes = {cell.note for cell in team.cells if cell.note}
            cells.append(" ".join(sorted(notes)) or None)
        else:
            cells += ["Too few responses to show"] * len(view.condition_names) + [None]
        teams.rows.append(cells)
    for name in view.teams_without_responses:
        teams.rows.append([name, "no responses yet", 0, *[None] * (len(view.condition_names) + 1)])
    return [_scores_table(f"{view.area_name} (all teams)", view), *_summary_table(view), teams]
