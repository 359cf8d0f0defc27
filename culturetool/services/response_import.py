"""Importing responses collected elsewhere (an online form's export, paper forms typed in) into
a team's open round: a preview that saves nothing, then the import, all of it or nothing.

Only an open round takes a file. A closed round's results have been read, exported and recorded
in the disclosure ledger as final, and on PostgreSQL closing rewrote its rows in random order;
answers added afterwards would change figures people took as the round's last word, and a
respondent's promise ("answers are taken until the round closes") would no longer hold.

Nothing that says who someone is reaches the database: columns that look like names, email
addresses, phone numbers, staff numbers, network addresses or times are dropped before any cell
is read as an answer, and each response is stored as one from the link is, with a random id and
its round only. The audit log says how many responses were imported, nothing of the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from culturetool.domain import clock
from culturetool.domain import response_import as rules
from culturetool.domain.access import Actor, Permission
from culturetool.domain.errors import InputProblem
from culturetool.domain.kinds import AccessMode
from culturetool.domain.periods import taking_answers
from culturetool.domain.response_import import AnswerSheet, ColumnPlan, HowMatched, Problem, Table
from culturetool.domain.team_import import kilobytes, shown_name
from culturetool.domain.wording import count_of, day_month_year
from culturetool.services.reach import round_in_reach
from culturetool.services.spreadsheet_files import SAVE_AS, csv_rows, xlsx_rows
from culturetool.store import repository as repo
from culturetool.store import response_import as store
from culturetool.store.db import transaction
from culturetool.store.disclosure import response_count
from culturetool.store.tables import AssessmentRound

# The largest file one import takes: a round takes at most 500 responses (MAX_STAFF_COUNT), and
# 500 rows of 37 answers written out in words, with a few columns that are dropped, fit in well
# under a megabyte of CSV.
IMPORT_MAX_BYTES = 2 * 1024 * 1024
# Responses written per statement: the progress bar moves after each batch.
BATCH = 250

Progress = Callable[[int, int], None]  # responses written so far, responses in the file


@dataclass(frozen=True)
class ResponseFile:
    """An uploaded file as it arrived: its name and its bytes."""

    name: str
    content: bytes


@dataclass
class StatementChoice:
    """A statement a column may be matched to, as a select lists it."""

    id: str
    label: str  # "5. Our managers ..."


@dataclass
class ColumnLine:
    """One column of the file on the mapping step."""

    index: int
    letter: str
    header: str
    target: str  # a statement id, or rules.DROP
    how: str  # how the target was found, in words
    dropped_because: str  # "" unless the column says who someone is: "it looks like names"


@dataclass
class ProblemLine:
    row: str  # "" for the file as a whole
    column: str
    problem: str


@dataclass
class RoundForImport:
    """The round a file goes into, as the page introduces it."""

    round_id: int
    team_id: int
    team_name: str
    is_open: bool
    room: int  # how many more responses it can take
    max_size: str
    statements: list[StatementChoice]
    scale_words: list[str]  # "1: Strongly disagree", ..., "Don't know"


@dataclass
class ResponsePreview:
    """What importing the file would do, or why it cannot be imported. Saves nothing."""

    file_name: str
    columns: list[ColumnLine] = field(default_factory=list)
    problems: list[ProblemLine] = field(default_factory=list)
    responses: int = 0  # ready to import; 0 while there are problems
    rows_in_file: int = 0
    statements_without_column: int = 0
    dropped_identity: int = 0
    # The file's cells as answers only, to import from once checked (None: it could not be read).
    sheet: AnswerSheet | None = None

    @property
    def accepted(self) -> bool:
        return not self.problems and self.responses > 0


@dataclass
class ImportResult:
    file_name: str
    team_name: str
    imported: int


class ResponseFileProblems(InputProblem):
    """The file cannot be imported; `preview` has the mapping and every problem, row by row."""

    def __init__(self, preview: ResponsePreview):
        super().__init__(" ".join(p.problem for p in preview.problems))
        self.preview = preview


# ---- reading the file -----------------------------------------------------------------------


def _table(file: ResponseFile) -> Table | str:
    """The file's header and rows, or what is wrong with the file as a whole."""
    name = file.name.lower()
    if len(file.content) > IMPORT_MAX_BYTES:
        return (
            f"The file is too large: one import can take {kilobytes(IMPORT_MAX_BYTES)} at most. "
            "Split it into smaller files."
        )
    if name.endswith(".csv"):
        rows = csv_rows(file.content)
    elif name.endswith(".xlsx"):
        rows = xlsx_rows(file.content)
    else:
        return (
            f"“{shown_name(file.name)}” is not a CSV file or an Excel workbook (.xlsx). {SAVE_AS}"
        )
    if isinstance(rows, str):
        return rows
    table = rules.read_table(rows)
    return table.text if isinstance(table, Problem) else table


