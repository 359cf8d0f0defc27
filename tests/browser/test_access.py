"""A manager reaches only their own teams; a respondent's link opens only its questionnaire."""

from __future__ import annotations

import re

import pytest
from conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from helpers import (
    accept_invitation,
    add_area_and_teams,
    invite_manager,
    new_person,
    open_round,
    sign_in,
)
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.browser


def test_a_manager_cannot_reach_another_teams_results(browser: Browser, app_url: str) -> None:
    admin = new_person(browser)
    sign_in(admin, app_url, ADMIN_EMAIL, ADMIN_PASSWORD)
    add_area_and_teams(admin, app_url, "South Testshire", "Team Alpha", "Team Beta")
    alpha_link = invite_manager(
        admin, app_url, "Alpha Manager", "alpha@testshire.example", "Team Alpha"
    )
    beta_link = invite_manager(
        admin, app_url, "Beta Manager", "beta@testshire.example", "Team Beta"
    )

    alpha = new_person(browser)
    accept_invitation(alpha, alpha_link, "alpha manager password")
    share_link, alpha_results = open_round(alpha, app_url, "Team Alpha")
    alpha.get_by_role("link", name="Team Alpha").click()
    alpha_team_page = alpha.url

    beta = new_person(browser)
    accept_invitation(beta, beta_link, "beta manager password")
    beta.goto(app_url + "/")
    expect(beta.get_by_role("link", name="Team Beta")).to_be_visible()
    expect(beta.get_by_role("link", name="Team Alpha")).to_have_count(0)

    # Typing the other team's addresses: the server refuses, nothing of the team is shown.
    for address in (alpha_results, alpha_team_page):
        beta.goto(address)
        expect(
            beta.get_by_role("heading", name="You do not have access to this page")
        ).to_be_visible()
        assert "Team Alpha" not in beta.locator("main").inner_text()
        assert "/r/" not in beta.content()  # no share link leaked into the page

    # Text that looks like HTML or script is shown as text and never runs.
    hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
    admin.goto(app_url + "/")
    admin.get_by_label("Area name").fill(hostile)
    admin.get_by_role("button", name="Add area").click()
    expect(admin.get_by_role("heading", name=hostile)).to_be_visible()
    assert admin.evaluate("typeof window.pwned") == "undefined"

    # The respondent's link is a key to one questionnaire and nothing else.
    respondent = new_person(browser)
    respondent.goto(share_link)
    expect(
        respondent.get_by_role("heading", name=re.compile("How does Team Alpha feel"))
    ).to_be_visible()
    for address in (app_url + "/", alpha_team_page, alpha_results, app_url + "/admin/people"):
        respondent.goto(address)
        expect(respondent.get_by_role("heading", name="Sign in")).to_be_visible()
        assert "Team Alpha" not in respondent.locator("main").inner_text()

    # Signing out ends the session on the server: the old pages ask to sign in again.
    beta.goto(app_url + "/")
    beta.get_by_role("button", name="Sign out").click()
    expect(beta.get_by_role("heading", name="Sign in")).to_be_visible()
    beta.goto(app_url + "/")
    expect(beta.get_by_role("heading", name="Sign in")).to_be_visible()
