"""Stage 3: the theme board. The entries in three columns by kind; facilitators tick entries and
make themes of them, move them between themes, merge, split and delete themes, and give each
theme its "I" or "We" statement and its culture model conditions.

Several facilitators use the board at once. The frame's live check reloads it when anyone
changes the workshop; the ticked entries stay ticked across reloads. Each edit sends the
versions of the themes it involves as this screen showed them, so an edit made on a screen
that is out of date is refused with the domain's message, and the board shows what changed.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from culturetool.domain.access import Actor, Permission
from culturetool.domain.errors import InputProblem
from culturetool.services import workshop_board as service
from culturetool.services.workshop_board import BoardChange, BoardView, Choice
from culturetool.ui import routes
from culturetool.ui.layout import notice, shown_if
from culturetool.ui.session import SessionState, id_number, public, signed_in
from culturetool.ui.workshop_frame import WorkshopPageState, workshop_frame

# Focus moves to the theme an action made or changed, once the board has redrawn with it.
FOCUS_SCRIPT = (
    "setTimeout(() => { const el = document.getElementById('ID'); if (el) { el.focus(); } }, 150)"
)


class BoardState(WorkshopPageState, SessionState):
    view: BoardView | None = None
    selected: list[int] = []  # the ticked entries
    selected_kind: str = ""  # their kind, when they are all of one kind
    ticked_themes: list[int] = []  # the themes the ticked entries are in
    add_choices: list[Choice] = []  # themes of that kind, for "Add to theme…"
    done: str = ""  # what the last action did, read out politely
    may_edit: bool = False  # leaders and the innovation team read the board only
    deleting_theme: int = 0
    # The statement being typed and the version of its theme when typing began (see
    # start_statement); its form is drawn afresh only when that edit ends.
    editing_theme: int = 0
    editing_version: int = 0
    deleting_title: str = ""
    # Where each entry is and each theme's version, as this screen shows them: the `seen` of
    # the next edit. Kept on the server; the browser sends only ids.
    _place: dict[int, int] = {}  # entry id → theme id (0: unthemed)
    _kind: dict[int, str] = {}  # entry id → kind
    _versions: dict[int, int] = {}  # theme id → version

    def _reload(self, actor: Actor) -> None:
        view = service.board_view(actor, self.workshop_id_shown)
        self.view = view
        self.may_edit = actor.may(Permission.RUN_WORKSHOPS)
        self._place, self._kind, self._versions = {}, {}, {}
        for column in view.columns:
            for entry in column.unthemed:
                self._place[entry.id], self._kind[entry.id] = 0, entry.kind
            for theme in column.themes:
                self._versions[theme.id] = theme.version
                for entry in theme.entries:
                    self._place[entry.id], self._kind[entry.id] = theme.id, entry.kind
        # Ticks survive a reload, except on entries no longer on the board.
        self._select([entry_id for entry_id in self.selected if entry_id in self._place])

    def _select(self, entry_ids: list[int]) -> None:
        self.selected = entry_ids
        self.ticked_themes = sorted({self._place[e] for e in entry_ids} - {0})
        kinds = {self._kind[entry_id] for entry_id in entry_ids}
        self.selected_kind = kinds.pop() if len(kinds) == 1 else ""
        column = next(
            (c for c in (self.view.columns if self.view else []) if c.kind == self.selected_kind),
            None,
        )
        self.add_choices = (
            [Choice(str(theme.id), theme.title) for theme in column.themes] if column else []
        )

    def _seen(self, theme_ids: list[int]) -> dict[int, int]:
        """The versions this screen shows of these themes and of the ticked entries' themes."""
        involved = {*theme_ids, *(self._place.get(entry_id, 0) for entry_id in self.selected)}
        return {t: self._versions[t] for t in involved if t in self._versions}

    def _apply(self, actor: Actor, change) -> None:
        """Runs one board edit; on success announces it, clears the ticks and moves focus to
        the theme it made or changed; on a refusal (a conflict included) says why and shows the
        board as it is now."""
        self.message = self.done = ""
        try:
            outcome: BoardChange = change()
        except InputProblem as problem:
            self.message = str(problem)
            self._refresh(actor)
            return None
        self._select([])
        self._refresh(actor)
        self.done = outcome.message
        target = f"theme-{outcome.theme_id}" if outcome.theme_id else "board-toolbar"
        return rx.call_script(FOCUS_SCRIPT.replace("ID", target))

    @rx.event
    @public
    def tick(self, entry_id: int, ticked: bool):
        """Ticks or unticks an entry on the page; nothing is read or written."""
        if entry_id not in self._place:
            return
        chosen = [e for e in self.selected if e != entry_id]
        self._select([*chosen, entry_id] if ticked else chosen)

    @rx.event
    @public
    def clear_ticks(self):
        self._select([])

    @rx.event
    @signed_in
    def make_theme(self, actor: Actor):
        chosen = list(self.selected)
        return self._apply(
            actor,
            lambda: service.make_theme(actor, self.workshop_id_shown, chosen, self._seen([])),
        )

    @rx.event
    @signed_in
    def add_to_theme(self, actor: Actor, form: dict[str, Any]):
        theme_id = id_number(form.get("theme_id", ""))
        chosen = list(self.selected)
        if not theme_id:
            self.message = "Choose the theme to add the ticked entries to."
            return None
        return self._apply(
            actor,
            lambda: service.add_to_theme(
                actor, self.workshop_id_shown, chosen, theme_id, self._seen([theme_id])
            ),
        )

    @rx.event
    @signed_in
    def take_out(self, actor: Actor):
        chosen = list(self.selected)
        return self._apply(
            actor, lambda: service.take_out(actor, self.workshop_id_shown, chosen, self._seen([]))
        )

    @rx.event
    @signed_in
    def split_theme(self, actor: Actor, theme_id: int):
        chosen = list(self.selected)
        return self._apply(
            actor,
            lambda: service.split_theme(
                actor, self.workshop_id_shown, theme_id, chosen, self._seen([theme_id])
            ),
        )

    @rx.event
    @signed_in
    def merge_themes(self, actor: Actor, form: dict[str, Any]):
        into, other = id_number(form.get("theme_id", "")), id_number(form.get("other_id", ""))
        if not other:
            self.message = "Choose the theme to merge into this one."
            return None
        return self._apply(
            actor,
            lambda: service.merge_themes(
                actor, self.workshop_id_shown, into, [other], self._seen([into, other])
            ),
        )

    @rx.event
    @public
    def start_statement(self, theme_id: int):
        """The facilitator began editing a theme's statement: the version the screen shows now
        is the one the statement is written on, however long the typing takes. Nothing is read
        or written."""
        if theme_id in self._versions and self.editing_theme != theme_id:
            self.editing_theme, self.editing_version = theme_id, self._versions[theme_id]

    @rx.event
    @signed_in
    def save_statement(self, actor: Actor, form: dict[str, Any]):
        # A change someone made while this statement was typed refuses it, rather than being
        # overwritten by words written about the theme as it was.
        theme_id = id_number(form.get("theme_id", ""))
        version = self.editing_version if self.editing_theme == theme_id else 0
        seen = {theme_id: version or self._versions.get(theme_id, 0)}
        statement = str(form.get("statement", ""))
        self.editing_theme = self.editing_version = 0
        return self._apply(
            actor,
            lambda: service.set_statement(actor, self.workshop_id_shown, theme_id, statement, seen),
        )

    @rx.event
    @signed_in
    def save_conditions(self, actor: Actor, form: dict[str, Any]):
        theme_id = id_number(form.get("theme_id", ""))
        chosen = [key.removeprefix("condition_") for key in form if key.startswith("condition_")]
        return self._apply(
            actor,
            lambda: service.set_conditions(
                actor, self.workshop_id_shown, theme_id, chosen, self._seen([theme_id])
            ),
        )

    @rx.event
    @public
    def ask_to_delete(self, theme_id: int, title: str):
        # Only opens the dialog, with the words already on the page; deleting checks again.
        self.deleting_theme = theme_id if theme_id in self._versions else 0
        self.deleting_title = title

    @rx.event
    @public
    def delete_dialog_changed(self, open_: bool):
        if not open_:  # cancelled: the button, Escape or a click outside
            self.deleting_theme = 0

    @rx.event
    @signed_in
    def delete_theme(self, actor: Actor):
        theme_id, self.deleting_theme = self.deleting_theme, 0
        return self._apply(
            actor,
            lambda: service.delete_theme(
                actor, self.workshop_id_shown, theme_id, self._seen([theme_id])
            ),
        )


