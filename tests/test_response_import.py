"""Importing responses collected elsewhere: the domain's rules (mapping, identity columns,
answers in words or numbers, the row-by-row report), then the service on a real database.

A file with any bad row imports nothing and names the row; a good CSV or XLSX file is imported
whole, each response stored as one from the link is, with the round's running figures right;
columns that say who someone is are dropped and nothing of them is stored; the mapping chosen
is offered again for the next file.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import sqlite3

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from model_fixtures import MODEL_DIR
from openpyxl import Workbook
from people import admin, make_person, manager_of
from respondents import open_link_round

from culturetool.domain import response_import as rules
from culturetool.domain.access import Forbidden, Role
from culturetool.domain.errors import InputProblem
from culturetool.domain.figure_totals import scores_from_totals
from culturetool.domain.model_loader import load_model_dir
from culturetool.domain.response_import import DROP, HowMatched, Identity
from culturetool.domain.scoring import score_responses
from culturetool.services import responding
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.services.response_import import (
    ResponseFile,
    ResponseFileProblems,
    import_response_file,
    import_responses,
    preview_responses,
    round_for_import,
)
from culturetool.services.rounds import close_round
from culturetool.store import db
from culturetool.store.disclosure import round_figures
from culturetool.store.tables import AssessmentPeriod, AssessmentPeriodArea, AssessmentRound

MODEL = load_model_dir(MODEL_DIR)
ITEMS = MODEL.questionnaire.items
LABELS = {o.value: o.label for o in MODEL.questionnaire.scale.options}


# ---- the domain -----------------------------------------------------------------------------


def test_columns_are_named_as_a_spreadsheet_names_them():
    assert [rules.column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("header", "identity"),
    [
        ("Name", Identity.NAMES),
        ("Full name", Identity.NAMES),
        ("Your name (optional)", Identity.NAMES),
        ("Respondent", Identity.NAMES),
        ("Email", Identity.EMAILS),
        ("E-mail address", Identity.EMAILS),
        ("Phone number", Identity.PHONES),
        ("Mobile", Identity.PHONES),
        ("Staff ID", Identity.STAFF_NUMBERS),
        ("Employee number", Identity.STAFF_NUMBERS),
        ("ID", Identity.STAFF_NUMBERS),
        ("IP Address", Identity.ADDRESSES),
        ("Timestamp", Identity.TIMES),
        ("Start time", Identity.TIMES),
        ("Completion time", Identity.TIMES),
        ("Date submitted", Identity.TIMES),
        ("Postcode", Identity.PLACES),
        ("Comments", None),
        ("Team", None),
    ],
)
def test_identity_columns_are_recognised_by_their_header(header, identity):
    assert rules.identity_of(header) == identity


def test_columns_are_matched_by_id_by_wording_and_as_last_time():
    first, second, third = ITEMS[0], ITEMS[1], ITEMS[2]
    header = [
        first.id,
        "  2. " + second.text.upper().replace("'", "’") + " ",  # numbered, shouted, curly
        "Q3",
        "Email",
        "Name",
        "Anything else?",
    ]
    remembered = {"q3": third.id, "name": ITEMS[4].id}  # a name column stays dropped
    plans = rules.propose(header, MODEL, remembered)
    assert [(p.letter, p.target, p.how) for p in plans] == [
        ("A", first.id, HowMatched.BY_ID),
        ("B", second.id, HowMatched.BY_WORDING),
        ("C", third.id, HowMatched.AS_LAST_TIME),
        ("D", DROP, HowMatched.IDENTITY),
        ("E", DROP, HowMatched.IDENTITY),
        ("F", DROP, HowMatched.NOT_MATCHED),
    ]
    assert plans[3].identity == Identity.EMAILS
    chosen = rules.choose(plans, {5: ITEMS[5].id, 3: ITEMS[6].id}, MODEL)
    assert chosen[5].target == ITEMS[5].id and chosen[5].how == HowMatched.CHOSEN
    assert chosen[3].target == DROP  # an identity column cannot be chosen into a statement


def test_a_statements_own_wording_is_never_taken_for_identity():
    for item in ITEMS:
        (plan,) = rules.propose([item.text], MODEL, {})
        assert plan.target == item.id, item.text
        (plan,) = rules.propose([item.easy_read], MODEL, {})
        assert plan.target == item.id, item.easy_read


def test_the_answer_sheet_a_page_keeps_holds_no_cell_text():
    header = ["Full name", "Notes", ITEMS[0].id]
    table = rules.read_table(
        [header, ["Ann Fenwick", "rang me on Tuesday", "Agree"], ["Bo", "", "x"]]
    )
    assert isinstance(table, rules.Table)
    sheet = rules.answer_sheet(table, MODEL, "paper.csv")
    assert sheet.rows == (
        (2, (rules.BLANK, rules.NOT_ON_SCALE, 4)),  # the name column is not even read
        (3, (rules.BLANK, rules.BLANK, rules.NOT_ON_SCALE)),
    )
    assert all(isinstance(code, int) for _, codes in sheet.rows for code in codes)


def test_a_remembered_statement_header_is_not_taken_for_identity():
    timed = next(item for item in ITEMS if rules.identity_of(item.text) is not None)
    (plan,) = rules.propose([timed.text], MODEL, {rules.header_key(timed.text): timed.id})
    assert (plan.target, plan.how) == (timed.id, HowMatched.AS_LAST_TIME)


def _written(value: int | None, how: int, rng: random.Random) -> str:
    """An answer as a spreadsheet might hold it: a number, the label, the easy-read words or
    don't know, in any case and with stray spaces."""
    if value is None:
        text = rng.choice(["Don't know", "don’t know", "DON'T KNOW", "I don't know", "dont know"])
    else:
        option = next(o for o in MODEL.questionnaire.scale.options if o.value == value)
        text = [str(value), option.label, option.easy_read, f"{value}.0"][how % 4]
    text = rng.choice([text, text.upper(), text.lower(), text.title()])
    return rng.choice(["", " ", "  "]) + text.replace(" ", rng.choice([" ", "  "])) + " "


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([1, 2, 3, 4, 5, None, "blank"]), min_size=len(ITEMS),
                 max_size=len(ITEMS)),
        min_size=1, max_size=8,
    ),
    st.integers(0, 10_000),
)  # fmt: skip
def test_answers_are_read_however_they_are_written(people, seed):
    rng = random.Random(seed)
    header = [item.id for item in ITEMS]
    rows: list[list[object]] = [header]
    expected = []
    for person in people:
        if all(value == "blank" for value in person):
            person = [3, *person[1:]]
        row = [
            "" if v == "blank" else _written(v, rng.randrange(4), rng)  # type: ignore[arg-type]
            for v in person
        ]
        rows.append(row)
        expected.append({i.id: v for i, v in zip(ITEMS, person, strict=True) if v != "blank"})
    table = rules.read_table(rows)
    assert isinstance(table, rules.Table)
    checked = rules.check(
        rules.answer_sheet(table, MODEL), rules.propose(header, MODEL, {}), MODEL, room=None
    )
    assert checked.problems == ()
    assert list(checked.responses) == expected


