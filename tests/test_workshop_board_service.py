"""Collecting entries and theming them (services/workshop_board.py), on SQLite and PostgreSQL:
every operation as a facilitator would use it, the revision raised by each write, a stale edit
from a second facilitator refused whole with the domain's message, and no entry ever lost or
duplicated. Who may do what is in tests/test_handlers.py; the file import in
tests/test_workshop_import.py."""

from __future__ import annotations

import pytest
from people import leader, make_person
from sqlalchemy import select
from workshop_people import facilitator_of, make_workshop

from culturetool.domain.access import Forbidden, Role
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.workshop.board import Conflict
from culturetool.domain.workshop.intake import EntryProblems
from culturetool.services import workshop_board as board
from culturetool.services.workshops import revision_of
from culturetool.store.db import transaction
from culturetool.store.tables import AuditEvent, WorkshopEntry, WorkshopSuccess

WELL, NOT_WELL, FUTURE = "working_well", "not_working_well", "future"

pytestmark = pytest.mark.db


@pytest.fixture
def url(database) -> str:  # on SQLite and on PostgreSQL (conftest.py)
    return database


def typed(actor, workshop_id, kind, *texts) -> list[int]:
    return [board.add_entry(actor, workshop_id, kind, "paper", "carers", t) for t in texts]


def theme_card(view: board.BoardView, theme_id: int) -> board.ThemeCard:
    return next(t for c in view.columns for t in c.themes if t.id == theme_id)


def seen(view: board.BoardView, *theme_ids: int) -> dict[int, int]:
    """The versions of the themes as the facilitator's screen showed them."""
    return {theme_id: theme_card(view, theme_id).version for theme_id in theme_ids}


def placed(view: board.BoardView) -> list[tuple[int, int]]:
    """Every entry on the board with where it is (0: unthemed), each once per place shown."""
    return sorted(
        [(e.id, 0) for c in view.columns for e in c.unthemed]
        + [(e.id, t.id) for c in view.columns for t in c.themes for e in t.entries]
    )


def stored_entries(workshop_id: int) -> list[tuple[int, str, int | None]]:
    with transaction() as session:
        return [
            (row.id, row.text, row.theme_id)
            for row in session.scalars(
                select(WorkshopEntry)
                .where(WorkshopEntry.workshop_id == workshop_id)
                .order_by(WorkshopEntry.id)
            )
        ]


def test_entries_typed_and_pasted_count_in_the_reach(url):
    workshop_id = make_workshop()
    anna = facilitator_of(workshop_id)
    before = revision_of(anna, workshop_id)
    board.add_entry(anna, workshop_id, WELL, "online", "people", "I like my carers")
    board.add_entry(anna, workshop_id, NOT_WELL, "telephone", None, "Nobody calls me back")
    assert revision_of(anna, workshop_id) == before + 2
    pasted = board.add_pasted(
        anna, workshop_id, FUTURE, "paper", "carers", "A break when I need it\n\n  Being heard \n"
    )
    assert pasted == 2
    reach = board.reach(anna, workshop_id)
    assert reach.total == 4
    assert [(c.label, c.count) for c in reach.by_kind] == [
        ("Working well", 1),
        ("Not working well", 1),
        ("Important for the future", 2),
    ]
    assert {c.label: c.count for c in reach.by_channel}["Paper"] == 2
    perspectives = {c.label: c.count for c in reach.by_perspective}
    assert perspectives["Carers and family"] == 2
    assert perspectives["No perspective given"] == 1
    assert perspectives["Staff"] == 0
    texts = [e.text for e in board.board_view(anna, workshop_id).columns[2].unthemed]
    assert texts == ["A break when I need it", "Being heard"]


def test_a_perspective_not_taking_part_or_a_bad_paste_saves_nothing(url):
    workshop_id = make_workshop()
    anna = facilitator_of(workshop_id)
    with pytest.raises(InputProblem, match="perspectives taking part"):
        board.add_entry(anna, workshop_id, WELL, "paper", "commissioners", "Good")
    with pytest.raises(InputProblem, match="what the entry is about"):
        board.add_entry(anna, workshop_id, "nonsense", "paper", None, "Good")
    with pytest.raises(EntryProblems, match="Line 2"):
        board.add_pasted(anna, workshop_id, WELL, "paper", None, "Fine\n" + "x" * 600)
    assert stored_entries(workshop_id) == []