# ---- the page ---------------------------------------------------------------------------------


def _entry(entry) -> rx.Component:
    """An entry as a real checkbox inside its label: the words are part of the target."""
    box_id = "entry-" + entry.id.to_string()
    return rx.el.li(
        rx.el.input(
            type="checkbox",
            id=box_id,
            checked=BoardState.selected.contains(entry.id),
            on_change=lambda ticked: BoardState.tick(entry.id, ticked),
        ),
        rx.el.label(
            rx.el.span(entry.text, class_name="entry-text"),
            rx.el.span(
                entry.channel,
                rx.cond(entry.perspective != "", " · " + entry.perspective, ""),
                class_name="entry-facts",
            ),
            html_for=box_id,
        ),
        class_name="board-entry",
    )


def _toolbar() -> rx.Component:
    count = BoardState.selected.length()
    return rx.el.section(
        rx.el.h2("Ticked entries", class_name="visually-hidden"),
        rx.el.p(
            rx.cond(
                count == 0,
                "Tick entries below, then choose what to do with them.",
                rx.cond(count == 1, "1 entry ticked", count.to_string() + " entries ticked"),
            ),
            id="board-toolbar",
            tab_index=-1,
            class_name="toolbar-count",
        ),
        rx.hstack(
            rx.button(
                "Make a theme",
                on_click=BoardState.make_theme,
                disabled=count == 0,
                type="button",
            ),
            rx.el.form(
                rx.el.label("Add to theme", html_for="add-to-theme", class_name="inline-label"),
                rx.el.select(
                    rx.el.option("Choose a theme…", value=""),
                    rx.foreach(
                        BoardState.add_choices,
                        lambda c: rx.el.option(c.label, value=c.value),
                    ),
                    id="add-to-theme",
                    name="theme_id",
                    disabled=BoardState.add_choices.length() == 0,
                    class_name="text-input",
                ),
                rx.button(
                    "Add",
                    type="submit",
                    variant="surface",
                    disabled=BoardState.add_choices.length() == 0,
                ),
                on_submit=BoardState.add_to_theme,
                class_name="inline-form",
            ),
            rx.button(
                "Take out of theme",
                on_click=BoardState.take_out,
                disabled=BoardState.ticked_themes.length() == 0,
                variant="surface",
                type="button",
            ),
            rx.button(
                "Untick all",
                on_click=BoardState.clear_ticks,
                disabled=count == 0,
                variant="ghost",
                type="button",
            ),
            wrap="wrap",
            spacing="3",
            align="center",
        ),
        rx.cond(
            (count > 0) & (BoardState.selected_kind == ""),
            rx.text(
                "The ticked entries are of different kinds: a theme holds one kind, so you "
                "can make a theme but not add them to one.",
                size="2",
            ),
        ),
        class_name="board-toolbar",
        aria_label="Ticked entries",
    )


