"""Random sequences of theme board operations (make, put in, take out, move, merge, split,
delete): after every step every entry is on the board exactly once, in one theme or unthemed,
and exactly where the operations put it. A second facilitator works from a screen that shows
the board as it was when they last looked: their edit goes through only if every theme it
changes is as their screen showed it, so it never undoes a change they have not seen.

The machine keeps its own record of where each entry should be (`expected`), worked out from
what each operation means, and compares the board with it after every step. So an operation
that loses an entry (it would fall back among the unthemed), duplicates one, or moves one it
should have left alone fails here, not only one that breaks the board's own checks.
"""

from __future__ import annotations

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from culturetool.domain.errors import InputProblem
from culturetool.domain.workshop.board import Board, Conflict
from culturetool.domain.workshop.kinds import EntryKind

picks = st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=6)
kinds = st.sampled_from(list(EntryKind))


class ThemeBoardMachine(RuleBasedStateMachine):
    board: Board
    expected: dict[int, int | None]  # entry id → the theme it should be in (None: unthemed)
    next_id: int
    their_screen: Board  # the board as the second facilitator last saw it

    @initialize(entry_kinds=st.lists(kinds, min_size=1, max_size=15))
    def start(self, entry_kinds: list[EntryKind]) -> None:
        self.board = Board({100 + n: kind for n, kind in enumerate(entry_kinds)})
        self.expected = dict.fromkeys(self.board.entries)
        self.next_id = 1
        self.their_screen = self.board

    # What a facilitator's screen shows: every theme at its current version.
    def seen(self) -> dict[int, int]:
        return {theme.id: theme.version for theme in self.board.themes.values()}

    def entries_of(self, kind: EntryKind, indexes: list[int]) -> set[int]:
        """Some entries of one kind (a selection a theme can take), or none if there are none."""
        of_kind = sorted(e for e, k in self.board.entries.items() if k == kind)
        return {of_kind[i % len(of_kind)] for i in indexes} if of_kind else set()

    def any_entries(self, indexes: list[int]) -> set[int]:
        """Some entries whatever their kind (a selection that may be refused as mixed)."""
        ids = sorted(self.board.entries)
        return {ids[i % len(ids)] for i in indexes}

    def theme_at(self, index: int) -> int:
        ids = sorted(self.board.themes)
        return ids[index % len(ids)]

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def apply(self, name: str, operation, moves: dict[int, int | None]) -> None:
        """Run one operation; if it is refused, nothing may have changed. (The events show, with
        --hypothesis-show-statistics, how often each operation went through.)"""
        before = dict(self.board.themes)
        try:
            self.board = operation()
        except Conflict:
            raise AssertionError("a screen showing every theme as it is never conflicts") from None
        except InputProblem:
            event(f"{name} refused")
            assert self.board.themes == before
            return
        event(f"{name} done")
        self.expected.update(moves)

    @rule(kind=kinds, indexes=picks)
    def make_theme(self, kind: EntryKind, indexes: list[int]) -> None:
        chosen = self.entries_of(kind, indexes)
        new_id = self.new_id()
        self.apply(
            "make",
            lambda: self.board.make_theme(chosen, new_id, self.seen()),
            dict.fromkeys(chosen, new_id),
        )

    @rule(indexes=picks)
    def make_theme_of_any_entries(self, indexes: list[int]) -> None:
        chosen = self.any_entries(indexes)
        new_id = self.new_id()
        self.apply(
            "make (any kinds)",
            lambda: self.board.make_theme(chosen, new_id, self.seen()),
            dict.fromkeys(chosen, new_id),
        )

    @precondition(lambda self: self.board.themes)
    @rule(kind=kinds, indexes=picks, where=st.integers(0, 1000))
    def put_in_theme(self, kind: EntryKind, indexes: list[int], where: int) -> None:
        """Adds unthemed entries and moves themed ones alike."""
        chosen = self.entries_of(kind, indexes)
        theme_id = self.theme_at(where)
        self.apply(
            "put in",
            lambda: self.board.put_in_theme(chosen, theme_id, self.seen()),
            dict.fromkeys(chosen, theme_id),
        )

    @rule(indexes=picks)
    def take_out(self, indexes: list[int]) -> None:
        chosen = self.any_entries(indexes)
        self.apply(
            "take out", lambda: self.board.take_out(chosen, self.seen()), dict.fromkeys(chosen)
        )

    @precondition(lambda self: len(self.board.themes) >= 2)
    @rule(into=st.integers(0, 1000), others=picks, same_kind=st.booleans())
    def merge(self, into: int, others: list[int], same_kind: bool) -> None:
        """Mostly themes of one kind, which can merge; the rest may be refused as mixed."""
        into_id = self.theme_at(into)
        kind = self.board.themes[into_id].kind
        candidates = sorted(
            theme.id for theme in self.board.themes.values() if theme.kind == kind or not same_kind
        )
        other_ids = {candidates[other % len(candidates)] for other in others}
        moving = {e for e, theme in self.expected.items() if theme in other_ids}
        self.apply(
            "merge",
            lambda: self.board.merge(into_id, other_ids, self.seen()),
            dict.fromkeys(moving, into_id),
        )

    @precondition(lambda self: self.board.themes)
    @rule(which=st.integers(0, 1000), indexes=picks)
    def split(self, which: int, indexes: list[int]) -> None:
        theme_id = self.theme_at(which)
        inside = sorted(self.board.themes[theme_id].entry_ids)
        # Mostly entries of the theme; sometimes (an empty theme) any, which must be refused.
        chosen = {inside[i % len(inside)] for i in indexes} if inside else self.any_entries(indexes)
        new_id = self.new_id()
        self.apply(
            "split",
            lambda: self.board.split(theme_id, chosen, new_id, self.seen()),
            dict.fromkeys(chosen, new_id),
        )

    @precondition(lambda self: self.board.themes)
    @rule(which=st.integers(0, 1000))
    def delete_theme(self, which: int) -> None:
        theme_id = self.theme_at(which)
        freed = {e for e, theme in self.expected.items() if theme == theme_id}
        self.apply(
            "delete", lambda: self.board.delete_theme(theme_id, self.seen()), dict.fromkeys(freed)
        )

    @rule()
    def second_facilitator_looks_again(self) -> None:
        self.their_screen = self.board

    def from_their_screen(self, name: str, operation, seen: dict[int, int], moves) -> None:
        """Run an operation the second facilitator made on their (maybe old) screen. If it goes
        through, every theme it changed or removed was on that screen at its version just
        before; if not, the board is as it was."""
        before = self.board
        try:
            self.board = operation(seen)
        except InputProblem as refused:
            outcome = "conflicts" if isinstance(refused, Conflict) else "refused"
            event(f"{name} from an old screen {outcome}")
            assert self.board is before
            return
        event(f"{name} from an old screen done")
        for theme_id, theme in before.themes.items():
            if self.board.themes.get(theme_id) != theme:
                assert seen.get(theme_id) == theme.version, (
                    f"the edit changed theme {theme_id}, which their screen did not show as it is"
                )
        self.expected.update(moves)

    @precondition(lambda self: self.their_screen.themes)
    @rule(indexes=picks, where=st.integers(0, 1000))
    def second_facilitator_puts_entries_in_a_theme(self, indexes: list[int], where: int) -> None:
        """Entries of the theme's kind, as their screen shows them."""
        screen = self.their_screen
        theme_id = sorted(screen.themes)[where % len(screen.themes)]
        kind = screen.themes[theme_id].kind
        of_kind = sorted(e for e, k in screen.entries.items() if k == kind)
        chosen = {of_kind[i % len(of_kind)] for i in indexes}
        involved = {screen.theme_of(e) for e in chosen} | {theme_id}
        seen = {t: screen.themes[t].version for t in involved if t is not None}
        self.from_their_screen(
            "put in",
            lambda seen: self.board.put_in_theme(chosen, theme_id, seen),
            seen,
            dict.fromkeys(chosen, theme_id),
        )

    @precondition(lambda self: self.their_screen.themes)
    @rule(which=st.integers(0, 1000))
    def second_facilitator_deletes_a_theme(self, which: int) -> None:
        screen = self.their_screen
        theme_id = sorted(screen.themes)[which % len(screen.themes)]
        freed = {e for e, theme in self.expected.items() if theme == theme_id}
        self.from_their_screen(
            "delete",
            lambda seen: self.board.delete_theme(theme_id, seen),
            {theme_id: screen.themes[theme_id].version},
            dict.fromkeys(freed),
        )

    @invariant()
    def every_entry_is_accounted_for_exactly_once(self) -> None:
        # Counted from the themes' own lists and the unthemed list, not from the board's index.
        places = [e for theme in self.board.themes.values() for e in theme.entry_ids]
        places += self.board.unthemed()
        assert sorted(places) == sorted(self.expected), "an entry was lost or duplicated"

    @invariant()
    def every_entry_is_where_the_operations_put_it(self) -> None:
        for entry_id, theme_id in self.expected.items():
            assert self.board.theme_of(entry_id) == theme_id, f"entry {entry_id} moved wrongly"
        for theme in self.board.themes.values():
            assert {self.board.entries[e] for e in theme.entry_ids} <= {theme.kind}


ThemeBoardMachine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_theme_board_operations = ThemeBoardMachine.TestCase