def test_every_problem_is_named_by_row_and_column_and_says_what_to_fix():
    header = ["Name", ITEMS[0].id, ITEMS[1].id, ITEMS[1].text]
    rows = [
        header,
        ["Ann", "4", "Agree", ""],
        ["Bob", "Agreee", "", ""],  # row 3: not on the scale
        [],  # row 4: empty, skipped
        ["Cy", "", "", ""],  # row 5: a name and nothing else
        ["Di", "7", "2", ""],  # row 6: 7 is not on a five-point scale
    ]
    table = rules.read_table(rows)
    assert isinstance(table, rules.Table)
    checked = rules.check(
        rules.answer_sheet(table, MODEL), rules.propose(header, MODEL, {}), MODEL, room=None
    )
    assert not checked.accepted and checked.responses == ()
    by_row = [(p.row, p.column) for p in checked.problems]
    assert by_row == [(1, "C, D"), (3, "B"), (5, ""), (6, "B")]
    texts = [p.text for p in checked.problems]
    assert texts[0].startswith("Column C (“" + ITEMS[1].id + "”) and column D")
    assert "both matched to statement 2" in texts[0]
    assert texts[1].startswith(f"Row 3, column B (“{ITEMS[0].id}”): the answer is not on the")
    assert "Agreee" not in texts[1]  # cells are never repeated: they may hold names
    assert "a number from 1 (Strongly disagree) to 5 (Strongly agree)" in texts[1]
    assert texts[2].startswith("Row 5 has no answers")
    assert texts[3].startswith("Row 6, column B")


