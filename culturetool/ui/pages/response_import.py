"""A team's manager imports responses collected elsewhere (an online form's export, paper forms
typed in) into the team's open round: choose the file, check what each column holds, read the
report, then import it all with a progress bar, or nothing."""

from __future__ import annotations

import asyncio

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.response_import import DROP, AnswerSheet
from culturetool.domain.team_import import shown_name
from culturetool.domain.wording import count_of
from culturetool.services import response_import as service
from culturetool.services.response_import import (
    ColumnLine,
    ProblemLine,
    ResponseFile,
    ResponseFileProblems,
    ResponsePreview,
    StatementChoice,
)
from culturetool.ui import routes
from culturetool.ui.layout import breadcrumb, data_table, loading_or_not_found, notice, page_frame
from culturetool.ui.session import SessionState, id_number, signed_in, signed_in_background
from culturetool.ui.uploads import named_file_input, refused_files, sent_texts

UPLOAD_ID = "response_file"
PROGRESS_EVERY_SECONDS = 0.25
# A select's value: the column's index and what it holds, so one handler serves every column.
CHOICE_SEPARATOR = "|"


class ResponseImportState(SessionState):
    found: bool = True
    round_id_shown: int = 0
    team_id_shown: int = 0
    team_name: str = ""
    is_open: bool = False
    room: int = 0
    max_size: str = ""
    statements: list[StatementChoice] = []
    scale_words: list[str] = []
    file_name: str = ""
    columns: list[ColumnLine] = []
    problems: list[ProblemLine] = []
    ready: int = 0  # responses ready to import
    statements_without_column: int = 0
    dropped_identity: int = 0
    importing: bool = False
    done: int = 0
    total: int = 0
    confirmation: str = ""
    # The checked file as answer codes only (no cell's text, so no name, is kept in the state
    # Reflex saves to disk or Redis); the import checks it again with the columns as chosen.
    _sheet: AnswerSheet | None = None
    _chosen: dict[int, str] = {}

    @rx.var
    def ready_sentence(self) -> str:
        """What importing the checked file would do, in one sentence."""
        parts = [
            f"{count_of(self.ready, 'response is', 'responses are')} ready to import from "
            f"{self.file_name}"
        ]
        if self.dropped_identity:
            parts.append(
                f"{count_of(self.dropped_identity, 'column', 'columns')} that say who someone "
                "is will be dropped"
            )
        if self.statements_without_column:
            parts.append(
                f"{count_of(self.statements_without_column, 'statement has', 'statements have')}"
                " no column: counted as not answered"
            )
        return "; ".join(parts) + ". Nothing is saved until you press Import."

    def _start_over(self) -> None:
        self._sheet = None
        self._chosen = {}
        self.file_name = self.confirmation = ""
        self.columns = []
        self.problems = []
        self.ready = self.statements_without_column = self.dropped_identity = 0
        self.done = self.total = 0

    def _show(self, preview: ResponsePreview) -> None:
        self.file_name = preview.file_name
        self.columns = preview.columns
        self.problems = preview.problems
        self.ready = preview.responses
        self.statements_without_column = preview.statements_without_column
        self.dropped_identity = preview.dropped_identity

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self._start_over()
        self.importing = False
        self.team_name = ""  # another round's page may have been open in this tab before
        self.round_id_shown = self.team_id_shown = 0
        try:
            target = service.round_for_import(actor, id_number(self.round_id))
        except NotFound:
            self.found = False
            return
        self.found = True
        self.round_id_shown = target.round_id
        self.team_id_shown = target.team_id
        self.team_name = target.team_name
        self.is_open = target.is_open
        self.room = target.room
        self.max_size = target.max_size
        self.statements = target.statements
        self.scale_words = target.scale_words

    @rx.event
    @signed_in
    async def check_file(self, actor: Actor, files: list[rx.UploadFile]):
        if not files:
            return  # the browser refused the file; refuse_file says why
        self._start_over()
        upload = files[0]
        # One byte more than the limit is enough to know the file is too large.
        file = ResponseFile(upload.name or "", await upload.read(service.IMPORT_MAX_BYTES + 1))
        self.file_name = shown_name(file.name)
        try:
            preview = service.preview_responses(actor, self.round_id_shown, file)
        except InputProblem as problem:
            self.problems = [ProblemLine("", "", str(problem))]
            return
        self._sheet = preview.sheet
        self._show(preview)

    @rx.event
    @signed_in
    def refuse_file(self, actor: Actor, names: list[str], reasons: list[str]):
        """The browser would not send the file (wrong type or too large): say why."""
        self._start_over()
        name = next(iter(sent_texts(names)), "")
        self.file_name = shown_name(name)
        service.round_for_import(actor, self.round_id_shown)  # only for those who may import
        why = " ".join(sent_texts(reasons))
        if "file-too-large" in why:
            text = f"“{self.file_name}” is too large: one import can take {self.max_size} at most."
        else:
            text = f"“{self.file_name}” is not a CSV file or an Excel workbook (.xlsx). "
            text += service.SAVE_AS
        self.problems = [ProblemLine("", "", text)]

    @rx.event
    @signed_in
    def choose_column(self, actor: Actor, choice: str):
        """A column's select changed: check the file again with that column as chosen."""
        index, _, target = str(choice).partition(CHOICE_SEPARATOR)
        sheet = self._sheet
        if sheet is None or not index.isdigit():
            return
        chosen = {**self._chosen, int(index): target}
        try:
            preview = service.preview_responses(actor, self.round_id_shown, sheet, chosen)
        except InputProblem as problem:
            self.problems = [ProblemLine("", "", str(problem))]
            return
        self._chosen = chosen
        self._show(preview)

    @rx.event(background=True)
    @signed_in_background
    async def import_file(self, actor: Actor):
        async with self:
            sheet, chosen = self._sheet, dict(self._chosen)
            if sheet is None or self.importing:
                return
            self.importing, self.done, self.total = True, 0, self.ready
            self.confirmation = ""
            round_id = self.round_id_shown
        written = {"done": 0, "total": 0}

        def progress(done: int, total: int) -> None:  # called from the import's thread
            written["done"], written["total"] = done, total

        work = asyncio.create_task(
            asyncio.to_thread(service.import_responses, actor, round_id, sheet, chosen, progress)
        )
        while not work.done():
            await asyncio.wait({work}, timeout=PROGRESS_EVERY_SECONDS)
            async with self:
                self.done, self.total = written["done"], written["total"] or self.total
        try:
            result = work.result()
        except ResponseFileProblems as refused:
            async with self:
                self.importing = False
                self._show(refused.preview)
            return
        except InputProblem as problem:
            async with self:
                self.importing = False
                self.problems = [ProblemLine("", "", str(problem))]
            return
        except BaseException:
            async with self:  # refused (the guard says why), or broken: the bar goes away
                self.importing = False
            raise
        async with self:
            self.importing = False
            self._start_over()  # a file is imported once
            self.done = self.total = result.imported
            self.room = max(0, self.room - result.imported)
            self.confirmation = (
                f"Imported {count_of(result.imported, 'response', 'responses')} from "
                f"{result.file_name} into {result.team_name}'s open round."
            )


