"""A manager opens a round, five people answer through the share link, the results appear.

Driven in Chromium as people would: clicking, typing, using the keyboard, reading the page.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from helpers import (
    accept_invitation,
    add_area_and_teams,
    invite_manager,
    new_person,
    open_round,
    sign_in,
)
from people import make_person
from playwright.sync_api import Browser, Page, expect

from culturetool.domain.access import Role
from culturetool.services import responding
from culturetool.services.organisation import add_area, add_team

pytestmark = pytest.mark.browser

PERSON_5_COMMENT = "<b>The tech box</b> demo helped.\nMore please."
LIKERT = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]


def _respondent(browser: Browser, number: int) -> Page:
    """Person `number` on their own phone: each browser may send once in ten minutes."""
    return new_person(browser, user_agent=f"Mozilla/5.0 (journey person {number}) Chrome/130.0")


def _page_heading(page: Page) -> str:
    return page.locator("#questions-heading").inner_text()


def _answer_visible_page(page: Page, pick) -> None:
    questions = page.locator("fieldset.question:visible")
    questions.first.wait_for()
    for index in range(questions.count()):
        question = questions.nth(index)
        number = int(question.locator(".q-number").inner_text().strip(" ."))
        question.get_by_label(pick(number), exact=True).check()


def _advance(page: Page) -> bool:
    """Go to the next page; False when this was the last page."""
    send = page.get_by_role("button", name="Send my answers")
    if send.count():
        return False
    before = _page_heading(page)
    page.get_by_role("button", name="Next").click()
    try:
        expect(page.locator("#questions-heading")).not_to_have_text(before)
    except AssertionError:
        page.screenshot(path="test-artifacts/failed-advance.png", full_page=True)
        raise
    return True


def _answer_everything(page: Page, pick) -> None:
    while True:
        _answer_visible_page(page, pick)
        if not _advance(page):
            return


def _answer_by_keyboard(page: Page) -> None:
    """Tab into each question, choose with the arrow keys, press Enter on Next: no mouse."""
    while True:
        questions = page.locator("fieldset.question:visible")
        questions.first.wait_for()
        ids = [questions.nth(i).get_attribute("id")[2:] for i in range(questions.count())]
        for question_id in ids:
            for _ in range(8):
                page.keyboard.press("Tab")
                focused = page.evaluate("document.activeElement.name || ''")
                if focused == f"answer-{question_id}":
                    break
            else:
                raise AssertionError(f"Tab never reached question {question_id}")
            for _ in range(3):  # from "Strongly disagree" to "Agree"
                page.keyboard.press("ArrowRight")
            agree = page.locator(f"#q-{question_id}").get_by_label("Agree", exact=True)
            expect(agree).to_be_checked()
        last_page = page.get_by_role("button", name="Send my answers").count() > 0
        target = "Send my answers" if last_page else "Next"
        for _ in range(6):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.innerText || ''") == target:
                break
        else:
            raise AssertionError(f"Tab never reached the {target} button")
        before = _page_heading(page)
        page.keyboard.press("Enter")
        if target == "Send my answers":
            return
        expect(page.locator("#questions-heading")).not_to_have_text(before)


def _results_text(page: Page, results_url: str, responses: int) -> str:
    """The results page's text once it shows the given number of responses."""
    page.goto(results_url)
    expect(page.locator("main")).to_contain_text(f"{responses} responses")
    return page.locator("main").inner_text()


