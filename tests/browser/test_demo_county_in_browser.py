"""The demo county's dashboard in the browser, as its leader sees it (issue 13): two periods,
every area on the heatmap, the change since Autumn 2026, and the drill-down into East Vale,
whose Sensory Impairment Team is under the threshold and labelled as suppressed."""

from __future__ import annotations

import re

import pytest
from helpers import new_person, sign_in
from playwright.sync_api import Browser, expect

from culturetool.services.demo import AUTUMN_2026, COUNTY, SPRING_2027, load_demo

pytestmark = pytest.mark.browser


def test_the_demo_leader_reads_the_county_and_east_vale(
    browser: Browser, app_url: str, app_db_url: str, monkeypatch
) -> None:
    monkeypatch.setenv("CULTURETOOL_DB_URL", app_db_url)
    # The shared app's database holds the tests' organisation: the demo goes in beside it.
    assert load_demo(beside_others=True)
    page = new_person(browser, width=1280)
    sign_in(page, app_url, "leader@shirebrook.example", "demo-leader-pass")

    page.get_by_role("link", name="County", exact=True).click()
    spring, autumn = SPRING_2027[0], AUTUMN_2026[0]
    expect(page.get_by_role("heading", name=f"Areas against the county, {spring}")).to_be_visible()
    heatmap = page.get_by_role("region", name=re.compile("^Scores of each area"))
    for area in COUNTY:
        expect(heatmap.get_by_role("link", name=f"{area}: its teams")).to_be_visible()
    county_row = heatmap.locator("tbody tr").filter(
        has=page.get_by_role("rowheader", name=re.compile("^County"))
    )
    expect(county_row).to_contain_text("people")
    # Two periods, so the change since the first shows, area by area.
    changes = page.get_by_role("region", name=f"Change from {autumn} to {spring}")
    for area in COUNTY:
        expect(changes.get_by_role("rowheader", name=area)).to_be_visible()
    expect(page.get_by_label("Assessment period")).to_contain_text(autumn)

    # East Vale's teams: the Sensory Impairment Team's 3 answers are too few, and a cell of
    # the team whose figures would give them away is suppressed too.
    page.get_by_role("link", name="East Vale: its teams").click()
    expect(page.get_by_role("heading", name="East Vale in the county")).to_be_visible()
    teams = page.get_by_role("region", name=re.compile("^Scores of each team in East Vale"))
    for team in ("Carers Support East", "Older Adults East", "Sensory Impairment Team"):
        expect(teams.get_by_role("link", name=team)).to_be_visible()
    sensory = teams.locator("tbody tr").filter(
        has=page.get_by_role("rowheader", name=re.compile("Sensory Impairment Team"))
    )
    expect(sensory).to_contain_text("Suppressed:")
    expect(sensory).to_contain_text("too few answers")
    expect(teams).to_contain_text("protects a smaller team")
