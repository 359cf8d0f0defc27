"""How a condition's score moved between two rounds, in words.

Pure functions of the figures people were shown on both rounds' pages (rounded means, levels),
so the change they read is exactly the difference of the two numbers they can see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from culturetool.domain.kinds import Direction

NO_CHANGE = 0.005  # a change that rounds to 0.00 is shown as no change
FIRST_ROUND = "This is the team's first round, so there is nothing to compare it with yet."
NO_EARLIER_RESULTS = (
    "No earlier round of this team had enough answers to show results, so there is nothing to "
    "compare this round with yet."
)
NOT_ASKED_BEFORE = "Cannot compare: the previous round did not ask about this condition."


@dataclass(frozen=True)
class ShownScore:
    """A condition's score as a page showed it."""

    mean: float
    level: int
    level_name: str


@dataclass(frozen=True)
class Change:
    change: float
    change_text: str  # "+0.35", "−0.20" or "no change"
    direction: Direction
    sentence: str


def why_not_compared(protected: bool, which: str) -> str:
    """Why a condition cannot be compared: hidden in `which` round ("this round", "the previous
    round"), either protected against subtraction or resting on too few answers."""
    if protected:
        return (
            f"Cannot compare: hidden in {which} so that a smaller team's answers cannot be "
            "worked out from the area's figures."
        )
    return f"Cannot compare: too few answers in {which}."


def change_between(previous: ShownScore, current: ShownScore) -> Change:
    change = round(current.mean - previous.mean, 2)
    if abs(change) < NO_CHANGE:
        return Change(0.0, "no change", Direction.SAME, f"No change: still {current.level_name}.")
    text = f"+{change:.2f}" if change > 0 else f"\u2212{abs(change):.2f}"
    moved = (
        f"moved from {previous.level_name} to {current.level_name}"
        if previous.level != current.level
        else f"still {current.level_name}"
    )
    word = "Up" if change > 0 else "Down"
    points = "point" if abs(change) == 1 else "points"
    direction = Direction.UP if change > 0 else Direction.DOWN
    return Change(change, text, direction, f"{word} {abs(change):.2f} {points}, {moved}.")


def _and_list(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def change_summary(directions: Sequence[Direction | None]) -> str:
    """One sentence over all conditions; a direction is None where it was not compared."""
    counts = {
        "went up": sum(d is Direction.UP for d in directions),
        "went down": sum(d is Direction.DOWN for d in directions),
        "stayed the same": sum(d is Direction.SAME for d in directions),
        "could not be compared": sum(d is None for d in directions),
    }
    parts = [f"{number} {what}" for what, number in counts.items() if number]
    if counts["could not be compared"] == len(directions):
        return "No condition could be compared: the reasons are in the table."
    noun = "condition" if len(directions) == 1 else "conditions"
    if len(parts) == 1:
        everyone = f"All {len(directions)} {noun}" if len(directions) > 1 else "The condition"
        return f"{everyone} {parts[0].split(' ', 1)[1]}."
    return f"Of {len(directions)} {noun}, {_and_list(parts)}."
