"""The workshop store (store/workshops.py) on SQLite and on PostgreSQL: a board saved and loaded
back as it was, two facilitators' edits to different themes both landing, a stale edit to the
same theme refused whole, ballots kept within the budget, and ballots stored with nothing that
tells a device or a time."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from culturetool.domain.errors import InputProblem
from culturetool.domain.workshop.board import Board, Conflict
from culturetool.domain.workshop.kinds import Channel, EntryKind, Stage, VotingState
from culturetool.domain.workshop.votes import VotingNotOpen
from culturetool.store import db
from culturetool.store import workshops as store
from culturetool.store.migrate import alembic_config, upgrade
from culturetool.store.tables import (
    Area,
    Base,
    Organisation,
    PlanAction,
    Workshop,
    WorkshopDay,
    WorkshopTheme,
)

pytestmark = pytest.mark.db  # the PostgreSQL databases are made by hand

WELL, NOT_WELL = EntryKind.WORKING_WELL, EntryKind.NOT_WORKING_WELL
WORKSHOP_TABLES = {table.name for table in Base.metadata.sorted_tables if "workshop" in table.name}


@pytest.fixture
def url(database) -> str:  # on SQLite and on PostgreSQL (conftest.py)
    return database


def make_workshop(url: str, budget: int = 3, per_theme: int = 2) -> int:
    with db.transaction(url) as session:
        organisation = Organisation(name="Shirebrook County Council")
        session.add(organisation)
        session.flush()
        area = Area(organisation_id=organisation.id, name="Adult social care")
        session.add(area)
        session.flush()
        workshop = Workshop(
            organisation_id=organisation.id,
            area_id=area.id,
            title="Carers' voices",
            vote_budget=budget,
            votes_per_theme=per_theme,
            stage=Stage.THEME.value,
        )
        session.add(workshop)
        session.flush()
        session.add(WorkshopDay(workshop_id=workshop.id, day=dt.date(2026, 3, 12)))
        return workshop.id


def add_entries(url: str, workshop_id: int, *kinds: EntryKind) -> list[int]:
    with db.transaction(url) as session:
        return store.add_entries(
            session,
            workshop_id,
            [(kind, Channel.PAPER, "carers", f"Entry {n}") for n, kind in enumerate(kinds)],
        )


def load(url: str, workshop_id: int) -> Board:
    with db.transaction(url) as session:
        return store.load_board(session, workshop_id)


def save(url: str, workshop_id: int, before: Board, after: Board) -> dict[int, int]:
    with db.transaction(url) as session:
        return store.save_board(session, workshop_id, before, after)


def seen(board: Board, *theme_ids: int) -> dict[int, int]:
    """The versions of the themes as a facilitator's screen showed them."""
    return {theme_id: board.themes[theme_id].version for theme_id in theme_ids}


def two_themes(url: str) -> tuple[int, int, int, list[int]]:
    """A workshop with two saved themes of what is not working well (two entries each) and
    two unthemed entries: its id, the themes' ids and the entries' ids."""
    workshop_id = make_workshop(url)
    entries = add_entries(url, workshop_id, *[NOT_WELL] * 6)
    board = load(url, workshop_id)
    first = board.make_theme(entries[:2], new_id=-1, seen={})
    both = first.make_theme(entries[2:4], new_id=-2, seen={})
    stored = save(url, workshop_id, board, both)
    return workshop_id, stored[-1], stored[-2], entries


def test_a_board_is_loaded_back_as_it_was_saved(url):
    workshop_id = make_workshop(url)
    entries = add_entries(url, workshop_id, WELL, WELL, NOT_WELL, NOT_WELL, EntryKind.FUTURE)
    empty = load(url, workshop_id)
    assert empty.unthemed() == entries and not empty.themes

    themed = empty.make_theme(entries[:2], new_id=-1, seen={})
    worded = themed.set_statement(-1, "I want to be listened to", seen(themed, -1))
    tagged = worded.set_conditions(-1, ["listening"], ["listening"], seen(worded, -1))
    stored = save(url, workshop_id, empty, tagged)

    again = load(url, workshop_id)
    theme_id = stored[-1]
    assert theme_id > 0
    assert dict(again.entries) == dict(tagged.entries)
    theme = again.themes[theme_id]
    assert (theme.kind, theme.entry_ids, theme.statement, theme.condition_ids, theme.version) == (
        WELL,
        frozenset(entries[:2]),
        "I want to be listened to",
        frozenset({"listening"}),
        tagged.themes[-1].version,
    )
    assert again.unthemed() == entries[2:]

    # Moving an entry to another theme, and deleting a theme, are saved too.
    other = again.make_theme([entries[2]], new_id=-1, seen={})
    moved = save(url, workshop_id, again, other)
    after_move = load(url, workshop_id)
    assert after_move.theme_of(entries[2]) == moved[-1]
    gone = after_move.delete_theme(theme_id, seen(after_move, theme_id))
    save(url, workshop_id, after_move, gone)
    final = load(url, workshop_id)
    assert set(final.themes) == {moved[-1]}
    assert final.unthemed() == [entries[0], entries[1], entries[3], entries[4]]


