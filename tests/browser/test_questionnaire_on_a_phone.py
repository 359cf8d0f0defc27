"""The respondent's questionnaire on a 375 px phone: nothing scrolls sideways on any page, the
introduction is on the first page only, and Easy read changes every text, from the
introduction, privacy promise and buttons to the thank-you page. Through the real app, so what
Reflex's server does to these routes (compression, caching) is what is checked."""

from __future__ import annotations

import re

import pytest
from helpers import new_person
from people import make_person
from playwright.sync_api import Browser, Page, expect
from respondents import open_link_round

from culturetool.domain.access import Role
from culturetool.services.model_provider import current_model
from culturetool.services.organisation import add_area, add_team

pytestmark = pytest.mark.browser

PHONE = 375


def _a_share_link(app_url: str, app_db_url: str, monkeypatch) -> str:
    monkeypatch.setenv("CULTURETOOL_DB_URL", app_db_url)
    administrator = make_person(Role.ADMINISTRATOR)
    team = add_team(administrator, add_area(administrator, "Phone Dale"), "Phone Reablement")
    return f"{app_url}/r/{open_link_round(make_person(Role.MANAGER, (team,)), team).token}"


def _sideways(page: Page) -> int:
    """How far the page could scroll sideways, in CSS pixels."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def _answer_this_page(page: Page, label: str) -> None:
    for question in page.locator("fieldset.question:visible").all():
        question.get_by_label(label, exact=True).check()


def test_easy_read_throughout_and_nothing_sideways_at_375_px(
    browser: Browser, app_url: str, app_db_url: str, monkeypatch, screenshot_dir
) -> None:
    share_link = _a_share_link(app_url, app_db_url, monkeypatch)
    text = current_model().questionnaire.page_text  # the app's: its database keeps the model
    person = new_person(browser, width=PHONE, user_agent="Mozilla/5.0 (Linux; Android 14) Phone")
    replies = []
    person.on("response", lambda reply: replies.append(reply))
    person.goto(share_link)

    intro = person.get_by_role(
        "heading", name="How does Phone Reablement feel about care technology?"
    )
    expect(intro).to_be_visible()
    expect(person.get_by_role("heading", name=text.privacy_heading.standard)).to_be_visible()
    assert _sideways(person) == 0
    # Sent compressed, and the page's own files kept by the browser; the page itself never.
    page_reply = next(r for r in replies if r.url == share_link)
    assert page_reply.headers.get("content-encoding") == "gzip"
    assert page_reply.headers["cache-control"] == "no-store"
    for reply in replies:
        if "/respondent-assets/" in reply.url and reply.url.endswith((".css", ".js")):
            assert reply.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert reply.headers.get("content-encoding") == "gzip"

    person.get_by_label("Easy read").check()
    expect(
        person.get_by_role(
            "heading", name="What does Phone Reablement think about care technology?"
        )
    ).to_be_visible()
    expect(person.get_by_role("heading", name=text.privacy_heading.easy_read)).to_be_visible()
    expect(person.get_by_text("They see nothing until 5 people have answered.")).to_be_visible()
    expect(person.get_by_text(text.privacy_more.easy_read)).to_be_visible()
    expect(person.get_by_text(text.dont_know_help.easy_read)).to_be_visible()
    expect(person.get_by_text("You have answered 0 of 37")).to_be_visible()
    expect(person.get_by_role("button", name=text.next.easy_read, exact=True)).to_be_visible()
    expect(person).to_have_title(text.title.easy_read)
    first = person.locator("fieldset.question").first
    expect(first.get_by_label("In the middle", exact=True)).to_be_visible()
    expect(first.get_by_label("I don't know", exact=True)).to_be_visible()
    person.screenshot(
        path=str(screenshot_dir / "questionnaire-phone-easy-read.png"), full_page=True
    )
    assert _sideways(person) == 0

    # Next with answers missing says so in easy read.
    person.get_by_role("button", name=text.next.easy_read, exact=True).click()
    expect(person.get_by_role("alert")).to_have_text(text.answer_every_statement.easy_read)

    pages = 0
    while True:
        pages += 1
        expect(person.locator("#questions-heading")).to_have_text(f"Page {pages} of 7")
        shown = person.locator("fieldset.question:visible")
        assert shown.count() in (5, 6)  # balanced: 6, 6, 5, 5, 5, 5, 5
        assert _sideways(person) == 0, f"page {pages} scrolls sideways"
        if pages == 1:
            expect(
                person.get_by_role("heading", name=text.privacy_heading.easy_read)
            ).to_be_visible()
        else:
            # The introduction and privacy promise are for the first page only.
            expect(
                person.get_by_role("heading", name=text.privacy_heading.easy_read)
            ).to_be_hidden()
            expect(
                person.get_by_role("button", name=text.back.easy_read, exact=True)
            ).to_be_visible()
        _answer_this_page(person, "In the middle" if pages % 2 else "I don't know")
        if pages == 7:
            break
        person.get_by_role("button", name=text.next.easy_read, exact=True).click()
        if pages == 2:
            person.reload()  # easy read and the page are kept on the device
            expect(person.locator("#questions-heading")).to_have_text("Page 3 of 7")
            expect(person.get_by_label("Easy read")).to_be_checked()

    expect(
        person.get_by_label(re.compile(r"^Do you want to tell us anything else"))
    ).to_be_visible()
    expect(person.get_by_text(text.comment_help.easy_read.split(". ")[0])).to_be_visible()
    person.screenshot(
        path=str(screenshot_dir / "questionnaire-phone-easy-read-last.png"), full_page=True
    )
    assert _sideways(person) == 0
    person.get_by_role("button", name=text.send.easy_read, exact=True).click()
    expect(person.get_by_role("heading", name=text.sent.heading.easy_read)).to_be_visible()
    expect(person.get_by_text(text.sent.body.easy_read)).to_be_visible()
    assert _sideways(person) == 0
    person.context.close()
