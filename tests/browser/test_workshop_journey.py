"""One Working Together for Change workshop driven from collection to plan, as people would:
two facilitators in two browsers at the same time, two participants on their phones (not signed
in) and a leader reading the area's plan and the summary.

Each facilitator sees the other's entries, themes and moves without reloading; participants vote
within the budget and the one who spent it all is refused the next vote with the reason, and
nothing changes; a table's votes are recorded for the people without a phone; the ranking shows
a tie as a tie; the chosen theme gets success statements, what is already happening and an
action from each viewpoint, which the area's plan shows with its workshop and theme; the
summary holds the theme, its statement, the votes and the actions.

Live updates are waited for with expect(), within LIVE_MS (the pages check every 1.5 s)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import new_person, sign_in
from people import PASSWORD, make_person
from playwright.sync_api import Browser, Page, expect
from test_workshop_board_live import LiveWorkshop, facilitator_pages, theme_card, tick
from workshop_rows import add_workshop

from culturetool.domain.access import Role
from culturetool.services.organisation import add_area
from culturetool.store.db import transaction
from culturetool.store.tables import UserAccount

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).parent / "artifacts"  # screenshots to look at; git-ignored
LIVE_MS = 5000  # the pages ask for changes every 1.5 s

TITLE = "Carers' voices journey"
# Typed one at a time by Anna.
CALL_BACK = "Nobody calls me back when I ring the office"
KIND_STAFF = "The day centre staff are kind"
# Pasted at once by Ben, one a line.
RETURN_CALLS = "Nobody returns my calls about my assessment"
STORY_AGAIN = "I have to tell my story again to every new worker"
FORMS = "The forms are too long and hard to read"
LETTERS = "Letters come after the meeting they are about"
MESSAGES_LOST = "My messages to the office get lost"
PASTED = [RETURN_CALLS, STORY_AGAIN, FORMS, LETTERS, MESSAGES_LOST]

CALLS_THEME = "I want people to call me back"
LETTERS_THEME = "I want letters and forms I can read in time"
STORY_THEME = "I want to tell my story once"
CONDITION = "Strategic clarity"  # the culture model's first condition


def journey_room(app_db_url: str) -> tuple[LiveWorkshop, int, str]:
    """An empty workshop of a new area with two facilitators, and a leader who reads the
    area's plan: the room, the area's id and the leader's email."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CULTURETOOL_DB_URL", app_db_url)
        administrator = make_person(Role.ADMINISTRATOR)
        area = add_area(administrator, "Journey Vale")
        anna = make_person(Role.FACILITATOR, password=PASSWORD)
        ben = make_person(Role.FACILITATOR, password=PASSWORD)
        leader = make_person(Role.LEADER, password=PASSWORD)
        workshop_id = add_workshop(area, TITLE, anna, ben)
        with transaction() as session:
            emails = [session.get(UserAccount, p.user_id).email for p in (anna, ben, leader)]
    return LiveWorkshop(workshop_id, (emails[0], emails[1]), {}), area, emails[2]


def column(page: Page, kind: str):
    """A kind's column of entries on the collect page or the board."""
    return page.locator("section.board-column").filter(
        has=page.get_by_role("heading", name=re.compile(rf"^{kind} \("))
    )


def save_theme_statement(page: Page, containing: str, statement: str) -> None:
    card = theme_card(page, containing)
    card.get_by_label("“I” or “We” statement").fill(statement)
    card.get_by_role("button", name="Save statement").click()
    expect(page.get_by_text("Statement saved.")).to_be_visible()


def make_theme(page: Page, *entries: str) -> None:
    for text in entries:
        tick(page, text)
    page.get_by_role("button", name="Make a theme").click()
    made = "1 entry" if len(entries) == 1 else f"{len(entries)} entries"
    expect(page.get_by_text(f"Theme made with {made}.")).to_be_visible()


def vote(phone: Page, statement: str, times: int = 1) -> None:
    """Presses 'Add a vote' on a theme; each press is a form sent, and the page comes back."""
    card = phone.locator("li.ballot-theme").filter(has_text=statement)
    for _ in range(times):
        before = card.locator(".theme-mine").inner_text()
        card.get_by_role("button", name="Add a vote").click()
        expect(card.locator(".theme-mine")).not_to_have_text(before)


def open_details(page: Page, summary: str) -> None:
    """Opens a folded part of the page by its summary, unless it is open already."""
    part = page.locator("details").filter(has=page.locator("summary", has_text=summary))
    if not part.evaluate("element => element.open"):
        part.locator("summary").click()
    expect(part).to_have_attribute("open", "")


