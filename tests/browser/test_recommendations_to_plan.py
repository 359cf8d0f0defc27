"""A manager follows the recommendations for a team whose weakest conditions are known: the
team's own three come first, each with why in one sentence; they plan one and mark it done, and
find it in the plan's Excel file; they ask the area's plan for something only leaders can do,
and the innovation team finds that request on the area's plan and plans it. The page, for a team
and for an area, does not scroll sideways on a phone."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from helpers import new_person, sign_in
from openpyxl import load_workbook
from people import PASSWORD, make_person
from playwright.sync_api import Browser, Page, expect
from respondents import open_link_round
from test_accessibility import AXE, RUN_AXE, WCAG_22_A_AND_AA

from culturetool.domain.access import Role
from culturetool.domain.kinds import CarriedOutBy
from culturetool.services.organisation import add_area, add_team
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import AssessmentRound, UserAccount

pytestmark = pytest.mark.browser

WEAK = ("confident_staff_and_people", "evidence_of_impact")
PHONE, DESKTOP = 375, 1280


def _answers(model) -> dict[str, int]:
    """Strong (4 of 5) everywhere except the two weak conditions (1 of 5)."""
    answers = {}
    for item in model.questionnaire.items:
        score = 1 if item.condition in WEAK else 4
        answers[item.id] = 6 - score if item.reverse else score
    return answers


def _email(user_id: int) -> str:
    with transaction() as session:
        user = session.get(UserAccount, user_id)
        assert user is not None
        return user.email


def _no_sideways_scroll(page: Page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{page.url} is {wide} px wider than the {PHONE} px screen"


def _no_axe_violations(page: Page) -> None:
    """The states only this journey reaches (a request asked, one on the area's plan) pass
    axe-core's WCAG 2.2 A and AA rules, as every other page does in test_accessibility.py."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make test installs it from the npm registry)")
    page.add_script_tag(content=AXE.read_text())
    violations = page.evaluate(RUN_AXE, WCAG_22_A_AND_AA)
    assert violations == [], f"{page.url}: {violations}"


def _look_at(page: Page, address: str, shots: Path, name: str) -> None:
    """The page at a phone's width and a desktop's, with its folded lists opened."""
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(address)
        expect(page.get_by_role("heading", name=re.compile("^What to do next"))).to_be_visible()
        # The gaps table is there at every width (on a phone its rows are cards).
        expect(page.locator("tbody tr").first).to_be_visible()
        if width == PHONE:
            _no_sideways_scroll(page)
        page.screenshot(path=shots / f"{name}-{width}.png", full_page=True)
        for summary in page.locator("details > summary").all():
            summary.click()  # opened, the long names and reasons must still fit
        if width == PHONE:
            _no_sideways_scroll(page)
    page.set_viewport_size({"width": 1100, "height": 900})


def test_from_recommendation_to_a_done_action_and_an_ask_of_the_area(
    browser: Browser, app_url: str, app_db_url: str, monkeypatch, model, screenshot_dir
) -> None:
    monkeypatch.setenv("CULTURETOOL_DB_URL", app_db_url)
    administrator = make_person(Role.ADMINISTRATOR)
    area = add_area(administrator, "Planning Vale")
    team = add_team(administrator, area, "Planning Reablement")
    manager = make_person(Role.MANAGER, (team,), password=PASSWORD)
    innovation = make_person(Role.INNOVATION, password=PASSWORD)
    opened = open_link_round(manager, team)
    with transaction() as session:
        round_ = session.get(AssessmentRound, opened.id)
        for _ in range(7):
            repo.insert_response(session, round_, _answers(model))
    weak_names = [model.condition_by_id[c].name for c in WEAK]
    level = {i.name: i.carried_out_by for i in model.interventions}

    page = new_person(browser)
    sign_in(page, app_url, _email(manager.user_id), PASSWORD)
    page.get_by_role("link", name="Planning Reablement").first.click()
    page.get_by_role("link", name="What to do next").click()
    expect(page.get_by_role("heading", name="What to do next: Planning Reablement")).to_be_visible()

    # The two weakest conditions are 2.4 below where the default target's band starts.
    for name in weak_names:
        row = page.locator("tr", has_text=name)
        expect(row).to_contain_text("2.4 below")
        expect(row).to_contain_text("Thriving: 3.4 and above")
        expect(row).to_contain_text("7 people answered")

    # The team's own three come first, each saying why in one sentence (here there are no more).
    own = (
        page.locator("section, div")
        .filter(has=page.get_by_role("heading", name="What the team can do itself", exact=True))
        .last
    )
    shown = own.locator("li.intervention:visible")
    expect(shown).to_have_count(3)
    names = [shown.nth(n).locator(".intervention-name").inner_text() for n in range(3)]
    assert {level[name] for name in names} == {CarriedOutBy.TEAM}, names
    for position in range(3):
        expect(shown.nth(position).locator(".intervention-why")).to_contain_text(
            re.compile(r"^It builds .+ below \w+ \(3\.4 and above\)")
        )

    # What needs leaders is listed apart, briefly, each with a way to ask the area's plan.
    asks = (
        page.locator("section, div")
        .filter(has=page.get_by_role("heading", name="What to ask of leaders and commissioners"))
        .last
    )
    first_ask = asks.locator("li.intervention:visible").first
    asked_for = first_ask.locator(".intervention-name").inner_text()
    assert level[asked_for] != CarriedOutBy.TEAM
    first_ask.get_by_role("button", name=f"Ask for this in the area's plan: {asked_for}").click()
    expect(page.get_by_text(f"your request for “{asked_for}”")).to_be_visible()
    expect(first_ask).to_contain_text("Asked for in the area's plan")
    _no_axe_violations(page)
    page.screenshot(path=screenshot_dir / "recommendations.png", full_page=True)

    # Plan the first of the team's own.
    intervention = names[0]
    shown.first.get_by_role("link", name=f"Add to the action plan: {intervention}").click()
    expect(page.get_by_text(f"From the recommendation: {intervention}")).to_be_visible()
    expect(page.get_by_label("What will be done")).to_have_value(intervention)
    page.get_by_label("What will be done").fill(f"{intervention} for our team")
    page.get_by_label("Who will lead it (a name or a role)").fill("Team manager")
    page.get_by_label("Within three months").check()
    page.get_by_role("button", name="Save the action").click()
    title = f"{intervention} for our team"
    expect(page.get_by_text(f"“{title}” is now in the plan")).to_be_visible()
    action = page.locator("li.action", has_text=title)
    expect(action).to_contain_text("Planned")

    # Mark it done.
    page.get_by_label(f"Status of {title}").select_option(label="Done")
    page.get_by_role("button", name=f"Save status for {title}").click()
    expect(action.locator(".flag-done")).to_be_visible()
    expect(action).to_contain_text("Done on")
    page.screenshot(path=screenshot_dir / "plan.png", full_page=True)

    # The plan's Excel file holds it, done.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download Excel").click()
    workbook = load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    rows = [row for sheet in workbook for row in sheet.iter_rows(values_only=True)]
    ours = [row for row in rows if title in row]
    assert len(ours) == 1, rows
    assert "Done" in ours[0]
    assert any(weak_names[0] in str(cell) or weak_names[1] in str(cell) for cell in ours[0])

    # Back on the recommendations, it is no longer offered as new, and the ask is remembered.
    page.goto(f"{app_url}/teams/{team}/recommendations")
    item = page.locator(".intervention", has_text=intervention).first
    expect(item).to_contain_text("Already in the plan")
    expect(item.get_by_role("link", name=re.compile("to the action plan"))).to_have_count(0)
    expect(page.locator(".intervention", has_text=asked_for).first).to_contain_text(
        "Asked for in the area's plan"
    )
    _look_at(page, f"{app_url}/teams/{team}/recommendations", screenshot_dir, "team-next")

    # The innovation team sees which team asked, on the area's plan, and plans it from there.
    planner = new_person(browser)
    sign_in(planner, app_url, _email(innovation.user_id), PASSWORD)
    planner.goto(f"{app_url}/areas/{area}/plan")
    request = planner.locator("section[aria-label='Asked for by teams'] li", has_text=asked_for)
    expect(request).to_contain_text("Planning Reablement asked for this on")
    request.get_by_role("link", name=f"Add to the area's plan: {asked_for}").click()
    expect(planner.get_by_text(f"From the recommendation: {asked_for}")).to_be_visible()
    planner.get_by_label("Who will lead it (a name or a role)").fill("Innovation lead")
    planner.get_by_role("button", name="Save the action").click()
    expect(planner.get_by_text(f"“{asked_for}” is now in the plan")).to_be_visible()
    expect(request).to_contain_text("In the plan")
    _no_axe_violations(planner)
    planner.screenshot(path=screenshot_dir / "area-plan-requests.png", full_page=True)
    planner.set_viewport_size({"width": PHONE, "height": 900})
    _no_sideways_scroll(planner)
    planner.screenshot(path=screenshot_dir / "area-plan-requests-375.png", full_page=True)
    planner.set_viewport_size({"width": 1100, "height": 900})

    # The area's own page leads with what the area and the organisation do.
    planner.goto(f"{app_url}/areas/{area}/recommendations")
    area_own = (
        planner.locator("section, div")
        .filter(
            has=planner.get_by_role("heading", name="What the area and the organisation can do")
        )
        .last
    )
    expect(area_own.locator("li.intervention:visible")).to_have_count(3)
    area_names = area_own.locator("li.intervention:visible .intervention-name").all_inner_texts()
    assert area_names and CarriedOutBy.TEAM not in {level[name] for name in area_names}
    _look_at(planner, f"{app_url}/areas/{area}/recommendations", screenshot_dir, "area-next")