def test_two_facilitators_editing_different_themes_both_land(url):
    workshop_id, first, second, entries = two_themes(url)
    seen_by_a = load(url, workshop_id)
    seen_by_b = load(url, workshop_id)

    edit_a = seen_by_a.set_statement(first, "I want to talk to a person", seen(seen_by_a, first))
    save(url, workshop_id, seen_by_a, edit_a)
    # B's screen still shows the board from before A's edit; B's edit touches only the other
    # theme and an unthemed entry, so it lands.
    edit_b = seen_by_b.put_in_theme([entries[4]], second, seen(seen_by_b, second))
    save(url, workshop_id, seen_by_b, edit_b)

    now = load(url, workshop_id)
    assert now.themes[first].statement == "I want to talk to a person"
    assert now.themes[second].entry_ids == frozenset({entries[2], entries[3], entries[4]})
    assert now.unthemed() == [entries[5]]


def test_a_stale_edit_of_the_same_theme_is_refused_and_nothing_of_it_is_written(url):
    workshop_id, first, second, entries = two_themes(url)
    seen_by_a = load(url, workshop_id)
    seen_by_b = load(url, workshop_id)

    edit_a = seen_by_a.set_statement(first, "We want one number to call", seen(seen_by_a, first))
    save(url, workshop_id, seen_by_a, edit_a)
    as_a_left_it = load(url, workshop_id)

    # B merges A's theme into the other one from a screen that does not show A's statement.
    # The save writes the other theme and moves the entries before it reaches the theme A
    # changed; the refusal must take all of that back.
    edit_b = seen_by_b.merge(second, [first], seen(seen_by_b, first, second))
    with pytest.raises(Conflict, match="Another facilitator has just changed"):
        save(url, workshop_id, seen_by_b, edit_b)
    assert load(url, workshop_id) == as_a_left_it
    assert load(url, workshop_id).themes[first].statement == "We want one number to call"


def test_an_entry_another_facilitator_has_just_themed_cannot_be_themed_again(url):
    workshop_id, first, _, entries = two_themes(url)
    seen_by_a = load(url, workshop_id)
    seen_by_b = load(url, workshop_id)

    save(
        url,
        workshop_id,
        seen_by_a,
        seen_by_a.put_in_theme([entries[4]], first, seen(seen_by_a, first)),
    )
    as_a_left_it = load(url, workshop_id)
    # B still sees the entry unthemed and makes a new theme of it: refused, and the new theme
    # the save had already inserted is not kept.
    with pytest.raises(Conflict, match="moved an entry you chose"):
        save(url, workshop_id, seen_by_b, seen_by_b.make_theme([entries[4]], -1, seen={}))
    assert load(url, workshop_id) == as_a_left_it


@pytest.mark.postgresql_only("two transactions at once: on SQLite the commit waits for the read")
def test_postgresql_refuses_an_edit_whose_load_was_overtaken_inside_its_own_transaction(url):
    """Two transactions open at once, as two app processes would have them: B loads, A's edit
    commits, then B saves in the same transaction (READ COMMITTED) and is refused."""
    workshop_id, first, _, _ = two_themes(url)
    with db.transaction(url) as session_b:
        seen_by_b = store.load_board(session_b, workshop_id)
        seen_by_a = load(url, workshop_id)
        save(
            url,
            workshop_id,
            seen_by_a,
            seen_by_a.set_statement(first, "I want to be heard", seen(seen_by_a, first)),
        )
        edit_b = seen_by_b.set_statement(first, "We want to be heard", seen(seen_by_b, first))
        with pytest.raises(Conflict):
            store.save_board(session_b, workshop_id, seen_by_b, edit_b)
    assert load(url, workshop_id).themes[first].statement == "I want to be heard"


# Votes.


def open_vote(url: str) -> tuple[int, int, int]:
    workshop_id, first, second, _ = two_themes(url)
    with db.transaction(url) as session:
        session.execute(
            sa.update(WorkshopTheme)
            .where(WorkshopTheme.id.in_([first, second]))
            .values(on_ballot=True)
        )
        session.execute(
            sa.update(Workshop)
            .where(Workshop.id == workshop_id)
            .values(voting=VotingState.OPEN.value)
        )
    return workshop_id, first, second


