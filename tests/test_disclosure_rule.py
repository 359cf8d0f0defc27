"""The pure disclosure rule: cells of the people behind everything shown hold 0 or at least the
threshold. Fast tests, no database."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from culturetool.domain.disclosure import (
    Partition,
    ShownBefore,
    Wanted,
    cell_sizes,
    consistent,
    decide,
    more_needed,
    same_basis,
)

K = 5


def test_a_single_figure_is_one_cell():
    assert cell_sizes([{1: 6}]) == [6]


def test_the_same_figure_later_splits_off_the_people_who_answered_in_between():
    assert sorted(cell_sizes([{1: 5}, {1: 6}])) == [1, 5]
    assert not consistent([{1: 5}, {1: 6}], K)
    assert consistent([{1: 5}, {1: 10}], K)


def test_an_area_and_all_its_teams_leave_each_team_as_a_cell():
    assert sorted(cell_sizes([{1: 6, 2: 6}, {1: 6}, {2: 6}])) == [6, 6]


def test_people_in_the_same_shown_sets_across_rounds_form_one_cell():
    # Team 3's one person and team 2's six were only ever shown together, in the area: one cell.
    assert sorted(cell_sizes([{1: 6, 2: 6, 3: 1}, {1: 6}])) == [6, 7]
    assert consistent([{1: 6, 2: 6, 3: 1}, {1: 6}], K)


def test_zero_counts_do_not_make_a_basis_different():
    assert sorted(cell_sizes([{1: 6, 2: 0}, {1: 6}])) == [6]


def test_subtraction_across_an_area_hides_the_smallest_team_that_would_give_a_team_away():
    wanted = [
        Wanted("area", {1: 9, 2: 6, 3: 2}, K),
        Wanted("team 1", {1: 9}, K),
        Wanted("team 2", {2: 6}, K),
    ]
    decision = decide([], wanted)
    assert decision.shown == {"area", "team 1"}
    assert decision.refused["team 2"].changed_too_little is False


def test_scenario_a_and_b_then_c_the_area_waits():
    """A and B (6 each) shown with their area; then C gets one response. The area's new total
    minus A and B as they were would give C's person away: the total waits."""
    before = [("area", {1: 6, 2: 6}), ("A", {1: 6}), ("B", {2: 6})]
    decision = decide(
        before,
        [Wanted("area", {1: 6, 2: 6, 3: 1}, K), Wanted("A", {1: 6}, K), Wanted("B", {2: 6}, K)],
    )
    assert "area" not in decision.shown
    assert decision.refused["area"].changed_too_little
    assert decision.shown == {"A", "B"}  # unchanged: nothing new in showing them again
    assert decision.newly_shown == {}


def test_scenario_five_then_six_waits_for_four_more():
    decision = decide([("team", {1: 5})], [Wanted("team", {1: 6}, K)])
    assert decision.shown == frozenset()
    assert decision.refused["team"].changed_too_little
    assert decision.refused["team"].more_needed == 4
    assert decide([("team", {1: 5})], [Wanted("team", {1: 10}, K)]).shown == {"team"}


def test_an_area_minus_a_team_as_it_was_before_is_caught():
    """Before: the area (A 5, B 5) and both teams. Now B's team counts with a new round of one
    person: the area now minus A as it was would give that person away, though both bases
    differ by 6 from the area's last."""
    before = [("area", {1: 5, 2: 5}), ("A", {1: 5}), ("B", {2: 5})]
    decision = decide(before, [Wanted("area", {1: 5, 3: 1}, K)])
    assert decision.shown == frozenset()


def test_more_needed_counts_from_the_last_count_shown():
    assert more_needed([{1: 5}, {1: 10}], {1: 12}, K) == 3
    assert more_needed([], {1: 7}, K) == 0
    assert more_needed([{1: 5, 2: 5}], {1: 5, 2: 6}, K) is None


bases = st.dictionaries(st.integers(1, 4), st.integers(0, 14), min_size=1, max_size=4)


@settings(max_examples=300)
@given(
    looks=st.lists(
        st.dictionaries(st.sampled_from("ABCDE"), bases, min_size=1, max_size=4),
        min_size=1,
        max_size=8,
    ),
    threshold=st.integers(3, 6),
)
def test_whatever_is_asked_for_what_is_shown_always_keeps_the_rule(looks, threshold):
    shown: list[tuple[str, dict[int, int]]] = []
    for look in looks:
        decision = decide(shown, [Wanted(key, basis, threshold) for key, basis in look.items()])
        shown += [(key, basis) for key, basis in look.items() if key in decision.shown]
        assert consistent([basis for _, basis in shown], threshold)
    for key, basis in shown:
        for other_key, other in shown:
            if key == other_key:
                rounds = set(basis) | set(other)
                difference = sum(abs(basis.get(r, 0) - other.get(r, 0)) for r in rounds)
                assert difference == 0 or difference >= threshold


def cells_of(bases):
    """The partition's cells by the bases they are in (indices into `bases`): people."""
    sizes = {}
    for round_id in {r for basis in bases for r in basis}:
        cuts = sorted({b[round_id] for b in bases if b.get(round_id, 0) > 0})
        below = 0
        for cut in cuts:
            members = frozenset(i for i, b in enumerate(bases) if b.get(round_id, 0) >= cut)
            sizes[members] = sizes.get(members, 0) + cut - below
            below = cut
    return sizes


