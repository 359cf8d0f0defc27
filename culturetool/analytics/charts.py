"""The geometry of the results pages' bar chart, which the page draws as HTML with its numbers
as text (an image of a chart shrank to unreadable labels on a phone).

A bar runs along the 1 to 5 answer scale, so 1 is an empty bar and 5 a full one; the maturity
bands are laid along the same scale behind the bars.
"""

from __future__ import annotations

from collections.abc import Iterable

from culturetool.domain.model_schema import MaturityLevel
from culturetool.views.results import Band

LOWEST, HIGHEST = 1.0, 5.0


def score_text(score: float) -> str:
    """ "2.6", "3.4", "1": as the targets read (domain/targets.py), no trailing zeros."""
    return f"{round(score, 2):g}"


def scale_position(score: float) -> str:
    """How far along the 1 to 5 scale a score sits, as a CSS percentage ("59.25%")."""
    share = (min(max(score, LOWEST), HIGHEST) - LOWEST) / (HIGHEST - LOWEST)
    return f"{round(share * 100, 2):g}%"


def chart_bands(levels: Iterable[MaturityLevel]) -> list[Band]:
    """The maturity levels, lowest first, each with the scores it covers and its place along
    the scale: "Established", "2.6 to 3.4"; the top one "4.2 and above"."""
    ordered = sorted(levels, key=lambda level: level.min_score)
    bands = []
    for number, level in enumerate(ordered):
        end = ordered[number + 1].min_score if number + 1 < len(ordered) else HIGHEST
        start_share = (level.min_score - LOWEST) / (HIGHEST - LOWEST)
        end_share = (end - LOWEST) / (HIGHEST - LOWEST)
        scores = (
            f"{score_text(level.min_score)} to {score_text(end)}"
            if number + 1 < len(ordered)
            else f"{score_text(level.min_score)} and above"
        )
        bands.append(
            Band(
                name=level.name,
                scores=scores,
                start=f"{round(start_share * 100, 2):g}%",
                width=f"{round((end_share - start_share) * 100, 2):g}%",
            )
        )
    return bands
