"""A manager follows the recommendations for a team whose weakest conditions are known, plans
one intervention, marks it done, and finds it in the plan's Excel file."""

from __future__ import annotations

import io
import re

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

WEAK = ("confident_staff_and_people", "evidence_of_impact")


def _answers(model) -> dict[str, int]:
    """Strong (4 of 5) everywhere except the two weak conditions (1 of 5)."""
    answers = {}
    for item in model.questionnaire.items:
        score = 1 if item.condition in WEAK else 4
        answers[item.id] = 6 - score if item.reverse else score
    return answers


def test_from_recommendation_to_a_done_action_in_the_exported_plan(
    browser: Browser, app_url: str, app_db_url: str, monkeypatch, model, screenshot_dir
) -> None:
    monkeypatch.setenv("CULTURETOOL_DB_URL", app_db_url)
    administrator = make_person(Role.ADMINISTRATOR)
    area = add_area(administrator, "Planning Vale")
    team = add_team(administrator, area, "Planning Reablement")
    manager = make_person(Role.MANAGER, (team,), password=PASSWORD)
    opened = open_link_round(manager, team)
    with transaction() as session:
        round_ = session.get(AssessmentRound, opened.id)
        for _ in range(7):
            repo.insert_response(session, round_, _answers(model))
        email = session.get(UserAccount, manager.user_id).email
    weak_names = [model.condition_by_id[c].name for c in WEAK]
    serving = {
        b.name
        for b in model.bundles
        if any(s.condition in WEAK and s.weight == 1 for s in b.serves)
    }

    page = new_person(browser)
    sign_in(page, app_url, email, PASSWORD)
    page.get_by_role("link", name="Planning Reablement").first.click()
    page.get_by_role("link", name="What to do next").click()
    expect(page.get_by_role("heading", name="What to do next: Planning Reablement")).to_be_visible()

    # The two weakest conditions are 2.4 below the default target, and say how sure that is.
    for name in weak_names:
        row = page.locator("tr", has_text=name)
        expect(row).to_contain_text("2.4 below")
        expect(row).to_contain_text("7 people answered")

    # The top two bundles are the ones built mainly for those conditions, each explained.
    bundles = page.locator("section.bundle:visible")  # three; the rest are folded away
    expect(bundles).to_have_count(3)
    for position in range(2):
        bundle = bundles.nth(position)
        heading = bundle.get_by_role("heading", level=3).inner_text()
        assert re.sub(r"^\d+\.\s*", "", heading) in serving, heading
        expect(bundle).to_contain_text("below target")
        bundle.get_by_text("Why this bundle").click()
        expect(bundle.get_by_text("Lowest statement for").first).to_be_visible()
        expect(bundle.get_by_text(re.compile(r"^Ranking score"))).to_be_visible()
    page.screenshot(path=screenshot_dir / "recommendations.png", full_page=True)

    # Plan the first intervention of the top bundle.
    top = bundles.first
    intervention = top.locator(".intervention-name").first.inner_text()
    top.get_by_role("link", name=f"Add {intervention} to the action plan").click()
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

    # Back on the recommendations, it is no longer offered as new.
    page.goto(f"{app_url}/teams/{team}/recommendations")
    item = page.locator(".intervention", has_text=intervention).first
    expect(item).to_contain_text("Already in the plan")
    expect(item.get_by_role("link", name=re.compile("to the action plan"))).to_have_count(0)
