"""What people do in the browser, written once for every browser test."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

TIMEOUT = 20_000


def new_person(
    browser: Browser,
    *,
    user_agent: str | None = None,
    java_script_enabled: bool = True,
    width: int = 1100,
) -> Page:
    """A fresh browser profile: another person on another device.

    Respondents of one open-link round need different user agents: the app accepts one send
    per browser (address and user agent) in ten minutes, and every test browser is 127.0.0.1.
    """
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        user_agent=user_agent,
        java_script_enabled=java_script_enabled,
    )
    context.set_default_timeout(TIMEOUT)
    return context.new_page()


def sign_in(page: Page, app_url: str, email: str, password: str) -> None:
    page.goto(app_url + "/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def add_area_and_teams(admin: Page, app_url: str, area: str, *teams: str) -> None:
    admin.goto(app_url + "/")
    admin.get_by_label("Area name").fill(area)
    admin.get_by_role("button", name="Add area").click()
    expect(admin.get_by_role("heading", name=area)).to_be_visible()
    for team in teams:
        admin.get_by_label("Area", exact=True).select_option(label=area)
        admin.get_by_label("Team name").fill(team)
        admin.get_by_role("button", name="Add team").click()
        expect(admin.get_by_role("link", name=team)).to_be_visible()


def invite_manager(admin: Page, app_url: str, name: str, email: str, team: str) -> str:
    """The administrator invites a team manager; returns the invitation link."""
    admin.goto(app_url + "/admin/people")
    admin.get_by_label("Name", exact=True).fill(name)
    admin.get_by_label("Email").fill(email)
    admin.get_by_label("Role").select_option(label="Team manager")
    admin.get_by_label(re.compile(rf"^\s*{re.escape(team)} \(")).check()
    admin.get_by_role("button", name="Make invitation").click()
    link = admin.get_by_label("Invitation link")
    expect(link).to_have_value(re.compile(r"/invite/[A-Za-z0-9_-]{32,}$"))
    return link.input_value()


def accept_invitation(page: Page, link: str, password: str) -> None:
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("New password again").fill(password)
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def open_round(manager: Page, app_url: str, team: str) -> tuple[str, str]:
    """The manager opens an open-link round for 20 people; returns the share link and the
    results page's address."""
    manager.goto(app_url + "/")
    manager.get_by_role("link", name=team).click()
    expect(manager.get_by_role("heading", name=team)).to_be_visible()
    manager.get_by_label("How many people are in the team?").fill("20")
    manager.get_by_role("radio", name=re.compile("With an open link")).check()
    manager.get_by_role("button", name="Open a new round").click()
    share_box = manager.get_by_label("Share this link with everyone in the team")
    expect(share_box).to_have_value(re.compile(r"/r/[A-Za-z0-9_-]{32,}$"))
    share_link = share_box.input_value()
    manager.get_by_role("link", name="See results").click()
    expect(manager.get_by_role("heading", name=f"Results: {team}")).to_be_visible()
    return share_link, manager.url


def answer_every_page(page: Page, pick) -> None:
    """Answer each statement with pick(statement number), pressing Next up to the last page."""
    while True:
        questions = page.locator("fieldset.question:visible")
        questions.first.wait_for()
        for index in range(questions.count()):
            question = questions.nth(index)
            number = int(question.locator(".q-number").inner_text().strip(" ."))
            question.get_by_label(pick(number), exact=True).check()
        if page.get_by_role("button", name="Send my answers").is_visible():
            return
        before = page.locator("#questions-heading").inner_text()
        page.get_by_role("button", name="Next").click()
        expect(page.locator("#questions-heading")).not_to_have_text(before)
