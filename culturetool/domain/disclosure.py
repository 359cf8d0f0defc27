"""Which figures may be shown, given everything already shown. Pure rules: no database.

A figure (a condition's score, a statement's, the confidence pair...) rests on a set of people.
We never know who they are, but we know how the sets grow: a round's answers are only ever
added, so the people behind a figure of round r at one moment are all among the people behind
the same figure of round r later. A figure's *basis* is therefore enough to describe its set:
for each round it draws on, how many of that round's respondents it rests on.

Anyone who has seen several figures can add and subtract them. Take every basis ever shown (to
one audience) for one kind of figure and split the respondents into *cells*: people in a cell
belong to exactly the same shown sets. Every sum or difference of shown figures is a sum over
whole cells, so if every cell holds nobody or at least `threshold` people, no arithmetic on
what was shown can single out fewer than `threshold` people. That one rule covers:

- subtraction across a total and its parts (an area minus all but one of its teams);
- differencing over time (a team's figure at 6 people minus the same figure at 5);
- both at once (an area now minus the area and a team as they were before).

A figure that would break the rule is not shown. If its group showed that figure before, the
earlier value is shown again, marked as such, until enough new people have answered.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from culturetool.domain.model_schema import CultureModel, Item
from culturetool.domain.scoring import ConfidenceGap, GroupScore, ItemScore, ResponseSetScores

# Round id -> how many of that round's respondents the figure rests on.
Basis = Mapping[int, int]
Key = TypeVar("Key", bound=Hashable)
Option = TypeVar("Option", bound="Wanted[Any]")  # a figure to judge, of Wanted or a subclass

# A figure that can be shown: ("condition", id), ("acceptance", id), ("confidence", "") or a
# statement ("item", id).
FigureKey = tuple[str, str]
CONFIDENCE: FigureKey = ("confidence", "")
ITEM = "item"
FigureValue = GroupScore | ConfidenceGap | ItemScore


def cell_sizes(bases: Iterable[Basis]) -> list[int]:
    """How many people each cell of the partition made by these bases holds (empty cells and
    people in no basis left out)."""
    bases = [b for b in bases if any(n > 0 for n in b.values())]
    sizes: dict[frozenset[int], int] = defaultdict(int)
    for round_id in {r for basis in bases for r in basis}:
        # People of one round, in the order they answered: those up to each basis's count are in
        # it. Between two consecutive counts everyone belongs to the same bases.
        cuts = sorted({basis[round_id] for basis in bases if basis.get(round_id, 0) > 0})
        below = 0
        for cut in cuts:
            members = frozenset(i for i, basis in enumerate(bases) if basis.get(round_id, 0) >= cut)
            sizes[members] += cut - below
            below = cut
    return list(sizes.values())


def consistent(bases: Iterable[Basis], threshold: int) -> bool:
    """True when no sum or difference of these figures rests on 1 to threshold - 1 people."""
    return all(size == 0 or size >= threshold for size in cell_sizes(bases))


def same_basis(a: Basis, b: Basis) -> bool:
    return {r: n for r, n in a.items() if n} == {r: n for r, n in b.items() if n}


@dataclass(frozen=True)
class Refusal:
    """Why a figure is not shown as it is now."""

    changed_too_little: bool  # its own group showed it on too different a set of people
    more_needed: int | None  # people still to answer before it can update, where it is known


# What `Partition.add` returns for `take_back`: per round, its cuts and segments before.
Undo = list[tuple[int, list[int], list[frozenset[int]]]]


@dataclass(frozen=True)
class Held:
    """Bases a settled decision left in a partition (`ShownBefore.settle`), as sets."""

    partition: Partition
    bases: frozenset[frozenset[tuple[int, int]]]


@dataclass(frozen=True)
class Decision(Generic[Key]):
    shown: frozenset[Key]
    refused: Mapping[Key, Refusal]
    newly_shown: Mapping[Key, Basis]  # shown now on a basis never shown before: to remember
    # With `decide(..., keep=True)`: the bases it left in the partition (as sets), and how to
    # take them back, for `ShownBefore.settle`.
    added: tuple[frozenset[tuple[int, int]], ...] = ()
    undo: tuple[Undo, ...] = ()


@dataclass(frozen=True)
class Wanted(Generic[Key]):
    """A figure that would be shown now: for which group, resting on whom, at what threshold."""

    key: Key
    basis: Basis
    threshold: int

    @cached_property
    def basis_key(self) -> frozenset[tuple[int, int]]:
        """The basis as a set, for finding it among those shown (worked out once)."""
        return _basis_key(self.basis)


class Partition:
    """The cells made by a growing set of bases, kept up to date one basis at a time.

    `cell_sizes` rebuilds the cells from every basis, so judging n candidates against m shown
    figures that way costs n x m; at county scale (hundreds of teams, their areas, the county,
    over a period) that is seconds per figure. Here a basis only splits the segments of the
    rounds it draws on, so adding one costs its own size, and a refused one is taken back.
    """

    def __init__(self) -> None:
        # Per round: the cut points in ascending order, and the bases each segment belongs
        # to (segment i holds people cuts[i-1] up to cuts[i]).
        self._cuts: dict[int, list[int]] = {}
        self._members: dict[int, list[frozenset[int]]] = {}
        self._size: dict[frozenset[int], int] = defaultdict(int)  # cell (its bases) -> people
        self._sizes: dict[int, int] = defaultdict(int)  # cell size -> how many cells have it
        self._added = 0
        # The cells the last `add` changed, with their sizes before it.
        self._touched: dict[frozenset[int], int] = {}

    @classmethod
    def of(cls, bases: Sequence[Basis]) -> Partition:
        """The partition made by adding these bases one by one, built at once: the same cuts,
        segments and cell sizes. A process's first look at a county builds the partition of
        tens of thousands of bases shown before, and adding them one at a time would touch
        each segment once per basis below it."""
        partition = cls()
        by_round: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for index, basis in enumerate(bases):
            for round_id, people in basis.items():
                if people > 0:
                    by_round[round_id].append((people, index))
        size = partition._size
        for round_id, pairs in by_round.items():
            pairs.sort(reverse=True)
            cuts: list[int] = []
            members: list[frozenset[int]] = []
            reaching: set[int] = set()  # the bases that reach the cut being made
            at = 0
            while at < len(pairs):
                cut = pairs[at][0]
                while at < len(pairs) and pairs[at][0] == cut:
                    reaching.add(pairs[at][1])
                    at += 1
                cuts.append(cut)
                members.append(frozenset(reaching))
            cuts.reverse()
            members.reverse()
            below = 0
            for cut, cell in zip(cuts, members, strict=True):
                size[cell] += cut - below
                below = cut
            partition._cuts[round_id], partition._members[round_id] = cuts, members
        for people in size.values():
            if people > 0:
                partition._sizes[people] += 1
        partition._added = len(bases)
        return partition

    def _resize(self, moved: Mapping[frozenset[int], int]) -> None:
        """Apply the change in people of each cell: everything one `add` or `take_back` moved,
        counted per cell first (a county's basis moves the people of hundreds of rounds into
        the same few cells), so each cell's size and the count of cells of each size change
        once."""
        size, sizes, touched = self._size, self._sizes, self._touched
        for cell, people in moved.items():
            if not people:
                continue
            before = size[cell]
            touched.setdefault(cell, before)
            after = before + people
            if cell:  # people in no shown basis are in no cell
                if before > 0:
                    if sizes[before] == 1:
                        del sizes[before]
                    else:
                        sizes[before] -= 1
                if after > 0:
                    sizes[after] += 1
            size[cell] = after

    def smallest_cell(self) -> int | None:
        return min(self._sizes) if self._sizes else None

    def add(self, basis: Basis) -> Undo:
        """Add a basis; returns what `take_back` needs to undo it."""
        index = self._added
        self._added += 1
        self._touched = {}
        moved: dict[frozenset[int], int] = defaultdict(int)
        joined: dict[frozenset[int], frozenset[int]] = {}  # cell -> the cell it becomes
        undo = []
        for round_id, people in basis.items():
            if people <= 0:
                continue
            cuts = self._cuts.setdefault(round_id, [])
            members = self._members.setdefault(round_id, [])
            undo.append((round_id, list(cuts), list(members)))
            at = bisect_left(cuts, people)
            if at == len(cuts) or cuts[at] != people:
                start = cuts[at - 1] if at else 0
                cell = members[at] if at < len(cuts) else frozenset()
                cuts.insert(at, people)
                members.insert(at, cell)  # the part below the new cut keeps its bases for now
                if not cell:
                    moved[cell] += people - start
            below = 0
            for i in range(at + 1):
                old = members[i]
                new = joined.get(old)
                if new is None:
                    new = joined[old] = old | {index}
                members[i] = new
                segment = cuts[i] - below
                moved[old] -= segment
                moved[new] += segment
                below = cuts[i]
        self._resize(moved)
        return undo

    def take_back(self, undo: Undo) -> None:
        self._added -= 1
        moved: dict[frozenset[int], int] = defaultdict(int)
        for round_id, cuts, members in reversed(undo):
            now_cuts, now_members = self._cuts[round_id], self._members[round_id]
            below = 0
            for cut, cell in zip(now_cuts, now_members, strict=True):
                moved[cell] -= cut - below
                below = cut
            below = 0
            for cut, cell in zip(cuts, members, strict=True):
                moved[cell] += cut - below
                below = cut
            self._cuts[round_id], self._members[round_id] = cuts, members
        self._resize(moved)

    def keeps_rule(self, threshold: int) -> bool:
        """Whether the last basis added keeps the rule at its threshold: every cell it changed
        holds nobody or at least `threshold` people. Cells it left alone were judged when they
        were made, at the thresholds of the figures that made them (a team with a higher
        threshold elsewhere in the county does not hold back a figure that never meets it)."""
        return all(
            not cell or (now := self._size[cell]) == before or now == 0 or now >= threshold
            for cell, before in self._touched.items()
        )


def _basis_key(basis: Basis) -> frozenset[tuple[int, int]]:
    if 0 in basis.values():
        return frozenset((r, n) for r, n in basis.items() if n)
    return frozenset(basis.items())  # the same, without a Python loop over a county's rounds


class ShownBefore(Generic[Key]):
    """Everything shown to one audience for one figure: each (group, basis), kept so that a
    look that shows nothing new costs one set lookup per candidate, with the partition of its
    bases built the first time a look needs it and kept up to date after. The store keeps one
    per figure between looks and adds what each look newly shows; `decide` leaves it as it
    found it. Not safe for two threads at once: the store decides one look at a time."""

    def __init__(self, shown: Iterable[tuple[Key, Basis]] = ()) -> None:
        self.bases: list[Basis] = []  # distinct bases, in the order first shown
        self.known: set[frozenset[tuple[int, int]]] = set()
        self.own: dict[Key, list[Basis]] = defaultdict(list)
        self._own_keys: dict[Key, set[frozenset[tuple[int, int]]]] = defaultdict(set)
        self._partition: Partition | None = None
        for key, basis in shown:
            self.add(key, basis)

    def partition(self) -> Partition:
        """The cells of every basis shown."""
        if self._partition is None:
            self._partition = Partition.of(self.bases)
        return self._partition

    def add(
        self,
        key: Key,
        basis: Basis,
        basis_key: frozenset[tuple[int, int]] | None = None,
        *,
        held: Held | None = None,
    ) -> None:
        """Add a figure shown; `basis_key` is the basis as a set, where the caller has it.
        `held`: what a decision settled with `settle` left in the partition. If the basis is
        among it and that is still this record's partition, it is not added to it again."""
        if basis_key is None:
            basis_key = _basis_key(basis)
        if basis_key not in self._own_keys[key]:
            self._own_keys[key].add(basis_key)
            self.own[key].append(basis)
        if basis_key not in self.known:
            self.known.add(basis_key)
            self.bases.append(basis)
            if self._partition is not None and not (
                held is not None and held.partition is self._partition and basis_key in held.bases
            ):
                self._partition.add(basis)

    def settle(self, decision: Decision[Key], remembered: Iterable[Wanted[Key]]) -> Held | None:
        """After `decide(self, ..., keep=True)`, before anything else decides on these figures:
        `remembered` are the candidates it showed that will be remembered. The bases the
        decision left in the partition stay there up to the first that will not be remembered
        (statements not shown because another of their figure's statements is hidden); from
        that one on they are taken back, as the partition takes bases back only in the order
        opposite to adding them. Returns what stays, for the caller to add `held` (adding it
        to the partition again would cost as much as deciding did). Until it is added, the
        partition holds bases not known here: a later decision that adds one again splits no
        cell, so it decides the same."""
        partition = self._partition
        if partition is None or not decision.added:
            return None
        keys = {wanted.basis_key for wanted in remembered}
        stay = next((i for i, key in enumerate(decision.added) if key not in keys), None)
        if stay is None:
            return Held(partition, frozenset(decision.added))
        for undo in reversed(decision.undo[stay:]):
            partition.take_back(undo)
        return Held(partition, frozenset(decision.added[:stay])) if stay else None

    def shown_on(self, key: Key, basis_key: frozenset[tuple[int, int]]) -> bool:
        """The group showed this figure on exactly this basis (as a set) before."""
        own = self._own_keys.get(key)
        return own is not None and basis_key in own

    def copy(self) -> ShownBefore[Key]:
        other: ShownBefore[Key] = ShownBefore()
        other.bases = list(self.bases)
        other.known = set(self.known)
        other.own = defaultdict(list, {k: list(v) for k, v in self.own.items()})
        other._own_keys = defaultdict(set, {k: set(v) for k, v in self._own_keys.items()})
        return other  # its partition is built again if it is needed


