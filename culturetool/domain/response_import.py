"""Responses collected elsewhere (an online form exported to Excel, paper forms typed in), read
from a table of cells into answers for one round. Pure rules.

Each column of the file is mapped to a statement of the round's questionnaire, or dropped. The
proposal, in order: the mapping the organisation chose last time for a header of that name,
the statement's id, the statement's wording. A column that looks like it says who someone is
(a name, an email address, a phone number, a staff number, a network address, a time of
sending) is always dropped: the app stores no identity, so it is never read, whatever its
header. Answers may be numbers on the scale, the scale's words ("Agree", "Yes, mostly") or
"don't know", in any case and spacing; an empty cell means the person did not answer.

Every problem is reported with its row as a spreadsheet numbers it (the header is row 1) and
its column (its letter and header), saying what to fix. Any problem refuses the whole file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from culturetool.domain.model_schema import CultureModel, Item

MAX_LISTED_PROBLEMS = 50  # a longer list stops helping; the rest are counted
HEADER_LENGTH = 200  # as import_column.header keeps it
DROP = "ignore"  # the target of a column that is not imported (as import_column stores it)
ROW_OF_HEADERS = 1


class Identity(StrEnum):
    """What a dropped column seems to hold, as the page says it ("looks like names")."""

    NAMES = "names"
    EMAILS = "email addresses"
    PHONES = "phone numbers"
    STAFF_NUMBERS = "staff, employee or response numbers"
    ADDRESSES = "network (IP) addresses"
    TIMES = "dates or times of answering"
    PLACES = "postal addresses"


# Words of a header that say what kind of identity it holds. A header is split into words
# (letters and digits); any of these words, or one of the phrases, marks the column.
_IDENTITY_WORDS: dict[Identity, frozenset[str]] = {
    Identity.NAMES: frozenset(
        {
            "name",
            "names",
            "surname",
            "forename",
            "firstname",
            "lastname",
            "fullname",
            "respondent",
            "initials",
            "signature",
            "signed",
        }
    ),
    Identity.EMAILS: frozenset({"email", "e-mail", "mail", "emailaddress"}),
    Identity.PHONES: frozenset({"phone", "telephone", "mobile", "tel", "cell"}),
    Identity.STAFF_NUMBERS: frozenset(
        {
            "employee",
            "payroll",
            "staffid",
            "employeeid",
            "username",
            "userid",
            "login",
            "nino",
            "badge",
            "respondentid",
            "responseid",
            "id",
        }
    ),
    Identity.ADDRESSES: frozenset({"ip", "ipaddress", "device", "browser", "useragent"}),
    Identity.TIMES: frozenset(
        {
            "timestamp",
            "date",
            "time",
            "submitted",
            "completed",
            "completion",
            "started",
            "start",
            "created",
            "modified",
            "when",
            "duration",
            "day",
        }
    ),
    Identity.PLACES: frozenset({"address", "postcode", "zip", "street"}),
}
_IDENTITY_PHRASES: dict[Identity, tuple[str, ...]] = {
    Identity.STAFF_NUMBERS: (
        "staff number",
        "staff no",
        "staff id",
        "employee number",
        "user name",
        "personal number",
        "payroll number",
    ),
    Identity.EMAILS: ("e mail",),
}


@dataclass(frozen=True)
class Statement:
    """A statement a column may be mapped to, as the page lists it."""

    id: str
    number: int
    text: str


class HowMatched(StrEnum):
    AS_LAST_TIME = "as last time"
    BY_ID = "its id"
    BY_WORDING = "its wording"
    CHOSEN = "chosen by you"
    NOT_MATCHED = "not matched"
    IDENTITY = "says who someone is"


@dataclass(frozen=True)
class ColumnPlan:
    """One column of the file and what happens to it."""

    index: int  # 0 for column A
    letter: str  # "A", as the spreadsheet shows it
    header: str
    target: str  # a statement id, or DROP
    how: HowMatched
    identity: Identity | None = None  # set for a column that is always dropped

    @property
    def dropped(self) -> bool:
        return self.target == DROP


@dataclass(frozen=True)
class Problem:
    """One thing to fix: its row (None for the file or its header row as a whole), its column
    ("" for the whole row) and what to do."""

    row: int | None
    column: str
    text: str


@dataclass(frozen=True)
class Table:
    """A file's cells as text: the header row, then each non-empty row with its number."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