def _chooser() -> rx.Component:
    chooser = rx.upload(
        rx.vstack(
            rx.button("Choose a CSV or Excel file", size="3", type="button"),
            rx.text(
                "or drag it here. It is checked straight away; nothing is saved until you "
                "press Import.",
                size="2",
            ),
            align="center",
            spacing="2",
        ),
        id=UPLOAD_ID,
        accept={
            "text/csv": [".csv"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"],
        },
        max_size=service.IMPORT_MAX_BYTES,
        max_files=1,
        multiple=False,
        no_keyboard=True,
        on_drop=ResponseImportState.check_file(rx.upload_files(upload_id=UPLOAD_ID)),
        on_drop_rejected=lambda refused: refused_files(refused, ResponseImportState.refuse_file),
        border="2px dashed #6b7280",
        border_radius="8px",
        padding="1.5rem",
        background="#fff",
        width="100%",
    )
    return named_file_input(chooser, "CSV or Excel file of responses")


def _privacy() -> rx.Component:
    return rx.el.div(
        rx.el.strong("No names are stored. "),
        "Columns that say who someone is (names, email addresses, phone numbers, staff or "
        "employee numbers, network addresses, the date or time a form was sent) are dropped "
        "before any answer is read, and nothing of them is kept. Each response is stored as "
        "one sent through the survey link is: its answers in this round, nothing else.",
        class_name="notice notice-ok",
        font_weight="normal",
    )


def _how_to() -> rx.Component:
    return rx.vstack(
        rx.text(
            "One row per person, one column per statement, and the column headers in row 1: "
            "the statements' words (as an online form exports them) or their ids. Save it as "
            "“CSV UTF-8” or as an Excel workbook (.xlsx), at most ",
            ResponseImportState.max_size,
            ". Answers can be written as a number or in words, in capitals or not:",
        ),
        rx.el.ul(
            rx.foreach(ResponseImportState.scale_words, lambda words: rx.el.li(words)),
            list_style_type="disc",
            padding_left="1.5rem",
        ),
        rx.text(
            "An empty cell means the person did not answer that statement. "
            "If any row has a problem, nothing is imported: the report says which row and "
            "column to fix."
        ),
        spacing="2",
        width="100%",
    )


def _option(column: ColumnLine, statement: StatementChoice) -> rx.Component:
    return rx.el.option(
        statement.label, value=column.index.to_string() + CHOICE_SEPARATOR + statement.id
    )


def _holds(column: ColumnLine) -> rx.Component:
    select_id = "column-" + column.index.to_string()
    return rx.cond(
        column.dropped_because != "",
        rx.text("Will be dropped: ", column.dropped_because, ". Nothing of it is stored."),
        rx.el.div(
            rx.el.label(
                "Column " + column.letter + " holds",
                html_for=select_id,
                class_name="visually-hidden",
            ),
            rx.el.select(
                rx.el.option(
                    "Nothing to import: drop this column",
                    value=column.index.to_string() + CHOICE_SEPARATOR + DROP,
                ),
                rx.foreach(ResponseImportState.statements, lambda s: _option(column, s)),
                id=select_id,
                value=column.index.to_string() + CHOICE_SEPARATOR + column.target,
                on_change=ResponseImportState.choose_column,
                class_name="text-input",
                width="100%",
                max_width="36rem",
            ),
        ),
    )


def _column_row(column: ColumnLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(column.letter),
        rx.table.row_header_cell(rx.cond(column.header != "", column.header, "(no header)")),
        rx.table.cell(_holds(column)),
        rx.table.cell(column.how),
    )


def _mapping() -> rx.Component:
    return rx.vstack(
        rx.heading("What each column holds", as_="h2", size="5"),
        rx.text(
            "Each column is matched to a statement by its header, or as you chose for a "
            "column of that name last time. Check them, and change any that are wrong: your "
            "choices are remembered for the next file."
        ),
        data_table(
            ["Column", "Header", "Holds", "Matched by"], ResponseImportState.columns, _column_row
        ),  # fmt: skip
        spacing="3",
        width="100%",
    )


def _problem_row(problem: ProblemLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.cond(problem.row != "", problem.row, "Whole file")),
        rx.table.cell(problem.column),
        rx.table.cell(problem.problem),
    )