def decide(
    shown_before: ShownBefore[Key] | Sequence[tuple[Key, Basis]],
    candidates: Sequence[Wanted[Key]],
    *,
    keep: bool = False,
) -> Decision[Key]:
    """Which candidates may be shown, on top of what was shown before.

    `shown_before` is every (group, basis) already shown to the audience for this figure;
    `candidates` the figures that would be shown now, best first: a candidate is taken when it
    keeps the rule, at its own threshold, with everything before it and all candidates taken so
    far, so earlier candidates win (the caller puts a total before its parts and larger parts
    before smaller ones, so that what is lost is small). The same as asking `consistent` of
    every accepted basis and the candidate, in time proportional to the bases' sizes.

    A candidate whose basis was shown before adds no cell (it only renames cells), so the
    partition is needed only when some candidate's basis is new, and it is kept in
    `shown_before` between decisions: what this one adds is taken back at the end, unless
    `keep`, when the caller must `settle` the decision with `shown_before` before anything
    else decides on it.
    """
    before = shown_before if isinstance(shown_before, ShownBefore) else ShownBefore(shown_before)
    taken_now: set[frozenset[tuple[int, int]]] = set()  # new bases taken in this decision
    partition: Partition | None = None
    kept: list[Undo] = []  # to take back
    added: list[frozenset[tuple[int, int]]] = []
    shown: set[Key] = set()
    refused: dict[Key, Refusal] = {}
    newly: dict[Key, Basis] = {}
    for wanted in candidates:
        key, basis, threshold = wanted.key, wanted.basis, wanted.threshold
        own = before.own.get(key, [])
        basis_key = wanted.basis_key
        # A basis already shown adds no cell (it only renames them).
        taken = basis_key in before.known or basis_key in taken_now
        if not taken and _grew_too_little(own, basis, threshold):
            refused[key] = Refusal(
                changed_too_little=True, more_needed=more_needed(own, basis, threshold)
            )
            continue
        if not taken:
            if partition is None:
                # Everything taken so far had a known basis, so this is all there is.
                partition = before.partition()
            undo = partition.add(basis)
            taken = partition.keeps_rule(threshold)
            if taken:
                taken_now.add(basis_key)
                kept.append(undo)
                added.append(basis_key)
            else:
                partition.take_back(undo)
        if taken:
            shown.add(key)
            if not before.shown_on(key, basis_key):
                newly[key] = basis
            continue
        alone = consistent([*own, basis], threshold)
        refused[key] = Refusal(
            changed_too_little=not alone,
            more_needed=None if alone else more_needed(own, basis, threshold),
        )
    if keep:
        return Decision(frozenset(shown), refused, newly, tuple(added), tuple(kept))
    if partition is not None:
        for undo in reversed(kept):
            partition.take_back(undo)
    return Decision(frozenset(shown), refused, newly)


