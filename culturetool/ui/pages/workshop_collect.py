"""Stage 2: collecting what people said. Entries typed one by one, pasted one per line, or
imported from a CSV or XLSX file (a report first, then saved whole); the reach by kind, channel
and perspective; the entries in three columns, each of which can be redacted."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import reflex as rx

from culturetool.domain.access import Actor, Permission
from culturetool.domain.errors import InputProblem
from culturetool.domain.team_import import shown_name
from culturetool.domain.wording import count_of
from culturetool.domain.workshop.intake import EntryProblems, ImportReport
from culturetool.domain.workshop.stages import perspective_label
from culturetool.services import workshop_board as service
from culturetool.services.workshop_board import BoardView, Choice, Count
from culturetool.ui import routes
from culturetool.ui.layout import data_table, notice, shown_if
from culturetool.ui.session import SessionState, id_number, public, signed_in
from culturetool.ui.uploads import named_file_input, refused_files, sent_texts
from culturetool.ui.workshop_frame import WorkshopPageState, workshop_frame
from culturetool.ui.workshop_links import collection_link_panel

UPLOAD_ID = "entries_file"
NO_NAMES = (
    "Entries are people's own words. They must not name anyone, or say anything that tells "
    "who someone is: a name, an address, a job title only one person has. If an entry does, "
    "redact it."
)


class CollectState(WorkshopPageState, SessionState):
    view: BoardView | None = None
    by_kind: list[Count] = []
    by_channel: list[Count] = []
    by_perspective: list[Count] = []
    total: int = 0
    kinds: list[Choice] = []
    channels: list[Choice] = []
    perspectives: list[Choice] = []
    max_size: str = ""
    template_href: str = ""
    form_version: int = 0  # raised after a save, so the forms are drawn empty again
    saved: str = ""  # what the last save did, read out politely
    problems: list[str] = []  # what to fix about a paste or a file
    file_name: str = ""
    report_rows: list[dict[str, str]] = []  # the file's rows as the report shows them
    ready_to_save: int = 0  # entries of a checked file that can be saved, 0 if none
    redacting_id: int = 0
    may_edit: bool = False  # leaders and the innovation team read only
    redacting_text: str = ""
    # The checked file stays on the server; the import reads and checks it again.
    _file_name: str = ""
    _file: bytes = b""

    def _reload(self, actor: Actor) -> None:
        workshop_id = self.workshop_id_shown
        self.view = service.board_view(actor, workshop_id)
        self.may_edit = actor.may(Permission.RUN_WORKSHOPS)
        reach = service.reach(actor, workshop_id)
        self.total = reach.total
        self.by_kind, self.by_channel = reach.by_kind, reach.by_channel
        self.by_perspective = reach.by_perspective
        choices = service.collect_choices(actor, workshop_id)
        self.kinds, self.channels = choices.kinds, choices.channels
        self.perspectives = choices.perspectives
        self.max_size = choices.max_size
        # The BOM makes Excel open the template as UTF-8.
        self.template_href = "data:text/csv;charset=utf-8," + quote("\ufeff" + choices.template)

    def _saved(self, actor: Actor, words: str) -> None:
        self.problems = []
        self.saved = words
        self.form_version += 1
        self._refresh(actor)

    @rx.event
    @signed_in
    def add_entry(self, actor: Actor, form: dict[str, Any]):
        self.saved = ""
        try:
            service.add_entry(
                actor,
                self.workshop_id_shown,
                str(form.get("kind", "")),
                str(form.get("channel", "")),
                str(form.get("perspective", "")) or None,
                str(form.get("text", "")),
            )
        except InputProblem as problem:
            self.problems = [str(problem)]
            return
        self._saved(actor, "Entry saved.")

    @rx.event
    @signed_in
    def add_pasted(self, actor: Actor, form: dict[str, Any]):
        self.saved = ""
        try:
            count = service.add_pasted(
                actor,
                self.workshop_id_shown,
                str(form.get("kind", "")),
                str(form.get("channel", "")),
                str(form.get("perspective", "")) or None,
                str(form.get("text", "")),
            )
        except EntryProblems as problems:
            self.problems = problems.problems
            return
        except InputProblem as problem:
            self.problems = [str(problem)]
            return
        self._saved(actor, f"{_how_many(count)} saved.")

    def _forget_file(self) -> None:
        self._file_name, self._file = "", b""
        self.file_name = ""
        self.report_rows = []
        self.ready_to_save = 0

    @rx.event
    @signed_in
    async def check_file(self, actor: Actor, files: list[rx.UploadFile]):
        if not files:
            return  # the browser refused the file; refuse_file says why
        self._forget_file()
        self.saved = ""
        upload = files[0]
        name = upload.name or ""
        # One byte more than the limit is enough to know the file is too large.
        data = await upload.read(service.IMPORT_MAX_BYTES + 1)
        report = service.check_import(actor, self.workshop_id_shown, name, data)
        self.file_name = shown_name(name)
        self.report_rows = _report_rows(report)
        self.problems = report.all_problems()
        if report.accepted:
            self._file_name, self._file = name, data
            self.ready_to_save = len(report.entries)

    @rx.event
    @signed_in
    def refuse_file(self, actor: Actor, names: list[str], reasons: list[str]):
        """The browser would not send the file (wrong type or too large): say why."""
        self._forget_file()
        self.problems = service.explain_refused_file(
            actor,
            self.workshop_id_shown,
            next(iter(sent_texts(names)), ""),
            " ".join(sent_texts(reasons)),
        )

    @rx.event
    @signed_in
    def import_file(self, actor: Actor):
        name, data = self._file_name, self._file
        self._forget_file()  # a checked file is saved once, whatever happens
        if not name:
            self.problems = ["Choose the file to import first."]
            return
        try:
            count = service.import_entries(actor, self.workshop_id_shown, name, data)
        except EntryProblems as problems:
            self.problems = problems.problems
            return
        self._saved(actor, f"{_how_many(count)} saved from {shown_name(name)}.")

    @rx.event
    @public
    def ask_to_redact(self, entry_id: int, text: str):
        # Only opens the dialog, with the words already on the page; redacting checks again.
        self.redacting_id, self.redacting_text = entry_id, text

    @rx.event
    @public
    def redact_dialog_changed(self, open_: bool):
        if not open_:  # cancelled: the button, Escape or a click outside
            self.redacting_id = 0

    @rx.event
    @signed_in
    def redact(self, actor: Actor, form: dict[str, Any]):
        entry_id = id_number(form.get("entry_id", ""))
        try:
            service.redact_entry(actor, self.workshop_id_shown, entry_id, str(form.get("text", "")))
        except InputProblem as problem:
            self.problems = [str(problem)]
            return
        self.redacting_id = 0
        self._saved(actor, "Entry redacted. Its old words are gone.")


def _how_many(count: int) -> str:
    return count_of(count, "entry", "entries")


def _report_rows(report: ImportReport) -> list[dict[str, str]]:
    """The file's rows for the report table, each with its entry or what is wrong with it."""
    rows = []
    for row in report.rows:
        entry = row.entry
        rows.append(
            {
                "row": str(row.row),
                "kind": entry.kind.label if entry else "",
                "text": entry.text if entry else "",
                "channel": entry.channel.label if entry else "",
                "perspective": perspective_label(entry.perspective)
                if entry and entry.perspective
                else "",
                "problem": " ".join(row.problems) or "Ready",
            }
        )
    return rows