Answers = dict[str, int | None]  # statement id to answer, None for "don't know"

# A cell of an AnswerSheet: an answer's value on the scale (1 to 5), or one of these.
DONT_KNOW = 0
BLANK = -1  # not answered, or a column that says who someone is (never read)
NOT_ON_SCALE = -2


@dataclass(frozen=True)
class AnswerSheet:
    """A file's cells read as answers, and nothing else of them: the file's name and header
    row, and for each non-empty row its number and one code per column (a value, DONT_KNOW,
    BLANK or NOT_ON_SCALE). It holds no text anyone wrote in a cell (a name, a comment), so a
    page may keep it between checking a file and importing it."""

    file_name: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[int, ...]], ...]


@dataclass(frozen=True)
class Checked:
    """The file judged against a mapping: the responses it holds, or the problems."""

    responses: tuple[Answers, ...]
    problems: tuple[Problem, ...]
    rows_in_file: int

    @property
    def accepted(self) -> bool:
        return not self.problems


def column_letter(index: int) -> str:
    """A spreadsheet's name for a column: 0 is A, 25 Z, 26 AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def cell_text(cell: object) -> str:
    """A cell as text: an empty cell is "", a whole number as written (XLSX gives 3 as 3.0)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


@lru_cache(maxsize=4096)  # a file repeats the same few answers and headers many times
def words(text: str) -> str:
    """Text compared without case, curly or straight quotes, spacing or punctuation mattering."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("’", "'").replace("‘", "'")
    return " ".join(re.findall(r"[^\W_]+", text.replace("'", "")))


def header_key(header: str) -> str:
    """How a header is remembered: its words, no longer than import_column keeps."""
    return words(header)[:HEADER_LENGTH]


def read_table(rows: Sequence[Sequence[object]]) -> Table | Problem:
    """The header and the non-empty rows, numbered as a spreadsheet numbers them."""
    if not rows or not any(cell_text(c).strip() for c in rows[0]):
        return Problem(
            ROW_OF_HEADERS,
            "",
            "Row 1 must hold the column headers (the statements, "
            "or their ids); it is empty. Add the headers, or delete empty rows above "
            "them.",
        )
    header = tuple(cell_text(cell).strip() for cell in rows[0])
    body = []
    for number, cells in enumerate(rows[1:], start=ROW_OF_HEADERS + 1):
        texts = tuple(cell_text(cell) for cell in cells)
        if any(text.strip() for text in texts):
            body.append((number, texts))
    return Table(header, tuple(body))


def statements(model: CultureModel) -> list[Statement]:
    return [
        Statement(item.id, number, item.text)
        for number, item in enumerate(model.questionnaire.items, start=1)
    ]


def identity_of(header: str) -> Identity | None:
    """What identity a header says its column holds, or None."""
    said = words(header.replace("-", "").replace("_", " "))
    joined = said.replace(" ", "")
    found = set(said.split()) | {joined}
    for identity, phrases in _IDENTITY_PHRASES.items():
        if any(phrase in said for phrase in phrases):
            return identity
    for identity, identity_words in _IDENTITY_WORDS.items():
        if found & identity_words:
            return identity
    return None


def _without_numbering(said: str) -> str:
    """A header's words without a question number in front ("1 ", "q1 ", "question 1 ")."""
    return re.sub(r"^(?:question |q)?\d+ ", "", said)


def _by_wording(items: Sequence[Item]) -> dict[str, str]:
    found = {}
    for item in items:
        found[words(item.text)] = item.id
        found[words(item.easy_read)] = item.id
    return found