def _statement_form(theme) -> rx.Component:
    field_id = "statement-" + theme.id.to_string()
    # Drawn afresh when the theme changes, except while its statement is being typed, so
    # another facilitator's change shows at once without wiping words being written.
    shown_version = rx.cond(
        BoardState.editing_theme == theme.id, BoardState.editing_version, theme.version
    )
    return rx.el.form(
        rx.el.input(type="hidden", name="theme_id", value=theme.id.to_string()),
        rx.el.label("“I” or “We” statement", html_for=field_id),
        rx.el.input(
            id=field_id,
            name="statement",
            default_value=theme.statement,
            max_length=200,
            placeholder="I want…  /  We want…",
            class_name="text-input",
            aria_describedby="statement-hint",
            on_focus=BoardState.start_statement(theme.id),
        ),
        rx.button("Save statement", type="submit", size="2", variant="surface"),
        on_submit=BoardState.save_statement,
        class_name="theme-form",
        key="statement-" + theme.id.to_string() + "-" + shown_version.to_string(),
    )


def _conditions_form(theme) -> rx.Component:
    return rx.el.details(
        rx.el.summary("Culture model conditions"),
        rx.el.form(
            rx.el.input(type="hidden", name="theme_id", value=theme.id.to_string()),
            rx.el.fieldset(
                rx.el.legend("What this theme points at"),
                rx.foreach(
                    BoardState.view.conditions,
                    lambda c: rx.el.label(
                        rx.el.input(
                            type="checkbox",
                            name="condition_" + c.id,
                            default_checked=theme.condition_ids.contains(c.id),
                        ),
                        " ",
                        c.name,
                        class_name="tick",
                    ),
                ),
            ),
            rx.button("Save conditions", type="submit", size="2", variant="surface"),
            on_submit=BoardState.save_conditions,
            key="conditions-" + theme.id.to_string() + "-" + theme.version.to_string(),
        ),
        class_name="theme-conditions",
    )


