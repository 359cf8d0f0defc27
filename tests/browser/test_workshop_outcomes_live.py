"""Two facilitators on one workshop's understand and plan pages at once, in two browsers, and
the innovation team on the area's plan: each sees the others' changes without reloading. A
table's votes raise the count on the other facilitator's screen, closing voting closes it there
too, an action added on the workshop's plan appears on the area's plan with its workshop and
theme, and its status changed there shows on the workshop's page."""

from __future__ import annotations

import re

import pytest
from helpers import new_person, sign_in
from people import PASSWORD, make_person
from playwright.sync_api import Browser, Page, expect
from workshop_decided import decided_workshop

from culturetool.domain.access import Role
from culturetool.services.organisation import add_area
from culturetool.store.db import transaction
from culturetool.store.tables import UserAccount, WorkshopFacilitator

pytestmark = pytest.mark.browser


def _signed_in(browser: Browser, app_url: str, email: str, path: str) -> Page:
    page = new_person(browser, width=1280)
    sign_in(page, app_url, email, PASSWORD)
    page.goto(app_url + path)
    page.locator("#main[aria-busy='false']").wait_for()
    return page


def test_facilitators_and_the_area_plan_see_each_others_changes(
    browser: Browser, app_url: str, app_db_url: str
) -> None:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CULTURETOOL_DB_URL", app_db_url)
        administrator = make_person(Role.ADMINISTRATOR)
        area = add_area(administrator, "Outcome Vale")
        anna = make_person(Role.FACILITATOR, password=PASSWORD)
        ben = make_person(Role.FACILITATOR, password=PASSWORD)
        innovation = make_person(Role.INNOVATION, password=PASSWORD)
        workshop = decided_workshop(area, anna, "Carers' voices live", voting="open")
        with transaction() as session:
            session.add(WorkshopFacilitator(workshop_id=workshop, user_id=ben.user_id))
            emails = [session.get(UserAccount, p.user_id).email for p in (anna, ben, innovation)]

    understand = f"/workshops/{workshop}/understand"
    first, second = (_signed_in(browser, app_url, email, understand) for email in emails[:2])
    expect(second.get_by_text("Voting is open: 13 votes so far.")).to_be_visible()

    first.get_by_text("Record a table's votes").click()
    first.get_by_label("Table", exact=True).fill("Table 5")
    first.get_by_label("People at the table voting this way").fill("1")
    first.get_by_label("Nobody calls me back").fill("3")
    first.get_by_role("button", name="Record the table's votes").click()
    expect(first.get_by_text("Votes recorded for Table 5.")).to_be_visible()
    expect(second.get_by_text("Voting is open: 16 votes so far.")).to_be_visible()
    # Three themes with 5, 5 and 6 votes: the one the table backed is now first alone.
    expect(
        second.get_by_role("row", name=re.compile("^1st Nobody calls me back 6"))
    ).to_be_visible()

    first.get_by_role("button", name="Close voting").click()
    expect(second.get_by_text(re.compile("^Voting has closed: 16 votes given"))).to_be_visible()
    second.get_by_role("button", name="Save the themes to address").click()
    expect(first.get_by_text("Chosen to address: 3 themes.")).to_be_visible()

    plan = f"/workshops/{workshop}/plan"
    first.goto(app_url + plan)
    second.goto(app_url + plan)
    for page in (first, second):
        page.locator("#main[aria-busy='false']").wait_for()
    card = first.locator(".outcome-card", has_text="Nobody calls me back").last
    card.get_by_text("Add an action").click()
    card.get_by_label("Viewpoint").select_option(label="Community")
    card.get_by_label("What will be done").fill("A named worker for every carer")
    card.get_by_label("Who will make sure it happens").fill("Carers' lead")
    card.get_by_label("When").select_option(label="In the first week")
    card.get_by_role("button", name="Add the action").click()
    expect(second.get_by_text("A named worker for every carer")).to_be_visible()

    planner = _signed_in(browser, app_url, emails[2], f"/areas/{area}/plan")
    action = planner.locator(".action", has_text="A named worker for every carer")
    expect(
        action.get_by_text("From the workshop “Carers' voices live”: theme “Nobody calls me back”")
    ).to_be_visible()
    action.get_by_label("Status of A named worker for every carer").select_option("in_progress")
    action.get_by_role("button", name="Save status for A named worker for every carer").click()
    expect(
        planner.get_by_text("“A named worker for every carer” is now in progress.")
    ).to_be_visible()
    status = second.locator(".action", has_text="A named worker for every carer")
    expect(status.get_by_text("In progress")).to_be_visible()