def _grew_too_little(own: Sequence[Basis], basis: Basis, threshold: int) -> bool:
    """The group showed this figure before on a basis inside this one, and the people added
    since are 1 to threshold - 1: they are whole cells between the two, so some cell is too
    small, and the partition need not be asked (it would say the same, at more cost)."""
    total = sum(basis.values())
    for earlier in own:
        if not 0 < total - sum(earlier.values()) < threshold:
            continue
        # Inside: no count of the earlier basis above this one's. Only the counts that differ
        # can be (a county's basis after new answers differs in the few rounds that had them).
        if all(n <= basis.get(r, 0) for r, n in earlier.items() - basis.items()):
            return True
    return False


def more_needed(own: Sequence[Basis], basis: Basis, threshold: int) -> int | None:
    """For a group of one round: how many more people must answer before its figure may change
    from what was shown before. None for groups of several rounds (it depends on which)."""
    if len(basis) != 1:
        return None
    ((round_id, people),) = basis.items()
    earlier = [b.get(round_id, 0) for b in own if b.get(round_id, 0) <= people]
    return max(max(earlier, default=0) + threshold - people, 0)


# ---- the figures of a set of responses, and which statements go with them --------------------


def figure_values(
    scores: ResponseSetScores, items: Mapping[str, ItemScore | None]
) -> dict[FigureKey, FigureValue | None]:
    """Every figure of a set of responses by key: None where nobody gave a usable answer."""
    values: dict[FigureKey, FigureValue | None] = {}
    for condition_id, group in scores.conditions.items():
        values["condition", condition_id] = group
    for scale_id, group in scores.acceptance.items():
        values["acceptance", scale_id] = group
    values[CONFIDENCE] = scores.confidence
    for item_id, score in items.items():
        values[ITEM, item_id] = score
    return values


