"""Reading an uploaded CSV file or Excel workbook into rows of cells, for the imports (a
workshop's entries, responses collected elsewhere). Each reader returns the rows, or a
sentence saying what is wrong with the file and how to save it so that it can be read."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence

# A workbook is a zip file; unzipped it may be far larger than the upload. Past this, the file
# is refused before openpyxl reads it, so a small file cannot fill the server's memory.
XLSX_MAX_UNZIPPED_BYTES = 40 * 1024 * 1024

SAVE_AS = (
    "In Excel, choose File › Save As and pick “CSV UTF-8 (Comma delimited) (*.csv)” or "
    "“Excel Workbook (*.xlsx)”."
)


def csv_rows(data: bytes) -> list[Sequence[object]] | str:
    """The rows of a CSV file, or what is wrong with it."""
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as Excel writes, is dropped
    except UnicodeDecodeError:
        return (
            "The file is not saved as UTF-8 text, so letters such as é or ’ would come out "
            f"wrong. {SAVE_AS}"
        )
    if "\x00" in text:
        return f"The file is not CSV text: it looks like another kind of file. {SAVE_AS}"
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return "The file cannot be read as CSV: check that its quotation marks are paired."


def xlsx_rows(data: bytes) -> list[Sequence[object]] | str:
    """The rows of a workbook's first sheet, or what is wrong with it."""
    from openpyxl import load_workbook  # imported here: only an import of a workbook needs it

    not_a_workbook = f"The file is not an Excel workbook that can be read. {SAVE_AS}"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        return not_a_workbook
    if unzipped > XLSX_MAX_UNZIPPED_BYTES:
        return "The workbook holds too much to import at once. Split it into smaller files."
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a damaged workbook
        return not_a_workbook
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
