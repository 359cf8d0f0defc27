"""Faults in the scaled mode (issue 14, point 4), in Chromium: `culturetool serve --workers 2` on a
PostgreSQL and a Redis of the test's own, which the tests stop and start while the app runs.

- kill -9 of an app process while people are mid-questionnaire: every acknowledged send is
  stored once; a person on page 3 carries on with the surviving process, another reopens the
  link once the process is back and finds their answers in the browser; both are stored once.
- PostgreSQL stopped: a send says plainly that the answers were not sent yet, to try again in a
  minute, and keeps them; once it is back, "Send again" and the reopened link each save once,
  and the staff pages of both processes work with no one restarting the app.
- Redis stopped: a respondent sends during the outage (their path does not use Redis); once
  Redis is back, empty, a signed-in staff page works again.

One start of the scaled mode (about 40 s to build the pages) serves the three tests.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable

import people
import pytest
import redis
import sqlalchemy as sa
from conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from helpers import answer_every_page, new_person, sign_in
from playwright.sync_api import Page, expect
from private_servers import PrivatePostgres, PrivateRedis
from scaled_mode import ScaledRun, check_prerequisites, scaled_app

from culturetool import config
from culturetool.domain.model_loader import load_model_dir
from culturetool.services import responding
from culturetool.services.organisation import add_area
from culturetool.services.organisation import add_team as add_team_now
from culturetool.store import db
from culturetool.store.migrate import upgrade

pytestmark = pytest.mark.browser

LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}
ITEM_IDS = [item.id for item in load_model_dir(config.model_dir()).questionnaire.items]
AREA = "Fault Vale"


def pattern(person: int) -> Callable[[int], int]:
    """Person n's answer to each statement: a sequence no other person in this file gives, so
    the database shows whose answers it holds and how many times."""
    step, offset = 1 + person % 4, person // 4
    return lambda number: 1 + (number * step + offset) % 5


def expected(person: int) -> frozenset[tuple[str, int]]:
    answer = pattern(person)
    return frozenset((item, answer(n)) for n, item in enumerate(ITEM_IDS, start=1))


def stored_responses(db_url: str, link: str) -> Counter:
    """The answers of each response stored for the survey link, counted: a response stored
    twice counts 2."""
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT a.response_id, a.item_id, a.value FROM answer a "
                    "JOIN response r ON r.id = a.response_id "
                    "JOIN assessment_round ar ON ar.id = r.round_id WHERE ar.token = :token"
                ),
                {"token": link.rsplit("/", 1)[1]},
            ).all()
    finally:
        engine.dispose()
    by_response: dict[str, set] = {}
    for response_id, item_id, value in rows:
        by_response.setdefault(response_id, set()).add((item_id, value))
    return Counter(frozenset(answers) for answers in by_response.values())


def assert_stored_once(db_url: str, link: str, senders: list[int]) -> None:
    stored = stored_responses(db_url, link)
    assert stored == Counter(expected(person) for person in senders), (
        f"{sum(stored.values())} responses stored for {len(senders)} people who sent"
    )


@pytest.fixture(scope="module")
def servers():
    check_prerequisites()
    postgres = PrivatePostgres()
    redis_server = PrivateRedis()
    try:
        postgres.start()
        redis_server.start()
        upgrade(postgres.url)
        yield postgres, redis_server
    finally:
        db._engine_for(postgres.url).dispose()
        redis_server.remove()
        postgres.remove()


@pytest.fixture(scope="module")
def scaled(servers, tmp_path_factory):
    postgres, redis_server = servers
    check_prerequisites(redis_server.url)
    with scaled_app(tmp_path_factory.mktemp("faults"), postgres.url, redis_server.url) as run:
        yield run


@pytest.fixture(scope="module")
def area_id(scaled: ScaledRun) -> int:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CULTURETOOL_DB_URL", scaled.db_url)
        return add_area(people.admin(), AREA)


@pytest.fixture(scope="module")
def admin(scaled, chromium, area_id) -> Page:
    """The administrator, signed in."""
    page = new_person(chromium)
    sign_in(page, scaled.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    return page


def add_team(admin: Page, name: str) -> None:
    """The administrator adds a team on the home page: a page that reads and writes."""
    admin.get_by_label("Area", exact=True).select_option(label=AREA)
    admin.get_by_label("Team name").fill(name)
    admin.get_by_role("button", name="Add team").click()
    expect(admin.get_by_role("link", name=name)).to_be_visible()


@pytest.fixture
def share_link(scaled: ScaledRun, area_id, request) -> str:
    """An open-link round (30 staff) of a new team of this test's own, as its manager opens it
    (the services, as the team page calls them: these tests are about the respondents)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CULTURETOOL_DB_URL", scaled.db_url)
        team_id = add_team_now(people.admin(), area_id, request.node.name[:60])
        opened = responding.open_round(
            people.manager_of(team_id), team_id, access_mode="link", staff_count=30
        )
    return f"{scaled.url}/r/{opened.round.token}"