def test_a_ballot_over_the_budget_is_refused_and_the_saved_one_stays(url):
    workshop_id, first, second = open_vote(url)  # 3 votes each, at most 2 on one theme
    key = store.new_ballot_key()
    with db.transaction(url) as session:
        store.record_ballot(session, workshop_id, key, {first: 2, second: 1})

    with pytest.raises(InputProblem, match="each person has 3"), db.transaction(url) as session:
        store.record_ballot(session, workshop_id, key, {first: 2, second: 2})
    with db.transaction(url) as session:
        assert store.ballot_of(session, workshop_id, key) == {first: 2, second: 1}
        assert store.all_votes(session, workshop_id) == [{first: 2, second: 1}]

    # A new participant's first ballot over the budget leaves no ballot row behind either.
    with pytest.raises(InputProblem), db.transaction(url) as session:
        store.record_ballot(session, workshop_id, store.new_ballot_key(), {first: 2, second: 2})
    with db.transaction(url) as session:
        assert session.scalar(sa.text("SELECT count(*) FROM workshop_ballot")) == 1

    # Taking a vote back replaces the ballot; a table's record counts beside it.
    with db.transaction(url) as session:
        store.record_ballot(session, workshop_id, key, {first: 1})
        store.record_table_votes(session, workshop_id, "Table 2", 2, {first: 3, second: 2})
        assert store.all_votes(session, workshop_id) == [{first: 1}, {first: 3, second: 2}]


def test_no_ballot_is_taken_once_voting_has_closed(url):
    workshop_id, first, _ = open_vote(url)
    with db.transaction(url) as session:
        session.execute(
            sa.update(Workshop)
            .where(Workshop.id == workshop_id)
            .values(voting=VotingState.CLOSED.value)
        )
    with pytest.raises(VotingNotOpen), db.transaction(url) as session:
        store.record_ballot(session, workshop_id, store.new_ballot_key(), {first: 1})
    with db.transaction(url) as session:
        assert store.all_votes(session, workshop_id) == []


def test_ballots_have_no_time_or_sequential_column_and_no_rowid(url):
    workshop_id, first, _ = open_vote(url)
    key = store.new_ballot_key()
    with db.transaction(url) as session:
        store.record_ballot(session, workshop_id, key, {first: 1})
        engine = session.get_bind()
    inspector = sa.inspect(engine)
    for table in ("workshop_ballot", "workshop_ballot_vote"):
        columns = inspector.get_columns(table)
        kinds = {column["name"]: column["type"] for column in columns}
        assert not [name for name, kind in kinds.items() if isinstance(kind, sa.Date | sa.DateTime)]
        assert not [column["name"] for column in columns if column.get("autoincrement") is True]
        assert not [column["name"] for column in columns if column.get("default")]
        # Keyed first by a random value, not a counter (the second key column of a ballot's
        # votes is the theme's id, which says nothing of who voted when).
        assert inspector.get_pk_constraint(table)["constrained_columns"][0] == "key_hash"
    with db.transaction(url) as session:
        stored_hash = session.scalar(sa.text("SELECT key_hash FROM workshop_ballot"))
    assert stored_hash == store.hash_ballot_key(key) != key  # the browser's key is not kept
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            for table in ("workshop_ballot", "workshop_ballot_vote"):
                sql = connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name = ?", (table,)
                ).scalar_one()
                assert sql.rstrip().endswith("WITHOUT ROWID")


# The migration.


def test_the_migration_matches_the_tables_and_goes_down_and_up(url):
    def differences() -> list:
        with db._engine_for(url).connect() as connection:
            found = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        return [d for d in found if "workshop" in repr(d) or "viewpoint" in repr(d)]

    assert differences() == []
    db._engine_for(url).dispose()
    command.downgrade(alembic_config(url), "0010")
    tables = set(sa.inspect(db._engine_for(url)).get_table_names())
    assert not tables & WORKSHOP_TABLES
    columns = {c["name"] for c in sa.inspect(db._engine_for(url)).get_columns("plan_action")}
    assert not {"workshop_id", "workshop_theme_id", "viewpoint"} & columns
    db._engine_for(url).dispose()
    upgrade(url)
    assert set(sa.inspect(db._engine_for(url)).get_table_names()) >= WORKSHOP_TABLES
    assert differences() == []

    # compare_metadata does not compare CHECK constraints: the migrated tables must hold them.
    workshop_id = make_workshop(url)
    with db.transaction(url) as session:
        area_id = session.scalar(sa.select(Workshop.area_id).where(Workshop.id == workshop_id))
    action = {"organisation_id": 1, "area_id": area_id, "title": "Ring every carer",
              "owner": "Sam", "condition_ids": "", "timescale": "first_week",
              "due_on": dt.date(2026, 3, 19), "status": "planned", "notes": "",
              "created_at": dt.datetime(2026, 3, 12), "updated_at": dt.datetime(2026, 3, 12),
              "workshop_id": workshop_id}  # fmt: skip
    theme = {"workshop_id": workshop_id, "statement": "", "condition_ids": "", "version": 1,
             "on_ballot": False, "chosen": False}  # fmt: skip
    refused = [
        sa.insert(PlanAction).values({**action, "viewpoint": "sideways"}),
        sa.update(Workshop).values(stage="nowhere"),
        sa.insert(WorkshopTheme).values({**theme, "kind": "maybe"}),
    ]
    engine = db._engine_for(url)
    for statement in refused:
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            connection.execute(statement)
    with engine.begin() as connection:
        connection.execute(sa.insert(PlanAction).values({**action, "viewpoint": "radical"}))
        connection.execute(sa.insert(WorkshopTheme).values({**theme, "kind": "not_working_well"}))
