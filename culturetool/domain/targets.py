"""Which target is in force for a condition: the most specific one set wins. A team's own
target, else its area's, else the organisation's, else the model's default. Pure: the store
reads the levels set along the chain (`repository.target_levels`), this decides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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
