"""The printable code cards and the list of codes."""

from __future__ import annotations

import csv
import io

from culturetool.reports.codes_sheet import (
    CARDS_PER_PAGE,
    code_link,
    codes_list_csv,
    codes_sheet_html,
)

LINK = "https://survey.example/r/abc123"
CODES = [f"7KQ4-M9XR-{n:02}" for n in range(10)]


def test_cards_hold_team_link_code_and_a_qr_code_eight_to_a_page():
    page = codes_sheet_html("Reablement <East>", LINK, CODES)
    assert page.count('class="card"') == 10
    assert page.count('class="sheet"') == 2  # 8 cards, then 2
    assert CARDS_PER_PAGE == 8
    assert "@page { size: A4" in page and "break-inside: avoid" in page
    assert page.count("<svg") == 10
    assert "Reablement &lt;East&gt;" in page and "<East>" not in page
    for code in CODES:
        assert f'<p class="code">{code}</p>' in page


def test_qr_code_and_list_carry_the_link_with_the_code():
    assert code_link(LINK, "7kq4 m9xr-2f") == LINK + "#code=7KQ4M9XR2F"
    rows = list(csv.reader(io.StringIO(codes_list_csv("=Team", LINK, CODES).decode("utf-8-sig"))))
    assert rows[0] == ["Survey codes: =Team"]
    assert rows[1] == ["Code", "Link with the code"]
    assert rows[2:] == [[code, code_link(LINK, code)] for code in CODES]
