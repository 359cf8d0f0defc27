"""Importing a workshop's entries from a CSV or XLSX file (services/workshop_board.py): the
row-by-row report comes first and saves nothing; one bad row refuses the whole file, the report
naming the row and the problem; a good file saves every entry, in one go."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from workshop_people import facilitator_of, make_workshop

from culturetool.domain.workshop.intake import TEMPLATE, EntryProblems
from culturetool.services import workshop_board as board
from culturetool.store.db import transaction
from culturetool.store.tables import AuditEvent, WorkshopEntry

pytestmark = pytest.mark.db

GOOD_CSV = (
    "kind,entry,channel,perspective\n"
    "working well,I can see the same carer each week,paper,Carers and family\n"
    "Not working well,Nobody calls me back,telephone,\n"
    "important for the future,Having a break when I need it,online,people\n"
)
ONE_BAD_ROW = GOOD_CSV + "working well,Good food,carrier pigeon,\n"


@pytest.fixture
def url(database) -> str:  # on SQLite and on PostgreSQL (conftest.py)
    return database


def saved(workshop_id: int) -> list[tuple[str, str, str, str | None]]:
    with transaction() as session:
        return [
            (row.kind, row.text, row.channel, row.perspective)
            for row in session.scalars(
                select(WorkshopEntry)
                .where(WorkshopEntry.workshop_id == workshop_id)
                .order_by(WorkshopEntry.id)
            )
        ]


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_file_with_one_bad_row_is_refused_whole_and_names_the_row(url):
    workshop_id = make_workshop()
    anna = facilitator_of(workshop_id)
    data = ONE_BAD_ROW.encode()

    report = board.check_import(anna, workshop_id, "entries.csv", data)
    assert not report.accepted
    assert [row.row for row in report.rows] == [2, 3, 4, 5]
    assert [row.problems for row in report.rows[:3]] == [(), (), ()]
    (problem,) = report.rows[3].problems
    assert problem.startswith("Row 5: the channel must be one of")
    assert "carrier pigeon" in problem

    with pytest.raises(EntryProblems) as refused:
        board.import_entries(anna, workshop_id, "entries.csv", data)
    assert refused.value.problems == [problem]
    assert saved(workshop_id) == []


def test_a_good_csv_saves_every_entry_and_is_audited(url):
    workshop_id = make_workshop()
    anna = facilitator_of(workshop_id)
    data = ("\ufeff" + GOOD_CSV).encode()  # as Excel saves "CSV UTF-8"
    assert board.check_import(anna, workshop_id, "entries.csv", data).accepted
    assert saved(workshop_id) == []  # the report saves nothing
    assert board.import_entries(anna, workshop_id, "entries.csv", data) == 3
    assert saved(workshop_id) == [
        ("working_well", "I can see the same carer each week", "paper", "carers"),
        ("not_working_well", "Nobody calls me back", "telephone", None),
        ("future", "Having a break when I need it", "online", "people"),
    ]
    with transaction() as session:
        (event,) = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "workshop entries imported")
        )
        assert event.detail == "3 entries from entries.csv into “Carers' voices”"


def test_the_template_imports_as_it_is(url):
    workshop_id = make_workshop()
    anna = facilitator_of(workshop_id)
    assert board.import_entries(anna, workshop_id, "template.csv", TEMPLATE.encode()) == 3


def test_a_good_xlsx_saves_every_entry(url):
    workshop_id = make_workshop()
    anna = facilitator_of(workshop_id)
    data = workbook(
        [
            ["Kind", "Entry", "Channel", "Perspective"],
            ["working well", "Staff who know me", "visit", "Staff"],
            ["not working well", 42, "easy read", None],
            [None, None, None, None],
            ["future", "Being asked what I think", "Sign language video", "carers"],
        ]
    )
    assert board.import_entries(anna, workshop_id, "entries.xlsx", data) == 3
    assert saved(workshop_id) == [
        ("working_well", "Staff who know me", "visit", "staff"),
        ("not_working_well", "42", "easy_read", None),
        ("future", "Being asked what I think", "sign_language_video", "carers"),
    ]


def test_an_xlsx_with_a_bad_row_saves_nothing(url):
    workshop_id = make_workshop()
    anna = facilitator_of(workshop_id)
    data = workbook(
        [
            ["kind", "entry", "channel"],
            ["working well", "Staff who know me", "visit"],
            ["sometimes", "Being asked", "visit"],
        ]
    )
    with pytest.raises(EntryProblems, match="Row 3: the kind must be"):
        board.import_entries(anna, workshop_id, "entries.xlsx", data)
    assert saved(workshop_id) == []


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("notes.pdf", b"%PDF-1.4", "not a CSV file or an Excel workbook"),
        ("entries.xlsx", b"not a zip at all", "not an Excel workbook that can be read"),
        ("entries.csv", "kind,entry,channel\n".encode("utf-16"), "not saved as UTF-8"),
        ("entries.csv", b"kind,entry,channel\n" + b"x" * board.IMPORT_MAX_BYTES, "too large"),
        ("entries.csv", b"", "The file is empty"),
    ],
)
def test_files_that_cannot_be_read_say_what_to_do(url, name, data, problem):
    workshop_id = make_workshop()
    anna = facilitator_of(workshop_id)
    report = board.check_import(anna, workshop_id, name, data)
    assert not report.accepted and problem in " ".join(report.all_problems())
    with pytest.raises(EntryProblems):
        board.import_entries(anna, workshop_id, name, data)
    assert saved(workshop_id) == []