# ---- the page ---------------------------------------------------------------------------------


def _select(label: str, name: str, choices, first: str | None = None) -> rx.Component:
    """A select with its label; `first` is an empty first choice ("Not given")."""
    field_id = name + "-" + label.split()[0].lower()
    return rx.el.div(
        rx.el.label(label, html_for=field_id),
        rx.el.select(
            *([rx.el.option(first, value="")] if first else []),
            rx.foreach(choices, lambda c: rx.el.option(c.label, value=c.value)),
            id=field_id,
            name=name.split("-")[0],
            required=first is None,
            class_name="text-input",
        ),
        class_name="field",
    )


def _entry_form() -> rx.Component:
    return rx.el.section(
        rx.el.h2("Type an entry"),
        rx.el.form(
            _select("What it is about", "kind-one", CollectState.kinds),
            _select("How it reached you", "channel-one", CollectState.channels),
            _select("Perspective", "perspective-one", CollectState.perspectives, "Not given"),
            rx.el.div(
                rx.el.label("The entry, in the person's words", html_for="entry-text"),
                rx.el.textarea(
                    id="entry-text",
                    name="text",
                    required=True,
                    max_length=500,
                    rows=3,
                    class_name="text-input",
                ),
                class_name="field",
            ),
            rx.button("Save the entry", type="submit"),
            on_submit=CollectState.add_entry,
            reset_on_submit=False,
            key="entry-" + CollectState.form_version.to_string(),
            class_name="collect-form",
        ),
        class_name="collect-part",
    )


