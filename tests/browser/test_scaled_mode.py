"""The scaled mode in Chromium: nginx in front of two app processes sharing state through Redis,
on PostgreSQL (`culturetool serve --workers 2`).

- A signed-in page keeps working when its process changes: the administrator's page is served by
  one process, that process is killed (kill -9), and the same page, not reloaded, carries on with
  the other one, which finds the page's state in Redis.
- A respondent's requests land on different processes: the questionnaire comes from one, the
  answers go to the other, and they are stored exactly once.
- Two facilitators on one workshop board, each on a different process, see each other's change.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from helpers import add_area_and_teams, answer_every_page, new_person, sign_in
from people import PASSWORD, make_person
from playwright.sync_api import Page, expect
from postgres import migrated_schema
from scaled_mode import ScaledRun, check_prerequisites, scaled_app
from test_workshop_board_live import NOT_WORKING_WELL, live_workshop, theme_card, tick

from culturetool.domain.access import Role
from culturetool.store.db import transaction
from culturetool.store.tables import Team, UserAccount

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    check_prerequisites()
    with (
        migrated_schema("scaled") as db_url,
        scaled_app(tmp_path_factory.mktemp("scaled"), db_url) as run,
    ):
        yield run


def _responses_in(db_url: str) -> int:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM response")).scalar_one()
    finally:
        engine.dispose()


def _staff_of_open_round(db_url: str) -> int:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.text("SELECT staff_count FROM assessment_round WHERE closed_at IS NULL")
            ).scalar_one()
    finally:
        engine.dispose()


def _manager_of(db_url: str, team: str) -> str:
    """A new manager account for the team, made as the administrator's invitation would."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CULTURETOOL_DB_URL", db_url)
        with transaction() as session:
            team_id = session.scalars(sa.select(Team.id).where(Team.name == team)).one()
        manager = make_person(Role.MANAGER, (team_id,), password=PASSWORD)
        with transaction() as session:
            return session.get(UserAccount, manager.user_id).email


class SocketLog:
    """What a page's event sockets receive: each socket opened, and the frames."""

    def __init__(self, page: Page) -> None:
        self.opened = 0
        self.frames: list[str] = []
        page.on("websocket", self._opened)

    def _opened(self, socket) -> None:
        self.opened += 1
        socket.on("framereceived", lambda frame: self.frames.append(str(frame)))

    def wait_until_back(self, page: Page, seconds: float = 30) -> None:
        """Until a new socket has been opened and the page hydrated again on it, as a person
        waits for the page to come back (what they type meanwhile is redrawn away)."""
        for _ in range(int(seconds * 5)):
            if any('"is_hydrated_rx_state_":true' in frame for frame in self.frames):
                return
            page.wait_for_timeout(200)
        raise AssertionError("the page did not reconnect")

    def given_a_new_token(self) -> bool:
        """Reflex's answer to a page it takes for a duplicated tab: a fresh, empty state."""
        return any('"new_token"' in frame for frame in self.frames)


def test_pages_and_answers_move_between_processes(scaled: ScaledRun, chromium, screenshot_dir):
    first, second = scaled.backend_ports()

    # The administrator's and the team manager's pages, with their sockets, are on the first
    # process.
    scaled.route_only(first)
    admin = new_person(chromium)
    sign_in(admin, scaled.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    add_area_and_teams(admin, scaled.url, "North Dales", "Riverside Home Care")
    manager = new_person(chromium)
    sign_in(manager, scaled.url, _manager_of(scaled.db_url, "Riverside Home Care"), PASSWORD)
    manager.get_by_role("link", name="Riverside Home Care").click()
    expect(manager.get_by_role("button", name="Open a new round")).to_be_visible()
    sockets = {"admin": SocketLog(admin), "manager": SocketLog(manager)}

    # That process dies while both pages are open; new connections go to the second.
    scaled.route_only(second)
    killed = scaled.kill(first)

    # The same pages, not reloaded, carry on: their sockets reconnect to the second process
    # (after a few seconds: Reflex's socket backs off), keep their page's token, so its state
    # in Redis, and the people stay signed in.
    sockets["admin"].wait_until_back(admin)
    admin.get_by_label("Area", exact=True).select_option(label="North Dales")
    admin.get_by_label("Team name").fill("Moorside Day Centre")
    admin.get_by_role("button", name="Add team").click()
    expect(admin.get_by_role("link", name="Moorside Day Centre")).to_be_visible()
    expect(admin.get_by_role("link", name="Riverside Home Care")).to_be_visible()
    sockets["manager"].wait_until_back(manager)
    manager.get_by_label("How many people are in the team?").fill("20")
    manager.get_by_role("radio", name=re.compile("With an open link")).check()
    manager.get_by_role("button", name="Open a new round").click()
    share_box = manager.get_by_label("Share this link with everyone in the team")
    expect(share_box).to_have_value(re.compile(r"/r/[A-Za-z0-9_-]{32,}$"))
    share_link = share_box.input_value()
    assert _staff_of_open_round(scaled.db_url) == 20
    for who, log in sockets.items():
        assert log.opened >= 1, f"the {who}'s page did not reconnect"
        assert not log.given_a_new_token(), f"the {who}'s page lost its state on reconnecting"
    manager.get_by_role("link", name="See results").click()
    results_url = manager.url

    # The killed process has been started again by `culturetool serve`.
    scaled.wait_started_again(first, killed)

    # A respondent's questionnaire comes from the first process; their answers go to the
    # second, and are stored once.
    scaled.route_only(first)
    respondent = new_person(chromium, user_agent="Mozilla/5.0 (scaled person 1) Chrome/130.0")
    respondent.goto(share_link)
    answer_every_page(respondent, lambda number: "Agree")
    scaled.route_only(second)
    respondent.get_by_role("button", name="Send my answers").click()
    expect(respondent.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()
    assert _responses_in(scaled.db_url) == 1

    # Four more people answer with both processes in use; the results page counts five.
    scaled.route_all()
    for number in range(2, 6):
        person = new_person(chromium, user_agent=f"Mozilla/5.0 (scaled person {number}) Chrome/130")
        person.goto(share_link)
        answer_every_page(person, lambda statement: "Strongly agree")
        person.get_by_role("button", name="Send my answers").click()
        expect(person.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()
        person.context.close()
    assert _responses_in(scaled.db_url) == 5
    manager.goto(results_url)
    expect(manager.locator("main")).to_contain_text("5 responses")
    manager.screenshot(path=str(screenshot_dir / "scaled-results.png"), full_page=True)


def test_facilitators_on_different_processes_see_each_others_change(scaled: ScaledRun, chromium):
    room = live_workshop(scaled.db_url, title="Carers across processes")
    pages = []
    for port, email in zip(scaled.backend_ports(), room.emails, strict=True):
        scaled.route_only(port)  # this facilitator's page and socket stay on this process
        page = new_person(chromium, width=1280)
        sign_in(page, scaled.url, email, PASSWORD)
        page.goto(f"{scaled.url}/workshops/{room.workshop_id}/board")
        page.locator("#main[aria-busy='false']").wait_for()
        pages.append(page)
    scaled.route_all()
    anna, ben = pages

    first, second, _third = NOT_WORKING_WELL
    tick(anna, first)
    tick(anna, second)
    anna.get_by_role("button", name="Make a theme").click()
    expect(anna.get_by_text("Theme made with 2 entries.")).to_be_visible()
    expect(theme_card(ben, first)).to_contain_text(second)
    expect(ben.get_by_text("Updated with a change from another facilitator.")).to_be_visible()