def figure_of(item: Item) -> FigureKey:
    """The condition, acceptance scale or confidence pair a statement counts towards."""
    if item.condition is not None:
        return ("condition", item.condition)
    if item.acceptance_scale is not None:
        return ("acceptance", item.acceptance_scale)
    return CONFIDENCE


def statements_to_show(
    model: CultureModel, shown_now: Mapping[FigureKey, object], answered: Mapping[str, object]
) -> dict[str, ItemScore]:
    """The statements that may be shown: all of a figure's answered statements or none of them,
    and only under a figure shown as it is now. Otherwise the figure and its shown statements
    could give away a hidden statement that rests on too few people.

    `shown_now` holds the figures (statements included, as ("item", id)) that passed the rule;
    `answered` every statement's score, None where nobody answered it on the scale.
    """
    by_figure: dict[FigureKey, list[Item]] = defaultdict(list)
    for item in model.questionnaire.items:
        by_figure[figure_of(item)].append(item)
    shown: dict[str, ItemScore] = {}
    for figure, members in by_figure.items():
        if figure not in shown_now:
            continue
        scored = [item for item in members if answered.get(item.id) is not None]
        scores = [shown_now.get((ITEM, item.id)) for item in scored]
        if all(isinstance(score, ItemScore) for score in scores):
            shown.update(
                {i.id: s for i, s in zip(scored, scores, strict=True) if isinstance(s, ItemScore)}
            )
    return shown


def total_then_parts(total: Option | None, parts: Iterable[Option]) -> list[Option]:
    """The order in which a total and its parts are judged: the total first, then the parts
    from the most people down (parts of the same size keep their order), so that what
    subtraction protection hides is the smallest."""
    ordered = sorted(parts, key=lambda part: -sum(part.basis.values()))
    return ([total] if total is not None else []) + ordered


# ---- which round a team counts with ------------------------------------------------------------


@dataclass(frozen=True)
class RoundFacts:
    id: int
    opened_at: dt.datetime
    threshold: int


def round_to_show(rounds: Iterable[RoundFacts], counts: Mapping[int, int]) -> int | None:
    """A team's most recent round that has reached its threshold, else its most recent one with
    any response. A round just opened does not blank out the team's last full picture."""
    answered = [r for r in rounds if counts.get(r.id, 0) > 0]
    complete = [r for r in answered if counts[r.id] >= r.threshold]
    chosen = complete or answered
    return max(chosen, key=lambda r: (r.opened_at, r.id)).id if chosen else None