def propose(
    header: Sequence[str], model: CultureModel, remembered: Mapping[str, str]
) -> list[ColumnPlan]:
    """The mapping offered for a file's header row: as last time, by id, by wording; columns
    that say who someone is are dropped, and the rest left for the person to choose."""
    items = model.questionnaire.items
    ids = {item.id for item in items}
    by_id = {words(item.id.replace("_", " ")): item.id for item in items}
    by_wording = _by_wording(items)
    plans = []
    for index, raw in enumerate(header):
        said = words(raw.replace("_", " "))
        statement, matched_by = None, HowMatched.NOT_MATCHED
        if said in by_id:
            statement, matched_by = by_id[said], HowMatched.BY_ID
        elif said in by_wording or _without_numbering(said) in by_wording:
            statement = by_wording.get(said) or by_wording[_without_numbering(said)]
            matched_by = HowMatched.BY_WORDING
        # A statement's own id or wording is never taken for identity; anything else that
        # looks like it is dropped, even if it was mapped last time.
        identity = None if statement else identity_of(raw)
        last_time = remembered.get(header_key(raw))
        target, how = DROP, HowMatched.NOT_MATCHED
        if identity is not None:
            how = HowMatched.IDENTITY
        elif last_time is not None and (last_time in ids or last_time == DROP):
            target, how = last_time, HowMatched.AS_LAST_TIME
        elif statement is not None:
            target, how = statement, matched_by
        plans.append(ColumnPlan(index, column_letter(index), raw, target, how, identity))
    return plans


def choose(
    plans: Sequence[ColumnPlan], chosen: Mapping[int, str], model: CultureModel
) -> list[ColumnPlan]:
    """The plans with the person's choices (column index to statement id or DROP) applied. A
    column that says who someone is stays dropped; an unknown target is ignored."""
    ids = {item.id for item in model.questionnaire.items}
    changed = []
    for plan in plans:
        target = chosen.get(plan.index)
        if (
            plan.identity is None
            and target is not None
            and target != plan.target
            and (target in ids or target == DROP)
        ):
            plan = ColumnPlan(plan.index, plan.letter, plan.header, target, HowMatched.CHOSEN)
        changed.append(plan)
    return changed


def column_name(plan: ColumnPlan) -> str:
    """A column as the report names it: its letter and, if it has one, its header."""
    if not plan.header:
        return f"column {plan.letter}"
    shown = plan.header if len(plan.header) <= 60 else plan.header[:57] + "..."
    return f"column {plan.letter} (“{shown}”)"


def mapping_problems(plans: Sequence[ColumnPlan], model: CultureModel) -> list[Problem]:
    """What is wrong with a mapping: no statement mapped, or one statement from two columns."""
    numbers = {s.id: s.number for s in statements(model)}
    problems = []
    by_target: dict[str, list[ColumnPlan]] = {}
    for plan in plans:
        if not plan.dropped:
            by_target.setdefault(plan.target, []).append(plan)
    if not by_target:
        problems.append(
            Problem(
                ROW_OF_HEADERS,
                "",
                "No column is matched to a statement of "
                "the questionnaire. Choose the statement each column holds, or "
                "head the columns with the statements' ids or words.",
            )
        )
    for target, columns in by_target.items():
        if len(columns) > 1:
            letters = " and ".join(column_name(c) for c in columns)
            problems.append(
                Problem(
                    ROW_OF_HEADERS,
                    ", ".join(c.letter for c in columns),
                    f"{letters[:1].upper()}{letters[1:]} are both matched to "
                    f"statement {numbers[target]}; choose one of them and drop "
                    "or change the other.",
                )
            )
    return problems


def answer_words(model: CultureModel) -> dict[str, int | None]:
    """Every way an answer may be written, as `words` gives it, and the value it stands for
    (None for "don't know")."""
    scale = model.questionnaire.scale
    accepted: dict[str, int | None] = {}
    for option in scale.options:
        accepted[str(option.value)] = option.value
        accepted[words(option.label)] = option.value
        accepted[words(option.easy_read)] = option.value
    for dont_know in (
        scale.dont_know.label,
        scale.dont_know.easy_read,
        "don't know",
        "do not know",
        "dont know",
        "not sure",
        "dk",
        "n/a",
    ):
        accepted[words(dont_know)] = None
    return accepted