# ---- the round and its room -----------------------------------------------------------------


def _open_round(session: Session, actor: Actor, round_id: int) -> AssessmentRound:
    round_ = round_in_reach(session, actor, round_id, Permission.RUN_ROUNDS)
    if not round_.is_open:
        raise InputProblem(
            "This round has closed, so it takes no more responses. Responses are imported "
            "into an open round: open a new round for the team and import the file there."
        )
    period = repo.period_of(session, round_.period_id)
    if period is not None and not taking_answers(period, clock.today()):
        raise InputProblem(
            f"The assessment “{period.name}” ended on {day_month_year(period.closes_on)}, so "
            "this round takes no more responses. Import the file into a round of the current "
            "period, or close this round and open a new one."
        )
    return round_


def _room(session: Session, round_: AssessmentRound) -> tuple[int | None, str]:
    """How many more responses the round can take, and why no more, for the report."""
    if round_.staff_count is None:
        return None, ""
    room = round_.staff_count - response_count(session, round_.id)
    if round_.access_mode == AccessMode.CODES:
        unused = repo.unused_code_count(session, round_.id)
        if unused:
            # Someone whose paper form is in the file still holds a working code: counted twice,
            # the threshold would no longer mean that many different people.
            return max(0, room - unused), (
                f"This round uses personal codes and {count_of(unused, 'code is', 'codes are')} "
                "not used yet. The people whose answers are in the file could still use theirs "
                "and be counted twice: withdraw the unused codes on the team's page first, then "
                "make new ones for anyone who has not answered."
            )
    return room, ""


def _scale_words(model) -> list[str]:
    scale = model.questionnaire.scale
    options = sorted(scale.options, key=lambda o: o.value)
    return [f"{o.value}: {o.label}" for o in options] + [scale.dont_know.label]


def round_for_import(actor: Actor, round_id: int) -> RoundForImport:
    """The round as the import page introduces it (open or not, and how many it can take)."""
    with transaction() as session:
        round_ = round_in_reach(session, actor, round_id, Permission.RUN_ROUNDS)
        model = repo.model_of_round(session, round_)
        room, _ = _room(session, round_)
        return RoundForImport(
            round_id=round_.id,
            team_id=round_.team_id,
            team_name=round_.team.name,
            is_open=round_.is_open,
            room=max(0, room) if room is not None else 0,
            max_size=kilobytes(IMPORT_MAX_BYTES),
            statements=[
                StatementChoice(s.id, f"{s.number}. {s.text}") for s in rules.statements(model)
            ],
            scale_words=_scale_words(model),
        )


# ---- the preview and the import -------------------------------------------------------------


def _column_line(plan: ColumnPlan) -> ColumnLine:
    return ColumnLine(
        index=plan.index,
        letter=plan.letter,
        header=plan.header,
        target=plan.target,
        how=plan.how.value,
        dropped_because=f"it looks like {plan.identity.value}" if plan.identity else "",
    )


def _problem_line(problem: Problem) -> ProblemLine:
    return ProblemLine(
        row="" if problem.row is None else str(problem.row),
        column=problem.column,
        problem=problem.text,
    )


