"""Administrators: import many areas and teams from a CSV file, checked first, then saved whole."""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.errors import InputProblem
from culturetool.domain.team_import import MAX_BYTES, FileProblems, TeamFile, shown_name
from culturetool.services import team_import
from culturetool.services.team_import import ImportLine
from culturetool.ui import routes
from culturetool.ui.layout import breadcrumb, data_table, notice, page_frame, shown_if
from culturetool.ui.session import SessionState, signed_in
from culturetool.ui.uploads import named_file_input, refused_files, sent_texts

UPLOAD_ID = "team_file"
TEMPLATE_NAME = "areas-and-teams.csv"


class ImportState(SessionState):
    max_size: str = ""
    max_rows: int = 0
    example: list[list[str]] = []
    template_href: str = ""
    file_name: str = ""
    problems: list[str] = []
    lines: list[ImportLine] = []
    new_teams: int = 0
    summary: str = ""
    confirmation: str = ""
    # The checked file stays on the server (a backend-only var never reaches the browser), and
    # the import reads and checks it again: nothing the browser sends is taken as checked.
    _file: TeamFile | None = None

    def _start_over(self) -> None:
        self._file = None
        self.file_name = self.confirmation = ""
        self.problems = []
        self.lines = []
        self.new_teams = 0
        self.summary = ""

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self._start_over()
        guide = team_import.import_guide(actor)
        self.max_size = guide.max_size
        self.max_rows = guide.max_rows
        self.example = guide.example
        # The BOM makes Excel open the template as UTF-8, so accented names survive.
        self.template_href = "data:text/csv;charset=utf-8," + quote("\ufeff" + guide.template)

    @rx.event
    @signed_in
    async def check_file(self, actor: Actor, files: list[rx.UploadFile]):
        if not files:
            return  # the browser refused the file; refuse_file says why
        self._start_over()
        if len(files) > 1:
            self.problems = ["Choose one CSV file."]
            return
        upload = files[0]
        # One byte more than the limit is enough to know the file is too large.
        file = TeamFile(
            name=upload.name or "",
            content_type=upload.content_type or "",
            content=await upload.read(MAX_BYTES + 1),
        )
        self.file_name = shown_name(file.name)
        try:
            plan = team_import.preview_import(actor, file)
        except FileProblems as problems:
            self.problems = problems.problems
            return
        self._file = file
        self.lines = plan.lines
        self.new_teams = plan.new_teams
        self.summary = plan.summary

    @rx.event
    @signed_in
    def refuse_file(self, actor: Actor, names: list[str], reasons: list[str]):
        """The browser would not send the file (wrong type or too large): say why."""
        self._start_over()
        name = next(iter(sent_texts(names)), "")
        self.file_name = shown_name(name)
        self.problems = team_import.explain_refused_file(
            actor, name, " ".join(sent_texts(reasons)).split()
        )

    @rx.event
    @signed_in
    def import_file(self, actor: Actor):
        file = self._file
        self._start_over()  # a checked file is imported once, whatever happens
        if file is None:
            self.problems = ["Choose the file to import first."]
            return
        try:
            plan = team_import.import_areas_and_teams(actor, file)
        except FileProblems as problems:
            self.problems = problems.problems
            return
        except InputProblem as problem:
            self.problems = [str(problem)]
            return
        if plan.new_teams == 0:
            self.confirmation = (
                f"Nothing was added from {plan.file_name}: every team in it is already there."
            )
        else:
            self.confirmation = f"Imported from {plan.file_name}: {plan.summary}."


def _example() -> rx.Component:
    return rx.vstack(
        data_table(
            ["area", "team"],
            ImportState.example,
            lambda row: rx.table.row(rx.table.cell(row[0]), rx.table.cell(row[1])),
            stack_on_phone=False,  # two short columns, laid out as the spreadsheet will be
            size="1",
            variant="surface",
            max_width="36rem",
        ),
        rx.link(
            "Download this example as a CSV file to fill in",
            href=ImportState.template_href,
            download=TEMPLATE_NAME,
        ),
        spacing="2",
        width="100%",
    )


def _chooser() -> rx.Component:
    # The dropzone itself takes no keyboard focus (no_keyboard): the real button inside it is
    # the one tab stop, and its click reaches the dropzone, which opens the file dialog.
    chooser = rx.upload(
        rx.vstack(
            rx.button("Choose a CSV file", size="3", type="button"),
            rx.text(
                "or drag the file here. It is checked straight away; nothing is saved until "
                "you press Import.",
                size="2",
            ),
            align="center",
            spacing="2",
        ),
        id=UPLOAD_ID,
        accept={"text/csv": [".csv"]},
        max_size=MAX_BYTES,
        max_files=1,
        multiple=False,
        no_keyboard=True,
        on_drop=ImportState.check_file(rx.upload_files(upload_id=UPLOAD_ID)),
        on_drop_rejected=lambda refused: refused_files(refused, ImportState.refuse_file),
        border="2px dashed #6b7280",
        border_radius="8px",
        padding="1.5rem",
        background="#fff",
        width="100%",
    )
    return named_file_input(chooser, "CSV file of areas and teams")


def _problems() -> rx.Component:
    return rx.el.div(
        rx.el.p(
            rx.cond(
                ImportState.file_name != "",
                f"{ImportState.file_name} cannot be imported, and nothing was saved. ",
                "The file cannot be imported, and nothing was saved. ",
            ),
            "Fix the problems below in your spreadsheet and choose the file again:",
        ),
        rx.el.ul(
            rx.foreach(ImportState.problems, lambda problem: rx.el.li(problem)),
            list_style_type="disc",
            padding_left="1.5rem",
            font_weight="normal",
        ),
        role="alert",
        class_name="notice notice-error",
    )


def _line(line: ImportLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(line.row),
        rx.table.cell(line.area),
        rx.table.row_header_cell(line.team),
        rx.table.cell(line.outcome),
    )


def _preview() -> rx.Component:
    return rx.vstack(
        rx.heading(f"Check before importing: {ImportState.file_name}", as_="h2", size="5"),
        rx.text(
            f"{ImportState.summary} (skipped). Nothing is saved yet: check the list, then "
            "press Import.",
            role="status",
        ),
        rx.cond(
            ImportState.new_teams > 0,
            rx.button("Import", on_click=ImportState.import_file, size="3"),
            rx.text("Every team in this file is already there; there is nothing to import."),
        ),
        data_table(["Row", "Area", "Team", "What happens"], ImportState.lines, _line),
        spacing="3",
        width="100%",
    )


def import_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            breadcrumb(rx.text("Import areas and teams", as_="span")),
            rx.heading("Import areas and teams", as_="h1", size="7"),
            rx.text(
                "Add many areas and teams at once from a spreadsheet. Give it two columns, "
                "area and team, with those names in the first row and one team on each row "
                "below, like this:",
                class_name="lead",
            ),
            _example(),
            rx.text(
                f"Save it as “CSV UTF-8”. One file can hold up to {ImportState.max_rows} teams "
                f"and {ImportState.max_size}. An area that already exists is used as it is, and "
                "a team that is already there is skipped, so importing a file twice adds "
                "nothing twice.",
            ),
            shown_if(ImportState.confirmation != "", notice(ImportState.confirmation, "ok")),
            shown_if(
                ImportState.confirmation != "",
                rx.link("See the areas and teams on the start page", href=routes.HOME),
            ),
            _chooser(),
            shown_if(ImportState.problems.length() > 0, _problems()),
            shown_if(ImportState.lines.length() > 0, _preview()),
            spacing="4",
            width="100%",
        )
    )
