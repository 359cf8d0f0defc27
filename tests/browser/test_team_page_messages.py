"""The team page's messages stay true while it is open: the count of answers can be read again,
and the message about when scores show changes once enough people have answered."""

from __future__ import annotations

import re

import pytest
from helpers import new_person, sign_in
from people import PASSWORD, make_person
from playwright.sync_api import Browser, expect
from respondents import open_link_round

from culturetool.domain.access import Role
from culturetool.services.organisation import add_area, add_team
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import AssessmentRound, UserAccount

pytestmark = pytest.mark.browser


def _answers_arrive(round_id: int, people: int, model) -> None:
    """People answer as the store would save them: this test is about what the page says."""
    with transaction() as session:
        round_ = session.get(AssessmentRound, round_id)
        for _ in range(people):
            repo.insert_response(session, round_, {i.id: 4 for i in model.questionnaire.items})


def test_the_open_rounds_count_and_message_follow_the_answers(
    browser: Browser, app_url: str, app_db_url: str, monkeypatch, model
) -> None:
    monkeypatch.setenv("CULTURETOOL_DB_URL", app_db_url)
    administrator = make_person(Role.ADMINISTRATOR)
    team = add_team(administrator, add_area(administrator, "Count Vale"), "Vale Counting Team")
    manager = make_person(Role.MANAGER, (team,), password=PASSWORD)
    round_ = open_link_round(manager, team)
    with transaction() as session:
        email = session.get(UserAccount, manager.user_id).email

    page = new_person(browser, width=375)
    sign_in(page, app_url, email, PASSWORD)
    page.goto(f"{app_url}/teams/{team}")
    panel = page.locator(".share-panel")
    expect(panel).to_contain_text("0 responses so far")
    expect(panel).to_contain_text("Scores appear once 5 people have answered.")

    _answers_arrive(round_.id, 1, model)
    page.get_by_role("button", name="Check for new answers").click()
    expect(panel).to_contain_text(re.compile(r"\b1 response so far"))

    _answers_arrive(round_.id, 4, model)
    page.get_by_role("button", name="Check for new answers").click()
    expect(panel).to_contain_text("5 responses so far")
    expect(panel).to_contain_text("Enough people have answered for scores to show")
    expect(panel).not_to_contain_text("Scores appear once")
    page.screenshot(path="/tmp/shots-h3/team-manager-five-375.png", full_page=True)
