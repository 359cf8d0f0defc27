"""The workshop summary report and exports (issue 12, point 10): the PDF's text, read back,
holds the themes with their I and We statements, the vote with its ties, the success
statements, the actions with owners and timescales and the parking board; people's words come
out as plain text in the PDF and as text, never formulas, in CSV and Excel files.

The workshop is a believable carers' one, its entries drawn from what Hertfordshire's Working
Together for Change programme reports people said.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from culturetool.domain.workshop.board import Board
from culturetool.domain.workshop.kinds import Channel, EntryKind, Perspective
from culturetool.domain.workshop.votes import ranking
from culturetool.reports.workshop_exports import workshop_csv, workshop_tables, workshop_xlsx
from culturetool.reports.workshop_summary import summary_pdf, summary_sections
from culturetool.views.workshops import (
    ActionLine,
    EntryLine,
    ParkedLine,
    SuccessLine,
    WorkshopSummary,
    theme_lines,
    vote_lines,
)

WW, NWW, FUTURE = EntryKind.WORKING_WELL, EntryKind.NOT_WORKING_WELL, EntryKind.FUTURE
CARERS, STAFF = Perspective.CARERS.label, Perspective.STAFF.label
HYPERLINK = '=HYPERLINK("http://evil.example","Click here")'
SCRIPT = "<script>alert('x')</script>"
RIGHT_TO_LEFT_OVERRIDE = "\u202e"

# id → (kind, words, channel, perspective)
ENTRIES = {
    1: (WW, "As a carer for my disabled partner I'm happy at the moment to be able to care for "
            "her at home", Channel.PAPER, CARERS),
    2: (WW, "Having a break when I need it, because the sitting service comes every Tuesday",
        Channel.ONLINE, CARERS),
    3: (WW, "The carers group at the community centre, where I meet people like me",
        Channel.VISIT, CARERS),
    4: (NWW, "Balancing the care and well-being of my parents with my life", Channel.TELEPHONE,
        CARERS),
    5: (NWW, "Getting to talk to people face to face", Channel.TELEPHONE, CARERS),
    6: (NWW, "Telling my story again every time I ring", Channel.EASY_READ, CARERS),
    7: (NWW, "We only hear about support for carers when things have already broken down",
        Channel.VIDEO_CALL, STAFF),
    8: (NWW, "Nobody told me about the carers' assessment until my husband was in hospital",
        Channel.SIGN_LANGUAGE_VIDEO, CARERS),
    9: (FUTURE, "Care and support for my son when I'm no longer there", Channel.ONLINE, CARERS),
    10: (FUTURE, "Services that talk to each other so I don't have to", Channel.ONLINE, STAFF),
    11: (FUTURE, HYPERLINK, Channel.ONLINE, ""),
    12: (NWW, SCRIPT + " the forms " + RIGHT_TO_LEFT_OVERRIDE + "are too long", Channel.ONLINE,
         ""),
}  # fmt: skip

BREAK = "Having a break when I need it"
CONNECT = "I want to connect with people like me"
STORY = "I want to tell my story once"
FACE = "We want to talk to people face to face"
EARLY = "We want help before things break down, not after"
JOINED = "I want better joined-up services"
SON = "I want to know my son will be looked after when I'm no longer there"
STATEMENTS = {1: BREAK, 2: CONNECT, 3: STORY, 4: FACE, 5: EARLY, 6: JOINED, 7: SON}
MEMBERS = {1: {1, 2}, 2: {3}, 3: {6}, 4: {4, 5}, 5: {7, 8}, 6: {10}, 7: {9}}
KIND_OF = {1: WW, 2: WW, 3: NWW, 4: NWW, 5: NWW, 6: FUTURE, 7: FUTURE}
CONDITIONS = {
    "empowered": "Confident, empowered staff and local people",
    "joined_up": "Joined-up information and services",
    "listening": "Listening to people",
}
TAGS = {3: {"joined_up"}, 5: {"empowered", "listening"}, 6: {"joined_up"}}

# Votes: "help before things break down" first; "tell my story once" and "face to face" tied.
BALLOTS = [{5: 3, 3: 2}, {5: 2, 4: 3}, {3: 3, 5: 2}, {4: 2, 3: 1, 5: 1}, {5: 1, 4: 1}]
CHOSEN = {5, 3}

ACTIONS = [
    ActionLine(5, "Take an information bus for carers to a market square each month",
               "Community", "Carers' centre manager", "Within three months", "Planned"),
    ActionLine(5, "Send every new carer the “who to call” leaflet in their first week",
               "Traditional", "Access team lead", "In the first week", "In progress",
               review_notes="Leaflet printed; sent to 40 carers so far"),
    ActionLine(3, "Let carers read and correct what we hold about them, online",
               "Radical", "Head of digital", "Within six months", "Planned"),
]  # fmt: skip
PARKED = [
    ParkedLine(
        "Direct payment rates have not kept up with costs", "Commissioning manager", "Planned"
    ),
    ParkedLine("Parking at the day centre is full by nine", "Day centre manager", "Done"),
]
SUCCESS = [
    SuccessLine(5, CARERS, "As carers we know who to call before things get hard"),
    SuccessLine(5, STAFF, "We can offer carers support early, not only at a crisis"),
    SuccessLine(3, CARERS, "I tell my story once and the people I speak to already know it"),
]


def carers_workshop(**changes: object) -> WorkshopSummary:
    board = Board({entry_id: kind for entry_id, (kind, *_) in ENTRIES.items()})
    # The board's own operations build it, so the view is what a real board gives.
    for theme_id, members in MEMBERS.items():
        board = board.make_theme(members, theme_id, seen={})
        board = board.set_statement(theme_id, STATEMENTS[theme_id], seen={theme_id: 1})
        if theme_id in TAGS:
            board = board.set_conditions(theme_id, TAGS[theme_id], CONDITIONS, {theme_id: 2})
    themes = theme_lines(
        board,
        CONDITIONS,
        root_causes={
            3: ["Each team keeps its own records, so nobody sees what was said before"],
            5: [
                "Carers are asked about their own needs only at a crisis",
                "Information about support is spread over many websites",
            ],
        },  # fmt: skip
        chosen=CHOSEN,
    )
    fields: dict[str, object] = dict(
        title="Carers' voices",
        purpose="To hear what helps carers and what gets in the way of getting support early.",
        area_name="Shirebrook",
        team_names=["Carers support team"],
        day_labels=["10 Mar 2026", "12 Mar 2026"],
        place="Shirebrook Community Centre",
        perspective_labels=[CARERS, STAFF],
        votes_each=5,
        stage_label="Review",
        entries=[
            EntryLine(
                entry_id,
                words,
                kind,
                channel.label,
                perspective,
                board.theme_of(entry_id),
                follow_up=entry_id in (11, 12),
            )
            for entry_id, (kind, words, channel, perspective) in ENTRIES.items()
        ],  # fmt: skip
        themes=themes,
        votes=vote_lines(ranking(board.themes.keys() & {3, 4, 5}, BALLOTS), themes),
        voting_closed=True,
        success=SUCCESS,
        already_happening=["The carers' centre runs a monthly drop-in at the library"],
        actions=ACTIONS,
        parked=PARKED,
        made_on="2 Dec 2026",
    )
    fields.update(changes)
    return WorkshopSummary(**fields)  # type: ignore[arg-type]


def words(text: str) -> str:
    """The text with every run of spaces and line breaks as one space: a table cell's wrapped
    lines read as one."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def summary_bytes() -> bytes:
    return summary_pdf(carers_workshop())


