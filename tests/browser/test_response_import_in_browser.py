"""A team manager imports responses collected on paper into the team's open round: a file with
a bad answer is reported by row and column and imports nothing; the columns are matched (one
chosen by hand), the name and email columns are dropped, and the import's bar reaches the end."""

from __future__ import annotations

import pytest
from conftest import ARTIFACTS
from helpers import new_person, sign_in
from people import PASSWORD, make_person
from playwright.sync_api import Browser, Locator, Page, expect
from respondents import open_link_round

from culturetool.domain.access import Role
from culturetool.services.model_provider import current_model
from culturetool.services.organisation import add_area, add_team
from culturetool.store.db import transaction
from culturetool.store.tables import Response, UserAccount

pytestmark = pytest.mark.browser


def _csv(rows: list[list[str]]) -> dict:
    text = "\r\n".join(",".join(f'"{cell}"' for cell in row) for row in rows) + "\r\n"
    return {"name": "paper forms.csv", "mimeType": "text/csv", "buffer": text.encode()}


def _column(page: Page, header: str) -> Locator:
    """The mapping table's row of the column with this header."""
    return page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=header, exact=True)
    )


def test_a_manager_imports_paper_responses_after_the_report(
    browser: Browser, app_url: str, app_db_url: str, monkeypatch
) -> None:
    monkeypatch.setenv("CULTURETOOL_DB_URL", app_db_url)
    administrator = make_person(Role.ADMINISTRATOR)
    team = add_team(administrator, add_area(administrator, "Import Fen"), "Fen Reablement")
    manager = make_person(Role.MANAGER, (team,), password=PASSWORD)
    round_ = open_link_round(manager, team, staff_count=20)
    with transaction() as session:
        email = session.get_one(UserAccount, manager.user_id).email
    items = current_model().questionnaire.items
    header = ["Name", "Email", f"1. {items[0].text}", items[1].id, "Q-C"]
    people = [
        ["Ann Fenwick", "ann@fen.example", "Agree", "4", "Strongly agree"],
        ["Bo Marsh", "bo@fen.example", "Maybe", "5", "Don't know"],  # row 3: not an answer
        ["Cy Reed", "cy@fen.example", "disagree", "", "2"],
    ]
    ARTIFACTS.mkdir(exist_ok=True)

    page = new_person(browser)
    sign_in(page, app_url, email, PASSWORD)
    page.goto(f"{app_url}/teams/{team}")
    page.get_by_role(
        "link", name="Import responses collected on paper or in another survey tool"
    ).click()
    expect(page.get_by_role("heading", name="Import responses collected elsewhere")).to_be_visible()
    expect(page.get_by_text("No names are stored.")).to_be_visible()

    page.locator("input[type=file]").set_input_files(_csv([header, *people]))
    report = page.get_by_role("alert")
    expect(report).to_contain_text("paper forms.csv cannot be imported yet, and nothing was saved")
    expect(page.get_by_role("row").filter(has_text="Ann")).to_have_count(0)  # no cell shown
    expect(_column(page, "Name")).to_contain_text("it looks like names")
    expect(_column(page, "Email")).to_contain_text("it looks like email addresses")
    problem = page.get_by_role("row").filter(has_text="the answer is not on the scale")
    expect(problem).to_contain_text("3")
    expect(problem).to_contain_text("column C")
    expect(page.get_by_role("button", name="Import", exact=True)).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "response-import-report.png", full_page=True)

    people[1][2] = "Neither agree nor disagree"
    page.locator("input[type=file]").set_input_files(_csv([header, *people]))
    expect(page.get_by_role("status")).to_contain_text(
        f"{len(items) - 2} statements have no column"
    )
    page.get_by_label("Column E holds").select_option(label=f"3. {items[2].text}")
    ready = page.get_by_role("status")
    expect(ready).to_contain_text("3 responses are ready to import from paper forms.csv")
    expect(ready).to_contain_text("2 columns that say who someone is will be dropped")
    expect(_column(page, "Q-C")).to_contain_text("chosen by you")
    page.screenshot(path=ARTIFACTS / "response-import-mapping.png", full_page=True)

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(
        "Imported 3 responses from paper forms.csv into Fen Reablement's open round."
    )
    bar = page.get_by_label("Import finished: 3 of 3 responses written")
    expect(bar).to_have_attribute("value", "3")
    expect(bar).to_have_attribute("max", "3")
    page.screenshot(path=ARTIFACTS / "response-import-done.png", full_page=True)
    with transaction() as session:
        assert session.query(Response).filter_by(round_id=round_.id).count() == 3

    page.get_by_role("link", name="Back to the team").click()
    expect(page.get_by_text("3 responses so far")).to_be_visible()
