"""A leader reads the county dashboard: every area against the county in two assessment periods,
a suppressed cell labelled as such, change over time with the actions done in between, the
filter's subtraction guard, and the drill-down into an area's teams (issue 13)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from county_world import ACTION, COUNTY, EARLIER, LATER, build_county
from helpers import new_person, sign_in
from people import PASSWORD, make_person
from playwright.sync_api import Browser, Page, expect
from test_accessibility import _axe_source, _check

from culturetool.domain.access import Role
from culturetool.services.organisation import add_area, add_team
from culturetool.store.db import transaction
from culturetool.store.tables import UserAccount

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")  # where the screenshots looked at for the report go as well


def _email(user_id: int) -> str:
    with transaction() as session:
        return session.get(UserAccount, user_id).email


def _shoot(page: Page, screenshot_dir: Path, name: str) -> None:
    """Desktop and phone width, full page, kept with the test's artefacts and in /tmp/shots."""
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        path = screenshot_dir / f"{name}-{width}.png"
        page.screenshot(path=path, full_page=True)
        shutil.copy(path, SHOTS / path.name)
    page.set_viewport_size({"width": 1280, "height": 900})


def _accessible(page: Page, where: str) -> None:
    """axe's WCAG 2.2 A and AA rules and the phone-width check, on the page as filled here
    (the accessibility test's world has no assessment period, so it sees the empty page)."""
    problems: list[str] = []
    page.mouse.move(0, 0)  # a link under the pointer is drawn in its lighter hover colour
    _check(page, where, _axe_source(), problems)
    assert not problems, "\n".join(problems)


def _row(region, name: str):
    return region.locator("tbody tr").filter(has=region.page.get_by_role("rowheader", name=name))


