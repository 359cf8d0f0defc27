"""Stages 2 and 3 of a workshop: collecting entries (typed, pasted, imported from a spreadsheet),
redacting them, the reach, and the theme board that several facilitators edit at once.

Each function is one transaction. Facilitators assigned to the workshop write (`RUN_WORKSHOPS`);
the roles that read workshops read (`services.workshops.workshop_to_read`). Every write raises
the workshop's revision in the same transaction, so every open page sees within a poll that it
is out of date.

Board operations take `seen`: theme id → the version the facilitator's screen showed, for the
themes the operation involves (where the chosen entries are, and where they go). The domain
refuses an edit made on an out-of-date screen, and the store refuses one overtaken by another
facilitator's commit between load and save; either way `Conflict` rolls back the whole
transaction, so nothing of the stale edit is written and nothing of the other one is undone.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from culturetool.domain.access import Actor, Permission
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import member_of
from culturetool.domain.team_import import kilobytes, shown_name
from culturetool.domain.wording import count_of
from culturetool.domain.workshop import intake
from culturetool.domain.workshop.board import Board, Theme
from culturetool.domain.workshop.intake import EntryProblems, ImportReport
from culturetool.domain.workshop.kinds import Channel, EntryKind, Perspective
from culturetool.domain.workshop.stages import check_perspective, perspective_label
from culturetool.services.model_provider import current_model
from culturetool.services.reach import workshop_in_reach
from culturetool.services.spreadsheet_files import csv_rows, xlsx_rows
from culturetool.services.workshops import touch, workshop_to_read
from culturetool.store import repository as repo
from culturetool.store import workshops as store
from culturetool.store.db import transaction
from culturetool.store.tables import Workshop, WorkshopEntry, WorkshopPerspective

# The largest file one import takes. 2,000 entries (intake.MAX_IMPORTED_ENTRIES) of a sentence
# or two fit in a few hundred kilobytes of CSV, and in far less as XLSX, which is zipped.
IMPORT_MAX_BYTES = 512 * 1024
IMPORT_KINDS = (".csv", ".xlsx")
TEMPLATE_NAME = "workshop-entries.csv"
NEW_THEME = -1  # the provisional id the domain gets; the store gives the real one
THEME_IN_USE = (
    "That theme already has votes or success statements, so it cannot be deleted or merged "
    "into another. Edit its statement or entries instead."
)


# ---- what the pages get back -----------------------------------------------------------------


@dataclass
class EntryCard:
    id: int
    text: str
    kind: str
    channel: str  # its label
    perspective: str  # its label; "" when none was given
    theme_id: int  # 0: unthemed


@dataclass
class ThemeCard:
    id: int
    kind: str
    statement: str  # "" until someone writes it
    title: str  # how lists and messages name it: its statement, or that it has none yet
    condition_ids: list[str]
    condition_names: list[str]  # in the model's order
    version: int
    entries: list[EntryCard] = field(default_factory=list)


@dataclass
class KindColumn:
    kind: str
    label: str
    unthemed: list[EntryCard] = field(default_factory=list)
    themes: list[ThemeCard] = field(default_factory=list)
    entry_count: int = 0


@dataclass
class ConditionChoice:
    id: str
    name: str


@dataclass
class BoardView:
    workshop_id: int
    title: str
    revision: int
    columns: list[KindColumn]
    conditions: list[ConditionChoice]  # the culture model's, in its order
    entry_count: int


@dataclass
class Count:
    label: str
    count: int


@dataclass
class Reach:
    total: int
    by_kind: list[Count]
    by_channel: list[Count]
    by_perspective: list[Count]  # the workshop's perspectives, then "No perspective given"


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class CollectChoices:
    """What the entry forms offer: the kinds, the channels and the perspectives taking part."""

    kinds: list[Choice]
    channels: list[Choice]
    perspectives: list[Choice]
    max_size: str
    template: str


@dataclass(frozen=True)
class BoardChange:
    """What an operation did, in words for the page to announce, and the theme to put the
    facilitator's focus on afterwards (0: none)."""

    message: str
    theme_id: int = 0


