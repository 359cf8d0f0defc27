"""bench/load.py's pure parts, on the questionnaire page the app itself renders: the form it
reads as a browser does must post what the app's own form reader takes as a whole response, its
percentile must be right, and its exactly-once accounting must catch a lost, a duplicated and a
stray submission. No server is started."""

from __future__ import annotations

import random
import sys
from urllib.parse import parse_qs, urlencode

import pytest

from culturetool import config
from culturetool.domain.model_loader import check_model_dir
from culturetool.services.responding import (
    DONT_KNOW_VALUE,
    QuestionnaireView,
    QuestionView,
    ScaleChoice,
)
from culturetool.web import questionnaire_page as html
from culturetool.web import respondent

sys.path.insert(0, str(config.PROJECT_ROOT / "bench"))
import load  # noqa: E402 - bench/ is no package

TOKEN = "T" * 32


@pytest.fixture(scope="module")
def view() -> QuestionnaireView:
    """The real model's questionnaire as the service hands it to the page (no database)."""
    model, problems = check_model_dir(config.model_dir())
    assert model is not None, problems
    scale = model.questionnaire.scale
    choices = [ScaleChoice(o.value, o.label, o.easy_read) for o in scale.options]
    choices.append(ScaleChoice(DONT_KNOW_VALUE, scale.dont_know.label, scale.dont_know.easy_read))
    assert model.questionnaire.page_text is not None
    return QuestionnaireView(
        token=TOKEN,
        organisation_name="Bench County",
        team_name="Team 01",
        area_name="Area",
        minutes=10,
        threshold=5,
        comment_threshold=10,
        questions=tuple(
            QuestionView(id=i.id, number=n, text=i.text, easy_read=i.easy_read)
            for n, i in enumerate(model.questionnaire.items, start=1)
        ),
        choices=tuple(choices),
        page_text=model.questionnaire.page_text,
    )


def test_the_posted_form_is_a_whole_response_to_the_apps_own_reader(view):
    page = respondent._questionnaire(view)
    form = load.read_form(page)
    assert form.action == f"/r/{TOKEN}"
    assert len(form.submission_key) >= 20
    assert set(form.assets) == {
        respondent.ADDRESSES.css,
        respondent.ADDRESSES.js,
        respondent.ADDRESSES.icon,
    }
    assert list(form.choices) == [f"answer-{q.id}" for q in view.questions]
    values = {str(c.value) for c in view.choices}
    assert all(set(offered) == values for offered in form.choices.values())

    body = urlencode(load.form_fields(form, random.Random(3)))
    entered, key, easy_read = respondent._entered(parse_qs(body, keep_blank_values=True))
    assert key == form.submission_key
    assert set(entered.answers) == {q.id for q in view.questions}
    assert all(0 <= value <= 5 for value in entered.answers.values())
    assert entered.comment == "" and not easy_read


def test_a_page_seen_before_but_for_its_key_gives_that_page_s_own_key(view):
    first, second = respondent._questionnaire(view), respondent._questionnaire(view)
    keys = [load.read_form(page).submission_key for page in (first, second, first)]
    assert keys[0] != keys[1] and keys[0] == keys[2]
    assert all(f'value="{key}"' in page for key, page in zip(keys, (first, second), strict=False))
    assert load.read_form(second).choices == load.read_form(first).choices


def test_a_page_without_the_questionnaire_is_refused(view):
    sent = html.sent_page(TOKEN, view.page_text, respondent.ADDRESSES, False)
    assert load.SENT_MARK in sent  # how the bench knows a submission was acknowledged
    with pytest.raises(ValueError):
        load.read_form(sent)


def test_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert load.percentile(values, 0.5) == 50
    assert load.percentile(values, 0.95) == 95
    assert load.percentile(values, 1.0) == 100
    assert load.percentile([7.0], 0.95) == 7
    assert load.percentile([3.0, 1.0, 2.0], 0.5) == 2
    with pytest.raises(ValueError):
        load.percentile([], 0.5)


def _held(keys_by_round, items=3):
    responses = {r: len(keys) for r, keys in keys_by_round.items()}
    receipts = {r: [load.key_hash(k) for k in keys] for r, keys in keys_by_round.items()}
    answers = {r: n * items for r, n in responses.items()}
    return responses, receipts, answers


def test_accounting_passes_when_each_acknowledged_key_is_stored_once():
    acknowledged = {1: {"a", "b"}, 2: {"c"}}
    checked = load.account(acknowledged, *_held(acknowledged), items=3)
    assert checked.exactly_once, checked.problems
    assert (checked.acknowledged, checked.stored) == (3, 3)


def test_accounting_catches_a_lost_a_duplicated_and_a_stray_submission():
    acknowledged = {1: {"a", "b"}, 2: {"c"}}
    responses, receipts, answers = _held({1: ["a"], 2: ["c"]})
    lost = load.account(acknowledged, responses, receipts, answers, items=3)
    assert not lost.exactly_once and "1 acknowledged keys missing" in " ".join(lost.problems)

    responses, receipts, answers = _held({1: ["a", "b", "b"], 2: ["c"]})
    twice = load.account(acknowledged, responses, receipts, answers, items=3)
    assert "stored twice" in " ".join(twice.problems)

    responses, receipts, answers = _held({1: ["a", "b"], 2: ["c"], 3: ["z"]})
    stray = load.account(acknowledged, responses, receipts, answers, items=3)
    assert "round 3: 0 acknowledged, 1 stored" in stray.problems

    responses, receipts, answers = _held(acknowledged)
    answers[2] -= 1
    short = load.account(acknowledged, responses, receipts, answers, items=3)
    assert short.problems == ["round 2: 2 answer rows for 1 responses of 3 statements"]
