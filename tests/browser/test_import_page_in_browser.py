"""An administrator imports areas and teams from a CSV file: checked, previewed, then saved.

A bad file lists its problems by spreadsheet row and adds nothing; a good one shows what it
would add, and only the Import button saves it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from helpers import new_person, sign_in
from playwright.sync_api import Browser, FileChooser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser

GOOD = (
    "\ufeffArea,Team\r\n"  # as Excel saves "CSV UTF-8": a byte-order mark, capitals, CRLF
    "Riverside Import,Riverside Reablement\r\n"
    "Riverside Import,Riverside Home Care\r\n"
    "Hillside Import,Hillside Day Service\r\n"
)
BAD = (
    "area,team\n"
    "Lakeside Import,Lakeside Alpha\n"
    "Lakeside Import,\n"  # row 3: no team
    ",Beta\n"  # row 4: no area
    "Lakeside Import,Lakeside Alpha\n"  # row 5: row 2 again
)


def _csv(name: str, text: str, mime: str = "text/csv") -> dict:
    return {"name": name, "mimeType": mime, "buffer": text.encode("utf-8")}


def _open_import_page(admin: Page, app_url: str) -> None:
    admin.goto(app_url + "/")
    admin.get_by_role("link", name="Import many areas and teams from a spreadsheet").click()
    expect(admin.get_by_role("heading", name="Import areas and teams", level=1)).to_be_visible()


def _open_file_dialog_with_enter(page: Page, button: Locator, tries: int = 3) -> FileChooser:
    """Press Enter on the focused button until the file dialog opens. The page re-renders once
    the template download's event returns, which can take the focus away before Enter lands
    (seen once in CI under load); a person would simply press Enter again."""
    for attempt in range(1, tries + 1):
        button.focus()
        expect(button).to_be_focused()
        try:
            with page.expect_file_chooser(timeout=5_000) as chooser:
                page.keyboard.press("Enter")
            return chooser.value
        except PlaywrightTimeout:
            if attempt == tries:
                raise
    raise AssertionError("unreachable")


def test_an_administrator_imports_a_csv_file_after_checking_it(
    browser: Browser, app_url: str, screenshot_dir
) -> None:
    admin = new_person(browser)
    sign_in(admin, app_url, ADMIN_EMAIL, ADMIN_PASSWORD)
    _open_import_page(admin, app_url)
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Download this example as a CSV file to fill in").click()
    assert download.value.suggested_filename == "areas-and-teams.csv"
    template = Path(download.value.path()).read_bytes()
    assert template.startswith("\ufeffarea,team\n".encode())  # opens as UTF-8 in Excel

    # Keyboard only: the button opens the file dialog.
    choose = admin.get_by_role("button", name="Choose a CSV file")
    chooser = _open_file_dialog_with_enter(admin, choose)
    chooser.set_files(_csv("teams.csv", GOOD))

    expect(admin.get_by_role("heading", name="Check before importing: teams.csv")).to_be_visible()
    expect(admin.get_by_role("status")).to_contain_text("2 new areas, 3 new teams")
    rows = admin.get_by_role("row")
    expect(rows.filter(has_text="Hillside Day Service")).to_contain_text("New team in a new area")
    expect(rows.filter(has_text="Riverside Home Care")).to_contain_text("3")
    admin.screenshot(path=str(screenshot_dir / "team-import-preview.png"), full_page=True)

    # Nothing is saved by the preview.
    admin.goto(app_url + "/")
    expect(admin.get_by_role("heading", name="Add an area")).to_be_visible()
    expect(admin.get_by_role("heading", name="Riverside Import")).to_have_count(0)

    _open_import_page(admin, app_url)
    admin.locator("input[type=file]").set_input_files(_csv("teams.csv", GOOD))
    admin.get_by_role("button", name="Import", exact=True).click()
    expect(admin.get_by_role("alert")).to_have_text(
        "Imported from teams.csv: 2 new areas, 3 new teams, 0 already there."
    )
    admin.screenshot(path=str(screenshot_dir / "team-import-done.png"), full_page=True)
    admin.get_by_role("link", name="See the areas and teams on the start page").click()
    for area in ("Riverside Import", "Hillside Import"):
        expect(admin.get_by_role("heading", name=area)).to_be_visible()
    for team in ("Riverside Reablement", "Riverside Home Care", "Hillside Day Service"):
        expect(admin.get_by_role("link", name=team)).to_be_visible()

    # The same file again adds nothing.
    _open_import_page(admin, app_url)
    admin.locator("input[type=file]").set_input_files(_csv("teams.csv", GOOD))
    expect(admin.get_by_role("status")).to_contain_text("0 new areas, 0 new teams, 3 already there")
    expect(admin.get_by_text("Every team in this file is already there")).to_be_visible()
    expect(admin.get_by_role("button", name="Import", exact=True)).to_have_count(0)


def test_a_bad_file_lists_its_problems_by_row_and_adds_nothing(
    browser: Browser, app_url: str, screenshot_dir
) -> None:
    admin = new_person(browser)
    sign_in(admin, app_url, ADMIN_EMAIL, ADMIN_PASSWORD)
    _open_import_page(admin, app_url)

    admin.locator("input[type=file]").set_input_files(_csv("teams.csv", BAD))
    problems = admin.get_by_role("alert")
    expect(problems).to_contain_text("teams.csv cannot be imported, and nothing was saved.")
    expect(problems.get_by_role("listitem")).to_have_text(
        [
            "Row 3: the team is empty; fill it in or delete the row.",
            "Row 4: the area is empty; fill it in or delete the row.",
            "Row 5 repeats the team “Lakeside Alpha” in “Lakeside Import” from row 2; "
            "remove one of them.",
        ]
    )
    expect(admin.get_by_role("button", name="Import", exact=True)).to_have_count(0)
    admin.screenshot(path=str(screenshot_dir / "team-import-problems.png"), full_page=True)

    # A workbook is refused by the browser, in the same plain words.
    workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    admin.locator("input[type=file]").set_input_files(_csv("teams.xlsx", "PK", workbook))
    expect(problems).to_contain_text("“teams.xlsx” is not a CSV file.")
    expect(problems).to_contain_text("CSV UTF-8")

    admin.goto(app_url + "/")
    expect(admin.get_by_role("heading", name="Add an area")).to_be_visible()
    expect(admin.get_by_role("heading", name="Lakeside Import")).to_have_count(0)
