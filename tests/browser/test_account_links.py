"""No dead ends for accounts: an administrator's new link replaces a lost invitation or a
forgotten password, deactivating asks first, and a team's managers are assigned on its page."""

from __future__ import annotations

import re

import pytest
from conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from helpers import accept_invitation, add_area_and_teams, invite_manager, new_person, sign_in
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

REFUSED = "That email and password do not match an active account."


def _invite(admin: Page, app_url: str, name: str, email: str) -> str:
    """Invite a leader; returns the invitation link shown."""
    admin.goto(app_url + "/admin/people")
    admin.get_by_label("Name", exact=True).fill(name)
    admin.get_by_label("Email").fill(email)
    admin.get_by_label("Role").select_option(label="Leader")
    admin.get_by_role("button", name="Make invitation").click()
    link = admin.get_by_label(f"Invitation link for {name}", exact=True)
    expect(link).to_have_value(re.compile(r"/invite/[A-Za-z0-9_-]{32,}$"))
    return link.input_value()


def _new_link(admin: Page, app_url: str, button: str, what: str) -> str:
    """Press a person's link button on the People page; copy the link and return it."""
    admin.goto(app_url + "/admin/people")
    admin.get_by_role("button", name=button).click()
    link = admin.get_by_label(what, exact=True)
    expect(link).to_have_value(re.compile(r"/invite/[A-Za-z0-9_-]{32,}$"))
    admin.get_by_role("button", name="Copy link").press("Enter")  # from the keyboard
    expect(admin.get_by_role("button", name="Copied")).to_be_visible()
    copied = admin.evaluate("navigator.clipboard.readText()")
    assert copied == link.input_value()
    return copied


def _refused_link(page: Page, link: str) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    expect(page.get_by_text("replaced by a newer one")).to_be_visible()
    expect(page.get_by_label("New password", exact=True)).to_have_count(0)


def _administrator(browser: Browser, app_url: str) -> Page:
    admin = new_person(browser)
    admin.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    sign_in(admin, app_url, ADMIN_EMAIL, ADMIN_PASSWORD)
    return admin


def test_a_lost_invitation_is_replaced_by_a_new_link(browser: Browser, app_url: str) -> None:
    admin = _administrator(browser, app_url)
    lost = _invite(admin, app_url, "Lou Lost", "lou@testshire.example")

    fresh = _new_link(
        admin, app_url, "Make a new invitation for Lou Lost", "Invitation link for Lou Lost"
    )
    assert fresh != lost

    lou = new_person(browser, width=375)
    _refused_link(lou, lost)
    accept_invitation(lou, fresh, "lou's long new password")
    _refused_link(new_person(browser), fresh)  # used once, it works no more

    admin.goto(app_url + "/admin/audit")
    # Other tests share the app's audit log: look for Lou's own rows.
    for what in ("invitation link made", "invitation accepted"):
        lou_row = admin.get_by_role("row").filter(has_text=what).filter(has_text="Lou Lost")
        expect(lou_row).to_have_count(1)
    expect(admin.get_by_text("Times are UK time.")).to_be_visible()


def test_a_forgotten_password_is_reset_through_an_administrators_link(
    browser: Browser, app_url: str
) -> None:
    admin = _administrator(browser, app_url)
    accept_invitation(
        new_person(browser),
        _invite(admin, app_url, "Fay Forgetful", "fay@testshire.example"),
        "fay's first password",
    )
    elsewhere = new_person(browser)  # Fay, still signed in on another computer
    sign_in(elsewhere, app_url, "fay@testshire.example", "fay's first password")

    reset = _new_link(
        admin,
        app_url,
        "Make a reset link for Fay Forgetful",
        "Password reset link for Fay Forgetful",
    )
    fay = new_person(browser, width=375)
    fay.goto(reset)
    expect(fay.get_by_role("heading", name="Choose a new password")).to_be_visible()
    fay.get_by_label("New password", exact=True).fill("fay's remembered password")
    fay.get_by_label("New password again").fill("fay's remembered password")
    fay.get_by_role("button", name="Set password and sign in").click()
    expect(fay.get_by_role("button", name="Sign out")).to_be_visible()

    elsewhere.goto(app_url + "/")  # the other session ended with the reset
    expect(elsewhere.get_by_role("heading", name="Sign in")).to_be_visible()
    old = new_person(browser)
    old.goto(app_url + "/sign-in")
    old.get_by_label("Email").fill("fay@testshire.example")
    old.get_by_label("Password").fill("fay's first password")
    old.get_by_role("button", name="Sign in").click()
    expect(old.get_by_text(REFUSED)).to_be_visible()
    sign_in(new_person(browser), app_url, "fay@testshire.example", "fay's remembered password")
    _refused_link(new_person(browser), reset)


def test_deactivating_asks_first_and_cancel_changes_nothing(browser: Browser, app_url: str) -> None:
    admin = _administrator(browser, app_url)
    _invite(admin, app_url, "Dee Parting", "dee@testshire.example")
    admin.goto(app_url + "/admin/people")
    row = admin.get_by_role("row", name=re.compile("Dee Parting"))

    row.get_by_role("button", name="Deactivate Dee Parting").click()
    dialog = admin.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Dee Parting will be signed out at once")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect(row).to_contain_text("Invited")

    row.get_by_role("button", name="Deactivate Dee Parting").focus()
    admin.keyboard.press("Enter")
    expect(admin.get_by_role("alertdialog")).to_be_visible()
    admin.keyboard.press("Escape")
    expect(admin.get_by_role("alertdialog")).to_have_count(0)
    expect(row).to_contain_text("Invited")

    row.get_by_role("button", name="Deactivate Dee Parting").click()
    admin.get_by_role("alertdialog").get_by_role("button", name="Yes, deactivate").click()
    expect(row).to_contain_text("Deactivated")
    expect(row.get_by_role("button", name="Reactivate Dee Parting")).to_be_visible()


def test_an_administrator_assigns_a_teams_manager_on_its_page(
    browser: Browser, app_url: str
) -> None:
    admin = _administrator(browser, app_url)
    add_area_and_teams(admin, app_url, "West Testshire", "Team Gamma", "Team Delta")
    manager = new_person(browser)
    accept_invitation(
        manager,
        invite_manager(admin, app_url, "Gail Manager", "gail@testshire.example", "Team Gamma"),
        "gail's long password",
    )
    admin.goto(app_url + "/")
    admin.get_by_role("link", name="Team Delta").click()
    expect(admin.get_by_role("heading", name="Team Delta")).to_be_visible()
    expect(admin.get_by_text("This team has no manager yet")).to_be_visible()
    admin.get_by_label("Assign a team manager").select_option(label="Gail Manager")
    admin.get_by_role("button", name="Assign").click()
    expect(
        admin.get_by_text("Rounds are opened and closed by the team's manager: Gail Manager.")
    ).to_have_count(2)  # the confirmation and the panel

    manager.goto(app_url + "/")
    expect(manager.get_by_role("link", name="Team Delta")).to_be_visible()

    admin.get_by_role("button", name="Take off this team: Gail Manager").click()
    expect(admin.get_by_text("This team has no manager yet")).to_have_count(2)
    manager.goto(app_url + "/")
    expect(manager.get_by_role("link", name="Team Gamma")).to_be_visible()
    expect(manager.get_by_role("link", name="Team Delta")).to_have_count(0)
