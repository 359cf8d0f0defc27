"""A round's personal codes on paper: a printable page of cards, and a plain list.

Both are made once, from the codes the service returns when it makes them, and sent straight to
the manager's browser: the plain codes are stored nowhere.
"""

from __future__ import annotations

from html import escape

import segno

from culturetool.domain import survey_codes
from culturetool.reports.exports import Table, to_csv

CARDS_PER_PAGE = 8  # two columns of four on A4

_STYLE = """
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: Arial, Helvetica, sans-serif; color: #111; }
.help { margin: 0 0 6mm; font-size: 11pt; }
.sheet { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; break-after: page; }
.sheet:last-child { break-after: auto; }
.card { border: 1px dashed #555; padding: 4mm; height: 66mm; break-inside: avoid;
        display: flex; gap: 4mm; align-items: center; }
.card .words { flex: 1; min-width: 0; }
.team { font-weight: bold; font-size: 12pt; margin: 0 0 2mm; }
.link { font-size: 8pt; overflow-wrap: anywhere; margin: 0 0 3mm; }
.code { font-family: "Courier New", monospace; font-size: 22pt; font-weight: bold;
        letter-spacing: 1px; margin: 0 0 2mm; white-space: nowrap; }
.note { font-size: 8pt; margin: 0; }
.qr svg { width: 30mm; height: 30mm; display: block; }
@media print { .help { display: none; } }
"""


def code_link(link: str, code: str) -> str:
    """The link that opens the survey with this code filled in (the part after # never reaches
    the server)."""
    return f"{link}#code={survey_codes.normalised(code)}"


def _card(team_name: str, link: str, code: str) -> str:
    qr = segno.make(code_link(link, code), error="m").svg_inline(scale=3, border=2)
    return (
        '<div class="card"><div class="words">'
        f'<p class="team">{escape(team_name)}: digital culture survey</p>'
        f'<p class="link">Open {escape(link)} and type this code, or scan the square:</p>'
        f'<p class="code">{escape(code)}</p>'
        '<p class="note">Your answers are anonymous. The code works once, and nothing records '
        "whose card it was.</p>"
        f'</div><div class="qr" role="img" aria-label="QR code for code {escape(code)}">{qr}'
        "</div></div>"
    )


def codes_sheet_html(team_name: str, link: str, codes: list[str]) -> str:
    """A printable HTML page: one card per code, eight to an A4 page, each with the team, the
    link, the code in large print and a QR code of the link with the code."""
    sheets = [
        '<div class="sheet">'
        + "".join(_card(team_name, link, code) for code in codes[start : start + CARDS_PER_PAGE])
        + "</div>"
        for start in range(0, len(codes), CARDS_PER_PAGE)
    ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Survey code cards: {escape(team_name)}</title><style>{_STYLE}</style></head>"
        f'<body><p class="help">{len(codes)} code cards. Print this page, cut the cards out and '
        "give one to each person in the team, at random. The codes are not kept anywhere, so "
        "keep this page safe until the cards are handed out, then delete it.</p>"
        + "".join(sheets)
        + "</body></html>"
    )


def codes_list_csv(team_name: str, link: str, codes: list[str]) -> bytes:
    """The same codes as a spreadsheet-safe list, one a row, with the link that fills each in."""
    table = Table(
        title=f"Survey codes: {team_name}",
        headers=["Code", "Link with the code"],
        rows=[[code, code_link(link, code)] for code in codes],
    )
    return to_csv([table])