def test_leader_reads_the_county_and_drills_down_to_an_area(
    browser: Browser, app_url: str, app_db_url: str, monkeypatch, model, screenshot_dir
) -> None:
    monkeypatch.setenv("CULTURETOOL_DB_URL", app_db_url)
    ids = build_county(model)
    leader = make_person(Role.LEADER, password=PASSWORD)
    page = new_person(browser, width=1280)
    sign_in(page, app_url, _email(leader.user_id), PASSWORD)

    # The newest period may be another test's: the address names this one.
    page.get_by_role("link", name="County", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^County dashboard"))).to_be_visible()
    page.goto(f"{app_url}/county?period={ids[LATER]}")
    expect(page.get_by_role("heading", name=f"Areas against the county, {LATER}")).to_be_visible()
    heatmap = page.get_by_role("region", name=re.compile("^Scores of each area"))
    for area in COUNTY:
        expect(heatmap.get_by_role("link", name=f"{area}: its teams")).to_be_visible()
    expect(_row(heatmap, "County")).to_contain_text("people")
    # Quietdale has 3 responses: each of its cells says it is suppressed and why.
    quietdale = _row(heatmap, re.compile("Dash Quietdale"))
    expect(quietdale).to_contain_text("Suppressed:")
    expect(quietdale).to_contain_text("too few answers")
    assert quietdale.locator("td").first.inner_text().strip() != ""
    # The county (35 people) minus Northmoor (18) and Eastfen (14) would give Quietdale's 3
    # away, so one of the two is suppressed as protecting a smaller group.
    northmoor = _row(heatmap, re.compile("Dash Northmoor"))
    eastfen = _row(heatmap, re.compile("Dash Eastfen"))
    expect(northmoor).to_contain_text("18 of 28 staff")
    expect(northmoor.locator("td").first).to_contain_text("people")
    expect(eastfen.locator("td").first).to_contain_text("Suppressed:")
    expect(eastfen).to_contain_text("protects a smaller team")
    expect(page.get_by_text("95% interval").first).to_be_visible()

    # Change since the earlier period, with the action done in between beside it.
    changes = page.get_by_role("region", name=f"Change from {EARLIER} to {LATER}")
    expect(changes).to_be_visible()
    change_row = _row(changes, "Dash Northmoor")
    expect(change_row).to_contain_text("▲ up")
    expect(change_row).to_contain_text(ACTION)

    # Each condition: the county's score, its consistency and teams per level, in words.
    conditions = page.get_by_role("list", name="Each condition across the county")
    first = conditions.get_by_role("listitem").filter(has_text=model.conditions[0].name).first
    expect(first).to_contain_text("County: ")
    expect(first).to_contain_text("Cronbach's alpha")
    expect(first.get_by_role("list", name=re.compile("^Teams at each level"))).to_contain_text(
        "team"
    )
    _shoot(page, screenshot_dir, "county-heatmap")
    _accessible(page, "county dashboard with two periods")

    # Ordered by a condition: said in words, lowest first, and still no ranks.
    page.get_by_label("Order the areas by").select_option(value=model.conditions[0].id)
    expect(page.get_by_text(f"ordered by {model.conditions[0].name}, lowest first")).to_be_visible()
    text = page.locator("main").inner_text()
    assert not re.search(r"\b(rank|1st|2nd|3rd)\b", text, re.IGNORECASE), "a league table"

    # A filter that would leave Quietdale's 3 people alone outside it is refused with a
    # reason; one that leaves enough people out is shown as a row of its own.
    northmoor_tick = page.get_by_role("checkbox", name="Dash Northmoor")
    if not northmoor_tick.is_visible():  # the accessibility check may have unfolded it
        page.get_by_text("Look at some areas together").click()
    northmoor_tick.check()
    page.get_by_role("checkbox", name="Dash Eastfen").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(heatmap.get_by_role("rowheader", name=re.compile("Selected areas"))).to_have_count(0)
    page.get_by_role("checkbox", name="Dash Eastfen").uncheck()
    page.get_by_role("button", name="Apply").click()
    expect(heatmap.get_by_role("rowheader", name=re.compile("Selected areas"))).to_be_visible()
    page.get_by_role("button", name="Clear").click()
    expect(heatmap.get_by_role("rowheader", name=re.compile("Selected areas"))).to_have_count(0)

    # The earlier period: its own figures, and nothing earlier to compare with.
    page.get_by_label("Assessment period").select_option(value=str(ids[EARLIER]))
    expect(page.get_by_role("heading", name=f"Areas against the county, {EARLIER}")).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("^Change from"))).to_have_count(0)

    # Drill down into Northmoor in the later period: its teams, the area and the county.
    page.goto(f"{app_url}/county?period={ids[LATER]}")
    # Wait for this period's rows: the earlier period's, ordered by a condition, are drawn
    # until the page's data arrives, and a click meanwhile lands on whichever row is there.
    expect(page.get_by_role("heading", name=f"Areas against the county, {LATER}")).to_be_visible()
    expect(page.get_by_label("Order the areas by")).to_have_value("name")
    page.get_by_role("link", name="Dash Northmoor: its teams").click()
    expect(page.get_by_role("heading", name="Dash Northmoor in the county")).to_be_visible()
    teams = page.get_by_role("region", name=re.compile("^Scores of each team in Dash Northmoor"))
    for team in COUNTY["Dash Northmoor"]:
        expect(teams.get_by_role("link", name=team)).to_be_visible()
    expect(_row(teams, "County")).to_be_visible()
    expect(_row(teams, re.compile("Whole area"))).to_contain_text("18 of 28 staff")
    small = _row(teams, re.compile("Dash Moor Small"))
    expect(small).to_contain_text("2 of 6 staff")
    expect(small).to_contain_text("Suppressed:")
    # The area (18) minus the big team (9) would give away the small team's 2 with the
    # middle team's 7: the middle team is suppressed too.
    expect(_row(teams, re.compile("Dash Moor Mid"))).to_contain_text("protects a smaller team")
    assert "Dash Fen One" not in page.locator("main").inner_text()
    _shoot(page, screenshot_dir, "county-drilldown")
    _accessible(page, "county drill-down")
    # Its teams ordered by a condition: said in words, not as ranks, and every team still there.
    page.get_by_label("Order the teams by").select_option(value=model.conditions[0].id)
    expect(
        page.get_by_text(f"teams are ordered by {model.conditions[0].name}, lowest first")
    ).to_be_visible()
    for team in COUNTY["Dash Northmoor"]:
        expect(teams.get_by_role("link", name=team)).to_be_visible()
    assert not re.search(r"\b(rank|1st|2nd|3rd)\b", page.locator("main").inner_text(), re.I)
    _shoot(page, screenshot_dir, "county-drilldown-ordered")
    page.get_by_role("link", name="Back to the county dashboard").click()
    expect(page.get_by_role("heading", name=f"Areas against the county, {LATER}")).to_be_visible()


def test_a_team_manager_has_no_county_dashboard(
    browser: Browser, app_url: str, app_db_url: str, monkeypatch
) -> None:
    monkeypatch.setenv("CULTURETOOL_DB_URL", app_db_url)
    administrator = make_person(Role.ADMINISTRATOR)
    area = add_area(administrator, "Dash Refused Vale")
    team = add_team(administrator, area, "Dash Refused Team")
    manager = make_person(Role.MANAGER, (team,), password=PASSWORD)
    page = new_person(browser)
    sign_in(page, app_url, _email(manager.user_id), PASSWORD)
    expect(page.get_by_role("link", name="County", exact=True)).to_have_count(0)
    for path in ("/county", f"/county/areas/{area}"):
        page.goto(app_url + path)
        expect(
            page.get_by_role("heading", name="You do not have access to this page")
        ).to_be_visible()
        assert "Dash Refused Vale" not in page.locator("main").inner_text()
