"""A target reads as its band, and a gap is measured from the band's lower edge (issue 11).

The scores here sit exactly on, a hair under and a hair over the model's band edges."""

from __future__ import annotations

import pytest
from model_fixtures import MODEL_DIR

from culturetool.domain.model_loader import load_model_dir
from culturetool.domain.targets import gap_to_band, gap_words, target_band

LEVELS = {level.level: level for level in load_model_dir(MODEL_DIR).meta.maturity_levels}
THRIVING = LEVELS[4]  # starts at 3.4
ESTABLISHED = LEVELS[3]  # starts at 2.6


def test_a_target_is_written_as_its_band_not_its_level_number():
    assert target_band(THRIVING) == "Thriving: 3.4 and above"
    assert target_band(LEVELS[1]) == "Emerging: 1 and above"
    assert "(4)" not in target_band(THRIVING)


@pytest.mark.parametrize(
    ("mean", "gap"),
    [
        (3.37, 0.03),  # the case: just under the edge, not 0.63 under 4
        (3.399, 0.0),  # shown as 3.40: in the band
        (3.394, 0.01),  # shown as 3.39
        (3.4, 0.0),  # exactly on the edge
        (3.41, 0.0),
        (4.9, 0.0),  # far above
        (1.0, 2.4),  # the bottom of the scale
    ],
)
def test_the_gap_runs_to_the_band_lower_edge(mean, gap):
    assert gap_to_band(mean, THRIVING) == gap


def test_the_gap_words_name_the_band_and_its_edge():
    assert gap_words(3.37, THRIVING) == "0.03 below Thriving (3.4 and above)"
    assert gap_words(2.97, ESTABLISHED) == "On target: Established starts at 2.6"
    assert gap_words(2.6, ESTABLISHED) == "On target: Established starts at 2.6"
    assert gap_words(2.59, ESTABLISHED) == "0.01 below Established (2.6 and above)"


def test_band_edges_follow_the_model_data():
    for level in LEVELS.values():
        assert gap_to_band(level.min_score, level) == 0.0
        assert gap_to_band(level.min_score - 0.01, level) == 0.01
