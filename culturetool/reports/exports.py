"""CSV and Excel files from plain tables, safe to open in a spreadsheet.

A cell that starts with =, +, -, @ (or a tab or carriage return, which some spreadsheets skip)
could run as a formula when opened. In CSV such text gets a leading apostrophe, which
spreadsheets read as "this is text". In Excel files every text cell is written with the string
type, so it is shown exactly as typed and never evaluated.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

Cell = str | int | float | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_LENGTH = 31  # Excel's limit
_NOT_IN_SHEET_TITLES = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def safe_csv_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def to_csv(tables: list[Table]) -> bytes:
    """One CSV; several tables are written one after another with a blank line between."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for number, table in enumerate(tables):
        if number:
            writer.writerow([])
        writer.writerow([safe_csv_text(table.title)])
        writer.writerow([safe_csv_text(h) for h in table.headers])
        for row in table.rows:
            writer.writerow(["" if c is None else safe_csv_text(c) if isinstance(c, str) else c
                             for c in row])  # fmt: skip
    # With a byte-order mark Excel reads the file as UTF-8, so names with accents stay right.
    return buffer.getvalue().encode("utf-8-sig")


def _sheet_title(title: str, taken: set[str]) -> str:
    base = title.translate(_NOT_IN_SHEET_TITLES).strip()[:SHEET_TITLE_LENGTH] or "Sheet"
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate = base[: SHEET_TITLE_LENGTH - len(suffix)] + suffix
        number += 1
    taken.add(candidate.lower())
    return candidate


def _write_cell(sheet: Worksheet, row: int, column: int, value: Cell, bold: bool = False) -> None:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = TYPE_STRING  # openpyxl would otherwise store "=..." as a formula
    else:
        cell.value = value
    if bold:
        cell.font = Font(bold=True)


def to_xlsx(tables: list[Table]) -> bytes:
    """One Excel workbook with a sheet per table."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet every new workbook starts with
    taken: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, taken))
        for column, header in enumerate(table.headers, start=1):
            _write_cell(sheet, 1, column, header, bold=True)
        for row_number, row in enumerate(table.rows, start=2):
            for column, value in enumerate(row, start=1):
                _write_cell(sheet, row_number, column, value)
        for column, header in enumerate(table.headers, start=1):
            widest = max([len(header)] + [len(str(r[column - 1] or "")) for r in table.rows])
            sheet.column_dimensions[sheet.cell(1, column).column_letter].width = min(widest + 2, 60)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
