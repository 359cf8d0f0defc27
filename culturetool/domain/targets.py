"""Which target is in force for a condition: the most specific one set wins. A team's own
target, else its area's, else the organisation's, else the model's default. Pure: the store
reads the levels set along the chain (`repository.target_levels`), this decides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from culturetool.domain.model_schema import MaturityLevel

# The scopes a target can be set at, the most general first.
SCOPES = ("organisation", "area", "team")
MODEL_DEFAULT = "model"  # the source of a target nobody set


@dataclass(frozen=True)
class TargetInForce:
    level: int
    source: str  # the scope it was set at ("team", "area", "organisation"), or "model"


def target_in_force(
    levels: Mapping[str, Mapping[str, int]],
    condition_id: str,
    default_level: int,
    below: str | None = None,
) -> TargetInForce:
    """The target of one condition. `levels` maps a scope of the chain to the levels set there
    (condition id -> level); scopes missing from it count as setting nothing. With `below`, only
    the scopes more general than that one count: what the condition would inherit there."""
    scopes = SCOPES if below is None else SCOPES[: SCOPES.index(below)]
    for scope in reversed(scopes):
        if condition_id in levels.get(scope, {}):
            return TargetInForce(levels[scope][condition_id], scope)
    return TargetInForce(default_level, MODEL_DEFAULT)


def targets_in_force(
    levels: Mapping[str, Mapping[str, int]], condition_ids: Iterable[str], default_level: int
) -> dict[str, int]:
    """Condition id -> the level in force, for every condition given."""
    return {
        condition_id: target_in_force(levels, condition_id, default_level).level
        for condition_id in condition_ids
    }


# ---- a target as people read it: its band, and the gap from the band's lower edge ----------
#
# A target is a maturity level, and a level is a band of scores that starts at its min_score. A
# team at 3.37 with a Thriving target is 0.03 short of 3.4, where Thriving starts; writing the
# target as "Thriving (4)" made that read as 0.63 short of 4. So a target is always written as
# its band, and every gap is measured from, and named with, that band's lower edge.


def _score(value: float) -> str:
    """A score as people read it: at most two decimals, no trailing zeros ("3.4", "2.97")."""
    return f"{round(value, 2):g}"


def target_band(level: MaturityLevel) -> str:
    """ "Thriving: 3.4 and above"."""
    return f"{level.name}: {_score(level.min_score)} and above"


def gap_to_band(mean: float, level: MaturityLevel) -> float:
    """Score points from `mean` up to where the band starts, 0 at or above it. The mean is
    compared as shown (two decimals), so a team shown at 3.40 is in Thriving, not a hair below."""
    return round(max(0.0, level.min_score - round(mean, 2)), 2)


def gap_words(mean: float, level: MaturityLevel) -> str:
    """ "0.03 below Thriving (3.4 and above)", or "On target: Thriving starts at 3.4"."""
    gap = gap_to_band(mean, level)
    if gap > 0:
        return f"{_score(gap)} below {level.name} ({_score(level.min_score)} and above)"
    return f"On target: {level.name} starts at {_score(level.min_score)}"