def test_redacting_keeps_only_the_new_words_and_audits_without_them(url):
    workshop_id = make_workshop()
    anna = facilitator_of(workshop_id)
    (entry_id,) = typed(anna, workshop_id, WELL, "Mrs Patel at the day centre helped me")
    board.redact_entry(anna, workshop_id, entry_id, "[name] at the day centre helped me")
    assert stored_entries(workshop_id) == [(entry_id, "[name] at the day centre helped me", None)]
    with transaction() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "workshop entry redacted")
        ).all()
        assert len(events) == 1 and "Patel" not in events[0].detail
    with pytest.raises(InputProblem, match="reads the same"):
        board.redact_entry(anna, workshop_id, entry_id, "[name] at the day centre helped me")


@pytest.mark.sqlite_only("reads the free pages of the SQLite file (secure_delete)")
def test_redacted_words_are_not_left_in_the_sqlite_file(database):
    workshop_id = make_workshop()
    anna = facilitator_of(workshop_id)
    (entry_id,) = typed(anna, workshop_id, WELL, "Zebedee Quartermaine-Fox helped me")
    board.redact_entry(anna, workshop_id, entry_id, "[name] helped me")
    path = database.removeprefix("sqlite:///")
    with open(path, "rb") as file:
        assert b"Quartermaine" not in file.read()


def test_each_board_operation_keeps_every_entry_once(url, model):
    workshop_id = make_workshop()
    anna = facilitator_of(workshop_id)
    entries = typed(anna, workshop_id, NOT_WELL, "Waiting", "Forms", "Phones", "Letters", "Stairs")
    typed(anna, workshop_id, WELL, "Kind staff")
    everyone = {e for e, _ in placed(board.board_view(anna, workshop_id))}

    def check() -> board.BoardView:
        view = board.board_view(anna, workshop_id)
        assert sorted(e for e, _ in placed(view)) == sorted(everyone)  # each exactly once
        return view

    made = board.make_theme(anna, workshop_id, entries[:2], {})
    assert made.message == "Theme made with 2 entries."
    first = made.theme_id
    view = check()
    assert [e.id for e in theme_card(view, first).entries] == entries[:2]

    second = board.make_theme(anna, workshop_id, entries[2:3], {}).theme_id
    view = check()
    board.add_to_theme(anna, workshop_id, [entries[3]], second, seen(view, second))
    view = check()
    # Moving an entry from one theme to another
    board.add_to_theme(anna, workshop_id, [entries[0]], second, seen(view, first, second))
    view = check()
    assert [e.id for e in theme_card(view, second).entries] == [entries[0], *entries[2:4]]

    board.set_statement(anna, workshop_id, second, "We want to be called back", seen(view, second))
    view = check()
    with pytest.raises(InputProblem, match="with I, me, my, we, us or our"):
        board.set_statement(anna, workshop_id, second, "Calling back", seen(view, second))
    condition = model.conditions[0]
    board.set_conditions(anna, workshop_id, second, [condition.id], seen(view, second))
    view = check()
    card = theme_card(view, second)
    assert card.statement == "We want to be called back"
    assert card.condition_names == [condition.name]
    with pytest.raises(InputProblem, match="no condition"):
        board.set_conditions(anna, workshop_id, second, ["made-up"], seen(view, second))

    split = board.split_theme(anna, workshop_id, second, [entries[3]], seen(view, second))
    view = check()
    assert [e.id for e in theme_card(view, split.theme_id).entries] == [entries[3]]

    board.merge_themes(anna, workshop_id, second, [first, split.theme_id], seen(
        view, first, second, split.theme_id
    ))  # fmt: skip
    view = check()
    assert [t.id for t in view.columns[1].themes] == [second]
    assert len(theme_card(view, second).entries) == 4

    board.take_out(anna, workshop_id, [entries[2]], seen(view, second))
    view = check()
    assert entries[2] in [e.id for e in view.columns[1].unthemed]
    with pytest.raises(InputProblem, match="nothing to take out"):
        board.take_out(anna, workshop_id, [entries[2]], {})

    deleted = board.delete_theme(anna, workshop_id, second, seen(view, second))
    assert "unthemed again" in deleted.message
    view = check()
    assert not view.columns[1].themes
    assert [e.id for e in view.columns[1].unthemed] == entries


