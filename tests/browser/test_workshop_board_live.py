"""Two facilitators on one workshop's theme board at the same time, in two browsers: each sees
the other's new theme and moved entry appear without reloading, and a statement typed on a
theme the other has just changed is refused with the conflict message, losing nothing.

The setup (`live_workshop`, `facilitator_pages`) is kept in functions so that later journeys
(voting, plan) can start from the same room."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from helpers import new_person, sign_in
from people import PASSWORD, make_person
from playwright.sync_api import Browser, Page, expect
from workshop_rows import add_workshop

from culturetool.domain.access import Role
from culturetool.services import workshop_board
from culturetool.services.organisation import add_area
from culturetool.store.db import transaction
from culturetool.store.tables import UserAccount

pytestmark = pytest.mark.browser

NOT_WORKING_WELL = [
    "Nobody calls me back when I ring the office",
    "I have to tell my story again to every new worker",
    "The forms are too long and hard to read",
]
WORKING_WELL = ["My carer knows how I like things done", "The day centre staff are kind"]
FUTURE = ["Having a break when I need it", "Being able to connect with people like me"]


@dataclass(frozen=True)
class LiveWorkshop:
    workshop_id: int
    emails: tuple[str, str]  # two facilitators assigned to it
    entries: dict[str, int]  # entry text → id


def live_workshop(app_db_url: str, title: str = "Carers' voices") -> LiveWorkshop:
    """A workshop in the app's database with two facilitators and entries of every kind, none
    themed yet, typed in as a facilitator would."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CULTURETOOL_DB_URL", app_db_url)
        administrator = make_person(Role.ADMINISTRATOR)
        area = add_area(administrator, f"Area of {title}")
        anna = make_person(Role.FACILITATOR, password=PASSWORD)
        ben = make_person(Role.FACILITATOR, password=PASSWORD)
        workshop_id = add_workshop(area, title, anna, ben)
        entries = {}
        for kind, texts in (
            ("working_well", WORKING_WELL),
            ("not_working_well", NOT_WORKING_WELL),
            ("future", FUTURE),
        ):
            for text in texts:
                entries[text] = workshop_board.add_entry(
                    anna, workshop_id, kind, "paper", "carers", text
                )
        with transaction() as session:
            emails = tuple(session.get(UserAccount, p.user_id).email for p in (anna, ben))
    return LiveWorkshop(workshop_id, emails, entries)  # type: ignore[arg-type]


def facilitator_pages(
    browser: Browser, app_url: str, room: LiveWorkshop, path: str
) -> tuple[Page, Page]:
    """Both facilitators signed in, each in a browser of their own, on the same page."""
    pages = []
    for email in room.emails:
        page = new_person(browser, width=1280)
        sign_in(page, app_url, email, PASSWORD)
        page.goto(f"{app_url}/workshops/{room.workshop_id}{path}")
        page.locator("#main[aria-busy='false']").wait_for()
        pages.append(page)
    return pages[0], pages[1]


def tick(page: Page, text: str) -> None:
    """Ticks an entry. The box shows what the server holds, so it is ticked once the server
    has answered (Playwright's check() wants the change at once)."""
    box = page.get_by_role("checkbox", name=text)
    box.click()
    expect(box).to_be_checked()


def theme_card(page: Page, containing: str):
    return page.locator("article.theme-card").filter(has_text=containing)


