"""Charts drawn with matplotlib's object API (no pyplot global state), returned as data URIs."""

from __future__ import annotations

import base64
import io
import textwrap

import matplotlib

matplotlib.use("Agg")

from matplotlib import rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# Colour-blind-safe, dark enough for text contrast on white.
BAR_COLOUR = "#1f5f8b"
BAND_COLOURS = ("#f3f4f6", "#ffffff")


def _to_data_uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    with rc_context({"svg.fonttype": "none"}):  # keep labels as text: smaller, selectable
        figure.savefig(buffer, format="svg", bbox_inches="tight")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def condition_chart_svg(
    rows: list[tuple[str, float, float]], levels: list[tuple[float, str]]
) -> str:
    """Horizontal bars of mean scores (1 to 5) with the spread as whiskers, on maturity bands.

    rows: (condition name, mean, standard deviation), top to bottom.
    levels: (lowest score of the level, level name), in any order.
    """
    if not rows:
        return ""
    figure = Figure(figsize=(8, 0.55 * len(rows) + 1.2), dpi=100)
    axes = figure.add_subplot()
    bands = sorted(levels)
    for index, (start, name) in enumerate(bands):
        end = bands[index + 1][0] if index + 1 < len(bands) else 5.0
        axes.axvspan(start, end, color=BAND_COLOURS[index % 2], zorder=0)
        axes.text(
            (start + end) / 2, -0.9, name, ha="center", va="bottom", fontsize=9, color="#374151"
        )
    labels = [textwrap.fill(name, 34) for name, _, _ in rows]
    positions = list(range(len(rows)))
    means = [mean for _, mean, _ in rows]
    axes.barh(
        positions,
        [mean - 1 for mean in means],
        left=1,
        height=0.6,
        color=BAR_COLOUR,
        xerr=[spread for _, _, spread in rows],
        error_kw={"ecolor": "#111827", "capsize": 3, "elinewidth": 1},
        zorder=2,
    )
    for position, mean in zip(positions, means, strict=True):
        axes.text(1.05, position, f"{mean:.1f}", va="center", color="white", fontsize=9, zorder=3)
    axes.set_yticks(positions, labels, fontsize=9)
    axes.invert_yaxis()
    axes.set_xlim(1, 5)
    axes.set_ylim(len(rows) - 0.5, -1)
    axes.set_xticks([1, 2, 3, 4, 5])
    axes.set_xlabel("Mean score (1 = weakest, 5 = strongest); whiskers show the spread")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return _to_data_uri(figure)
