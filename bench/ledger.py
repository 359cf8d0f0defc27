"""How long the disclosure rule takes for one figure of a county-sized set of groups: 12 areas
of 50 teams (one round each, 3 to 40 respondents), judged as the county total, then the areas,
then the teams, first with nothing shown before and then again with all of it shown before (a
second look). Prints each time beside the same decisions taken by rebuilding every cell for
each candidate (the rule as first written), and the ratio. No pass or fail.

Run with `make bench`.
"""

from __future__ import annotations

import random
import time

from culturetool.domain.disclosure import Wanted, consistent, decide, same_basis

THRESHOLD = 5


def county(rng: random.Random) -> list[Wanted[str]]:
    teams = {(area, team): rng.randint(3, 40) for area in range(12) for team in range(50)}
    round_ids = {key: number for number, key in enumerate(teams, start=1)}
    total = {round_ids[key]: n for key, n in teams.items()}
    areas = [
        Wanted(f"area {a}", {round_ids[k]: n for k, n in teams.items() if k[0] == a}, THRESHOLD)
        for a in range(12)
    ]
    parts = [Wanted(f"team {k}", {round_ids[k]: n}, THRESHOLD) for k, n in teams.items()]
    parts.sort(key=lambda wanted: -sum(wanted.basis.values()))
    return [Wanted("county", total, THRESHOLD), *areas, *parts]


def by_definition(shown_before, candidates) -> set[str]:
    accepted = [basis for _, basis in shown_before]
    shown = set()
    for wanted in candidates:
        if any(same_basis(wanted.basis, b) for b in accepted) or consistent(
            [*accepted, wanted.basis], wanted.threshold
        ):
            shown.add(wanted.key)
            accepted.append(wanted.basis)
    return shown


def timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def main() -> None:
    candidates = county(random.Random(1))
    first, fast = timed(lambda: decide([], candidates))
    reference, slow = timed(lambda: by_definition([], candidates))
    assert first.shown == reference
    print(
        f"one figure, {len(candidates)} groups, first look: {fast * 1000:.1f} ms "
        f"(rebuilding every cell: {slow * 1000:.0f} ms, ratio {slow / fast:.0f})"
    )
    before = [(w.key, w.basis) for w in candidates if w.key in first.shown]
    again, fast_again = timed(lambda: decide(before, candidates))
    assert again.shown == first.shown
    print(f"the same figure, second look (all shown before): {fast_again * 1000:.1f} ms")
    print(f"nine conditions, second look: {9 * fast_again * 1000:.0f} ms")


if __name__ == "__main__":
    main()