def test_two_facilitators_theme_one_board_live(browser, app_url, app_db_url, screenshot_dir):
    room = live_workshop(app_db_url)
    anna, ben = facilitator_pages(browser, app_url, room, "/board")
    first, second, third = NOT_WORKING_WELL

    # Anna makes a theme of two entries; Ben's board shows it without reloading.
    tick(anna, first)
    tick(anna, second)
    anna.get_by_role("button", name="Make a theme").click()
    expect(anna.get_by_text("Theme made with 2 entries.")).to_be_visible()
    expect(anna.locator("article.theme-card h3")).to_be_focused()
    expect(theme_card(ben, first)).to_contain_text(second)
    expect(ben.get_by_text("Updated with a change from another facilitator.")).to_be_visible()

    # Anna starts typing the theme's statement; meanwhile Ben moves the third entry into it,
    # and Anna sees the entry move.
    anna.get_by_label("“I” or “We” statement").fill("I want people to call me back")
    tick(ben, third)
    ben.get_by_label("Add to theme").select_option(label="No statement yet (2 entries)")
    ben.get_by_role("button", name="Add", exact=True).click()
    expect(ben.get_by_text("1 entry now in the theme.")).to_be_visible()
    expect(theme_card(anna, first)).to_contain_text(third)

    # Anna's statement was typed on the theme as it was before Ben's change: refused with the
    # message, and nothing of either is lost.
    anna.get_by_role("button", name="Save statement").click()
    expect(anna.get_by_role("alert")).to_contain_text("Another facilitator has just changed")
    for text in (first, second, third):
        expect(theme_card(anna, first)).to_contain_text(text)
    expect(anna.locator("article.theme-card h3")).to_have_text("No statement yet")

    # Made again on the board as it is now, the statement lands, and Ben sees it.
    anna.get_by_label("“I” or “We” statement").fill("I want people to call me back")
    anna.get_by_role("button", name="Save statement").click()
    expect(anna.get_by_text("Statement saved.")).to_be_visible()
    expect(ben.locator("article.theme-card h3")).to_have_text("“I want people to call me back”")

    tick(ben, FUTURE[0])
    ben.screenshot(path=str(screenshot_dir / "workshop-board-1280.png"), full_page=True)
    anna.goto(f"{app_url}/workshops/{room.workshop_id}/collect")
    expect(anna.get_by_role("heading", name="Reach: 7 entries so far")).to_be_visible()
    anna.screenshot(path=str(screenshot_dir / "workshop-collect-1280.png"), full_page=True)
    phone = new_person(browser, width=375)
    sign_in(phone, app_url, room.emails[1], PASSWORD)
    phone.goto(f"{app_url}/workshops/{room.workshop_id}/board")
    phone.locator("#main[aria-busy='false']").wait_for()
    expect(theme_card(phone, first)).to_be_visible()
    phone.screenshot(path=str(screenshot_dir / "workshop-board-375.png"), full_page=True)


def test_entries_imported_from_a_file_and_themed_by_keyboard_alone(
    browser, app_url, app_db_url, screenshot_dir
):
    room = live_workshop(app_db_url, "Young carers")
    anna, _ = facilitator_pages(browser, app_url, room, "/collect")

    # A file with one bad row: the report names it and nothing can be saved.
    bad = "kind,entry,channel\nworking well,My youth worker listens,online\nsometimes,Buses,paper\n"
    anna.locator("input[type=file]").set_input_files(
        files=[{"name": "entries.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    expect(anna.get_by_role("alert")).to_contain_text("Row 3: the kind must be")
    expect(anna.get_by_role("button", name="Save 1 entry")).to_have_count(0)

    good = (
        "kind,entry,channel\n"
        "working well,My youth worker listens,online\n"
        "future,Help with college,paper\n"
    )
    anna.locator("input[type=file]").set_input_files(
        files=[{"name": "entries.csv", "mimeType": "text/csv", "buffer": good.encode()}]
    )
    anna.get_by_role("button", name="Save 2 entries").click()
    expect(anna.get_by_text("2 entries saved from entries.csv.")).to_be_visible()
    expect(anna.get_by_role("heading", name="Reach: 9 entries so far")).to_be_visible()
    anna.set_viewport_size({"width": 375, "height": 800})
    anna.screenshot(path=str(screenshot_dir / "workshop-collect-375.png"), full_page=True)
    anna.set_viewport_size({"width": 1280, "height": 900})

    # On the board, by keyboard: tick two entries with Space, reach the button with Tab.
    anna.goto(f"{app_url}/workshops/{room.workshop_id}/board")
    anna.locator("#main[aria-busy='false']").wait_for()
    for text in ("My youth worker listens", WORKING_WELL[0]):
        box = anna.get_by_role("checkbox", name=text)
        box.focus()
        anna.keyboard.press("Space")
        expect(box).to_be_checked()
    anna.get_by_role("button", name="Make a theme").focus()
    anna.keyboard.press("Enter")
    expect(anna.get_by_text("Theme made with 2 entries.")).to_be_visible()
    expect(anna.locator("article.theme-card h3")).to_be_focused()
