"""Reading a spreadsheet of areas and teams (CSV with the columns area and team). Pure rules.

Every problem in a file is collected and reported together, in words an administrator can act
on, with row numbers as a spreadsheet shows them (the header is row 1). A file with any problem
is refused whole: nothing of it is imported.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from culturetool.domain.errors import InputProblem
from culturetool.domain.text import clean_name

MAX_BYTES = 200 * 1024  # a county's teams take a few kilobytes; this leaves plenty of room
MAX_ROWS = 2000
MAX_LISTED_PROBLEMS = 50  # a longer list stops helping; the rest are counted
COLUMNS = ("area", "team")
# What browsers send for a .csv file: Windows with Excel says vnd.ms-excel, some systems send
# nothing or a generic type. Anything else (a PDF, an image, a workbook) is not a CSV file.
CSV_CONTENT_TYPES = frozenset(
    {
        "",
        "text/csv",
        "application/csv",
        "text/x-csv",
        "application/x-csv",
        "text/comma-separated-values",
        "text/plain",
        "application/vnd.ms-excel",
        "application/octet-stream",
    }
)
SAVE_AS_CSV = "In Excel, choose File › Save As and pick “CSV UTF-8 (Comma delimited) (*.csv)”."
TEMPLATE = (
    "area,team\n"
    "North Shirebrook,Hospital Discharge Team\n"
    "North Shirebrook,Community Reablement\n"
    "South Shirebrook,Home Care East\n"
)


@dataclass(frozen=True)
class TeamFile:
    """An uploaded file as it arrived: its name, the type the browser gave it, its bytes."""

    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class TeamRow:
    row: int  # as a spreadsheet numbers it: the header is row 1
    area: str
    team: str


class FileProblems(InputProblem):
    """The file cannot be imported; `problems` lists every reason, each saying what to fix."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def kilobytes(size: int) -> str:
    return f"{max(1, round(size / 1024))} KB"


def too_large() -> str:
    return (
        f"The file is too large: one import can take {kilobytes(MAX_BYTES)} at most. "
        "Split it into smaller files."
    )


def refused_by_browser(name: str, reasons: list[str]) -> list[str]:
    """What to fix about a file the browser would not send (reasons: react-dropzone's codes)."""
    problems = []
    if "too-many-files" in reasons:
        problems.append("Choose one CSV file at a time.")
    if "file-invalid-type" in reasons:
        problems.extend([f"“{shown_name(name)}” is not a CSV file.", SAVE_AS_CSV])
    if "file-too-large" in reasons:
        problems.append(too_large())
    return problems or [f"“{shown_name(name)}” could not be sent; choose a CSV file."]


def shown_name(name: str) -> str:
    """A file name safe to show: no invisible or direction-changing characters, not too long."""
    visible = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    visible = visible.strip() or "The file"
    return visible if len(visible) <= 80 else visible[:77] + "..."


def _file_problems(file: TeamFile) -> list[str]:
    """Problems with the file as a whole; any of them means its rows cannot be read."""
    problems = []
    name = shown_name(file.name)
    content_type = file.content_type.split(";")[0].strip().lower()
    if not file.name.lower().endswith(".csv"):
        problems.append(f"“{name}” is not a CSV file.")
    elif content_type not in CSV_CONTENT_TYPES:
        problems.append(
            f"“{name}” is named .csv but your computer says it is another kind of file "
            f"({shown_name(content_type)})."
        )
    if len(file.content) > MAX_BYTES:
        # The content may have been cut short at the limit, so it is not judged any further.
        return [too_large(), *problems, *([SAVE_AS_CSV] if problems else [])]
    if file.content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        problems.append("The file is saved as Unicode text (UTF-16), not as CSV UTF-8.")
    elif b"\x00" in file.content:
        problems.append(
            "The file contains binary data: it looks like a workbook or another kind of file, "
            "not CSV text."
        )
    else:
        try:
            file.content.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(
                "The file is not saved as UTF-8 text, so letters such as é or ’ would come out "
                "wrong; save it as CSV UTF-8."
            )
    if problems:
        problems.append(SAVE_AS_CSV)  # once: saving it so solves every problem above
    return problems