def test_more_rows_than_the_round_can_take_is_one_problem():
    header = [ITEMS[0].id]
    table = rules.read_table([header, ["4"], ["5"], ["3"]])
    assert isinstance(table, rules.Table)
    checked = rules.check(
        rules.answer_sheet(table, MODEL), rules.propose(header, MODEL, {}), MODEL, room=2
    )
    assert [p.text[:40] for p in checked.problems] == ["The file has 3 responses, but the round "]


# ---- the service, on SQLite and PostgreSQL --------------------------------------------------


@pytest.fixture
def team_round(database):
    """A team's open link round for 40 staff, its manager, and the database's kind and URL."""
    create_organisation("Import Council")
    team = add_team(admin(), add_area(admin(), "North"), "Reablement")
    manager = manager_of(team)
    round_ = open_link_round(manager, team, staff_count=40)
    kind = database.split(":", 1)[0].split("+", 1)[0]  # sqlite or postgresql
    return manager, round_.id, team, (kind, database)


def counts(round_id: int) -> tuple[int, int, int, int | None]:
    with db.transaction() as session:
        one = {"r": round_id}
        responses = session.scalar(sa.text("select count(*) from response where round_id=:r"), one)
        answers = session.scalar(
            sa.text("select count(*) from answer join response on response.id = "
                    "answer.response_id where round_id = :r"), one,
        )  # fmt: skip
        figures = session.scalar(
            sa.text("select coalesce(sum(respondents), 0) from round_figure where round_id=:r"),
            one,
        )
        counted = session.get_one(AssessmentRound, round_id).figures_responses
        return responses or 0, answers or 0, figures or 0, counted


def people_answers(how_many: int, seed: int) -> list[dict[str, int | None]]:
    rng = random.Random(seed)
    return [
        {item.id: rng.choice([1, 2, 3, 4, 5, 5, 4, None]) for item in ITEMS}
        for _ in range(how_many)
    ]


def csv_of(header: list[str], rows: list[list[str]]) -> bytes:
    lines = [",".join(f'"{cell}"' for cell in row) for row in [header, *rows]]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")  # as Excel saves CSV UTF-8


def as_words(answers: dict[str, int | None]) -> list[str]:
    return ["Don't know" if answers[i.id] is None else LABELS[answers[i.id]] for i in ITEMS]


def assert_figures_are_the_answers(round_id: int, sent: list[dict[str, int | None]]) -> None:
    expected = score_responses(MODEL, sent)
    with db.transaction() as session:
        round_ = session.get_one(AssessmentRound, round_id)
        got = scores_from_totals(MODEL, round_figures(session, round_), len(sent))
    for condition in MODEL.conditions:
        want, have = expected.conditions[condition.id], got.conditions[condition.id]
        assert want is not None and have is not None
        assert (have.respondents, have.answers, have.dont_know) == (
            want.respondents, want.answers, want.dont_know,
        )  # fmt: skip
        assert have.mean == pytest.approx(want.mean)


pytestmark = pytest.mark.db


def test_a_bad_row_refuses_the_whole_file_and_names_the_row(team_round):
    manager, round_id, _, _ = team_round
    sent = people_answers(6, seed=1)
    rows = [as_words(a) for a in sent]
    rows[3][5] = "Sometimes"  # row 5 as the spreadsheet shows it (header is row 1)
    data = csv_of([i.text for i in ITEMS], rows)
    before = counts(round_id)
    preview = preview_responses(manager, round_id, ResponseFile("survey.csv", data))
    assert preview.responses == 0 and not preview.accepted
    assert [(p.row, p.column) for p in preview.problems] == [("5", "F")]
    assert "the answer is not on the scale" in preview.problems[0].problem
    with pytest.raises(ResponseFileProblems) as refused:
        import_responses(manager, round_id, ResponseFile("survey.csv", data))
    assert refused.value.preview.problems[0].row == "5"
    assert counts(round_id) == before == (0, 0, 0, 0)


def test_a_good_csv_file_is_imported_whole_with_its_figures(team_round):
    manager, round_id, _, _ = team_round
    sent = people_answers(12, seed=2)
    data = csv_of([i.text for i in ITEMS], [as_words(a) for a in sent])
    preview = preview_responses(manager, round_id, ResponseFile("survey.csv", data))
    assert preview.accepted and preview.responses == 12 and preview.problems == []
    assert {c.how for c in preview.columns} == {HowMatched.BY_WORDING.value}
    heard: list[tuple[int, int]] = []
    result = import_responses(
        manager,
        round_id,
        ResponseFile("survey.csv", data),
        progress=lambda d, t: heard.append((d, t)),
    )
    assert result.imported == 12
    assert heard[0] == (0, 12) and heard[-1] == (12, 12)
    assert counts(round_id)[:2] == (12, 12 * len(ITEMS))
    assert counts(round_id)[3] == 12
    assert_figures_are_the_answers(round_id, sent)
    with db.transaction() as session:
        audit = session.execute(
            sa.text("select action, detail from audit_event where action = 'responses imported'")
        ).all()
    assert audit == [("responses imported", f"Reablement (round {round_id}): 12 responses")]