def stage(page: Page, name: str) -> None:
    """Goes to a stage of the workshop by its link in the stage navigation."""
    page.get_by_role("navigation", name="Workshop stages").get_by_role("link", name=name).click()
    page.locator("#main[aria-busy='false']").wait_for()


def move_workshop(page: Page, to: str, then: str) -> None:
    """On the overview, moves the workshop on to a stage; then goes to the page of stage `then`."""
    stage(page, "Overview and preparation")
    page.get_by_label("Move the workshop").select_option(label=f"Move on to {to}")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_text(f"The workshop is now at the stage {to}.")).to_be_visible()
    stage(page, then)


def participant(browser: Browser, link: str) -> Page:
    phone = new_person(browser, width=375)
    phone.goto(link)
    expect(phone.get_by_role("heading", name=f"Vote: {TITLE}")).to_be_visible()
    return phone


def test_a_workshop_from_collection_to_plan(browser, app_url, app_db_url):
    screenshot_dir = ARTIFACTS
    screenshot_dir.mkdir(exist_ok=True)
    room, area_id, leader_email = journey_room(app_db_url)
    anna, ben = facilitator_pages(browser, app_url, room, "")
    base = f"{app_url}/workshops/{room.workshop_id}"

    # Anna moves the workshop on to collecting; Ben's page shows the new stage without reloading.
    move_workshop(anna, "Collect", "Collect")
    expect(ben.locator(".stage-now")).to_have_text(
        "This workshop is at stage 2 of 8: Collect.", timeout=LIVE_MS
    )
    stage(ben, "Collect")

    # 1. Collect. Anna types entries one at a time; Ben pastes five, one a line. Each sees the
    # other's entries arrive without reloading.
    for kind, text in (("Not working well", CALL_BACK), ("Working well", KIND_STAFF)):
        anna.get_by_label("What it is about").select_option(label=kind)
        anna.get_by_label("How it reached you").select_option(label="Paper")
        anna.get_by_label("Perspective", exact=True).first.select_option(label="Carers and family")
        anna.get_by_label("The entry, in the person's words").fill(text)
        anna.get_by_role("button", name="Save the entry").click()
        expect(column(anna, kind)).to_contain_text(text)
    ben.get_by_label("What they are about").select_option(label="Not working well")
    ben.get_by_label("How they reached you").select_option(label="Easy read")
    ben.get_by_label("Entries, one per line").fill("\n".join(PASTED) + "\n\n")
    ben.get_by_role("button", name="Save these entries").click()
    expect(ben.get_by_text("5 entries saved.")).to_be_visible()
    expect(column(ben, "Not working well")).to_contain_text(CALL_BACK, timeout=LIVE_MS)
    expect(column(ben, "Working well")).to_contain_text(KIND_STAFF, timeout=LIVE_MS)
    for text in PASTED:
        expect(column(anna, "Not working well")).to_contain_text(text, timeout=LIVE_MS)
    expect(anna.get_by_role("heading", name="Reach: 7 entries so far")).to_be_visible()

    # 2. Theme. Anna moves the workshop on and both go to the board. Anna makes a theme of two
    # entries; Ben sees it appear.
    move_workshop(anna, "Theme", "Theme")
    stage(ben, "Theme")
    for page in (anna, ben):
        expect(page.get_by_role("checkbox", name=MESSAGES_LOST)).to_be_visible()
    make_theme(anna, CALL_BACK, RETURN_CALLS)
    expect(theme_card(ben, CALL_BACK)).to_contain_text(RETURN_CALLS, timeout=LIVE_MS)

    # Ben moves another entry into it; Anna sees the move.
    tick(ben, MESSAGES_LOST)
    ben.get_by_label("Add to theme").select_option(label="No statement yet (2 entries)")
    ben.get_by_role("button", name="Add", exact=True).click()
    expect(ben.get_by_text("1 entry now in the theme.")).to_be_visible()
    expect(theme_card(anna, CALL_BACK)).to_contain_text(MESSAGES_LOST, timeout=LIVE_MS)

    # Anna gives it an "I" statement and tags a condition of the culture model.
    save_theme_statement(anna, CALL_BACK, CALLS_THEME)
    calls = theme_card(anna, CALL_BACK)
    calls.get_by_text("Culture model conditions").click()
    calls.get_by_label(CONDITION).check()
    calls.get_by_role("button", name="Save conditions").click()
    expect(anna.get_by_text("Theme tagged with 1 condition.")).to_be_visible()
    expect(theme_card(ben, CALL_BACK).locator("h3")).to_have_text(
        f"“{CALLS_THEME}”", timeout=LIVE_MS
    )

    # Two more themes, one each, so the vote has a choice.
    make_theme(ben, FORMS, LETTERS)
    save_theme_statement(ben, FORMS, LETTERS_THEME)
    expect(theme_card(anna, FORMS)).to_be_visible(timeout=LIVE_MS)
    make_theme(anna, STORY_AGAIN)
    save_theme_statement(anna, STORY_AGAIN, STORY_THEME)
    expect(theme_card(ben, STORY_AGAIN).locator("h3")).to_have_text(
        f"“{STORY_THEME}”", timeout=LIVE_MS
    )
    for page in (anna, ben):
        expect(page.locator("article.theme-card")).to_have_count(3, timeout=LIVE_MS)
    ben.screenshot(path=str(screenshot_dir / "journey-board-1280.png"), full_page=True)

    # 3. Understand: a root cause, the ballot, voting opened and its link made.
    move_workshop(anna, "Understand", "Understand and vote")
    stage(ben, "Understand and vote")
    causes = anna.get_by_role("region", name="Root causes")
    causes.get_by_label("Add a root cause").first.fill("Calls go to a shared inbox nobody owns")
    causes.get_by_role("button", name="Add", exact=True).first.click()
    expect(anna.get_by_text("Root cause added.")).to_be_visible()
    expect(ben.get_by_role("textbox", name="Root cause", exact=True)).to_have_value(
        "Calls go to a shared inbox nobody owns", timeout=LIVE_MS
    )
    ballot = anna.get_by_role("group", name="Themes to put to the vote")
    for statement in (CALLS_THEME, LETTERS_THEME, STORY_THEME):
        expect(ballot.get_by_label(statement)).to_be_checked()
    anna.get_by_role("button", name="Save the ballot").click()
    expect(anna.get_by_text("The ballot is saved.")).to_be_visible()
    anna.get_by_role("button", name="Open voting").click()
    voting_state = anna.locator("p.voting-state")
    expect(voting_state).to_have_text("Voting is open: 0 votes so far.")
    anna.get_by_role("button", name="Make the link").click()
    address = anna.get_by_label("Share this link")
    expect(address).to_have_value(re.compile(r"/v/[A-Za-z0-9_-]{20,}$"))
    link = address.input_value()
    # Ben's panel shows the link Anna made, without reloading, so either can put it on screen.
    expect(ben.get_by_label("Share this link")).to_have_value(link, timeout=LIVE_MS)

    # 4. Two participants vote on their phones. Priya spends all five votes, three on one
    # theme (the most one theme takes) and two on another; her sixth is refused with the reason.
    priya = participant(browser, link)
    expect(priya.locator("#votes-left")).to_have_text("You have 5 votes left of 5.")
    vote(priya, CALLS_THEME, 3)
    vote(priya, LETTERS_THEME, 2)
    expect(priya.locator("#votes-left")).to_have_text(
        "You have no votes left (you have used all 5)."
    )
    expect(voting_state).to_have_text("Voting is open: 5 votes so far.", timeout=LIVE_MS)
    story = priya.locator("li.ballot-theme").filter(has_text=STORY_THEME)
    story.get_by_role("button", name="Add a vote").click()
    expect(story.get_by_role("alert")).to_contain_text("You have used all 5 of your votes.")
    expect(story.locator(".theme-mine")).to_have_text("Your votes: 0")
    expect(priya.locator("#votes-left")).to_have_text(
        "You have no votes left (you have used all 5)."
    )
    priya.screenshot(path=str(screenshot_dir / "journey-vote-375.png"), full_page=True)

    sam = participant(browser, link)
    vote(sam, STORY_THEME, 3)
    vote(sam, LETTERS_THEME)
    expect(voting_state).to_have_text("Voting is open: 9 votes so far.", timeout=LIVE_MS)
    expect(ben.locator("p.voting-state")).to_have_text(
        "Voting is open: 9 votes so far.", timeout=LIVE_MS
    )

    # A table of two without phones: Ben records their dots. Calls and letters now tie on 5.
    open_details(ben, "Record a table's votes")
    ben.get_by_label("Table", exact=True).fill("Table 3")
    ben.get_by_label("People at the table voting this way").fill("2")
    counts = ben.get_by_role("group", name="Votes on each theme")
    counts.get_by_label(CALLS_THEME).fill("2")
    counts.get_by_label(LETTERS_THEME).fill("2")
    counts.get_by_label(STORY_THEME).fill("0")
    ben.get_by_role("button", name="Record the table's votes").click()
    expect(ben.get_by_text("Votes recorded for Table 3.")).to_be_visible()
    expect(voting_state).to_have_text("Voting is open: 13 votes so far.", timeout=LIVE_MS)

    # 5. Anna closes voting: the ranking shows the tie as a tie, and she chooses the calls.
    anna.get_by_role("button", name="Close voting").click()
    expect(voting_state).to_have_text(re.compile("^Voting has closed: 13 votes given."))
    results = anna.get_by_role("table")
    for statement, place, votes in (
        (CALLS_THEME, "Joint 1st", "5"),
        (LETTERS_THEME, "Joint 1st", "5"),
        (STORY_THEME, "3rd", "3"),
    ):
        row = results.get_by_role("row").filter(has_text=statement)
        expect(row.get_by_role("cell").nth(0)).to_have_text(place)
        expect(row.get_by_role("cell").nth(1)).to_have_text(votes)
    choose = anna.get_by_role("group", name="Choose the themes to address")
    choose.get_by_label(re.compile(re.escape(LETTERS_THEME))).uncheck()
    choose.get_by_label(re.compile(re.escape(STORY_THEME))).uncheck()
    expect(choose.get_by_label(re.compile(re.escape(CALLS_THEME)))).to_be_checked()
    anna.get_by_role("button", name="Save the themes to address").click()
    expect(anna.get_by_text("Chosen to address: 1 theme.")).to_be_visible()
    expect(ben.get_by_text("Chosen to address: 1 theme.")).to_be_visible(timeout=LIVE_MS)

    # 6. Success, what is already happening, and an action from each viewpoint.
    move_workshop(anna, "Identify success", "Understand and vote")
    anna.get_by_role("link", name="Go on to success, plan and review").click()
    anna.locator("#main[aria-busy='false']").wait_for()
    open_details(anna, "Add a success statement")
    anna.get_by_role("combobox", name="Whose perspective").select_option(label="Carers and family")
    anna.get_by_role("textbox", name="What success would look like").fill(
        "As a carer I know who to call"
    )
    anna.get_by_role("button", name="Add the success statement").click()
    expect(anna.get_by_text("Success statement added.")).to_be_visible()
    anna.get_by_role("textbox", name="What is already happening").fill(
        "A duty line is being trialled"
    )
    anna.get_by_role("button", name="Save", exact=True).click()
    expect(anna.get_by_text("Saved what is already happening.")).to_be_visible()
    actions = {
        "Traditional": ("Answer every call within two working days", "Duty manager"),
        "Community": ("Carers' group keeps a list of who to call", "Carers' centre"),
        "Radical": ("Each family has one named worker", "Head of service"),
    }
    move_workshop(anna, "Plan", "Success, plan and review")
    for viewpoint, (title, owner) in actions.items():
        open_details(anna, "Add an action")
        anna.get_by_role("combobox", name="Viewpoint").select_option(label=viewpoint)
        anna.get_by_label("What will be done").fill(title)
        anna.get_by_label("Who will make sure it happens").fill(owner)
        anna.get_by_role("combobox", name="When", exact=True).select_option(
            label="Within three months"
        )
        anna.get_by_role("button", name="Add the action").click()
        expect(anna.get_by_text("Action added. It is on the area's plan too.")).to_be_visible()
        expect(anna.locator("h5.action-title").filter(has_text=title)).to_be_visible()

    # The actions are the area plan's, with their workshop and theme.
    leader = new_person(browser, width=1280)
    sign_in(leader, app_url, leader_email, PASSWORD)
    leader.goto(f"{app_url}/areas/{area_id}/plan")
    origin = f"From the workshop “{TITLE}”: theme “{CALLS_THEME}”"
    for title, _ in actions.values():
        action = leader.locator("li, article").filter(has_text=title).last
        expect(action).to_contain_text(origin)

    # 7. The summary holds the theme, its statement, the votes and the actions.
    leader.goto(f"{base}/summary")
    summary = leader.locator("#main")
    expect(summary).to_contain_text(CALLS_THEME)
    expect(summary).to_contain_text("at the stage “Plan”")
    for statement, place, votes in ((CALLS_THEME, "Joint 1st", "5"), (STORY_THEME, "3rd", "3")):
        row = summary.get_by_role("row").filter(has_text=statement).filter(has_text=place)
        expect(row).to_contain_text(votes)
    expect(summary).to_contain_text("Calls go to a shared inbox nobody owns")
    expect(summary).to_contain_text("As a carer I know who to call")
    for title, owner in actions.values():
        expect(summary).to_contain_text(title)
        expect(summary).to_contain_text(owner)
    leader.screenshot(path=str(screenshot_dir / "journey-summary-1280.png"), full_page=True)

    for page in (anna, ben, priya, sam, leader):
        page.context.close()
