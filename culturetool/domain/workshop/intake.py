"""Entries coming into a workshop (stage 2): typed one at a time, pasted in bulk, or imported
from a spreadsheet's rows. Pure rules, in the style of `domain/team_import.py`.

A paste or a file with any problem is refused whole, so that nothing is half saved and the
facilitator fixes it and tries again. Problems name the line of the paste or the row of the
spreadsheet (the header is row 1) as the person sees them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from culturetool.domain.errors import InputProblem
from culturetool.domain.limits import (
    MAX_IMPORTED_ENTRIES,
    MAX_PASTED_ENTRIES,
    WORKSHOP_ENTRY_LENGTH,
)
from culturetool.domain.text import clean_line
from culturetool.domain.workshop.kinds import Channel, EntryKind

MAX_LISTED_PROBLEMS = 50  # a longer list stops helping; the rest are counted
COLUMNS = ("kind", "entry", "channel", "perspective")
REQUIRED_COLUMNS = ("kind", "entry", "channel")
TEMPLATE = (
    "kind,entry,channel,perspective\n"
    "working well,As a carer for my partner I'm happy to be able to care for her at home,"
    "paper,Carers and family\n"
    "not working well,Getting to talk to people face to face,telephone,\n"
    "important for the future,Care and support for my son when I'm no longer there,"
    "online,Carers and family\n"
)


class EntryProblems(InputProblem):
    """A paste that cannot be taken; `problems` lists every reason, each saying what to fix."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def clean_entry(raw: str | None) -> str:
    """One entry in the person's own words, typed by a facilitator."""
    return clean_line(raw, "entry", WORKSHOP_ENTRY_LENGTH, "Please type the entry.")


def redacted_entry(original: str, raw: str | None) -> str:
    """An entry rewritten by a facilitator to take out a name or another detail that could
    identify someone ("[name] at the day centre helped me"). Only the new words are kept."""
    text = clean_line(
        raw, "entry", WORKSHOP_ENTRY_LENGTH, "Type the entry as it should read without the name."
    )
    if text == original:
        raise InputProblem(
            "The entry reads the same as before; take out the name or detail, then save."
        )
    return text


def _lowered(problem: InputProblem) -> str:
    message = str(problem)
    return message[:1].lower() + message[1:]


def pasted_entries(text: str | None) -> list[str]:
    """Entries pasted in bulk: one per line, blank lines skipped, each line tidied. Every line
    that cannot be an entry is reported by its number."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    entries: list[str] = []
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entries.append(clean_entry(line))
        except InputProblem as problem:
            problems.append(f"Line {number}: {_lowered(problem)}")
    if not entries and not problems:
        raise EntryProblems(["Paste the entries first, one on each line."])
    if len(entries) + len(problems) > MAX_PASTED_ENTRIES:
        problems.insert(
            0,
            f"That is {len(entries) + len(problems)} lines of entries; one paste can take "
            f"{MAX_PASTED_ENTRIES}. Paste them in smaller batches.",
        )
    if problems:
        raise EntryProblems(_capped(problems))
    return entries


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_LISTED_PROBLEMS:
        return problems
    more = len(problems) - MAX_LISTED_PROBLEMS
    return [*problems[:MAX_LISTED_PROBLEMS], f"And {more} more problems like these."]


# Importing from a spreadsheet. The service reads the CSV or XLSX file into rows of cells; these
# rules judge the rows, so both formats are judged alike.


@dataclass(frozen=True)
class ImportedEntry:
    row: int  # as a spreadsheet numbers it: the header is row 1
    kind: EntryKind
    text: str
    channel: Channel
    perspective: str | None  # a key of the workshop's perspectives, or None


@dataclass(frozen=True)
class RowReport:
    """One row of the file as the report shows it: its entry, or what is wrong with it."""

    row: int
    entry: ImportedEntry | None
    problems: tuple[str, ...]


@dataclass(frozen=True)
class ImportReport:
    """The row-by-row report shown before anything is saved. Any problem, with the file or any
    row, refuses the whole file."""

    problems: tuple[str, ...]  # about the file as a whole
    rows: tuple[RowReport, ...]

    @property
    def accepted(self) -> bool:
        return not self.problems and all(not row.problems for row in self.rows)

    @property
    def entries(self) -> list[ImportedEntry]:
        """The entries to save; only for a file accepted whole."""
        if not self.accepted:
            raise ValueError("a file with problems saves nothing")
        return [row.entry for row in self.rows if row.entry is not None]

    def all_problems(self) -> list[str]:
        """Every problem, the file's first, then row by row, at most MAX_LISTED_PROBLEMS."""
        return _capped([*self.problems, *(p for row in self.rows for p in row.problems)])


