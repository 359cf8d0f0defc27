"""The results pages' HTML bar chart: where a score sits on the 1 to 5 scale, and the maturity
bands behind the bars, read from the model."""

from __future__ import annotations

from model_fixtures import MODEL_DIR

from culturetool.analytics.charts import chart_bands, scale_position
from culturetool.domain.model_loader import load_model_dir


def test_a_score_sits_along_the_answer_scale_so_1_is_an_empty_bar_and_5_a_full_one():
    assert scale_position(1) == "0%"
    assert scale_position(3) == "50%"
    assert scale_position(3.37) == "59.25%"
    assert scale_position(5) == "100%"
    assert scale_position(0.5) == "0%" and scale_position(7) == "100%"  # never outside the bar


def test_the_bands_cover_the_scale_in_order_and_say_which_scores_they_hold():
    levels = load_model_dir(MODEL_DIR).meta.maturity_levels
    bands = chart_bands(reversed(levels))  # any order in, lowest first out
    assert [(b.name, b.scores) for b in bands] == [
        ("Emerging", "1 to 1.8"),
        ("Developing", "1.8 to 2.6"),
        ("Established", "2.6 to 3.4"),
        ("Thriving", "3.4 to 4.2"),
        ("Embedded", "4.2 and above"),
    ]
    assert [(b.start, b.width) for b in bands] == [
        ("0%", "20%"), ("20%", "20%"), ("40%", "20%"), ("60%", "20%"), ("80%", "20%"),
    ]  # fmt: skip