def _report() -> rx.Component:
    return rx.vstack(
        rx.el.div(
            rx.cond(
                ResponseImportState.file_name != "",
                f"{ResponseImportState.file_name} cannot be imported yet, and nothing was saved. ",
                "The file cannot be imported yet, and nothing was saved. ",
            ),
            "Fix the problems below (in your spreadsheet, or in the columns above) and choose "
            "the file again:",
            role="alert",
            class_name="notice notice-error",
        ),
        data_table(["Row", "Column", "Problem"], ResponseImportState.problems, _problem_row),
        spacing="3",
        width="100%",
    )


def _ready() -> rx.Component:
    return rx.vstack(
        rx.text(ResponseImportState.ready_sentence, role="status"),
        rx.button(
            "Import",
            size="3",
            on_click=ResponseImportState.import_file,
            disabled=ResponseImportState.importing,
        ),
        spacing="3",
        width="100%",
    )


def _progress() -> rx.Component:
    return rx.el.div(
        rx.el.label(
            f"Importing: {ResponseImportState.done} of {ResponseImportState.total} responses "
            "written",
            html_for="import-progress",
        ),
        rx.el.progress(
            id="import-progress",
            value=ResponseImportState.done,
            max=rx.cond(ResponseImportState.total > 0, ResponseImportState.total, 1),
        ),
        class_name="progress",
        aria_live="polite",
        width="100%",
    )