def _scale_hint(model: CultureModel) -> str:
    options = sorted(model.questionnaire.scale.options, key=lambda o: o.value)
    low, high = options[0], options[-1]
    return (
        f"write a number from {low.value} ({low.label}) to {high.value} ({high.label}), the "
        f"answer's words, or {model.questionnaire.scale.dont_know.label}; leave it empty if the "
        "person did not answer"
    )


def _answer_words(raw: str, accepted: Mapping[str, int | None]) -> str:
    """A cell's words as an answer is looked up; "" for an empty cell."""
    said = words(raw)
    if said not in accepted:
        # A decimal such as "4.0" (a number stored as text) is the whole number.
        number_like = re.fullmatch(r"(\d+)\.0+", raw.strip())
        said = number_like.group(1) if number_like else said
    return said


def answer_sheet(table: Table, model: CultureModel, file_name: str = "") -> AnswerSheet:
    """The table's cells as answer codes. Columns that say who someone is are not read."""
    identity = {p.index for p in propose(table.header, model, {}) if p.identity is not None}
    accepted = answer_words(model)
    read: dict[str, int] = {}  # each distinct cell's code, worked out once: answers repeat
    width = len(table.header)
    rows = []
    for number, cells in table.rows:
        codes = []
        for index in range(width):
            raw = cells[index] if index < len(cells) and index not in identity else ""
            code = read.get(raw)
            if code is None:
                said = _answer_words(raw, accepted)
                if not said:
                    code = BLANK
                elif said in accepted:
                    value = accepted[said]
                    code = DONT_KNOW if value is None else value
                else:
                    code = NOT_ON_SCALE
                read[raw] = code
            codes.append(code)
        rows.append((number, tuple(codes)))
    return AnswerSheet(file_name, table.header, tuple(rows))


def check(
    sheet: AnswerSheet, plans: Sequence[ColumnPlan], model: CultureModel, room: int | None
) -> Checked:
    """The responses in the sheet's rows under this mapping, or every problem, row by row.
    `room` is how many more responses the round can take (None: no limit)."""
    problems = mapping_problems(plans, model)
    mapped = [plan for plan in plans if not plan.dropped]
    hint = _scale_hint(model)
    responses: list[Answers] = []
    for number, codes in sheet.rows:
        answers: Answers = {}
        row_problems = []
        for plan in mapped:
            code = codes[plan.index] if plan.index < len(codes) else BLANK
            if code == BLANK:
                continue  # not answered
            if code != NOT_ON_SCALE:
                answers[plan.target] = None if code == DONT_KNOW else code
            else:
                # The cell itself is not repeated: the sheet does not keep it, since a column
                # matched by mistake may hold names.
                row_problems.append(
                    Problem(
                        number,
                        plan.letter,
                        f"Row {number}, {column_name(plan)}: the answer is not on the scale: "
                        f"{hint}.",
                    )
                )
        if not row_problems and not answers:
            row_problems.append(
                Problem(
                    number,
                    "",
                    f"Row {number} has no answers to any "
                    "statement; delete the row, or check that its columns "
                    "are matched to the statements.",
                )
            )
        problems.extend(row_problems)
        if not row_problems:
            responses.append(answers)
    if not sheet.rows:
        problems.append(
            Problem(
                None,
                "",
                "The file has no responses in it: add one row per person under the header row.",
            )
        )
    elif room is not None and len(sheet.rows) > room:
        problems.insert(
            0,
            Problem(
                None,
                "",
                f"The file has {len(sheet.rows)} responses, but "
                f"the round can take only {room} more: it never takes more "
                "responses than the team has staff. Check the file, or the "
                "round's number of staff.",
            ),
        )
    return Checked(tuple(responses) if not problems else (), tuple(problems), len(sheet.rows))


def listed(problems: Sequence[Problem]) -> list[Problem]:
    """At most MAX_LISTED_PROBLEMS, then one line counting the rest."""
    if len(problems) <= MAX_LISTED_PROBLEMS:
        return list(problems)
    more = len(problems) - MAX_LISTED_PROBLEMS
    return [
        *problems[:MAX_LISTED_PROBLEMS],
        Problem(None, "", f"And {more} more problems like these."),
    ]