@pytest.fixture(scope="module")
def pdf_text(summary_bytes: bytes) -> str:
    reader = PdfReader(io.BytesIO(summary_bytes))
    return words(" ".join(page.extract_text() for page in reader.pages))


def test_the_pdf_shows_every_theme_with_its_statement_and_what_it_points_at(pdf_text):
    for statement in STATEMENTS.values():
        assert words(statement) in pdf_text
    # A theme's row: its statement, how many answers it holds, the conditions it points at.
    assert f"{EARLY} 2 {CONDITIONS['empowered']}; {CONDITIONS['listening']}" in pdf_text
    assert f"{STORY} 1 {CONDITIONS['joined_up']}" in pdf_text
    assert "2 themes from 3 answers about what is working well." in pdf_text
    # The root causes behind what is not working well.
    assert "Carers are asked about their own needs only at a crisis" in pdf_text


def test_the_pdf_shows_the_vote_with_ties_as_ties(pdf_text):
    # 9 votes, then 6 and 6: the tied pair share 2nd place.
    assert f"1st {EARLY} 9 Yes" in pdf_text
    assert f"Joint 2nd {STORY} 6 Yes" in pdf_text
    assert f"Joint 2nd {FACE} 6" in pdf_text
    assert "Each person had 5 votes" in pdf_text and "21 votes were given in all" in pdf_text


def test_the_pdf_shows_success_actions_with_owners_and_timescales_and_the_parking_board(pdf_text):
    for line in SUCCESS:
        assert f"{line.perspective_label} {line.text}" in pdf_text
    for action in ACTIONS:
        theme = STATEMENTS[action.theme_id]
        row = (
            f"{action.title} {theme} {action.viewpoint_label} {action.owner} "
            f"{action.timescale_label} {action.status_label}"
        )
        assert words(row) in pdf_text
    assert "Leaflet printed; sent to 40 carers so far" in pdf_text
    for issue in PARKED:
        assert f"{issue.issue} {issue.owner} {issue.status_label}" in pdf_text
    assert "The carers' centre runs a monthly drop-in at the library" in pdf_text


