"""A workshop's public links in the real app: the facilitator makes the collection link on the
collect page; a participant answers it on a phone; two participants vote on their phones and
one is refused past the budget, with the reason shown and nothing changed. Afterwards no file
the app wrote holds the participants' browser names, the address they came from (every test
browser is 127.0.0.1) or their ballot keys, as in test_respondent_leaves_no_trace.py.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import PROJECT_ROOT
from helpers import new_person, sign_in
from people import PASSWORD, make_person
from playwright.sync_api import Browser, expect
from test_respondent_leaves_no_trace import _database_files, _files_changed_since
from workshop_rows import add_workshop

from culturetool.domain.access import Role
from culturetool.domain.workshop.kinds import EntryKind, VotingState
from culturetool.services import workshop_links
from culturetool.services.organisation import add_area
from culturetool.store import db
from culturetool.store.tables import (
    UserAccount,
    Workshop,
    WorkshopBallot,
    WorkshopBallotVote,
    WorkshopEntry,
    WorkshopTheme,
)

pytestmark = pytest.mark.browser

AGENTS = [
    "Mozilla/5.0 (Linux; Android 14) CollectorP-4hd9 Chrome/130.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) VoterQ-k2m7 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 13) VoterR-9xw3 Chrome/129.0 Mobile Safari/537.36",
]
MARKERS = ["CollectorP-4hd9", "VoterQ-k2m7", "VoterR-9xw3"]
SERVER_SAW = "127.0.0.1"
PHONE = 375
STATEMENTS = [
    "I want to talk to a person, not a machine, when I ring",
    "We want to know who to call when things get hard",
    "I want my care workers to know my story before they arrive",
]


def _themes_on_the_ballot(workshop_id: int) -> list[int]:
    """Three themes put to the vote, and voting open (the understand page's work)."""
    with db.transaction() as session:
        rows = [
            WorkshopTheme(
                workshop_id=workshop_id,
                kind=EntryKind.NOT_WORKING_WELL.value,
                statement=statement,
                on_ballot=True,
            )
            for statement in STATEMENTS
        ]
        session.add_all(rows)
        session.flush()
        workshop = session.get(Workshop, workshop_id)
        workshop.vote_budget, workshop.votes_per_theme = 3, 2
        workshop.voting = VotingState.OPEN.value
        return [row.id for row in rows]


def _email(user_id: int) -> str:
    with db.transaction() as session:
        return session.get(UserAccount, user_id).email


def _theme(page, statement: str):
    return page.locator(".ballot-theme").filter(has_text=statement)


def test_participants_collect_and_vote_and_leave_no_trace(
    browser: Browser,
    app_url: str,
    app_db_url: str,
    app_log: Path,
    monkeypatch,
    tmp_path_factory,
    screenshot_dir,
) -> None:
    start = time.time() - 1
    monkeypatch.setenv("CULTURETOOL_DB_URL", app_db_url)
    administrator = make_person(Role.ADMINISTRATOR)
    area = add_area(administrator, "Linkford")
    facilitator = make_person(Role.FACILITATOR, password=PASSWORD)
    workshop_id = add_workshop(area, "Linkford carers' voices", facilitator)
    theme_ids = _themes_on_the_ballot(workshop_id)

    # The facilitator makes the collection link on the collect page.
    runner = new_person(browser)
    sign_in(runner, app_url, _email(facilitator.user_id), PASSWORD)
    runner.goto(f"{app_url}/workshops/{workshop_id}/collect")
    panel = runner.get_by_role("region", name="Collection link")
    expect(panel.get_by_text("There is no link yet.")).to_be_visible()
    panel.get_by_label("Most responses it takes").fill("50")
    panel.get_by_role("button", name="Make the link").click()
    expect(panel.get_by_text("The link is ready to share.")).to_be_visible()
    expect(panel.get_by_text("Taken so far: 0 of 50 responses")).to_be_visible()
    expect(panel.get_by_role("img", name="QR code of the link, for phones to scan")).to_be_visible()
    address = panel.get_by_label("Share this link").input_value()
    assert address.startswith(f"{app_url}/c/")
    panel.screenshot(path=str(screenshot_dir / "workshop-collection-link-panel.png"))
    runner.context.close()
    voting_token = workshop_links.make_link(facilitator, workshop_id, "vote", dt.date.today()).token

    # A participant answers on a phone, in easy read.
    collector = new_person(browser, user_agent=AGENTS[0], width=PHONE)
    collector.goto(address)
    collector.get_by_role("link", name="Easy read").click()
    expect(collector.get_by_role("group", name="What is good?")).to_be_visible()
    collector.screenshot(path=str(screenshot_dir / "workshop-collect-phone.png"), full_page=True)
    good = collector.get_by_role("group", name="What is good?")
    good.get_by_label("Answer 1").fill("My carer comes on time")
    hard = collector.get_by_role("group", name="What is not good?")
    hard.get_by_label("Answer 1").fill("Waiting weeks for a call back")
    collector.get_by_label("Carers and family").check()
    collector.get_by_role("button", name="Send").click()
    expect(
        collector.get_by_role("heading", name="Thank you. We have your answers.")
    ).to_be_visible()
    collector.context.close()

    # Two participants vote on their phones; one goes past the budget.
    voting_link = f"{app_url}/v/{voting_token}"
    first = new_person(browser, user_agent=AGENTS[1], width=PHONE)
    first.goto(voting_link)
    expect(first.locator("#votes-left")).to_have_text("You have 3 votes left of 3.")
    first.screenshot(path=str(screenshot_dir / "workshop-vote-phone.png"), full_page=True)
    _theme(first, STATEMENTS[0]).get_by_role("button", name="Add a vote").click()
    expect(first.locator("#votes-left")).to_have_text("You have 2 votes left of 3.")
    _theme(first, STATEMENTS[0]).get_by_role("button", name="Add a vote").click()
    _theme(first, STATEMENTS[1]).get_by_role("button", name="Add a vote").click()
    expect(first.locator("#votes-left")).to_contain_text("You have no votes left")
    _theme(first, STATEMENTS[2]).get_by_role("button", name="Add a vote").click()
    refusal = _theme(first, STATEMENTS[2]).get_by_role("alert")
    expect(refusal).to_contain_text("You have used all 3 of your votes")
    expect(first.locator("#votes-left")).to_contain_text("You have no votes left")
    first.screenshot(path=str(screenshot_dir / "workshop-vote-refused-phone.png"))
    first_key = first.evaluate(f"localStorage.getItem('culturetool-ballot:{voting_token}')")
    # The phone keeps its ballot: opened again, the same votes are there.
    first.goto(voting_link)
    expect(first.locator("#votes-left")).to_contain_text("You have no votes left")
    expect(_theme(first, STATEMENTS[0]).get_by_text("Your votes: 2")).to_be_visible()

    second = new_person(browser, user_agent=AGENTS[2], width=PHONE)
    second.goto(voting_link)
    expect(second.locator("#votes-left")).to_have_text("You have 3 votes left of 3.")
    _theme(second, STATEMENTS[2]).get_by_role("button", name="Add a vote").click()
    expect(second.locator("#votes-left")).to_have_text("You have 2 votes left of 3.")
    second_key = second.evaluate(f"localStorage.getItem('culturetool-ballot:{voting_token}')")
    first.context.close()
    second.context.close()

    with db.transaction() as session:
        texts = session.scalars(
            sa.select(WorkshopEntry.text).where(WorkshopEntry.workshop_id == workshop_id)
        ).all()
        votes = session.execute(
            sa.select(WorkshopBallotVote.theme_id, sa.func.sum(WorkshopBallotVote.votes))
            .join(WorkshopBallot)
            .where(WorkshopBallot.workshop_id == workshop_id)
            .group_by(WorkshopBallotVote.theme_id)
        ).all()
    assert sorted(texts) == ["My carer comes on time", "Waiting weeks for a call back"]
    assert dict(votes) == {theme_ids[0]: 2, theme_ids[1]: 1, theme_ids[2]: 1}
    assert first_key and second_key and first_key != second_key

    states = PROJECT_ROOT / ".states"
    searched = (
        _database_files(app_db_url)
        | {app_log}
        | ({p for p in states.rglob("*") if p.is_file()} if states.exists() else set())
        | _files_changed_since(start, PROJECT_ROOT, tmp_path_factory.getbasetemp())
    )
    assert app_log in searched and any(p.name.endswith(".db") for p in searched)
    traces = [*AGENTS, *MARKERS, SERVER_SAW, first_key, second_key]
    found = []
    for path in sorted(searched):
        try:
            content = path.read_bytes()
        except OSError:
            continue
        found += [f"{trace!r} in {path}" for trace in traces if trace.encode() in content]
    assert found == [], "\n".join(found)
