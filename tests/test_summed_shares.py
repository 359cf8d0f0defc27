"""`figure_totals.summed_shares`, the one-pass sum an import of many responses adds to its
round's figures, is exactly the sum of each response's `shares`: the same figures, counts and
float sums, bit for bit, whatever the responses leave unanswered."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from model_fixtures import MODEL_DIR

from culturetool.domain.figure_totals import add_up, shares, summed_shares
from culturetool.domain.model_loader import load_model_dir

MODEL = load_model_dir(MODEL_DIR)
ITEM_IDS = [item.id for item in MODEL.questionnaire.items]

answers = st.one_of(st.none(), st.integers(1, 5))
partial = st.dictionaries(st.sampled_from(ITEM_IDS), answers, max_size=len(ITEM_IDS))
complete = st.fixed_dictionaries({item_id: answers for item_id in ITEM_IDS})


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(partial, complete), max_size=15))
def test_summed_shares_are_the_sum_of_each_responses_shares(many):
    assert summed_shares(MODEL, many) == add_up(shares(MODEL, response) for response in many)
