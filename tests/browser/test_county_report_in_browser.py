"""A leader downloads the county report (PDF) from the county dashboard and from an area's
drill-down: the button makes it in the background and the browser receives the file, whose text
names the period and the area (issue 13, item 6)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from county_world import respond, rounds_of
from helpers import new_person, sign_in
from people import PASSWORD, make_person
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from culturetool.domain import clock
from culturetool.domain.access import Role
from culturetool.services.organisation import add_area, add_team, set_staff_count
from culturetool.services.periods import open_period
from culturetool.store.db import transaction
from culturetool.store.tables import UserAccount

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
# Names and a period of this test's own: a whole browser run shares one app database, and
# periods may not overlap (the county dashboard's test uses the last 200 days).
AREA, TEAM, PERIOD = "Report Vale", "Report Vale Carers", "Report Winter"


def _download(page: Page) -> tuple[str, str]:
    """Clicks the report button; the file's name and its text."""
    with page.expect_download(timeout=30_000) as started:
        page.get_by_role("button", name="Download the report (PDF)").click()
    download = started.value
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    return download.suggested_filename, " ".join(
        " ".join(p.extract_text() for p in reader.pages).split()
    )


def test_leader_downloads_the_county_and_area_reports(
    browser: Browser, app_url: str, app_db_url: str, monkeypatch, model, screenshot_dir
) -> None:
    monkeypatch.setenv("CULTURETOOL_DB_URL", app_db_url)
    administrator, innovation = make_person(Role.ADMINISTRATOR), make_person(Role.INNOVATION)
    area = add_area(administrator, AREA)
    team = add_team(administrator, area, TEAM)
    set_staff_count(administrator, team, 8)
    start = clock.today() - dt.timedelta(days=400)
    with clock.frozen_at(start):
        opened = open_period(innovation, PERIOD, start, start + dt.timedelta(days=30), [area])
        respond(rounds_of(opened.period_id)[team], 6, 3, model)
    leader = make_person(Role.LEADER, password=PASSWORD)
    with transaction() as session:
        email = session.get_one(UserAccount, leader.user_id).email
    page = new_person(browser, width=1280)
    sign_in(page, app_url, email, PASSWORD)

    page.goto(f"{app_url}/county?period={opened.period_id}")
    expect(page.get_by_role("button", name="Download the report (PDF)")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    shot = screenshot_dir / "pdf-button-county.png"
    page.screenshot(path=shot, full_page=False)
    shutil.copy(shot, SHOTS / shot.name)
    name, text = _download(page)
    assert name == "county-report-report-winter.pdf"
    assert "County report:" in text and PERIOD in text and AREA in text
    assert "6 responses" in text

    page.goto(f"{app_url}/county/areas/{area}?period={opened.period_id}")
    name, text = _download(page)
    assert name == "county-report-report-vale-report-winter.pdf"
    assert f"Area report: {AREA}, {PERIOD}" in text and TEAM in text