def decide_by_definition(shown_before, candidates):
    """`decide` by its definition, rebuilding every cell for each candidate: the reference. A
    candidate is taken when its basis was shown before, or when every cell that adding it
    changes holds nobody or at least its threshold."""
    accepted = [basis for _, basis in shown_before if any(basis.values())]
    shown = set()
    for wanted in candidates:
        known = any(same_basis(wanted.basis, b) for b in accepted)
        trial = [*accepted, wanted.basis]
        before, after = cells_of(accepted), cells_of(trial)
        changed = [n for cell, n in after.items() if before.get(cell) != n] + [
            after.get(cell, 0) for cell in before if cell not in after
        ]
        if known or all(n == 0 or n >= wanted.threshold for n in changed):
            shown.add(wanted.key)
            if any(wanted.basis.values()):
                accepted.append(wanted.basis)
    return shown


wide_bases = st.dictionaries(st.integers(1, 4), st.integers(0, 14), min_size=1, max_size=4)


@settings(max_examples=400)
@given(
    before=st.lists(st.tuples(st.sampled_from("ABCDEFG"), wide_bases), max_size=8),
    asked=st.lists(
        st.tuples(st.sampled_from("ABCDEFG"), wide_bases, st.integers(2, 6)), max_size=10
    ),
)
def test_the_incremental_partition_decides_as_the_definition_does(before, asked):
    candidates = [Wanted(key, basis, threshold) for key, basis, threshold in asked]
    assert decide(before, candidates).shown == decide_by_definition(before, candidates)


@settings(max_examples=300)
@given(st.lists(wide_bases, max_size=10), st.lists(st.booleans(), max_size=10))
def test_the_partitions_cells_are_the_cells_of_its_bases(bases, keep):
    partition = Partition()
    kept = []
    for basis, stays in zip(bases, keep + [True] * len(bases), strict=False):
        undo = partition.add(basis)
        if stays:
            kept.append(basis)
        else:
            partition.take_back(undo)
        sizes = cell_sizes(kept)
        assert partition.smallest_cell() == (min(sizes) if sizes else None)


def _state(partition: Partition):
    """What a partition holds, with cells of nobody left out (one by one, a split cell can
    stay behind at size 0)."""
    sizes = {cell: n for cell, n in partition._size.items() if n}
    return partition._cuts, partition._members, sizes, dict(partition._sizes), partition._added


@settings(max_examples=300)
@given(
    st.lists(wide_bases, max_size=12),
    st.lists(st.tuples(wide_bases, st.integers(2, 6)), max_size=4),
)
def test_a_partition_built_at_once_is_the_partition_built_one_basis_at_a_time(bases, then):
    at_once, one_by_one = Partition.of(bases), Partition()
    for basis in bases:
        one_by_one.add(basis)
    assert _state(at_once) == _state(one_by_one)
    for basis, threshold in then:  # and it goes on the same way
        undo_at_once, undo_one_by_one = at_once.add(basis), one_by_one.add(basis)
        assert at_once.keeps_rule(threshold) == one_by_one.keeps_rule(threshold)
        assert _state(at_once) == _state(one_by_one)
        at_once.take_back(undo_at_once)
        one_by_one.take_back(undo_one_by_one)
        assert _state(at_once) == _state(one_by_one)


def _cells(record: ShownBefore) -> list[int]:
    """The sizes of a record's cells, whatever their names (the bases' indices)."""
    return sorted(n for cell, n in record.partition()._size.items() if cell and n)


@settings(max_examples=300)
@given(
    before=st.lists(st.tuples(st.sampled_from("ABCDEFG"), wide_bases), max_size=8),
    asked=st.dictionaries(
        st.sampled_from("ABCDEFG"), st.tuples(wide_bases, st.integers(2, 6)), max_size=7
    ),
    forgotten=st.sets(st.sampled_from("ABCDEFG")),
    then=st.lists(st.tuples(st.sampled_from("ABCDEFG"), wide_bases, st.integers(2, 6)), max_size=5),
)
def test_a_decision_kept_and_settled_leaves_what_adding_the_remembered_figures_would(
    before, asked, forgotten, then
):
    # The store decides with keep=True and settles: the bases tried stay in the partition when
    # every one of them is remembered, and are taken back otherwise (some figures shown are
    # not remembered: statements of a figure with one hidden). Either way the record must then
    # be what deciding, taking everything back and adding the remembered figures makes.
    kept, plain, other = ShownBefore(before), ShownBefore(before), ShownBefore(before)
    kept.partition(), plain.partition(), other.partition()
    candidates = [Wanted(key, basis, threshold) for key, (basis, threshold) in asked.items()]
    decision = decide(kept, candidates, keep=True)
    assert decision.shown == decide(plain, candidates).shown
    remembered = [
        wanted
        for wanted in candidates
        if wanted.key in decision.newly_shown and wanted.key not in forgotten
    ]
    held = kept.settle(decision, remembered)
    for wanted in remembered:
        kept.add(wanted.key, wanted.basis, wanted.basis_key, held=held)
        plain.add(wanted.key, wanted.basis)
        # A record made again in between (the store's kept copy thrown away and read afresh)
        # has a partition of its own, which must get the basis.
        other.add(wanted.key, wanted.basis, wanted.basis_key, held=held)
    assert _cells(kept) == _cells(plain) == _cells(other)
    assert kept.known == plain.known and kept.own == plain.own
    later = [Wanted(key, basis, threshold) for key, basis, threshold in then]
    assert decide(kept, later).shown == decide(plain, later).shown