def _done() -> rx.Component:
    return rx.vstack(
        rx.el.div(
            rx.el.label(
                f"Import finished: {ResponseImportState.total} of {ResponseImportState.total} "
                "responses written",
                html_for="import-finished",
            ),
            rx.el.progress(
                id="import-finished",
                value=ResponseImportState.total,
                max=rx.cond(ResponseImportState.total > 0, ResponseImportState.total, 1),
            ),
            class_name="progress",
            width="100%",
        ),
        notice(ResponseImportState.confirmation, "ok"),
        rx.link("Back to the team", href=routes.team_page(ResponseImportState.team_id_shown)),
        spacing="3",
        width="100%",
    )


def _import_step() -> rx.Component:
    return rx.vstack(
        rx.cond(ResponseImportState.confirmation != "", _done()),
        rx.cond(ResponseImportState.importing, _progress()),
        rx.cond(
            ResponseImportState.is_open,
            rx.vstack(
                rx.text(
                    f"The round can take {ResponseImportState.room} more responses: never more "
                    "than the team has staff."
                ),
                _chooser(),
                spacing="3",
                width="100%",
            ),
            notice(
                "This round has closed, so it takes no more responses. Responses are imported "
                "into an open round: open a new round on the team's page and import the file "
                "there.",
                "error",
            ),
        ),
        rx.cond(ResponseImportState.columns.length() > 0, _mapping()),
        rx.cond(ResponseImportState.problems.length() > 0, _report()),
        rx.cond(
            (ResponseImportState.problems.length() == 0) & (ResponseImportState.ready > 0),
            _ready(),
        ),
        spacing="4",
        width="100%",
    )


def response_import_page() -> rx.Component:
    return page_frame(
        rx.cond(
            ResponseImportState.team_name != "",
            rx.vstack(
                breadcrumb(
                    rx.link(
                        ResponseImportState.team_name,
                        href=routes.team_page(ResponseImportState.team_id_shown),
                    )
                ),
                rx.heading("Import responses collected elsewhere", as_="h1", size="7"),
                rx.text(
                    f"Add answers that {ResponseImportState.team_name}'s staff gave on paper or "
                    "in another survey tool (an online form exported to Excel, for example) to "
                    "the team's open round. They count like answers sent through the link.",
                    class_name="lead",
                ),
                _privacy(),
                _how_to(),
                _import_step(),
                spacing="4",
                width="100%",
            ),
            loading_or_not_found(
                ResponseImportState.found,
                "Loading the round…",
                "Round not found",
                "There is no such round, or it is not one of your teams' rounds.",
            ),
        )
    )