def _judged(
    session: Session,
    actor: Actor,
    round_: AssessmentRound,
    source: ResponseFile | AnswerSheet,
    chosen: Mapping[int, str] | None,
) -> tuple[ResponsePreview, list[ColumnPlan], tuple[rules.Answers, ...]]:
    """The file (or its answer sheet) against the round: the preview, the mapping and the
    responses it holds."""
    model = repo.model_of_round(session, round_)
    if isinstance(source, ResponseFile):
        preview = ResponsePreview(file_name=shown_name(source.name))
        table = _table(source)
        if isinstance(table, str):
            preview.problems = [ProblemLine("", "", table)]
            return preview, [], ()
        sheet = rules.answer_sheet(table, model, preview.file_name)
    else:
        sheet = source
        preview = ResponsePreview(file_name=sheet.file_name)
    preview.sheet = sheet
    plans = rules.propose(
        sheet.header, model, store.remembered_columns(session, actor.organisation_id)
    )
    plans = rules.choose(plans, chosen or {}, model)
    room, why_no_room = _room(session, round_)
    checked = rules.check(sheet, plans, model, room)
    preview.columns = [_column_line(plan) for plan in plans]
    preview.problems = [_problem_line(p) for p in rules.listed(checked.problems)]
    if why_no_room and room is not None and checked.rows_in_file > room:
        preview.problems.insert(0, ProblemLine("", "", why_no_room))
    preview.rows_in_file = checked.rows_in_file
    preview.responses = len(checked.responses)
    mapped = {plan.target for plan in plans if not plan.dropped}
    preview.statements_without_column = len(model.questionnaire.items) - len(mapped)
    preview.dropped_identity = sum(plan.how == HowMatched.IDENTITY for plan in plans)
    return preview, plans, checked.responses


def preview_responses(
    actor: Actor,
    round_id: int,
    source: ResponseFile | AnswerSheet,
    chosen: Mapping[int, str] | None = None,
) -> ResponsePreview:
    """The mapping proposed (or as chosen: column index to statement id or "ignore") and the
    row-by-row report, with the file's answer sheet to import it from. Saves nothing."""
    with transaction() as session:
        round_ = _open_round(session, actor, round_id)
        preview, _, _ = _judged(session, actor, round_, source, chosen)
        return preview


def import_responses(
    actor: Actor,
    round_id: int,
    source: ResponseFile | AnswerSheet,
    chosen: Mapping[int, str] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Checks the file (or the answer sheet a preview gave) again and imports every response
    in it, in one transaction, or none (ResponseFileProblems). The mapping is remembered for
    the organisation's next file. `progress` hears how many responses are written, batch by
    batch."""
    with transaction() as session:
        round_ = _open_round(session, actor, round_id)
        # Locks the round's row (PostgreSQL) first, so responses sent through the link while
        # the file is written cannot take the room the check below counts on.
        session.execute(
            select(AssessmentRound.id).where(AssessmentRound.id == round_.id).with_for_update()
        )
        preview, plans, responses = _judged(session, actor, round_, source, chosen)
        if not preview.accepted:
            raise ResponseFileProblems(preview)
        total = len(responses)
        if progress is not None:
            progress(0, total)
        for start in range(0, total, BATCH):
            store.insert_responses(session, round_, responses[start : start + BATCH])
            if progress is not None:
                progress(min(start + BATCH, total), total)
        store.remember_columns(
            session,
            actor.organisation_id,
            {
                rules.header_key(plan.header): plan.target
                for plan in plans
                if plan.identity is None and rules.header_key(plan.header)
            },
        )
        repo.record(
            session,
            actor,
            "responses imported",
            f"{round_.team.name} (round {round_.id}): {count_of(total, 'response', 'responses')}",
        )
        return ImportResult(preview.file_name, round_.team.name, total)


def import_response_file(actor: Actor, round_id: int, source: Path | bytes, name: str = "") -> int:
    """Imports a CSV or XLSX file (a path, or its bytes and name) with the mapping proposed for
    it; how many responses it held. For scripts and the benchmark."""
    if isinstance(source, Path):
        file = ResponseFile(name or source.name, source.read_bytes())
    else:
        file = ResponseFile(name or "responses.csv", source)
    return import_responses(actor, round_id, file).imported
