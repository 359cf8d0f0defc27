"""An innovation-team member opens an assessment period for two chosen areas in the browser:
a mistake is explained, then the period opens a round for every team of those areas (and none
elsewhere), and the sheet shows each team's link and QR code, one section per area."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from conftest import ARTIFACTS
from helpers import new_person, sign_in
from people import PASSWORD, make_person
from playwright.sync_api import Browser, expect

from culturetool.domain.access import Role
from culturetool.services.organisation import add_area, add_team, set_staff_count
from culturetool.store.db import transaction
from culturetool.store.tables import AssessmentRound, UserAccount

pytestmark = pytest.mark.browser

AREAS = {
    "Period Heath": ["Heath Reablement", "Heath Front Door"],
    "Period Marsh": ["Marsh Carers Team"],
    "Period Downs": ["Downs Hub"],  # not chosen: gets no round
}


def test_an_innovation_team_member_opens_a_period_for_two_areas(
    browser: Browser, app_url: str, app_db_url: str, monkeypatch
) -> None:
    monkeypatch.setenv("CULTURETOOL_DB_URL", app_db_url)
    administrator = make_person(Role.ADMINISTRATOR)
    teams = {}
    for area, names in AREAS.items():
        area_id = add_area(administrator, area)
        for name in names:
            teams[name] = add_team(administrator, area_id, name)
            set_staff_count(administrator, teams[name], 9)
    innovation = make_person(Role.INNOVATION, password=PASSWORD)
    with transaction() as session:
        email = session.get(UserAccount, innovation.user_id).email
    today = dt.date.today()
    ARTIFACTS.mkdir(exist_ok=True)

    page = new_person(browser)
    sign_in(page, app_url, email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Periods").click()
    expect(page.get_by_role("heading", name="Assessment periods")).to_be_visible()
    page.get_by_text("Open a new assessment period", exact=True).click()
    page.get_by_label("Name of the period").fill("Heath and Marsh spring")
    page.get_by_label("First day").fill(today.isoformat())
    page.get_by_label("Closing day").fill((today - dt.timedelta(days=1)).isoformat())
    page.get_by_label("Only the areas ticked below").check()
    page.get_by_label("Period Heath (2 teams)").check()
    page.get_by_label("Period Marsh (1 team)").check()
    page.get_by_role("button", name="Open the period").click()
    expect(page.get_by_role("alert")).to_contain_text("closes before it opens")
    page.screenshot(path=ARTIFACTS / "periods-form-mistake.png", full_page=True)

    page.get_by_label("Closing day").fill((today + dt.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Open the period").click()
    expect(page.get_by_role("status")).to_contain_text("3 rounds were opened")
    row = page.get_by_role("row", name="Heath and Marsh spring")
    expect(row).to_contain_text("Period Heath, Period Marsh")
    page.screenshot(path=ARTIFACTS / "periods-list.png", full_page=True)

    with transaction() as session:
        tokens = {
            name: session.query(AssessmentRound.token).filter_by(team_id=team_id).scalar()
            for name, team_id in teams.items()
        }
    assert tokens["Downs Hub"] is None

    page.get_by_role("link", name="The sheet of links to print").click()
    expect(page.get_by_role("heading", name="Links for Heath and Marsh spring")).to_be_visible()
    sections = page.locator("section.sheet-area")
    expect(sections).to_have_count(2)
    expect(sections.nth(0).get_by_role("heading", level=2)).to_have_text("Period Heath")
    expect(sections.nth(1).get_by_role("heading", level=2)).to_have_text("Period Marsh")
    for name in ("Heath Reablement", "Heath Front Door", "Marsh Carers Team"):
        team = page.locator(".sheet-team", has=page.get_by_role("heading", name=name))
        expect(team).to_contain_text(f"/r/{tokens[name]}")
        expect(team).to_contain_text("9 staff, 0 responses so far")
        qr = team.get_by_role("img", name=f"QR code of the link for {name}")
        expect(qr).to_be_visible()
        # Drawn, not a broken picture with its words: the app drew the link's code.
        expect(qr).to_have_js_property("complete", True)
        assert qr.evaluate("img => img.naturalWidth") > 50
    expect(page.get_by_text("Downs Hub")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "period-sheet.png", full_page=True)
    # Printed: a page per area, without the site's header.
    printed = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4")))
    texts = [p.extract_text() for p in printed.pages]
    assert len(texts) == 2 and "Your account" not in texts[0]
    assert "Heath Reablement" in texts[0] and "Marsh Carers Team" in texts[1]