def test_a_good_workbook_is_imported_with_numbers_and_blanks(team_round):
    manager, round_id, _, _ = team_round
    sent = people_answers(7, seed=3)
    for answers in sent:
        answers.pop(ITEMS[2].id)  # not answered on paper: an empty cell
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([item.id for item in ITEMS])
    for answers in sent:
        sheet.append([answers.get(i.id, "dont know") if i.id in answers else None for i in ITEMS])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.value == "dont know":
                cell.value = None
    # Don't know as words, written into the cells the answers left None.
    for number, answers in enumerate(sent, start=2):
        for column, item in enumerate(ITEMS, start=1):
            if item.id in answers and answers[item.id] is None:
                sheet.cell(number, column, "Don't know")
    buffer = io.BytesIO()
    workbook.save(buffer)
    imported = import_response_file(manager, round_id, buffer.getvalue(), "survey.xlsx")
    assert imported == 7
    assert counts(round_id)[:2] == (7, 7 * (len(ITEMS) - 1))
    assert_figures_are_the_answers(round_id, sent)


NAMES = ["Alice Wontstore", "Bartholomew Quill"]
EMAILS = ["alice.wontstore@example.org", "bart.quill@example.org"]


def test_name_and_email_columns_are_dropped_and_nothing_of_them_is_stored(team_round, tmp_path):
    manager, round_id, _, (kind, url) = team_round
    sent = people_answers(2, seed=4)
    header = ["Timestamp", "Your name", "Email address", *(i.id for i in ITEMS)]
    rows = [
        ["2026-11-03 09:14:55", name, email, *as_words(answers)]
        for name, email, answers in zip(NAMES, EMAILS, sent, strict=True)
    ]
    preview = preview_responses(manager, round_id, ResponseFile("form.csv", csv_of(header, rows)))
    assert [c.dropped_because for c in preview.columns[:3]] == [
        "it looks like dates or times of answering",
        "it looks like names",
        "it looks like email addresses",
    ]
    assert preview.dropped_identity == 3 and preview.accepted
    import_responses(manager, round_id, ResponseFile("form.csv", csv_of(header, rows)))
    assert counts(round_id)[0] == 2
    dump = _dump(kind, url)
    for secret in [*NAMES, *EMAILS, "2026-11-03 09:14:55", "09:14:55", "wontstore", "form.csv"]:
        assert secret.lower() not in dump.lower(), secret
    with db.transaction() as session:  # identity headers are not remembered either
        remembered = session.scalars(sa.text("select header from import_column")).all()
    assert sorted(remembered) == sorted(rules.header_key(i.id) for i in ITEMS)


def _dump(kind: str, url: str) -> str:
    """Every row of every table as text."""
    if kind == "sqlite":
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return "\n".join(connection.iterdump())
    lines = []
    with db.transaction() as session:
        names = session.scalars(
            sa.text("select tablename from pg_tables where schemaname = current_schema()")
        ).all()
        for name in names:
            lines += [repr(row) for row in session.execute(sa.text(f'select * from "{name}"'))]
    return "\n".join(lines)