def respondent(chromium, person: int) -> Page:
    # One send per browser in ten minutes: each person has a browser of their own.
    return new_person(chromium, user_agent=f"Mozilla/5.0 (fault person {person}) Chrome/130.0")


def answer_pages(page: Page, person: int, pages: int, then_on_next: int = 0) -> int:
    """Answer `pages` pages and press Next after each, then `then_on_next` statements of the
    page reached; returns how many statements are answered."""
    answer = pattern(person)
    answered = 0
    for number in range(pages + 1):
        questions = page.locator("fieldset.question:visible")
        questions.first.wait_for()
        count = questions.count() if number < pages else then_on_next
        for index in range(count):
            question = questions.nth(index)
            statement = int(question.locator(".q-number").inner_text().strip(" ."))
            question.get_by_label(LABELS[answer(statement)], exact=True).check()
            answered += 1
        if number < pages:
            before = page.locator("#questions-heading").inner_text()
            page.get_by_role("button", name="Next").click()
            expect(page.locator("#questions-heading")).not_to_have_text(before)
    return answered


def finish_and_send(page: Page, person: int) -> None:
    answer = pattern(person)
    answer_every_page(page, lambda statement: LABELS[answer(statement)])
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()


def kept_answers(page: Page, link: str) -> dict:
    """What this browser keeps for the survey (the questionnaire's local storage)."""
    token = link.rsplit("/", 1)[1]
    return page.evaluate(
        "token => (JSON.parse(localStorage.getItem('culturetool_answers') || '{}')[token]"
        " || {}).answers || {}",
        token,
    )


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_killed_process_loses_no_acknowledged_send_and_no_typed_answer(
    scaled: ScaledRun, chromium, share_link
):
    first, second = scaled.backend_ports()
    scaled.route_only(first)
    # Two people send their answers, and are thanked, by the first process.
    for person in (0, 1):
        page = respondent(chromium, person)
        page.goto(share_link)
        finish_and_send(page, person)
        page.context.close()
    # Two more are on page 3 with answers typed, from the same process.
    midway = {}
    for person in (2, 3):
        page = respondent(chromium, person)
        page.goto(share_link)
        answered = answer_pages(page, person, pages=2, then_on_next=2)
        expect(page.locator("#questions-heading")).to_have_text(re.compile(r"^Page 3 of \d+$"))
        midway[person] = (page, answered)

    # The first process is killed (kill -9); new requests go to the second.
    scaled.route_only(second)
    killed = scaled.kill(first)
    assert_stored_once(scaled.db_url, share_link, [0, 1])

    # Person 2 carries on where they are, not reloading, and sends to the surviving process.
    page, _ = midway[2]
    finish_and_send(page, 2)
    assert_stored_once(scaled.db_url, share_link, [0, 1, 2])

    # Person 3 reopens the link once `culturetool serve` has started the first process again,
    # served by it: their answers are still there, on the page they were on.
    scaled.wait_started_again(first, killed)
    scaled.route_only(first)
    page, answered = midway[3]
    assert len(kept_answers(page, share_link)) == answered
    page.goto(share_link)
    expect(page.locator("#questions-heading")).to_have_text(re.compile(r"^Page 3 of \d+$"))
    expect(page.locator("input[type=radio]:checked")).to_have_count(answered)
    finish_and_send(page, 3)
    scaled.route_all()
    assert_stored_once(scaled.db_url, share_link, [0, 1, 2, 3])