# ---- collecting -------------------------------------------------------------------------------


def _writable(session: Session, actor: Actor, workshop_id: int) -> Workshop:
    return workshop_in_reach(session, actor, workshop_id, Permission.RUN_WORKSHOPS)


def _perspectives(session: Session, workshop_id: int) -> dict[str, str]:
    """The perspectives taking part: key → label, the named ones in their usual order, then
    the ones the workshop added, by name."""
    keys = session.scalars(
        select(WorkshopPerspective.key).where(WorkshopPerspective.workshop_id == workshop_id)
    )
    named = list(Perspective)

    def order(key: str) -> tuple[int, str]:
        member = member_of(Perspective, key)
        return (named.index(member) if member else len(named), key.casefold())

    return {key: perspective_label(key) for key in sorted(keys, key=order)}


def _kind(raw: str) -> EntryKind:
    kind = member_of(EntryKind, raw)
    if kind is None:
        raise InputProblem(
            "Choose what the entry is about: working well, not working well or important for "
            "the future."
        )
    return kind


def _channel(raw: str) -> Channel:
    channel = member_of(Channel, raw)
    if channel is None:
        raise InputProblem("Choose how the entry reached you (online, paper, a visit...).")
    return channel


def _perspective(session: Session, workshop_id: int, raw: str | None) -> str | None:
    if not raw:
        return None
    return check_perspective(raw, _perspectives(session, workshop_id))


def collect_choices(actor: Actor, workshop_id: int) -> CollectChoices:
    with transaction() as session:
        workshop_to_read(session, actor, workshop_id)
        return CollectChoices(
            kinds=[Choice(kind.value, kind.label) for kind in EntryKind],
            channels=[Choice(channel.value, channel.label) for channel in Channel],
            perspectives=[
                Choice(key, label) for key, label in _perspectives(session, workshop_id).items()
            ],
            max_size=kilobytes(IMPORT_MAX_BYTES),
            template=intake.TEMPLATE,
        )


def add_entry(
    actor: Actor, workshop_id: int, kind: str, channel: str, perspective: str | None, text: str
) -> int:
    """One entry typed by a facilitator, unthemed; its id."""
    with transaction() as session:
        workshop = _writable(session, actor, workshop_id)
        checked = (
            _kind(kind),
            _channel(channel),
            _perspective(session, workshop_id, perspective),
            intake.clean_entry(text),
        )
        (entry_id,) = store.add_entries(session, workshop_id, [checked])
        touch(session, workshop)
        return entry_id


def add_pasted(
    actor: Actor, workshop_id: int, kind: str, channel: str, perspective: str | None, text: str
) -> int:
    """Entries pasted one per line, all of one kind, channel and perspective; how many were
    saved. A line that cannot be an entry refuses the paste whole (EntryProblems)."""
    with transaction() as session:
        workshop = _writable(session, actor, workshop_id)
        entry_kind, entry_channel = _kind(kind), _channel(channel)
        entry_perspective = _perspective(session, workshop_id, perspective)
        texts = intake.pasted_entries(text)
        store.add_entries(
            session,
            workshop_id,
            [(entry_kind, entry_channel, entry_perspective, line) for line in texts],
        )
        touch(session, workshop)
        repo.record(
            session,
            actor,
            "workshop entries pasted",
            f"{count_of(len(texts), 'entry', 'entries')} pasted into “{workshop.title}”",
        )
        return len(texts)


# ---- importing from a spreadsheet -------------------------------------------------------------


def _file_problem(problem: str) -> ImportReport:
    return ImportReport((problem,), ())