def _merge_form(theme, column) -> rx.Component:
    select_id = "merge-" + theme.id.to_string()
    return rx.el.form(
        rx.el.input(type="hidden", name="theme_id", value=theme.id.to_string()),
        rx.el.label("Merge another theme into this one", html_for=select_id),
        rx.el.select(
            rx.el.option("Choose a theme…", value=""),
            rx.foreach(
                column.themes,
                lambda other: rx.cond(
                    other.id != theme.id,
                    rx.el.option(other.title, value=other.id.to_string()),
                ),
            ),
            id=select_id,
            name="other_id",
            class_name="text-input",
        ),
        rx.button("Merge", type="submit", size="2", variant="surface"),
        on_submit=BoardState.merge_themes,
        class_name="theme-form",
    )


def _theme(theme, column) -> rx.Component:
    heading_id = "theme-" + theme.id.to_string()
    return rx.el.article(
        rx.el.h3(
            rx.cond(theme.statement != "", "“" + theme.statement + "”", "No statement yet"),
            id=heading_id,
            tab_index=-1,
            class_name=rx.cond(theme.statement != "", "theme-title", "theme-title untitled"),
        ),
        rx.cond(
            theme.condition_names.length() > 0,
            rx.el.p("Points at: ", theme.condition_names.join(", "), class_name="theme-tags"),
        ),
        rx.el.ul(rx.foreach(theme["entries"], _entry), class_name="entry-list"),
        rx.cond(BoardState.may_edit, _theme_actions(theme, column)),
        class_name="theme-card",
        aria_labelledby=heading_id,
    )


def _theme_actions(theme, column) -> rx.Component:
    return rx.fragment(
        _statement_form(theme),
        _conditions_form(theme),
        rx.cond(column.themes.length() > 1, _merge_form(theme, column)),
        rx.hstack(
            rx.button(
                "Split ticked entries off",
                on_click=BoardState.split_theme(theme.id),
                disabled=~BoardState.ticked_themes.contains(theme.id),
                size="2",
                variant="surface",
                type="button",
            ),
            rx.button(
                "Delete theme",
                on_click=BoardState.ask_to_delete(theme.id, theme.title),
                size="2",
                variant="surface",
                type="button",
            ),
            spacing="2",
            wrap="wrap",
        ),
    )


def _column(column) -> rx.Component:
    heading_id = "kind-" + column.kind
    return rx.el.section(
        rx.el.h2(column.label, " (", column.entry_count.to_string(), ")", id=heading_id),
        rx.el.div(
            rx.el.h3("Not in a theme yet (", column.unthemed.length().to_string(), ")"),
            rx.cond(
                column.unthemed.length() > 0,
                rx.el.ul(rx.foreach(column.unthemed, _entry), class_name="entry-list"),
                rx.text("Every entry of this kind is in a theme.", size="2"),
            ),
            class_name="unthemed",
        ),
        rx.foreach(column.themes, lambda theme: _theme(theme, column)),
        class_name="board-column",
        aria_labelledby=heading_id,
    )


def _delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this theme?"),
            rx.alert_dialog.description(
                "The theme “" + BoardState.deleting_title + "” will go, with its statement "
                "and conditions. Its entries are not lost: they go back to “Not in a theme "
                "yet”, where you can theme them again."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft")),
                rx.alert_dialog.action(
                    rx.button(
                        "Yes, delete the theme",
                        color_scheme="red",
                        on_click=BoardState.delete_theme,
                    )
                ),
                justify="end",
                spacing="3",
                margin_top="1em",
            ),
        ),
        open=BoardState.deleting_theme > 0,
        on_open_change=BoardState.delete_dialog_changed,
    )


def board_page() -> rx.Component:
    return workshop_frame(
        BoardState,
        routes.WORKSHOP_BOARD,
        rx.el.p(
            "Tick entries that say the same thing and make a theme of them. Give each theme an "
            "“I” or “We” statement in the participants' own words, for example “I want to "
            "connect with people like me”. Other facilitators' changes appear here within "
            "two seconds.",
            id="statement-hint",
        ),
        rx.el.p(BoardState.done, aria_live="polite", class_name="board-done"),
        shown_if(BoardState.message != "", notice(BoardState.message)),
        rx.cond(
            BoardState.view,
            rx.fragment(
                rx.cond(BoardState.may_edit, _toolbar()),
                rx.el.div(
                    rx.foreach(BoardState.view.columns, _column),
                    class_name="board-columns",
                ),
                _delete_dialog(),
            ),
            rx.text("Loading the board…"),
        ),
    )