def test_postgresql_restart_keeps_answers_and_saves_them_once_after(
    scaled: ScaledRun, servers, chromium, admin, share_link
):
    postgres, _ = servers
    scaled.route_all()
    sender, reopener = respondent(chromium, 4), respondent(chromium, 5)
    for person, page in ((4, sender), (5, reopener)):
        page.goto(share_link)
        answer_every_page(page, lambda statement, p=person: LABELS[pattern(p)(statement)])

    postgres.stop()
    try:
        # A send while the database is away: nothing is saved, and the person is told so.
        sender.get_by_role("button", name="Send my answers").click()
        expect(
            sender.get_by_role("heading", name="Your answers have not been sent yet")
        ).to_be_visible()
        expect(sender.locator("main")).to_contain_text("try again in a minute")
        expect(sender.locator("main")).to_contain_text("Your answers are kept on this device")
        assert len(kept_answers(sender, share_link)) == len(ITEM_IDS)
        # Pressed too soon, "Send again" says the same again.
        sender.get_by_role("button", name="Send again").click()
        expect(
            sender.get_by_role("heading", name="Your answers have not been sent yet")
        ).to_be_visible()
        # The other person reloads the questionnaire meanwhile.
        reopener.reload()
        expect(
            reopener.get_by_role("heading", name="The survey cannot open just now")
        ).to_be_visible()
        assert len(kept_answers(reopener, share_link)) == len(ITEM_IDS)
    finally:
        postgres.start()

    # Back: "Send again" saves the answers, once.
    sender.get_by_role("button", name="Send again").click()
    expect(sender.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()
    assert_stored_once(scaled.db_url, share_link, [4])
    # The browser now keeps only that it sent: the link reopened offers nothing to send twice.
    assert kept_answers(sender, share_link) == {}
    sender.goto(share_link)
    expect(sender.get_by_role("heading", name="You have already sent your answers")).to_be_visible()

    # The other person reopens the link: their answers are all there; they send, once.
    reopener.goto(share_link)
    expect(reopener.locator("input[type=radio]:checked")).to_have_count(len(ITEM_IDS))
    reopener.get_by_role("button", name="Send my answers").click()
    expect(reopener.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()
    assert_stored_once(scaled.db_url, share_link, [4, 5])

    # Each process reaches the database again with no one restarting it: the questionnaire
    # from each, and the administrator's pages from each.
    for port in scaled.backend_ports():
        assert status_of(f"http://127.0.0.1:{port}{share_link.split(scaled.url)[1]}") == 200
        scaled.route_only(port)
        admin.goto(scaled.url + "/")
        expect(admin.get_by_role("button", name="Sign out")).to_be_visible()
        add_team(admin, f"After the restart {port}")
    scaled.route_all()


def test_redis_restart_leaves_respondents_alone_and_staff_pages_come_back(
    scaled: ScaledRun, servers, chromium, admin, share_link
):
    _, redis_server = servers
    scaled.route_all()
    admin.goto(scaled.url + "/")
    add_team(admin, "Before Redis stopped")

    redis_server.stop()
    with pytest.raises(redis.ConnectionError):  # it is away
        redis.Redis.from_url(redis_server.url, socket_connect_timeout=2).ping()
    try:
        # A respondent opens the survey and sends while Redis is away: it does not need it.
        page = respondent(chromium, 6)
        page.goto(share_link)
        finish_and_send(page, 6)
        assert_stored_once(scaled.db_url, share_link, [6])
    finally:
        redis_server.start()

    # Redis is back, empty (no save file): the administrator's page, not reloaded, works again
    # (its page state is made afresh in Redis; the session is the database's). A pause, as a
    # person's, before using it.
    admin.wait_for_timeout(5000)
    add_team(admin, "After Redis came back")
