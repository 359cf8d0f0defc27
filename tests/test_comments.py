"""Free-text comments: their own, higher threshold, no order, no time, no link to answers."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from people import admin, leader, manager_of
from respondents import open_link_round, send
from test_hostile_input import HOSTILE, fingerprint

from culturetool.domain.errors import InputProblem
from culturetool.services import admin as admin_service
from culturetool.services import exports
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.services.round_results import results_for_round
from culturetool.services.rounds import close_round
from culturetool.store.db import transaction
from culturetool.store.tables import Comment


@pytest.fixture
def team(database) -> int:
    create_organisation("Comment Council")
    boss = admin()
    return add_team(boss, add_area(boss, "North"), "Reablement")


def _everything(model, value: int = 4) -> dict[str, int]:
    return {item.id: value for item in model.questionnaire.items}


def test_comment_is_stored_apart_from_the_answers(team, model):
    round_ = open_link_round(manager_of(team), team)
    send(round_.token, "device-1", _everything(model), "  Kit arrives late.\r\n")
    with transaction() as session:
        names = {c["name"] for c in sa.inspect(session.get_bind()).get_columns("comment")}
        stored = session.scalars(sa.select(Comment)).one()
    assert names == {"id", "round_id", "text"}, "no response id, no time, no person"
    assert stored.text == "Kit arrives late."
    assert len(stored.id) == 32


def test_comments_wait_for_their_own_threshold_and_show_in_no_order(team, model):
    manager = manager_of(team)
    round_ = open_link_round(manager, team)
    texts = [f"comment {letter}" for letter in "JIHGFEDCBA"]
    for number, text in enumerate(texts[:9]):
        send(round_.token, f"device-{number}", _everything(model), text)
    view = results_for_round(manager, round_.id)
    assert view.disclosed, "scores show from 5 responses"
    assert not view.comments_shown and view.comments == []
    assert view.comment_threshold == 10
    send(round_.token, "device-9", _everything(model), texts[9])
    send(round_.token, "device-10", _everything(model), "")  # no comment
    view = results_for_round(manager, round_.id)
    assert view.comments_shown
    assert view.comments == sorted(texts), "alphabetical, not the order they were written"


def test_a_round_keeps_the_comment_threshold_it_was_opened_with(team, model):
    manager = manager_of(team)
    round_ = open_link_round(manager, team)
    admin_service.set_thresholds(admin(), 5, 20)
    for number in range(10):
        send(round_.token, f"d{number}", _everything(model), f"note {number}")
    assert results_for_round(manager, round_.id).comments_shown
    close_round(manager, round_.id)
    later = open_link_round(manager, team)
    for number in range(10):
        send(later.token, f"e{number}", _everything(model), f"note {number}")
    assert not results_for_round(manager, later.id).comments_shown


def test_sending_twice_saves_one_comment(team, model):
    round_ = open_link_round(manager_of(team), team)
    assert send(round_.token, "same", _everything(model), "once")
    assert not send(round_.token, "same", _everything(model), "once")
    with transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 1


def test_a_refused_comment_saves_nothing_at_all(team, model):
    round_ = open_link_round(manager_of(team), team)
    before = fingerprint()
    with pytest.raises(InputProblem, match="shorten it to 1,000"):
        send(round_.token, "d", _everything(model), "x" * 1001)
    with pytest.raises(InputProblem, match="cannot be shown"):
        send(round_.token, "d", _everything(model), "right-to-left \u202e trick")
    assert fingerprint() == before, "neither the answers nor the comment were saved"
    assert send(round_.token, "d", _everything(model), "line one\nline two")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=1200)))
def test_hostile_comments_are_saved_whole_or_refused_with_a_message(team, model, text):
    manager = manager_of(team)
    round_ = open_link_round(manager, team)
    before = fingerprint()
    try:
        saved = send(round_.token, "device", _everything(model), text)
    except InputProblem as problem:
        assert str(problem)
        assert fingerprint() == before
    else:
        assert saved
    close_round(manager, round_.id)


def test_comment_threshold_cannot_go_below_the_score_threshold(team):
    boss = admin()
    with pytest.raises(InputProblem, match="from the threshold for scores"):
        admin_service.set_thresholds(boss, 8, 6)
    with pytest.raises(InputProblem):
        admin_service.set_anonymity_threshold(boss, 12)  # above comments' 10
    admin_service.set_thresholds(boss, 12, 15)  # both at once is fine
    assert admin_service.thresholds(boss) == (12, 15)
    actions = [event.action for event in admin_service.audit_log(boss)]
    assert "comment threshold changed" in actions and "threshold changed" in actions


def test_export_holds_comments_only_when_the_page_does(team, model):
    manager = manager_of(team)
    round_ = open_link_round(manager, team)
    for number in range(9):
        send(round_.token, f"d{number}", _everything(model), "=cmd|' /C calc'!A0")
    xlsx = exports.round_results_file(leader(), round_.id, "xlsx")
    assert "Comments" not in load_workbook(io.BytesIO(xlsx.data)).sheetnames
    send(round_.token, "d9", _everything(model), "")
    workbook = load_workbook(io.BytesIO(exports.round_results_file(leader(), round_.id,
                                                                  "xlsx").data))  # fmt: skip
    cells = [c for row in workbook["Comments"].iter_rows(min_row=2) for c in row]
    assert len(cells) == 9 and all(c.data_type == "s" for c in cells)
    csv_text = exports.round_results_file(leader(), round_.id, "csv").data.decode("utf-8-sig")
    assert "\"'=cmd|' /C calc'!A0\"" in csv_text or "'=cmd|' /C calc'!A0" in csv_text
