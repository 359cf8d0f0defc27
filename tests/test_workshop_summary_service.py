"""A workshop's summary as the service reads it from the database (services/workshop_summary.py):
a workshop built through the store, row by row as its stages would leave it, comes back with its
themes and statements, the vote ranked with ties as ties, success statements, the actions with
the plan's status, the parking board, what is already happening and the entries kept for a
follow-up; the PDF, CSV and Excel files hold the same. Only those who may read the workshop get
it: a facilitator of another workshop is refused, another organisation's is not found."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from people import admin, leader, make_person, manager_of
from pypdf import PdfReader

from culturetool.domain.access import Forbidden, Role
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import ActionStatus, ActionTimescale
from culturetool.domain.workshop.kinds import (
    Channel,
    EntryKind,
    Perspective,
    Stage,
    Viewpoint,
    VotingState,
)
from culturetool.services import workshop_summary as service
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.store import workshops as store
from culturetool.store.db import transaction
from culturetool.store.tables import (
    Organisation,
    PlanAction,
    Workshop,
    WorkshopDay,
    WorkshopEntry,
    WorkshopFacilitator,
    WorkshopParkedIssue,
    WorkshopPerspective,
    WorkshopRootCause,
    WorkshopSuccess,
    WorkshopTeam,
    WorkshopTheme,
)

WW, NWW, FUTURE = EntryKind.WORKING_WELL, EntryKind.NOT_WORKING_WELL, EntryKind.FUTURE
CARERS, PEOPLE = Perspective.CARERS.value, Perspective.PEOPLE.value

BREAK = "Having a break when I need it"
STORY = "I want to tell my story once"
FACE = "We want to talk to people face to face"
JOINED = "I want better joined-up services"
BUS = "Take an information bus for carers to a market square each month"
LEAFLET = "Send every new carer the “who to call” leaflet in their first week"
PARKED = "Direct payment rates have not kept up with costs"
FOLLOW_UP = "The bus to the day centre stopped running in the summer"
REDACTED = "My social worker [name taken out] never rings back"


def words(text: str) -> str:
    return " ".join(text.split())


def build_workshop(organisation_id: int, area_id: int, team_id: int, facilitator: int) -> int:
    """A workshop at the review stage, written through the store as its stages would."""
    with transaction() as session:
        workshop = Workshop(
            organisation_id=organisation_id,
            area_id=area_id,
            title="Carers' voices",
            purpose="To hear what helps carers get support early.",
            place="Shirebrook Community Centre",
            vote_budget=3,
            votes_per_theme=2,
            stage=Stage.REVIEW.value,
            already_happening="The carers' centre runs a drop-in at the library\n\n",
        )
        session.add(workshop)
        session.flush()
        wid = workshop.id
        session.add_all(
            [
                WorkshopDay(workshop_id=wid, day=dt.date(2026, 3, 12)),
                WorkshopDay(workshop_id=wid, day=dt.date(2026, 3, 10)),
                WorkshopTeam(workshop_id=wid, team_id=team_id),
                WorkshopPerspective(workshop_id=wid, key=PEOPLE),
                WorkshopPerspective(workshop_id=wid, key=CARERS),
                WorkshopPerspective(workshop_id=wid, key="Housing officers"),
                WorkshopFacilitator(workshop_id=wid, user_id=facilitator),
            ]
        )
        ids = store.add_entries(
            session,
            wid,
            [
                (WW, Channel.PAPER, CARERS, "The sitting service comes every Tuesday"),
                (NWW, Channel.TELEPHONE, CARERS, "Telling my story again every time I ring"),
                (NWW, Channel.EASY_READ, PEOPLE, REDACTED),
                (NWW, Channel.VISIT, None, "Getting to talk to people face to face"),
                (FUTURE, Channel.ONLINE, CARERS, "Services that talk to each other"),
                (FUTURE, Channel.ONLINE, None, FOLLOW_UP),
            ],
        )
        empty = store.load_board(session, wid)
        board = empty.make_theme([ids[0]], -1, {})
        board = board.make_theme(ids[1:3], -2, {})
        board = board.make_theme([ids[3]], -3, {})
        board = board.make_theme([ids[4]], -4, {})
        for provisional, statement in ((-1, BREAK), (-2, STORY), (-3, FACE), (-4, JOINED)):
            board = board.set_statement(provisional, statement, {provisional: 1})
        names = {"personalised_care_planning": "", "confident_staff_and_people": ""}
        board = board.set_conditions(-2, ["personalised_care_planning"], names, {-2: 2})
        board = board.set_conditions(-4, names, names, {-4: 2})
        stored = store.save_board(session, wid, empty, board)
        story, face, joined = stored[-2], stored[-3], stored[-4]
        session.flush()
        for theme_id in (story, face, joined):
            theme = session.get(WorkshopTheme, theme_id)
            assert theme is not None
            theme.on_ballot = True
            theme.chosen = theme_id in (story, face)
        session.get(WorkshopEntry, ids[5]).follow_up = True  # type: ignore[union-attr]
        session.add(WorkshopRootCause(theme_id=story, text="Each team keeps its own records"))
        workshop.voting = VotingState.OPEN.value
        session.flush()
        # 4 votes for the story, 4 for face to face (a tie), 1 for joined-up services.
        store.record_ballot(session, wid, store.new_ballot_key(), {story: 2, face: 1})
        store.record_ballot(session, wid, store.new_ballot_key(), {face: 2, joined: 1})
        store.record_table_votes(session, wid, "Table 2", 1, {story: 2, face: 1})
        workshop.voting = VotingState.CLOSED.value
        session.add_all(
            [
                WorkshopSuccess(theme_id=story, perspective=CARERS, text="I tell my story once"),
                WorkshopSuccess(
                    theme_id=face, perspective="Housing officers", text="We meet people at home"
                ),
                WorkshopParkedIssue(
                    workshop_id=wid, issue=PARKED, owner="Commissioning manager",
                    status=ActionStatus.IN_PROGRESS.value,
                ),
            ]
        )  # fmt: skip
        for title, theme_id, viewpoint, timescale, status, notes in (
            (BUS, face, Viewpoint.COMMUNITY, ActionTimescale.THREE_MONTHS, ActionStatus.PLANNED,
             ""),
            (LEAFLET, story, Viewpoint.TRADITIONAL, ActionTimescale.FIRST_WEEK,
             ActionStatus.DONE, "Sent to 40 carers so far"),
        ):  # fmt: skip
            session.add(
                PlanAction(
                    organisation_id=organisation_id,
                    area_id=area_id,
                    title=title,
                    owner="Carers' centre manager",
                    timescale=timescale.value,
                    due_on=dt.date(2026, 6, 12),
                    status=status.value,
                    notes=notes,
                    workshop_id=wid,
                    workshop_theme_id=theme_id,
                    viewpoint=viewpoint.value,
                )
            )
        return wid


@pytest.fixture
def built(database):
    create_organisation("Shirebrook County Council")
    boss = admin()
    area = add_area(boss, "East Vale")
    team = add_team(boss, area, "Carers Support East")
    facilitator = make_person(Role.FACILITATOR)
    workshop_id = build_workshop(boss.organisation_id, area, team, facilitator.user_id)
    return workshop_id, facilitator


def test_the_summary_holds_what_the_workshop_decided(built):
    workshop_id, facilitator = built
    view = service.summary(facilitator, workshop_id)

    assert (view.title, view.area_name, view.team_names) == (
        "Carers' voices", "East Vale", ["Carers Support East"]
    )  # fmt: skip
    assert view.day_labels == ["10 Mar 2026", "12 Mar 2026"]
    assert view.perspective_labels == [
        "People who draw on care and support", "Carers and family", "Housing officers"
    ]  # fmt: skip
    assert (view.stage_label, view.votes_each, view.voting_closed) == ("Review", 3, True)
    by_statement = {theme.statement: theme for theme in view.themes}
    assert set(by_statement) == {BREAK, STORY, FACE, JOINED}
    assert by_statement[STORY].entry_count == 2
    assert by_statement[STORY].root_causes == ["Each team keeps its own records"]
    assert by_statement[JOINED].condition_names == [
        "Personalised, strengths-based care planning that considers technology",
        "Confident, empowered staff and local people",
    ]  # model order
    assert [(v.statement, v.votes, v.place) for v in view.votes] == [
        (STORY, 4, "Joint 1st"), (FACE, 4, "Joint 1st"), (JOINED, 1, "3rd")
    ]  # fmt: skip
    assert {t.statement for t in view.themes if t.chosen} == {STORY, FACE}
    assert [(s.perspective_label, s.text) for s in view.success] == [
        ("Carers and family", "I tell my story once"),
        ("Housing officers", "We meet people at home"),
    ]
    assert {a.title: a.status_label for a in view.actions} == {BUS: "Planned", LEAFLET: "Done"}
    assert {a.title: a.timescale_label for a in view.actions}[LEAFLET] == "In the first week"
    assert [(p.issue, p.status_label) for p in view.parked] == [(PARKED, "In progress")]
    assert view.already_happening == ["The carers' centre runs a drop-in at the library"]
    assert [e.text for e in view.follow_up] == [FOLLOW_UP]
    assert REDACTED in [e.text for e in view.entries]


def test_a_vote_not_opened_yet_shows_no_ranking(built):
    workshop_id, facilitator = built
    with transaction() as session:
        session.get(Workshop, workshop_id).voting = VotingState.NOT_OPEN.value  # type: ignore[union-attr]
    assert service.summary(facilitator, workshop_id).votes == []


def test_the_pdf_read_back_holds_the_themes_votes_and_actions(built):
    workshop_id, facilitator = built
    file = service.summary_file(facilitator, workshop_id, "pdf")
    assert (file.filename, file.mime_type) == (
        "workshop-summary-carers-voices.pdf",
        "application/pdf",
    )
    reader = PdfReader(io.BytesIO(file.data))
    text = words(" ".join(page.extract_text() for page in reader.pages))
    for statement in (BREAK, STORY, FACE, JOINED):
        assert statement in text
    assert f"Joint 1st {STORY} 4 Yes" in text and f"3rd {JOINED} 1" in text
    assert (
        words(f"{BUS} {FACE} Community Carers' centre manager Within three months Planned") in text
    )
    assert "Sent to 40 carers so far" in text
    assert f"{PARKED} Commissioning manager In progress" in text
    assert FOLLOW_UP in text  # still to look at, word for word


def test_the_csv_and_excel_read_back_hold_entries_themes_votes_and_actions(built):
    workshop_id, facilitator = built
    csv_file = service.summary_file(facilitator, workshop_id, "csv")
    assert csv_file.filename == "workshop-results-carers-voices.csv"
    rows = list(csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig"))))
    assert ["Telling my story again every time I ring", "Not working well", "Telephone",
            "Carers and family", STORY, ""] in rows  # fmt: skip
    assert [FOLLOW_UP, "Important for the future", "Online", "", "Unthemed", "Yes"] in rows
    assert [REDACTED, "Not working well", "Easy read", "People who draw on care and support",
            STORY, ""] in rows  # as the facilitator redacted it  # fmt: skip
    assert ["Joint 1st", "1", "Yes", STORY, "4"] in rows

    xlsx = service.summary_file(facilitator, workshop_id, "xlsx")
    workbook = load_workbook(io.BytesIO(xlsx.data))
    assert {"Entries", "Themes", "Votes", "Actions"} <= set(workbook.sheetnames)
    actions = [[c.value for c in row] for row in workbook["Actions"].iter_rows()]
    assert any(row[:2] == [LEAFLET, STORY] for row in actions)
    themes = [[c.value for c in row] for row in workbook["Themes"].iter_rows()]
    assert any(row[0] == JOINED and row[2] == 1 for row in themes)


def test_only_those_who_may_read_the_workshop_get_it(built):
    workshop_id, _ = built
    assert service.summary(leader(), workshop_id).title == "Carers' voices"
    assert service.summary(make_person(Role.INNOVATION), workshop_id).title == "Carers' voices"
    assert service.summary(admin(), workshop_id).title == "Carers' voices"  # who arranges them
    with pytest.raises(Forbidden):
        service.summary(make_person(Role.FACILITATOR), workshop_id)  # another's facilitator
    with pytest.raises(Forbidden):
        service.summary_file(make_person(Role.FACILITATOR), workshop_id, "pdf")
    with pytest.raises(Forbidden):
        service.summary(manager_of(), workshop_id)
    with pytest.raises(NotFound):
        service.summary(leader(), workshop_id + 1)


def test_another_organisations_workshop_is_not_found(built):
    workshop_id, _ = built
    with transaction() as session:
        other = Organisation(name="Elsewhere Council")
        session.add(other)
        session.flush()
        session.get(Workshop, workshop_id).organisation_id = other.id  # type: ignore[union-attr]
    with pytest.raises(NotFound):
        service.summary(leader(), workshop_id)


def test_a_format_not_offered_is_refused(built):
    workshop_id, facilitator = built
    with pytest.raises(InputProblem, match="PDF, CSV or Excel"):
        service.summary_file(facilitator, workshop_id, "docx")