def test_the_pdf_is_a4_with_a_title_a_language_an_outline_and_page_numbers(summary_bytes):
    reader = PdfReader(io.BytesIO(summary_bytes))
    assert (
        reader.metadata is not None and reader.metadata.title == "Workshop summary: Carers' voices"
    )
    assert reader.root_object["/Lang"] == "en-GB"
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        assert f"Page {number} of {pages}" in page.extract_text()
    outline = [item.title for item in _flattened(reader.outline)]
    assert outline[:3] == ["Workshop summary: Carers' voices", "About this workshop",
                           "What people told us"]  # fmt: skip
    assert {"The vote", "Actions agreed", "Parking board", "Still to look at"} <= set(outline)


def _flattened(outline: list) -> list:
    items = []
    for item in outline:
        items.extend(_flattened(item) if isinstance(item, list) else [item])
    return items


def test_hostile_words_are_plain_text_in_the_pdf(summary_bytes, pdf_text):
    # The entries not covered on the day are listed word for word, markup and all.
    assert HYPERLINK in pdf_text
    assert words(SCRIPT + " the forms are too long") in pdf_text
    assert RIGHT_TO_LEFT_OVERRIDE not in pdf_text
    reader = PdfReader(io.BytesIO(summary_bytes))
    assert all("/Annots" not in page for page in reader.pages)  # no links anywhere
    assert b"/JavaScript" not in summary_bytes and b"/URI" not in summary_bytes


def test_the_page_shows_the_same_sections_as_the_pdf():
    sections = summary_sections(carers_workshop())
    headings = [s.heading for s in sections]
    assert headings == [
        "About this workshop", "What people told us", "Working well", "Not working well",
        "Important for the future", "Why things are not working well", "The vote",
        "What success would look like", "What is already happening", "Actions agreed",
        "Review notes", "Parking board", "Still to look at",
    ]  # fmt: skip
    vote = sections[headings.index("The vote")]
    assert vote.table is not None
    assert [row[:3] for row in vote.table.rows] == [
        ["1st", EARLY, 9], ["Joint 2nd", STORY, 6], ["Joint 2nd", FACE, 6],
    ]  # fmt: skip
    follow_up = sections[headings.index("Still to look at")].table
    assert follow_up is not None
    assert follow_up.rows[1][0] == SCRIPT + " the forms are too long"  # override taken out


def test_an_early_workshop_says_plainly_what_is_not_there_yet():
    early = carers_workshop(
        themes=[], votes=[], success=[], actions=[], parked=[], already_happening=[],
        voting_closed=False, entries=[], stage_label="Collect",
    )  # fmt: skip
    sections = summary_sections(early)
    text = words(" ".join(p for s in sections for p in s.paragraphs))
    for said in ("No answers have been collected yet.", "There has been no vote yet.",
                 "No answers about what is working well yet.",
                 "No actions agreed yet.", "Nothing was put on the parking board."):  # fmt: skip
        assert said in text
    assert all(s.table is None for s in sections)
    assert summary_pdf(early)[:5] == b"%PDF-"


def test_exports_list_entries_with_their_themes_themes_votes_and_actions():
    tables = {t.title: t for t in workshop_tables(carers_workshop())}
    entries = tables["Entries"]
    assert ["Getting to talk to people face to face", "Not working well", "Telephone",
            CARERS, FACE, ""] in entries.rows  # fmt: skip
    assert [HYPERLINK, "Important for the future", "Online", "", "Unthemed", "Yes"] in entries.rows
    themes = tables["Themes"]
    assert [EARLY, "Not working well", 2,
            f"{CONDITIONS['empowered']}; {CONDITIONS['listening']}",
            "Carers are asked about their own needs only at a crisis; Information about "
            "support is spread over many websites", "Yes"] in themes.rows  # fmt: skip
    assert tables["Votes"].rows == [
        ["1st", 1, "", EARLY, 9], ["Joint 2nd", 2, "Yes", STORY, 6],
        ["Joint 2nd", 2, "Yes", FACE, 6],
    ]  # fmt: skip
    assert [a[:6] for a in tables["Actions"].rows] == [
        [a.title, STATEMENTS[a.theme_id], a.viewpoint_label, a.owner, a.timescale_label,
         a.status_label] for a in ACTIONS
    ]  # fmt: skip


def test_hostile_entries_are_inert_in_csv_and_excel():
    view = carers_workshop()
    rows = list(csv.reader(io.StringIO(workshop_csv(view).decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert "'" + HYPERLINK in cells and HYPERLINK not in cells
    assert not [cell for cell in cells if re.match(r"[=+\-@]", cell)]

    workbook = load_workbook(io.BytesIO(workshop_xlsx(view)))
    sheet = workbook["Entries"]
    found = [c for row in sheet.iter_rows() for c in row if c.value == HYPERLINK]
    assert len(found) == 1 and found[0].data_type == "s"
    assert not [
        c for ws in workbook.worksheets for row in ws.iter_rows() for c in row
        if c.data_type == "f"
    ]  # fmt: skip
