"""Three people answer an open-link round; afterwards no file the app wrote holds anything
that could tell them apart: not their browser's name, their address, their one-off keys, nor a
Reflex client token (the questionnaire opens no websocket, so there is none).

Searched: the database file and its journals, Reflex's state store, the app's log, and every
other file changed during the test under the project folder and pytest's temporary folders.
The browsers' own profiles are the respondents' devices, not the server's, and are not searched.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT
from helpers import answer_every_page, new_person
from people import make_person
from playwright.sync_api import Browser, expect
from respondents import open_link_round

from culturetool.domain.access import Role
from culturetool.services.organisation import add_area, add_team, team_view

pytestmark = pytest.mark.browser

AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64) RespondentA-7f3k Chrome/130.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14) RespondentB-q81z Chrome/130.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) RespondentC-m2xw Mobile/15E148 Safari/604.1",
]
MARKERS = ["RespondentA-7f3k", "RespondentB-q81z", "RespondentC-m2xw"]  # parts of the agents
SERVER_SAW = "127.0.0.1"  # the address every test browser connects from
# Installed code, and source that colleagues may be editing while the test runs; the app writes
# to none of them (its files are the database, .states, .web, data/ and uploaded_files/).
NOT_SEARCHED = {".git", ".venv", ".tools", "node_modules"}
SOURCE = {PROJECT_ROOT / name for name in ("culturetool", "tests", "docs", "model", "bench")}
LIKERT = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]


def _files_changed_since(start: float, *roots: Path) -> set[Path]:
    changed = set()
    for root in roots:
        for folder, subfolders, names in os.walk(root):
            subfolders[:] = [
                d for d in subfolders if d not in NOT_SEARCHED and Path(folder, d) not in SOURCE
            ]
            for name in names:
                path = Path(folder, name)
                try:
                    if path.is_file() and path.stat().st_mtime >= start:
                        changed.add(path)
                except OSError:
                    continue  # removed while walking
    return changed


def _database_files(db_url: str) -> set[Path]:
    database = Path(db_url.removeprefix("sqlite:///"))
    files = {database}
    for suffix in ("-journal", "-wal", "-shm"):
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            files.add(companion)
    return files


def test_three_respondents_leave_nothing_that_tells_them_apart(
    browser: Browser,
    app_url: str,
    app_db_url: str,
    app_log: Path,
    monkeypatch,
    tmp_path_factory,
    screenshot_dir,
) -> None:
    start = time.time() - 1  # file systems keep modification times to the second at worst
    monkeypatch.setenv("CULTURETOOL_DB_URL", app_db_url)
    administrator = make_person(Role.ADMINISTRATOR)
    area = add_area(administrator, "Traceless Dale")
    team = add_team(administrator, area, "Traceless Reablement")
    manager = make_person(Role.MANAGER, (team,))
    token = open_link_round(manager, team).token
    share_link = f"{app_url}/r/{token}"

    keys, sockets = [], []
    for number, agent in enumerate(AGENTS):
        person = new_person(browser, user_agent=agent, width=390 if number == 1 else 1100)
        person.on("websocket", lambda socket: sockets.append(socket.url))
        person.goto(share_link)
        expect(person.locator("#questions-heading")).to_have_text("Page 1 of 7")
        if number < 2:
            name = "questionnaire-desktop.png" if number == 0 else "questionnaire-phone.png"
            person.screenshot(path=str(screenshot_dir / name), full_page=True)
        answer_every_page(person, lambda n, shift=number: LIKERT[(n + shift) % 5])
        memory = json.loads(person.evaluate("localStorage.getItem('culturetool_answers')"))
        key = memory[token]["key"]
        assert len(key) >= 32
        keys.append(key)
        person.get_by_role("button", name="Send my answers").click()
        thanks = person.get_by_role("heading", name="Thank you: your answers have been sent")
        expect(thanks).to_be_visible()
        # The device keeps only the note that it sent: no answers, no key.
        stored = person.evaluate("JSON.stringify(localStorage)")
        assert key not in stored
        assert json.loads(person.evaluate("localStorage.getItem('culturetool_answers')")) == {
            token: {"sent": True}
        }
        person.context.close()

    assert sockets == [], f"the questionnaire opened a websocket: {sockets}"
    assert team_view(manager, team).rounds[0].responses == 3

    states = PROJECT_ROOT / ".states"
    searched = (
        _database_files(app_db_url)
        | {app_log}
        | ({p for p in states.rglob("*") if p.is_file()} if states.exists() else set())
        | _files_changed_since(start, PROJECT_ROOT, tmp_path_factory.getbasetemp())
    )
    assert app_log in searched and any(p.name.endswith(".db") for p in searched)
    traces = [*AGENTS, *MARKERS, SERVER_SAW, *keys]
    found = []
    for path in sorted(searched):
        try:
            content = path.read_bytes()
        except OSError:
            continue
        for trace in traces:
            if trace.encode() in content:
                found.append(f"{trace!r} in {path}")
    assert found == [], "\n".join(found)