def _report(session: Session, workshop_id: int, filename: str, data: bytes) -> ImportReport:
    name = filename.lower()
    if len(data) > IMPORT_MAX_BYTES:
        return _file_problem(
            f"The file is too large: one import can take {kilobytes(IMPORT_MAX_BYTES)} at "
            "most. Split it into smaller files."
        )
    if name.endswith(".csv"):
        rows: list[Sequence[object]] | str = csv_rows(data)
    elif name.endswith(".xlsx"):
        rows = xlsx_rows(data)
    else:
        return _file_problem(
            f"“{shown_name(filename)}” is not a CSV file or an Excel workbook (.xlsx). Save it "
            "as one of those and choose it again."
        )
    if isinstance(rows, str):
        return _file_problem(rows)
    return intake.entry_rows(rows, _perspectives(session, workshop_id))


def explain_refused_file(actor: Actor, workshop_id: int, name: str, reasons: str) -> list[str]:
    """What to fix about a file the browser would not send (reasons: react-dropzone's codes)."""
    with transaction() as session:
        _writable(session, actor, workshop_id)
    shown = shown_name(name)
    if "file-too-large" in reasons:
        return [
            f"“{shown}” is too large: one import can take {kilobytes(IMPORT_MAX_BYTES)} at "
            "most. Split it into smaller files."
        ]
    return [
        f"“{shown}” is not a CSV file or an Excel workbook (.xlsx). Save it as one of those "
        "and choose it again."
    ]


def check_import(actor: Actor, workshop_id: int, filename: str, data: bytes) -> ImportReport:
    """The row-by-row report on a file; saves nothing. Any problem refuses the whole file."""
    with transaction() as session:
        _writable(session, actor, workshop_id)
        return _report(session, workshop_id, filename, data)


def import_entries(actor: Actor, workshop_id: int, filename: str, data: bytes) -> int:
    """Every entry of the file, or none: the file is checked again here (nothing the page kept
    is trusted), and any problem raises EntryProblems with the whole report's problems. Returns
    how many entries were saved."""
    with transaction() as session:
        workshop = _writable(session, actor, workshop_id)
        report = _report(session, workshop_id, filename, data)
        if not report.accepted:
            raise EntryProblems(report.all_problems())
        entries = report.entries
        store.add_entries(
            session,
            workshop_id,
            [(entry.kind, entry.channel, entry.perspective, entry.text) for entry in entries],
        )
        touch(session, workshop)
        repo.record(
            session,
            actor,
            "workshop entries imported",
            f"{count_of(len(entries), 'entry', 'entries')} from {shown_name(filename)} into "
            f"“{workshop.title}”",
        )
        return len(entries)


# ---- redacting and the reach ------------------------------------------------------------------


def redact_entry(actor: Actor, workshop_id: int, entry_id: int, new_text: str) -> None:
    """The entry rewritten without a name or identifying detail. The old words are overwritten
    in place (SQLite runs with secure_delete, so freed space is zeroed); the audit event says
    which entry was redacted, never what it said."""
    with transaction() as session:
        workshop = _writable(session, actor, workshop_id)
        entry = session.get(WorkshopEntry, entry_id)
        if entry is None or entry.workshop_id != workshop_id:
            raise NotFound("That entry is not in this workshop.")
        entry.text = intake.redacted_entry(entry.text, new_text)
        touch(session, workshop)
        repo.record(
            session,
            actor,
            "workshop entry redacted",
            f"Entry {entry_id} of “{workshop.title}” was reworded to take out a name or detail",
        )