def _filled(cells: list[str]) -> list[str]:
    """The cells without the empty ones after the last column, which spreadsheets often save."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _columns(header: list[str]) -> dict[str, int]:
    """Where each column is, from row 1; FileProblems if row 1 is not area and team."""
    names = [cell.strip().lower() for cell in _filled(header)]
    if len(names) == 1 and ";" in names[0]:
        raise FileProblems([f"The columns are separated by semicolons, not commas. {SAVE_AS_CSV}"])
    if not set(names) & set(COLUMNS):
        raise FileProblems(
            ["Row 1 must be the header, with the column names area and team. "
             "Add that row above your data (the template shows how)."]
        )  # fmt: skip
    problems = []
    for column in COLUMNS:
        if names.count(column) > 1:
            problems.append(f"Row 1 has two {column} columns; keep one of them.")
        elif column not in names:
            problems.append(f"Row 1 has no {column} column; add a column headed “{column}”.")
    extra = [f"“{shown_name(name)}”" if name else "one with no name" for name in names
             if name not in COLUMNS]  # fmt: skip
    if extra:
        problems.append(
            f"Row 1 has columns that cannot be imported ({', '.join(extra)}); "
            "keep only area and team."
        )
    if problems:
        raise FileProblems(problems)
    return {column: names.index(column) for column in COLUMNS}


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each row with its number; FileProblems where the text stops being readable as CSV."""
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error:
        raise FileProblems(
            [f"Row {number + 1} cannot be read as CSV: a cell there is far too long. "
             f"Check that its quotation marks are paired. {SAVE_AS_CSV}"]
        ) from None  # fmt: skip


def _cell(number: int, cells: list[str], index: int, column: str, max_length: int):
    """The cleaned name in one cell, or the problem with it."""
    raw = cells[index] if index < len(cells) else ""
    if "\n" in raw or "\r" in raw:
        return None, (
            f"Row {number}: the {column} name runs over more than one line; put it on one line "
            "and check for a stray quotation mark."
        )
    if not raw.strip():
        return None, f"Row {number}: the {column} is empty; fill it in or delete the row."
    try:
        return clean_name(raw, column, max_length), None
    except InputProblem as problem:
        message = str(problem)
        return None, f"Row {number}: {message[:1].lower()}{message[1:]}"


def read_team_file(file: TeamFile, max_name_length: int) -> list[TeamRow]:
    """The file's teams, names tidied; FileProblems listing every problem if there are any."""
    problems = _file_problems(file)
    if problems:
        raise FileProblems(problems)
    text = file.content.decode("utf-8-sig")  # a byte-order mark, as Excel writes, is dropped
    records = _records(text)
    first = next(records, None)
    if first is None:
        raise FileProblems(
            ["The file is empty. Start from the template: the header row area,team, "
             "then one row per team."]
        )  # fmt: skip
    columns = _columns(first[1])
    rows: list[TeamRow] = []
    first_seen: dict[tuple[str, str], int] = {}
    teams_in_file = 0
    for number, cells in records:
        if not _filled(cells):
            continue  # an empty row, as spreadsheets leave below the data
        teams_in_file += 1
        if len(_filled(cells)) > len(COLUMNS):
            problems.append(
                f"Row {number} has more cells than the two columns area and team; "
                "remove the extra ones."
            )
            continue
        area, area_problem = _cell(number, cells, columns["area"], "area", max_name_length)
        team, team_problem = _cell(number, cells, columns["team"], "team", max_name_length)
        problems.extend(p for p in (area_problem, team_problem) if p)
        if area is None or team is None:
            continue
        key = (area.casefold(), team.casefold())
        if key in first_seen:
            problems.append(
                f"Row {number} repeats the team “{team}” in “{area}” from row "
                f"{first_seen[key]}; remove one of them."
            )
            continue
        first_seen[key] = number
        rows.append(TeamRow(number, area, team))
    return _whole_file_checked(rows, teams_in_file, problems)


def _whole_file_checked(rows: list[TeamRow], teams_in_file: int, problems: list[str]):
    if teams_in_file == 0:
        problems.append("The file has no teams in it: add one row per team under the header.")
    if teams_in_file > MAX_ROWS:
        problems.insert(
            0,
            f"The file has {teams_in_file} rows of teams; one import can take {MAX_ROWS} at "
            "most. Split it into smaller files.",
        )
    if len(problems) > MAX_LISTED_PROBLEMS:
        more = len(problems) - MAX_LISTED_PROBLEMS
        problems = [*problems[:MAX_LISTED_PROBLEMS], f"And {more} more problems like these."]
    if problems:
        raise FileProblems(problems)
    return rows
