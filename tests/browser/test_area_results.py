"""A leader compares the teams of an area; small teams stay hidden, also by subtraction."""

from __future__ import annotations

import io

import pytest
from helpers import new_person, sign_in
from openpyxl import load_workbook
from people import PASSWORD, make_person
from playwright.sync_api import Browser, expect
from respondents import open_link_round

from culturetool.domain.access import Role
from culturetool.services.organisation import add_area, add_team
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import AssessmentRound, UserAccount

pytestmark = pytest.mark.browser

COMMENTS = ["We need more training.", "anything that helps people stay home is good",
            "The tech box demo was brilliant."]  # fmt: skip


def _email(user_id: int) -> str:
    with transaction() as session:
        return session.get(UserAccount, user_id).email


def _responses(team_id: int, people: int, answer: int, model, comments=()) -> int:
    """People answer as the store would save them: this test is about what is shown."""
    manager = make_person(Role.MANAGER, (team_id,))
    opened = open_link_round(manager, team_id)
    with transaction() as session:
        round_ = session.get(AssessmentRound, opened.id)
        for number in range(people):
            every = {item.id: answer for item in model.questionnaire.items}
            comment = comments[number % len(comments)] if comments else ""
            repo.insert_response(session, round_, every, comment)
    return opened.id


def test_leader_sees_an_area_side_by_side_without_giving_a_small_team_away(
    browser: Browser, app_url: str, app_db_url: str, monkeypatch, model, screenshot_dir
) -> None:
    monkeypatch.setenv("CULTURETOOL_DB_URL", app_db_url)
    administrator = make_person(Role.ADMINISTRATOR)
    area = add_area(administrator, "Side By Side Vale")
    big = add_team(administrator, area, "Vale Big Team")
    middle = add_team(administrator, area, "Vale Middle Team")
    small = add_team(administrator, area, "Vale Small Team")
    add_team(administrator, area, "Vale New Team")
    _responses(big, 11, 4, model, COMMENTS)
    middle_round = _responses(middle, 6, 2, model)
    _responses(small, 2, 1, model)
    leader = make_person(Role.LEADER, password=PASSWORD)
    middle_manager = make_person(Role.MANAGER, (middle,), password=PASSWORD)

    page = new_person(browser)
    sign_in(page, app_url, _email(leader.user_id), PASSWORD)
    page.get_by_role("link", name="Area results for Side By Side Vale").click()
    expect(page.get_by_role("heading", name="Area results: Side By Side Vale")).to_be_visible()
    expect(page.get_by_text("19 responses from 3 teams")).to_be_visible()
    expect(page.get_by_text("No responses yet from: Vale New Team.")).to_be_visible()
    grid = page.locator(".area-grid")
    expect(grid.get_by_role("link", name="Vale Big Team")).to_be_visible()
    expect(grid.locator("tr", has_text="Strategic clarity")).to_contain_text("3.33")
    # The small team (2 people) is hidden, and so is the middle team, though 6 answered:
    # the area's score minus the big team's would otherwise give the small team away.
    strategic = grid.locator("tr", has_text="Strategic clarity").inner_text()
    assert "2.67" not in strategic and "2.33" not in strategic
    assert strategic.count("hidden") == 2
    expect(page.get_by_text("would let someone work out a smaller team's answers")).to_be_visible()
    page.screenshot(path=screenshot_dir / "area-results.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download Excel").click()
    download = download_info.value
    assert download.suggested_filename == "area-results-side-by-side-vale.xlsx"
    sheet = load_workbook(io.BytesIO(download.path().read_bytes()))["Teams"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Vale Big Team"][3] == 3.33
    assert all("worked out" in str(cell) for cell in rows["Vale Middle Team"][3:12])
    assert 2.67 not in [c for row in rows.values() for c in row]

    # The middle team's own page hides the same figures from the leader...
    grid.get_by_role("link", name="Vale Middle Team").click()
    expect(page.get_by_role("heading", name="Results: Vale Middle Team")).to_be_visible()
    expect(page.get_by_text("Hidden so that a smaller team's answers").first).to_be_visible()
    assert "2.67" not in page.locator("main").inner_text()
    expect(page.get_by_text("Comments appear once 10 people have answered")).to_be_visible()

    # ... and the big team's page shows its comments in alphabetical order.
    page.go_back()
    grid.get_by_role("link", name="Vale Big Team").click()
    expect(page.get_by_role("heading", name="Results: Vale Big Team")).to_be_visible()
    expect(page.locator("ul.comments li")).to_have_count(11)
    shown = page.locator("ul.comments li").all_inner_texts()
    assert shown == sorted(shown, key=str.casefold)
    assert set(shown) == set(COMMENTS)
    page.screenshot(path=screenshot_dir / "results-comments.png", full_page=True)

    # The middle team's manager sees no area figures, so their own scores can be shown.
    manager_page = new_person(browser)
    sign_in(manager_page, app_url, _email(middle_manager.user_id), PASSWORD)
    expect(
        manager_page.get_by_role("link", name="Area results for Side By Side Vale")
    ).to_have_count(0)
    manager_page.goto(f"{app_url}/rounds/{middle_round}")
    scores = manager_page.get_by_role("list", name="Scores by condition")
    expect(scores.get_by_role("listitem").filter(has_text="Strategic clarity")).to_contain_text(
        "2.67 out of 5"
    )
    manager_page.goto(f"{app_url}/areas/{area}")
    expect(
        manager_page.get_by_role("heading", name="You do not have access to this page")
    ).to_be_visible()
    assert "Vale Big Team" not in manager_page.locator("main").inner_text()