def test_the_mapping_chosen_is_offered_for_the_next_file(team_round):
    manager, round_id, team, _ = team_round
    header = ["Respondent no", "Q-A", "Q-B", "Q-C"]
    targets = [ITEMS[0].id, ITEMS[1].id, ITEMS[2].id]
    data = csv_of(header, [["1", "Agree", "3", "5"], ["2", "Disagree", "4", "Don't know"]])
    first = preview_responses(manager, round_id, ResponseFile("paper.csv", data))
    assert [c.how for c in first.columns] == [
        HowMatched.IDENTITY.value, *[HowMatched.NOT_MATCHED.value] * 3,
    ]  # fmt: skip
    assert not first.accepted  # nothing matched yet
    chosen = {1: targets[0], 2: targets[1], 3: targets[2]}
    assert import_responses(manager, round_id, ResponseFile("paper.csv", data), chosen).imported
    # The next file, for another team of the organisation, opens with that mapping.
    other_team = add_team(admin(), add_area(admin(), "South"), "Day Service")
    other_manager = manager_of(other_team)
    other_round = open_link_round(other_manager, other_team)
    again = preview_responses(other_manager, other_round.id, ResponseFile("paper2.csv", data))
    assert [(c.target, c.how) for c in again.columns[1:]] == [
        (t, HowMatched.AS_LAST_TIME.value) for t in targets
    ]
    assert again.accepted and again.responses == 2
    # Another choice for two of the headers replaces what was remembered for them only.
    swapped = {1: targets[1], 2: targets[0], 3: targets[2]}
    import_responses(other_manager, other_round.id, ResponseFile("paper2.csv", data), swapped)
    third_team = add_team(admin(), add_area(admin(), "West"), "Outreach")
    third_round = open_link_round(manager_of(third_team), third_team)
    third = preview_responses(
        manager_of(third_team), third_round.id, ResponseFile("paper3.csv", data)
    )
    assert [c.target for c in third.columns[1:]] == [targets[1], targets[0], targets[2]]


def test_only_an_open_round_of_ones_own_team_takes_a_file(team_round):
    manager, round_id, team, _ = team_round
    data = csv_of([ITEMS[0].id], [["4"]] * 5)
    other_team = add_team(admin(), add_area(admin(), "East"), "Other")
    with pytest.raises(Forbidden):
        preview_responses(manager_of(other_team), round_id, ResponseFile("a.csv", data))
    with pytest.raises(Forbidden):
        import_responses(make_person(Role.LEADER), round_id, ResponseFile("a.csv", data))
    assert round_for_import(manager, round_id).room == 40
    close_round(manager, round_id)
    assert not round_for_import(manager, round_id).is_open
    with pytest.raises(InputProblem, match="This round has closed"):
        import_responses(manager, round_id, ResponseFile("a.csv", data))
    assert counts(round_id)[0] == 0


def test_a_round_never_takes_more_responses_than_the_team_has_staff(team_round):
    manager, round_id, team, _ = team_round
    data = csv_of([ITEMS[0].id], [["4"]] * 41)
    with pytest.raises(ResponseFileProblems) as refused:
        import_responses(manager, round_id, ResponseFile("a.csv", data))
    assert "only 40 more" in refused.value.preview.problems[0].problem
    assert counts(round_id)[0] == 0


def test_a_codes_round_asks_for_its_unused_codes_to_be_withdrawn_first(team_round):
    manager, round_id, team, _ = team_round
    close_round(manager, round_id)
    opened = responding.open_round(manager, team, access_mode="codes", staff_count=6)
    data = csv_of([ITEMS[0].id], [["4"]] * 5)
    preview = preview_responses(manager, opened.round.id, ResponseFile("a.csv", data))
    assert preview.problems[0].problem.startswith("This round uses personal codes and 6 codes")
    responding.withdraw_unused_codes(manager, opened.round.id)
    assert import_response_file(manager, opened.round.id, data, "a.csv") == 5


def test_files_that_cannot_be_read_say_how_to_save_them(team_round):
    manager, round_id, _, _ = team_round
    for name, content, starts in [
        ("a.pdf", b"%PDF", "“a.pdf” is not a CSV file or an Excel workbook"),
        ("a.xlsx", b"not a zip", "The file is not an Excel workbook that can be read"),
        ("a.csv", "é".encode("latin-1"), "The file is not saved as UTF-8 text"),
        ("a.csv", b"", "Row 1 must hold the column headers"),
    ]:
        preview = preview_responses(manager, round_id, ResponseFile(name, content))
        assert preview.problems[0].problem.startswith(starts), name


def test_a_round_of_a_period_that_has_ended_takes_no_file(team_round):
    manager, round_id, team, _ = team_round
    data = csv_of([ITEMS[0].id], [["4"]] * 5)
    with db.transaction() as session:
        round_ = session.get_one(AssessmentRound, round_id)
        period = AssessmentPeriod(
            organisation_id=round_.team.area.organisation_id,
            name="Spring 2020",
            opens_on=dt.date(2020, 3, 1),
            closes_on=dt.date(2020, 5, 31),
            areas=[AssessmentPeriodArea(area_id=round_.team.area_id)],
        )
        session.add(period)
        session.flush()
        round_.period_id = period.id
    with pytest.raises(InputProblem, match="“Spring 2020” ended on 31 May 2020"):
        import_responses(manager, round_id, ResponseFile("a.csv", data))
    assert counts(round_id)[0] == 0