def _paste_form() -> rx.Component:
    return rx.el.section(
        rx.el.h2("Paste many entries"),
        rx.text(
            "One entry on each line, all of the same kind, channel and perspective (for "
            "example the slips from one table). Blank lines are skipped.",
            size="2",
        ),
        rx.el.form(
            _select("What they are about", "kind-many", CollectState.kinds),
            _select("How they reached you", "channel-many", CollectState.channels),
            _select("Perspective", "perspective-many", CollectState.perspectives, "Not given"),
            rx.el.div(
                rx.el.label("Entries, one per line", html_for="pasted-text"),
                rx.el.textarea(
                    id="pasted-text", name="text", required=True, rows=6, class_name="text-input"
                ),
                class_name="field",
            ),
            rx.button("Save these entries", type="submit"),
            on_submit=CollectState.add_pasted,
            key="paste-" + CollectState.form_version.to_string(),
            class_name="collect-form",
        ),
        class_name="collect-part",
    )


def _import() -> rx.Component:
    chooser = rx.upload(
        rx.vstack(
            rx.button("Choose a CSV or Excel file", size="3", type="button"),
            rx.text("or drag it here. It is checked first; nothing is saved yet.", size="2"),
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
        on_drop=CollectState.check_file(rx.upload_files(upload_id=UPLOAD_ID)),
        on_drop_rejected=lambda refused: refused_files(refused, CollectState.refuse_file),
        border="2px dashed #6b7280",
        border_radius="8px",
        padding="1.25rem",
        background="#fff",
        width="100%",
    )
    return rx.el.section(
        rx.el.h2("Import from a spreadsheet"),
        rx.text(
            "A CSV or Excel (.xlsx) file with the columns kind, entry, channel and "
            "perspective (perspective may be empty), at most ",
            CollectState.max_size,
            ". Every row is checked first: if any row has a problem, nothing is saved.",
            size="2",
        ),
        rx.link(
            "Download a template CSV to fill in",
            href=CollectState.template_href,
            download=service.TEMPLATE_NAME,
        ),
        named_file_input(chooser, "CSV or Excel file of entries"),
        shown_if(
            CollectState.report_rows.length() > 0,
            rx.vstack(
                rx.heading("Rows in " + CollectState.file_name, as_="h3", size="3"),
                data_table(
                    ["Row", "Kind", "Entry", "Channel", "Perspective", "Check"],
                    CollectState.report_rows,
                    lambda r: rx.table.row(
                        rx.table.row_header_cell(r["row"]),
                        rx.table.cell(r["kind"]),
                        rx.table.cell(r["text"]),
                        rx.table.cell(r["channel"]),
                        rx.table.cell(r["perspective"]),
                        rx.table.cell(r["problem"]),
                    ),
                    size="1",
                ),
                width="100%",
            ),
        ),
        shown_if(
            CollectState.ready_to_save > 0,
            rx.button(
                rx.cond(
                    CollectState.ready_to_save == 1,
                    "Save 1 entry",
                    "Save " + CollectState.ready_to_save.to_string() + " entries",
                ),
                on_click=CollectState.import_file,
                type="button",
            ),
        ),
        class_name="collect-part",
    )


def _counts(caption: str, rows) -> rx.Component:
    return rx.el.table(
        rx.el.caption(caption),
        rx.el.tbody(
            rx.foreach(
                rows,
                lambda c: rx.el.tr(rx.el.th(c.label, scope="row"), rx.el.td(c.count)),
            )
        ),
        class_name="reach-table",
    )


def _reach() -> rx.Component:
    return rx.el.section(
        rx.el.h2("Reach: ", CollectState.total.to_string(), " entries so far"),
        rx.el.div(
            _counts("By kind", CollectState.by_kind),
            _counts("By channel", CollectState.by_channel),
            _counts("By perspective", CollectState.by_perspective),
            class_name="reach-tables",
        ),
        class_name="collect-part",
    )


def _links_panel() -> rx.Component:
    return collection_link_panel()


def _entry(entry) -> rx.Component:
    return rx.el.li(
        rx.el.span(entry.text, class_name="entry-text"),
        rx.el.span(
            entry.channel,
            rx.cond(entry.perspective != "", " · " + entry.perspective, ""),
            class_name="entry-facts",
        ),
        shown_if(
            CollectState.may_edit,
            rx.button(
                "Redact",
                on_click=CollectState.ask_to_redact(entry.id, entry.text),
                size="1",
                variant="ghost",
                type="button",
                aria_label="Redact the entry “" + entry.text + "”",
            ),
        ),
        class_name="collected-entry",
    )


def _entries() -> rx.Component:
    def column(kind_column) -> rx.Component:
        return rx.el.section(
            rx.el.h3(kind_column.label, " (", kind_column.entry_count.to_string(), ")"),
            rx.el.ul(
                rx.foreach(kind_column.unthemed, _entry),
                rx.foreach(kind_column.themes, lambda t: rx.foreach(t["entries"], _entry)),
                class_name="entry-list",
            ),
            class_name="board-column",
        )

    return rx.el.section(
        rx.el.h2("Entries"),
        rx.cond(
            CollectState.view,
            rx.el.div(rx.foreach(CollectState.view.columns, column), class_name="board-columns"),
        ),
        class_name="collect-part",
    )


def _redact_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Redact this entry"),
            rx.dialog.description(
                "Rewrite the entry without the name or detail, for example “[name] at the day "
                "centre helped me”. Only the new words are kept: the original will be gone for "
                "good, and the audit log records that the entry was redacted, not what it said."
            ),
            rx.el.form(
                rx.el.input(
                    type="hidden", name="entry_id", value=CollectState.redacting_id.to_string()
                ),
                rx.el.label("The entry as it should read", html_for="redact-text"),
                rx.el.textarea(
                    id="redact-text",
                    name="text",
                    default_value=CollectState.redacting_text,
                    required=True,
                    max_length=500,
                    rows=4,
                    class_name="text-input",
                ),
                shown_if(
                    CollectState.problems.length() > 0,
                    notice(CollectState.problems.join(" ")),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", variant="soft", type="button")),
                    rx.button("Save the redacted entry", type="submit"),
                    justify="end",
                    spacing="3",
                    margin_top="1em",
                ),
                on_submit=CollectState.redact,
                key="redact-" + CollectState.redacting_id.to_string(),
            ),
        ),
        open=CollectState.redacting_id > 0,
        on_open_change=CollectState.redact_dialog_changed,
    )


def collect_page() -> rx.Component:
    return workshop_frame(
        CollectState,
        routes.WORKSHOP_COLLECT,
        rx.el.p(NO_NAMES, class_name="notice notice-warning"),
        rx.el.p(CollectState.saved, aria_live="polite", class_name="board-done"),
        shown_if(
            (CollectState.problems.length() > 0) & (CollectState.redacting_id == 0),
            rx.el.div(
                rx.foreach(CollectState.problems, lambda p: rx.el.p(p)),
                role="alert",
                class_name="notice notice-error",
            ),
        ),
        shown_if(
            CollectState.may_edit,
            rx.fragment(
                rx.el.div(_entry_form(), _paste_form(), class_name="collect-forms"),
                _import(),
                _links_panel(),
            ),
        ),
        _reach(),
        _entries(),
        _redact_dialog(),
    )