def test_a_stale_edit_from_another_facilitator_is_refused_and_writes_nothing(url):
    workshop_id = make_workshop()
    anna, ben = facilitator_of(workshop_id), facilitator_of(workshop_id)
    entries = typed(anna, workshop_id, NOT_WELL, "Waiting", "Forms", "Phones")
    theme = board.make_theme(anna, workshop_id, entries[:2], {}).theme_id
    annas_screen = board.board_view(anna, workshop_id)
    bens_screen = board.board_view(ben, workshop_id)

    board.add_to_theme(ben, workshop_id, [entries[2]], theme, seen(bens_screen, theme))
    after_ben = board.board_view(ben, workshop_id)
    stored = stored_entries(workshop_id)
    revision = revision_of(anna, workshop_id)

    with pytest.raises(Conflict, match="Another facilitator has just changed"):
        board.set_statement(anna, workshop_id, theme, "I want answers", seen(annas_screen, theme))
    with pytest.raises(Conflict, match="make yours again"):
        board.take_out(anna, workshop_id, [entries[0]], seen(annas_screen, theme))
    # An entry Anna saw unthemed that Ben has since put in the theme
    with pytest.raises(Conflict):
        board.make_theme(anna, workshop_id, [entries[2]], {})

    assert stored_entries(workshop_id) == stored  # Ben's move stands, nothing of Anna's landed
    assert placed(board.board_view(anna, workshop_id)) == placed(after_ben)
    assert theme_card(after_ben, theme).statement == ""
    assert revision_of(anna, workshop_id) == revision

    # Redone on the board as it is now, Anna's edit lands.
    board.set_statement(anna, workshop_id, theme, "I want answers", seen(after_ben, theme))


def test_a_theme_merged_away_meanwhile_is_a_conflict_too(url):
    workshop_id = make_workshop()
    anna, ben = facilitator_of(workshop_id), facilitator_of(workshop_id)
    entries = typed(anna, workshop_id, WELL, "Kind staff", "Good food", "Garden")
    first = board.make_theme(anna, workshop_id, entries[:1], {}).theme_id
    second = board.make_theme(anna, workshop_id, entries[1:2], {}).theme_id
    screen = board.board_view(anna, workshop_id)
    board.merge_themes(ben, workshop_id, first, [second], seen(screen, first, second))
    with pytest.raises(Conflict, match="merged or deleted"):
        board.add_to_theme(anna, workshop_id, entries[2:], second, seen(screen, second))
    assert [e for e, _ in placed(board.board_view(anna, workshop_id))] == entries


def test_who_may_write_and_read(url):
    workshop_id = make_workshop()
    other_workshop = make_workshop("Young carers")
    outsider = facilitator_of(other_workshop)
    anna = facilitator_of(workshop_id)
    typed(anna, workshop_id, WELL, "Kind staff")
    with pytest.raises(Forbidden):
        board.add_entry(outsider, workshop_id, WELL, "paper", None, "Sneaky")
    with pytest.raises(Forbidden):
        board.board_view(outsider, workshop_id)
    with pytest.raises(Forbidden):
        board.add_entry(leader(), workshop_id, WELL, "paper", None, "Leaders read only")
    assert board.board_view(leader(), workshop_id).entry_count == 1
    assert board.reach(make_person(Role.INNOVATION), workshop_id).total == 1
    (elsewhere,) = typed(outsider, other_workshop, WELL, "Their entry")
    with pytest.raises(NotFound):  # another workshop's entry, reached through one's own
        board.redact_entry(anna, workshop_id, elsewhere, "x")
    assert len(stored_entries(workshop_id)) == 1
    assert stored_entries(other_workshop)[0][1] == "Their entry"


def test_a_theme_with_success_statements_is_not_deleted_or_merged_away(url):
    workshop_id = make_workshop()
    anna = facilitator_of(workshop_id)
    entries = typed(anna, workshop_id, NOT_WELL, "Waiting", "Forms")
    first = board.make_theme(anna, workshop_id, entries[:1], {}).theme_id
    second = board.make_theme(anna, workshop_id, entries[1:], {}).theme_id
    with transaction() as session:
        session.add(WorkshopSuccess(theme_id=second, perspective="carers", text="We are heard"))
    view = board.board_view(anna, workshop_id)
    with pytest.raises(InputProblem, match="already has votes or success statements"):
        board.delete_theme(anna, workshop_id, second, seen(view, second))
    with pytest.raises(InputProblem, match="already has votes or success statements"):
        board.merge_themes(anna, workshop_id, first, [second], seen(view, first, second))
    assert placed(board.board_view(anna, workshop_id)) == placed(view)
