"""The respondent's page texts in the model: every one has its easy read, fills in, and is
checked when the model loads."""

from __future__ import annotations

import pytest
from model_fixtures import copy_model, edit_yaml

from culturetool.domain.model_loader import check_model_dir
from culturetool.domain.questionnaire_wording import PLACEHOLDERS, PageText
from culturetool.services import responding

ROUND_VALUES = {
    "team": "Reablement",
    "organisation": "Test Council",
    "minutes": 8,
    "threshold": 5,
    "comment_threshold": 10,
    "total": 37,
    "page": 2,
    "pages": 7,
    "answered": 12,
    "numbers": "4 and 9",
    "count": 12,
}


def test_every_text_has_an_easy_read_that_fills_in(model):
    text = model.questionnaire.page_text
    wordings = text.wordings()
    assert len(wordings) >= 45
    for name, wording in wordings:
        for easy in (False, True):
            filled = wording.filled(easy, **ROUND_VALUES)
            assert filled.strip() and "{" not in filled, name
    # Most texts say something simpler; the few the same in both are short already.
    same = [name for name, w in wordings if w.standard == w.easy_read]
    assert all(len(dict(wordings)[name].standard) <= 40 for name in same), same
    assert len(same) <= 8


def test_easy_read_sentences_are_short(model):
    for name, wording in model.questionnaire.page_text.wordings():
        easy = wording.filled(True, **ROUND_VALUES)
        for sentence in easy.replace("?", ".").split(". "):
            assert len(sentence.split()) <= 15, f"{name}: {sentence}"


def test_every_refusal_a_respondent_can_meet_has_its_easy_read(model):
    text = model.questionnaire.page_text
    for refusal in (
        responding.CODE_REFUSED,
        responding.CODE_MISSING,
        responding.ROUND_FULL,
        responding.TOO_MANY_FROM_SENDER,
    ):
        wording = text.refusal(refusal)
        assert wording.standard == refusal
        assert wording.easy_read != refusal, refusal
    unknown = text.refusal("Statement 3 has an answer that is not on the scale.")
    assert unknown.easy_read == unknown.standard


def test_the_middle_answer_is_one_clear_middle_and_don_t_know_is_not_on_the_scale(model):
    scale = model.questionnaire.scale
    middle = next(option for option in scale.options if option.value == 3)
    assert (middle.label, middle.easy_read) == ("Neither agree nor disagree", "In the middle")
    assert scale.dont_know.easy_read == "I don't know"
    assert scale.dont_know.easy_read not in {option.easy_read for option in scale.options}


@pytest.fixture
def editable(tmp_path):
    return copy_model(tmp_path / "model")


def test_a_text_without_its_easy_read_stops_the_model_loading(editable):
    edit_yaml(
        editable, "questionnaire.yaml", lambda data: data["page_text"]["next"].pop("easy_read")
    )
    model, problems = check_model_dir(editable)
    assert model is None
    assert any(
        p.entry == "page_text" and "next.easy_read" in p.message and "missing" in p.message
        for p in problems
    ), [str(p) for p in problems]


def test_a_missing_text_stops_the_model_loading(editable):
    edit_yaml(editable, "questionnaire.yaml", lambda data: data["page_text"].pop("comment_help"))
    model, problems = check_model_dir(editable)
    assert model is None and any("comment_help" in p.message for p in problems)


def test_a_text_naming_something_the_page_cannot_fill_in_is_reported(editable):
    def misname(data):
        data["page_text"]["progress"]["easy_read"] = "You have answered {answerd} of {total}"

    edit_yaml(editable, "questionnaire.yaml", misname)
    model, problems = check_model_dir(editable)
    assert model is None
    assert any("'progress' names answerd" in p.message for p in problems), [
        str(p) for p in problems
    ]


def test_a_model_saved_before_the_page_texts_existed_gets_the_current_ones(model, database):
    # `database`: the current texts come from the model in force, which the database keeps.
    older = model.model_copy(
        update={"questionnaire": model.questionnaire.model_copy(update={"page_text": None})}
    )
    assert responding.page_text(older) == model.questionnaire.page_text
    assert isinstance(responding.page_text(), PageText)


def test_placeholders_are_named_for_texts_that_exist():
    assert set(PLACEHOLDERS) <= set(PageText.model_fields)


def test_a_snapshot_without_page_texts_loads_and_keeps_its_version(model):
    import json

    from culturetool.domain.model_loader import model_from_json, model_to_json

    data = json.loads(model_to_json(model))
    del data["questionnaire"]["page_text"]
    old_content = json.dumps(data, sort_keys=True, separators=(",", ":"))
    old = model_from_json(old_content)
    assert old.questionnaire.page_text is None
    assert model_to_json(old) == old_content