def reach(actor: Actor, workshop_id: int) -> Reach:
    """How many entries there are of each kind, from each channel and each perspective."""
    with transaction() as session:
        workshop_to_read(session, actor, workshop_id)

        def counts(column) -> dict[str | None, int]:
            return {
                value: number
                for value, number in session.execute(
                    select(column, func.count())
                    .where(WorkshopEntry.workshop_id == workshop_id)
                    .group_by(column)
                )
            }

        kinds, channels = counts(WorkshopEntry.kind), counts(WorkshopEntry.channel)
        perspectives = counts(WorkshopEntry.perspective)
        taking_part = _perspectives(session, workshop_id)
        # A perspective an entry has but the workshop no longer lists is still counted.
        by_perspective = [
            Count(label, perspectives.get(key, 0))
            for key, label in {
                **taking_part,
                **{key: perspective_label(key) for key in perspectives if key},
            }.items()
        ]
        return Reach(
            total=sum(kinds.values()),
            by_kind=[Count(kind.label, kinds.get(kind.value, 0)) for kind in EntryKind],
            by_channel=[
                Count(channel.label, channels.get(channel.value, 0)) for channel in Channel
            ],
            by_perspective=[
                *by_perspective,
                Count("No perspective given", perspectives.get(None, 0)),
            ],
        )


# ---- the board --------------------------------------------------------------------------------


def _condition_names() -> dict[str, str]:
    return {condition.id: condition.name for condition in current_model().conditions}


def board_view(actor: Actor, workshop_id: int) -> BoardView:
    """The entries by kind, each kind's themes (in the order they were made) with their
    entries, and the entries in no theme."""
    names = _condition_names()
    with transaction() as session:
        workshop = workshop_to_read(session, actor, workshop_id)
        rows = session.scalars(
            select(WorkshopEntry)
            .where(WorkshopEntry.workshop_id == workshop_id)
            .order_by(WorkshopEntry.id)
        ).all()
        board = store.load_board(session, workshop_id)
        cards = {
            row.id: EntryCard(
                id=row.id,
                text=row.text,
                kind=row.kind,
                channel=Channel(row.channel).label,
                perspective=perspective_label(row.perspective) if row.perspective else "",
                theme_id=row.theme_id or 0,
            )
            for row in rows
        }
        columns = []
        for kind in EntryKind:
            themes = [
                _theme_card(theme, cards, names)
                for theme in sorted(board.themes.values(), key=lambda t: t.id)
                if theme.kind is kind
            ]
            unthemed = [cards[entry_id] for entry_id in board.unthemed(kind)]
            columns.append(
                KindColumn(
                    kind=kind.value,
                    label=kind.label,
                    unthemed=unthemed,
                    themes=themes,
                    entry_count=len(unthemed) + sum(len(theme.entries) for theme in themes),
                )
            )
        return BoardView(
            workshop_id=workshop.id,
            title=workshop.title,
            revision=workshop.revision,
            columns=columns,
            conditions=[ConditionChoice(key, name) for key, name in names.items()],
            entry_count=len(cards),
        )


def _theme_card(
    theme: Theme, cards: Mapping[int, EntryCard], names: Mapping[str, str]
) -> ThemeCard:
    return ThemeCard(
        id=theme.id,
        kind=theme.kind.value,
        statement=theme.statement,
        title=theme.statement or f"No statement yet ({_entries(len(theme.entry_ids))})",
        condition_ids=[key for key in names if key in theme.condition_ids],
        condition_names=[name for key, name in names.items() if key in theme.condition_ids],
        version=theme.version,
        entries=[cards[entry_id] for entry_id in sorted(theme.entry_ids)],
    )


def _change(
    actor: Actor, workshop_id: int, operation: Callable[[Board], Board], audit: str = ""
) -> dict[int, int]:
    """Load the board, apply the operation, save what changed and raise the revision, in one
    transaction; provisional id → stored id of any new theme. `audit` is recorded if given."""
    try:
        with transaction() as session:
            workshop = _writable(session, actor, workshop_id)
            before = store.load_board(session, workshop_id)
            after = operation(before)
            if after == before:
                return {}
            stored = store.save_board(session, workshop_id, before, after)
            touch(session, workshop)
            if audit:
                repo.record(session, actor, audit, f"In “{workshop.title}”")
            return stored
    except IntegrityError:
        # A theme that is gone from the board (deleted, or merged into another) may not take
        # the votes or success statements recorded for it with it.
        raise InputProblem(THEME_IN_USE) from None


