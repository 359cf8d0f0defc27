"""A round's running figures (`round_figure`) are written with each response, in its
transaction, and hold exactly what scoring the answers gives: on SQLite and on PostgreSQL.
A round whose figures were never built (opened before they existed) has them built once."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa
from people import admin, manager_of
from respondents import open_link_round, send

from culturetool.domain.figure_totals import item_scores_from_totals, scores_from_totals
from culturetool.domain.scoring import score_items, score_responses
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.store import db
from culturetool.store.disclosure import round_figures
from culturetool.store.tables import AssessmentRound

pytestmark = pytest.mark.db


def sent_answers(model, rng: random.Random) -> dict[str, int]:
    return {item.id: rng.choice([0, 1, 2, 3, 4, 5]) for item in model.questionnaire.items}


def as_stored(answers: dict[str, int]) -> dict[str, int | None]:
    return {item: (None if value == 0 else value) for item, value in answers.items()}


def assert_figures_match(model, totals, sent) -> None:
    stored = [as_stored(a) for a in sent]
    expected = score_responses(model, stored)
    got = scores_from_totals(model, totals, len(sent))
    for condition in model.conditions:
        want, have = expected.conditions[condition.id], got.conditions[condition.id]
        assert (want is None) == (have is None)
        if want is not None and have is not None:
            assert (have.respondents, have.answers, have.dont_know) == (
                want.respondents, want.answers, want.dont_know,
            )  # fmt: skip
            assert have.mean == pytest.approx(want.mean)
            assert have.spread == pytest.approx(want.spread)
    items = item_scores_from_totals(model, totals)
    for item_id, want_item in score_items(model, stored).items():
        have_item = items[item_id]
        assert (want_item is None) == (have_item is None)
        if want_item is not None and have_item is not None:
            assert have_item.mean == pytest.approx(want_item.mean)


def test_each_response_adds_its_share_once_in_its_own_transaction(database, model):
    create_organisation("Test Council")
    team = add_team(admin(), add_area(admin(), "North"), "Reablement")
    round_ = open_link_round(manager_of(team), team)
    rng = random.Random(4)
    sent = [sent_answers(model, rng) for _ in range(9)]
    for number, answers in enumerate(sent):
        assert send(round_.token, f"key {number}", answers)
    assert not send(round_.token, "key 0", sent[0])  # a double click counts once
    with db.transaction() as session:
        stored_round = session.get_one(AssessmentRound, round_.id)
        assert stored_round.figures_responses == 9
        assert_figures_match(model, round_figures(session, stored_round), sent)


def test_a_round_without_figures_has_them_built_once_from_its_answers(database, model):
    create_organisation("Test Council")
    team = add_team(admin(), add_area(admin(), "North"), "Reablement")
    round_ = open_link_round(manager_of(team), team)
    rng = random.Random(5)
    sent = [sent_answers(model, rng) for _ in range(6)]
    for number, answers in enumerate(sent[:4]):
        assert send(round_.token, f"key {number}", answers)
    with db.transaction() as session:  # as a round opened before running figures existed
        session.execute(sa.text("DELETE FROM round_figure WHERE round_id = :r"), {"r": round_.id})
        session.execute(
            sa.text("UPDATE assessment_round SET figures_responses = NULL WHERE id = :r"),
            {"r": round_.id},
        )
    assert send(round_.token, "key 4", sent[4])  # not added to figures that are not there
    with db.transaction() as session:
        stored_round = session.get_one(AssessmentRound, round_.id)
        assert stored_round.figures_responses is None
        assert_figures_match(model, round_figures(session, stored_round), sent[:5])
    assert send(round_.token, "key 5", sent[5])  # built once: now kept up to date
    with db.transaction() as session:
        stored_round = session.get_one(AssessmentRound, round_.id)
        assert stored_round.figures_responses == 6
        assert_figures_match(model, round_figures(session, stored_round), sent)