def _words(text: str) -> str:
    """A cell's words, compared without case, spaces, hyphens or underscores mattering."""
    return " ".join(re.split(r"[\s_\-]+", text.casefold())).strip()


KIND_WORDS = {
    **{_words(kind.value): kind for kind in EntryKind},
    **{_words(kind.label): kind for kind in EntryKind},
}
CHANNEL_WORDS = {
    **{_words(channel.value): channel for channel in Channel},
    **{_words(channel.label): channel for channel in Channel},
}


def _text(cell: object) -> str:
    """A cell as text: an empty cell is "", a number as written."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # XLSX gives a typed 3 as 3.0
    return str(cell)


def entry_rows(rows: Iterable[Sequence[object]], perspectives: Mapping[str, str]) -> ImportReport:
    """The report for a file's rows (the first is the header). `perspectives` maps each of the
    workshop's perspective keys to its label; a perspective cell names the label (or the key)
    and may be empty."""
    records = iter(rows)
    header = next(records, None)
    if header is None:
        return ImportReport(("The file is empty. Start from the template: its header row, then "
                             "one row per entry.",), ())  # fmt: skip
    columns, problems = _columns([_text(cell) for cell in header])
    if problems:
        return ImportReport(tuple(problems), ())
    by_words = {_words(label): key for key, label in perspectives.items()}
    by_words.update({_words(key): key for key in perspectives})
    reports = []
    for number, cells in enumerate(records, start=2):
        texts = [_text(cell) for cell in cells]
        if not any(text.strip() for text in texts):
            continue  # an empty row, as spreadsheets leave below the data
        reports.append(_row(number, texts, columns, by_words))
    file_problems = []
    if not reports:
        file_problems.append("The file has no entries in it: add one row per entry under row 1.")
    if len(reports) > MAX_IMPORTED_ENTRIES:
        file_problems.append(
            f"The file has {len(reports)} rows of entries; one import can take "
            f"{MAX_IMPORTED_ENTRIES}. Split it into smaller files."
        )
    return ImportReport(tuple(file_problems), tuple(reports))


def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    names = [_words(name) for name in header]
    while names and not names[-1]:
        names.pop()  # empty cells after the last column, which spreadsheets often save
    problems = []
    for column in COLUMNS:
        if names.count(column) > 1:
            problems.append(f"Row 1 has two {column} columns; keep one of them.")
        elif column in REQUIRED_COLUMNS and column not in names:
            problems.append(f"Row 1 has no {column} column; add a column headed “{column}”.")
    extra = [f"“{name}”" if name else "one with no name" for name in names if name not in COLUMNS]
    if extra:
        problems.append(
            f"Row 1 has columns that cannot be imported ({', '.join(extra)}); keep only "
            f"{', '.join(COLUMNS[:-1])} and {COLUMNS[-1]}."
        )
    return {name: names.index(name) for name in COLUMNS if name in names}, problems


def _row(
    number: int, cells: list[str], columns: Mapping[str, int], perspectives: Mapping[str, str]
) -> RowReport:
    def cell(column: str) -> str:
        index = columns.get(column)
        return cells[index] if index is not None and index < len(cells) else ""

    problems = []
    if any(text.strip() for index, text in enumerate(cells) if index not in columns.values()):
        problems.append(f"Row {number} has cells outside the columns; remove the extra ones.")
    kind = KIND_WORDS.get(_words(cell("kind")))
    if kind is None:
        problems.append(
            f"Row {number}: the kind must be working well, not working well or important for "
            f"the future{_was(cell('kind'))}."
        )
    text = None
    try:
        text = clean_entry(cell("entry"))
    except InputProblem as problem:
        problems.append(f"Row {number}: {_lowered(problem)}")
    channel = CHANNEL_WORDS.get(_words(cell("channel")))
    if channel is None:
        problems.append(
            f"Row {number}: the channel must be one of "
            f"{', '.join(c.label.lower() for c in Channel)}{_was(cell('channel'))}."
        )
    perspective = None
    if cell("perspective").strip():
        perspective = perspectives.get(_words(cell("perspective")))
        if perspective is None:
            problems.append(
                f"Row {number}: “{cell('perspective').strip()[:60]}” is not one of the "
                "workshop's perspectives; leave the cell empty or use one of them."
            )
    if problems or kind is None or text is None or channel is None:
        return RowReport(number, None, tuple(problems))
    return RowReport(number, ImportedEntry(number, kind, text, channel, perspective), ())


def _was(raw: str) -> str:
    shown = raw.strip()
    if not shown:
        return " (it is empty)"
    return f" (it says “{shown[:40]}”)"