def _entries(number: int) -> str:
    return count_of(number, "entry", "entries")


def make_theme(
    actor: Actor, workshop_id: int, entry_ids: Collection[int], seen: Mapping[int, int]
) -> BoardChange:
    stored = _change(actor, workshop_id, lambda board: board.make_theme(entry_ids, NEW_THEME, seen))
    return BoardChange(f"Theme made with {_entries(len(set(entry_ids)))}.", stored[NEW_THEME])


def add_to_theme(
    actor: Actor,
    workshop_id: int,
    entry_ids: Collection[int],
    theme_id: int,
    seen: Mapping[int, int],
) -> BoardChange:
    """The chosen entries into the theme: unthemed ones, or ones moved from other themes."""
    _change(actor, workshop_id, lambda board: board.put_in_theme(entry_ids, theme_id, seen))
    return BoardChange(f"{_entries(len(set(entry_ids)))} now in the theme.", theme_id)


def take_out(
    actor: Actor, workshop_id: int, entry_ids: Collection[int], seen: Mapping[int, int]
) -> BoardChange:
    def take_out_of_themes(board: Board) -> Board:
        if all(board.theme_of(entry_id) is None for entry_id in entry_ids):
            raise InputProblem(
                "None of the ticked entries is in a theme: there is nothing to take out."
            )
        return board.take_out(entry_ids, seen)

    _change(actor, workshop_id, take_out_of_themes)
    number = len(set(entry_ids))
    return BoardChange(
        f"{_entries(number)} taken out of {'its theme' if number == 1 else 'their themes'}; "
        f"{'it is' if number == 1 else 'they are'} unthemed now."
    )


def merge_themes(
    actor: Actor, workshop_id: int, into: int, others: Collection[int], seen: Mapping[int, int]
) -> BoardChange:
    _change(actor, workshop_id, lambda board: board.merge(into, others, seen))
    return BoardChange("Themes merged: the entries are all in one theme now.", into)


def split_theme(
    actor: Actor,
    workshop_id: int,
    theme_id: int,
    entry_ids: Collection[int],
    seen: Mapping[int, int],
) -> BoardChange:
    stored = _change(
        actor, workshop_id, lambda board: board.split(theme_id, entry_ids, NEW_THEME, seen)
    )
    return BoardChange(
        f"{_entries(len(set(entry_ids)))} split off into a new theme.", stored[NEW_THEME]
    )


def delete_theme(
    actor: Actor, workshop_id: int, theme_id: int, seen: Mapping[int, int]
) -> BoardChange:
    """The theme gone; its entries unthemed again, never lost."""
    _change(
        actor,
        workshop_id,
        lambda board: board.delete_theme(theme_id, seen),
        audit="workshop theme deleted",
    )
    return BoardChange("Theme deleted; its entries are unthemed again.")


def set_statement(
    actor: Actor, workshop_id: int, theme_id: int, statement: str, seen: Mapping[int, int]
) -> BoardChange:
    _change(actor, workshop_id, lambda board: board.set_statement(theme_id, statement, seen))
    return BoardChange("Statement saved.", theme_id)


def set_conditions(
    actor: Actor,
    workshop_id: int,
    theme_id: int,
    condition_ids: Iterable[str],
    seen: Mapping[int, int],
) -> BoardChange:
    known = _condition_names()
    chosen = list(condition_ids)
    _change(
        actor,
        workshop_id,
        lambda board: board.set_conditions(theme_id, chosen, known, seen),
    )
    count = len(set(chosen))
    return BoardChange(
        f"Theme tagged with {count_of(count, 'condition', 'conditions')}."
        if count
        else "Theme has no conditions now.",
        theme_id,
    )
