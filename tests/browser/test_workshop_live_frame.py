"""Two facilitators on the same workshop's overview, in two browsers: when one saves a new
place, the other's page shows it within about two seconds without reloading, and says politely
that a change from another facilitator arrived. Then the second one's form, drawn before that
change, is refused rather than overwriting it."""

from __future__ import annotations

import pytest
from helpers import new_person, sign_in
from people import PASSWORD, make_person
from playwright.sync_api import Page, expect
from workshop_rows import add_workshop

from culturetool.domain.access import Role
from culturetool.services.organisation import add_area
from culturetool.store.db import transaction
from culturetool.store.tables import UserAccount

LIVE_WITHIN_MS = 4000  # the page checks every 1.5 s


def _where(page: Page):
    return page.locator("#workshop-facts dt:has-text('Where') + dd")


def test_a_change_by_one_facilitator_reaches_the_other_without_reloading(
    browser, app_url, app_db_url, screenshot_dir
):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CULTURETOOL_DB_URL", app_db_url)
        administrator = make_person(Role.ADMINISTRATOR)
        area = add_area(administrator, "Live Vale")
        first, second = (make_person(Role.FACILITATOR, password=PASSWORD) for _ in range(2))
        workshop = add_workshop(area, "Carers' voices live", first, second, place="Town hall")
        with transaction() as session:
            emails = [session.get(UserAccount, p.user_id).email for p in (first, second)]

    pages = []
    for email in emails:
        page = new_person(browser, width=1280)
        sign_in(page, app_url, email, PASSWORD)
        page.goto(f"{app_url}/workshops/{workshop}")
        expect(_where(page)).to_have_text("Town hall")
        pages.append(page)
    mine, theirs = pages

    mine.get_by_label("Where it happens (optional)").fill("Stevenage community hub")
    mine.get_by_role("button", name="Save the preparation").click()
    expect(mine.get_by_role("alert")).to_have_text("The preparation is saved.")

    expect(_where(theirs)).to_have_text("Stevenage community hub", timeout=LIVE_WITHIN_MS)
    expect(theirs.locator("p.live-update[aria-live='polite']")).to_have_text(
        "Updated with a change from another facilitator."
    )
    theirs.screenshot(path=screenshot_dir / "workshop-live-update.png", full_page=True)

    # Their form was drawn before the change: saving it is refused, and nothing is overwritten.
    theirs.get_by_label("Tables in the room").fill("6")
    theirs.get_by_role("button", name="Save the preparation").click()
    expect(theirs.get_by_role("alert")).to_contain_text("someone else changed this workshop")
    expect(_where(mine)).to_have_text("Stevenage community hub")
    expect(theirs.get_by_label("Where it happens (optional)")).to_have_value(
        "Stevenage community hub"
    )
    for page in pages:
        page.context.close()
