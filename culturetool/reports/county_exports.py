"""The county dashboard and its drill-down as tables for CSV and Excel, built from the very views
the pages show: the same rows in the same order, and a suppressed cell as the words the page
shows for it, never as a blank or a zero. No rank is added."""

from __future__ import annotations

from culturetool.reports.exports import Cell, Table
from culturetool.views.county import (
    AreaChange,
    ChangeCell,
    ConditionColumn,
    CountyAreaView,
    CountyView,
    HeatCell,
    HeatRow,
)
from culturetool.views.results import Hidden, hidden_short_words

SCORE_HEADERS = [
    "Group", "Condition", "Score (1 to 5)", "Maturity level",
    "Difference from the county (95% interval)", "Against the county", "People",
    "95% interval of the score", "Agreement", "Note",
]  # fmt: skip
RATE_HEADERS = ["Group", "Responses", "Staff", "Response rate"]
CHANGE_HEADERS = ["Area", "Condition", "Change (95% interval)", "Before", "After", "Moved"]
ACTION_HEADERS = ["Area", "Action completed in between", "Team", "Done on", "Conditions"]
COUNTY = "County"
WHOLE_AREA = "Whole area"


def suppressed_words(cell: HeatCell) -> str:
    """What the page says in a suppressed cell. A cell hidden without a reason belongs to a
    group with too few responses for any figure."""
    return "Suppressed: " + hidden_short_words(cell.hidden or Hidden.TOO_FEW)


def _against_county(cell: HeatCell) -> str:
    if not cell.difference_text:
        return ""  # the county itself
    return {1: "above", -1: "below"}.get(cell.differs, "no clear difference")


def _score_row(group: str, condition: str, cell: HeatCell) -> list[Cell]:
    if not cell.shown:
        return [group, condition, suppressed_words(cell), *[None] * 7]
    agreement = cell.agreement_text + (" (low agreement)" if cell.agreement_low else "")
    return [group, condition, cell.mean, cell.level_name, cell.difference_text or None,
            _against_county(cell) or None, cell.people, cell.interval_text or None,
            agreement or None, "as before" if cell.note else None]  # fmt: skip


def _rows_of(group: str, names: list[str], cells: list[HeatCell]) -> list[list[Cell]]:
    # A group with too few responses for any figure may come without cells: each condition
    # is then suppressed, as the page shows it.
    cells = cells or [HeatCell(shown=False)] * len(names)
    return [_score_row(group, name, cell) for name, cell in zip(names, cells, strict=True)]


def _rate_row(group: str, row: HeatRow) -> list[Cell]:
    return [group, row.responses, row.staff, row.response_rate_text]


def _condition_table(conditions: list[ConditionColumn]) -> Table:
    levels = conditions[0].levels if conditions else []
    table = Table(
        title="Conditions",
        headers=["Condition", "County score", "County maturity level", "95% interval",
                 "Cronbach's alpha", "Consistency warning"]
        + [f"Teams at {level.level_name}" for level in levels]
        + ["Teams not counted (suppressed)"],
    )  # fmt: skip
    for condition in conditions:
        county = condition.county
        figures: list[Cell] = (
            [county.mean, county.level_name, county.interval_text]
            if county.shown
            else [suppressed_words(county), None, None]
        )
        table.rows.append(
            [condition.name, *figures, condition.alpha_text, condition.consistency_warning or None]
            + [level.teams for level in condition.levels]
            + [condition.teams_hidden]
        )
    return table


def _moved(cell: ChangeCell) -> str:
    return {1: "up", -1: "down"}.get(cell.moved, "no clear change")


def _change_tables(view: CountyView) -> list[Table]:
    title = f"Change from {view.previous_period_name} to {view.period_name}"
    changes = Table(title=title, headers=CHANGE_HEADERS)
    actions = Table(title="Actions completed in between", headers=ACTION_HEADERS)
    area: AreaChange
    for area in view.changes:
        for name, cell in zip(view.condition_names, area.cells, strict=True):
            if cell.compared:
                changes.rows.append([area.area_name, name, cell.change_text, cell.before,
                                     cell.after, _moved(cell)])  # fmt: skip
            else:
                changes.rows.append([area.area_name, name, cell.sentence, None, None, None])
        actions.rows += [
            [area.area_name, done.title, done.team_name, done.done_on, done.conditions or None]
            for done in area.actions_done
        ]
    return [changes, actions]


def county_tables(view: CountyView) -> list[Table]:
    """The county page in the period, order and selection it shows."""
    if not view.disclosed:
        note = (
            f"No scores for {view.period_name or 'any period'} yet: scores appear once "
            f"{view.threshold} people have answered ({view.responses_text} so far)."
        )
        return [Table(title=f"County in {view.period_name}", headers=["Note"], rows=[[note]])]
    scores = Table(title=f"Scores in {view.period_name}", headers=SCORE_HEADERS)
    names = view.condition_names
    scores.rows += _rows_of(COUNTY, names, [c.county for c in view.conditions])
    if view.selection is not None:
        scores.rows += _rows_of(view.selection.name, names, view.selection.cells)
    for area in view.areas:
        scores.rows += _rows_of(area.name, names, area.cells)
    rates = Table(title="Response rates", headers=RATE_HEADERS)
    rates.rows.append([COUNTY, view.responses, None, view.response_rate_text])
    if view.selection is not None:
        rates.rows.append(_rate_row(view.selection.name, view.selection))
    rates.rows += [_rate_row(area.name, area) for area in view.areas]
    tables = [scores, rates, _condition_table(view.conditions)]
    return tables + (_change_tables(view) if view.changes else [])


def county_area_tables(view: CountyAreaView) -> list[Table]:
    """The drill-down: the county, the whole area and each team, as on the page."""
    scores = Table(title=f"{view.area_name} in {view.period_name}", headers=SCORE_HEADERS)
    names = view.condition_names
    scores.rows += _rows_of(COUNTY, names, view.county.cells)
    scores.rows += _rows_of(WHOLE_AREA, names, view.area.cells)
    for team in view.teams:
        scores.rows += _rows_of(team.name, names, team.cells)
    rates = Table(title="Response rates", headers=RATE_HEADERS)
    rates.rows += [_rate_row(COUNTY, view.county), _rate_row(WHOLE_AREA, view.area)]
    rates.rows += [_rate_row(team.name, team) for team in view.teams]
    return [scores, rates]