def test_round_from_share_link_to_results(
    browser: Browser, app_url: str, app_db_url: str, screenshot_dir
) -> None:
    # The administrator sets up an area and a team and invites the team's manager.
    admin = new_person(browser)
    sign_in(admin, app_url, ADMIN_EMAIL, ADMIN_PASSWORD)
    add_area_and_teams(admin, app_url, "North Testshire", "Reablement East")
    invitation = invite_manager(
        admin, app_url, "Pat Manager", "pat@testshire.example", "Reablement East"
    )

    # The manager accepts the invitation and opens a round.
    manager = new_person(browser)
    accept_invitation(manager, invitation, "pat's long password")
    share_link, results_url = open_round(manager, app_url, "Reablement East")

    # Person 1 sees who asks and why, is stopped from skipping, leaves mid-way, comes back.
    person = _respondent(browser, 1)
    person.goto(share_link)
    heading = person.get_by_role("heading", name="How does Reablement East feel about care")
    expect(heading).to_be_visible()
    intro = person.locator("main").inner_text()
    assert "Testshire County Council is asking everyone in Reablement East" in intro
    assert "minutes" in intro and "anonymous" in intro
    person.get_by_role("button", name="Next").click()
    expect(person.get_by_role("alert")).to_contain_text("Please answer every statement")
    _answer_visible_page(person, lambda n: LIKERT[n % 5])
    person.screenshot(path=str(screenshot_dir / "questionnaire.png"), full_page=True)
    _advance(person)
    first_on_page_two = person.locator("fieldset.question:visible").first
    first_on_page_two.get_by_label("Strongly agree", exact=True).check()
    expect(person.get_by_text("7 of 37 answered")).to_be_visible()
    # Back shows page 1 with its answers; the answers live in this browser only.
    person.get_by_role("button", name="Back").click()
    expect(person.locator("#questions-heading")).to_have_text("Page 1 of 7")
    expect(person.locator("#questions-heading")).to_be_focused()
    expect(person.locator("fieldset.question:visible input:checked")).to_have_count(6)
    _advance(person)
    person.reload()
    expect(person.get_by_text("7 of 37 answered")).to_be_visible()
    expect(person.locator("#questions-heading")).to_have_text("Page 2 of 7")
    expect(
        person.locator("fieldset.question:visible").first.get_by_label("Strongly agree", exact=True)
    ).to_be_checked()
    _answer_everything(person, lambda n: LIKERT[n % 5])
    person.get_by_role("button", name="Send my answers").click()
    expect(person.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()

    # Person 2 uses the keyboard alone.
    person = _respondent(browser, 2)
    person.goto(share_link)
    expect(person.locator("#questions-heading")).to_have_text("Page 1 of 7")
    _answer_by_keyboard(person)
    expect(person.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()

    # Person 3 switches to easy read; person 4 answers "don't know" now and then.
    person = _respondent(browser, 3)
    person.goto(share_link)
    person.get_by_label("Easy read").check()
    expect(person.get_by_label("Yes, mostly").first).to_be_visible()
    expect(person.get_by_text("Strongly agree", exact=True)).to_have_count(0)
    person.screenshot(path=str(screenshot_dir / "questionnaire-easy-read.png"))
    _answer_everything(person, lambda n: "Yes, very much" if n % 2 else "In the middle")
    person.get_by_role("button", name="Send my answers").click()
    expect(person.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()

    person = _respondent(browser, 4)
    person.goto(share_link)
    _answer_everything(person, lambda n: "Don't know" if n % 7 == 0 else LIKERT[(n + 2) % 5])
    person.get_by_role("button", name="Send my answers").click()
    expect(person.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()

    # Four responses: the manager sees no score at all, only how many more are needed.
    text = _results_text(manager, results_url, 4)
    assert "4 responses so far: 1 more needed" in text
    assert "Scores by condition" not in text
    assert "Strategic clarity" not in text
    assert not re.search(r"\b[1-5]\.\d\d\b", text), "a score leaked before the threshold"
    manager.screenshot(path=str(screenshot_dir / "results-withheld.png"), full_page=True)

    # Person 5 double-clicks the send button: one response, not two.
    person = _respondent(browser, 5)
    person.goto(share_link)
    _answer_everything(person, lambda n: LIKERT[(n * 3) % 5])
    comment = person.get_by_label(re.compile("Anything else you would like to say"))
    comment.fill(PERSON_5_COMMENT)
    person.get_by_role("button", name="Send my answers").dblclick()
    expect(person.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()
    person.goto(share_link)  # coming back on the same device
    expect(person.get_by_role("heading", name="You have already sent your answers")).to_be_visible()
    expect(person.locator("fieldset.question:visible")).to_have_count(0)

    # Five responses: scores per condition, levels, answers, spread, acceptance, confidence.
    text = _results_text(manager, results_url, 5)
    assert "5 responses." in text
    assert "Scores by condition" in text
    for condition in ("Strategic clarity", "A balanced approach to risk and ethics"):
        assert condition in text
    assert re.search(r"\b[1-5]\.\d{1,2}\b", text)
    # The page leads with what the scores say, names scales plainly (the research's names in
    # small print) and says how sure we are in words, not as a standard deviation.
    assert "In short" in text and "The team is strongest on" in text
    assert "5 of the 20 staff answered, fewer than half" in text  # open_round says 20 staff
    assert "How people see care technology" in text and "Technology is easy to use" in text
    assert "In the research: Effort expectancy" in text
    assert "Spread" not in text and "Model version" not in text
    assert "Digital confidence: personal life and work" in text
    scores = manager.get_by_role("list", name="Scores by condition").get_by_role("listitem")
    expect(scores).to_have_count(9)
    manager.screenshot(path=str(screenshot_dir / "results.png"), full_page=True)
    # The comment was saved once, apart from the answers, and waits for 10 responses.
    assert "Comments appear once 10 people have answered" in text
    assert "tech box" not in text
    engine = sa.create_engine(app_db_url)
    with engine.connect() as connection:
        saved = connection.execute(sa.text("select text from comment")).scalars().all()
    engine.dispose()
    assert saved.count(PERSON_5_COMMENT) == 1

    # Closing the round: the link now says so plainly, and bad links get a clear page.
    manager.goto(app_url + "/")
    manager.get_by_role("link", name="Reablement East").click()
    manager.get_by_role("button", name="Close this round").click()
    manager.get_by_role("button", name="Keep it open").click()
    expect(manager.get_by_role("button", name="Yes, close the round")).to_have_count(0)
    manager.get_by_role("button", name="Close this round").click()
    manager.get_by_role("button", name="Yes, close the round").click()
    expect(manager.get_by_role("button", name="Open a new round")).to_be_visible()
    latecomer = new_person(browser)
    assert latecomer.goto(share_link).status == 410
    expect(latecomer.get_by_role("heading", name="This survey has closed")).to_be_visible()
    assert latecomer.goto(app_url + "/r/not-a-real-token").status == 404
    expect(latecomer.get_by_role("heading", name="This link does not work")).to_be_visible()


def test_without_javascript_the_questionnaire_is_one_long_form_and_codes_work(
    browser: Browser, app_url: str, app_db_url: str, monkeypatch
) -> None:
    monkeypatch.setenv("CULTURETOOL_DB_URL", app_db_url)
    administrator = make_person(Role.ADMINISTRATOR)
    area = add_area(administrator, "Plain Form Fells")
    team = add_team(administrator, area, "Fells Home Care")
    opened = responding.open_round(
        make_person(Role.MANAGER, (team,)), team, access_mode="codes", staff_count=5
    )
    share_link = f"{app_url}/r/{opened.round.token}"

    # No script: every statement at once, easy read folded under each, one send button.
    person = new_person(browser, java_script_enabled=False)
    person.goto(share_link)
    expect(person.locator("#questions-heading")).to_have_text("All 37 statements")
    expect(person.locator("fieldset.question")).to_have_count(37)
    expect(person.get_by_role("button", name="Next")).to_be_hidden()
    first = person.locator("fieldset.question").first
    first.get_by_text("Easy read").click()
    expect(first.locator("details p")).to_be_visible()
    questions = person.locator("fieldset.question")
    for index in range(1, 37):  # statement 1 is forgotten
        questions.nth(index).get_by_label(LIKERT[index % 5], exact=True).check()
    code = opened.codes[0]
    typed = "-".join(code[i : i + 3] for i in range(0, len(code), 3)).lower()
    person.get_by_label("Your personal code, from the card your manager gave you").fill(typed)
    person.get_by_role("button", name="Send my answers").click()
    expect(person.get_by_role("alert")).to_contain_text("Statement 1 has no answer yet")
    expect(person.locator("fieldset.question-missing")).to_have_count(1)
    expect(questions.nth(5).get_by_label(LIKERT[0], exact=True)).to_be_checked()
    expect(person.get_by_label(re.compile("Your personal code"))).to_have_value(typed)
    questions.first.get_by_label("Don't know", exact=True).check()
    person.get_by_role("button", name="Send my answers").click()
    expect(person.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()

    # With script, the code on the card's link fills the box and leaves the address bar.
    person = new_person(browser)
    person.goto(f"{share_link}#code={opened.codes[1]}")
    expect(person.locator("#questions-heading")).to_have_text("Page 1 of 7")
    assert "#" not in person.url
    _answer_everything(person, lambda n: LIKERT[n % 5])
    expect(person.get_by_label(re.compile("Your personal code"))).to_have_value(opened.codes[1])
    person.get_by_role("button", name="Send my answers").click()
    expect(person.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()
