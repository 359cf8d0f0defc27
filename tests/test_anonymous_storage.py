"""Whoever has the database's files learns nothing of who answered or in which order, and the
threshold counts people: personal codes work once, an open link takes no more answers than the
team has staff, and one sender cannot pad a round.

Real databases: conftest's migrated SQLite file, and PostgreSQL on 127.0.0.1:5432 when there.
"""

from __future__ import annotations

import hashlib
import random
import uuid

import pytest
import sqlalchemy as sa
from alembic import command
from people import admin, manager_of
from postgres import database_bytes, migrated_schema

from culturetool import config
from culturetool.domain.errors import InputProblem
from culturetool.domain.rate_limit import SlidingWindowLimit
from culturetool.domain.survey_codes import normalised
from culturetool.services import responding
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.services.round_results import results_for_round
from culturetool.services.rounds import close_round
from culturetool.store import db
from culturetool.store.migrate import alembic_config, upgrade
from culturetool.store.repository import hash_survey_code

PEOPLE = 20
# Each person's place in the sending order is hidden in two answers through this fixed
# shuffle, so that ordering rows by an answer's value does not give the sending order either.
MARK = random.Random(9).sample(range(PEOPLE), PEOPLE)
# Comment texts whose alphabetical order is not the sending order either.
WORDS = random.Random(10).sample(
    ["apple", "birch", "cedar", "daisy", "elder", "fern", "gorse", "hazel", "iris", "juniper",
     "kale", "larch", "maple", "nettle", "oak", "poppy", "quince", "rowan", "sage", "thyme"],
    PEOPLE,
)  # fmt: skip
RESPONDENT_TABLES = ("response", "answer", "comment", "submission_receipt", "survey_code")


def a_team(name: str = "Reablement") -> int:
    create_organisation("Test Council")
    return add_team(admin(), add_area(admin(), "North"), name)


def marked_answers(model, person: int) -> dict[str, int]:
    items = [item.id for item in model.questionnaire.items]
    answers = dict.fromkeys(items, 3)
    answers[items[0]] = MARK[person] // 5 + 1
    answers[items[1]] = MARK[person] % 5 + 1
    return answers


def person_of(model, session, response_id: str) -> int:
    items = [item.id for item in model.questionnaire.items]
    values = dict(
        session.execute(
            sa.text("SELECT item_id, value FROM answer WHERE response_id = :r"), {"r": response_id}
        ).all()
    )
    return MARK.index((values[items[0]] - 1) * 5 + values[items[1]] - 1)


def link_sender(person: int) -> dict[str, str]:
    return {"submission_key": f"key-{person:02}", "sender_ip": f"10.0.0.{person}",
            "sender_agent": f"Agent {person}"}  # fmt: skip


def send_in_order(model, token: str, codes: list[str] | None = None) -> None:
    for person in range(PEOPLE):
        sender = {"code": codes[person]} if codes else link_sender(person)
        assert responding.submit_response(
            token, marked_answers(model, person), WORDS[person], **sender
        )


def orders_of(session, model, round_id: int, codes: list[str] = ()) -> dict[str, list[int]]:
    """For every respondents' table and every column (and no ORDER BY at all), the sending
    places of the rows in the order the database gives them, each place once."""
    people = {
        r: person_of(model, session, r)
        for r in session.scalars(sa.text("SELECT id FROM response WHERE round_id = :i"),
                                 {"i": round_id})
    }  # fmt: skip
    receipts = {hashlib.sha256(f"key-{p:02}".encode()).hexdigest(): p for p in range(PEOPLE)}
    code_places = {hash_survey_code(round_id, normalised(c)): p for p, c in enumerate(codes)}
    place = {
        "response": lambda row: people[row.id],
        "answer": lambda row: people[row.response_id],
        "comment": lambda row: WORDS.index(row.text),
        "submission_receipt": lambda row: receipts[row.key_hash],
        "survey_code": lambda row: code_places[row.code_hash],
    }
    orders: dict[str, list[int]] = {}
    for table, where in place.items():
        columns = [c["name"] for c in sa.inspect(session.connection()).get_columns(table)]
        for column in [None, *columns]:
            order = f" ORDER BY {column}" if column else ""
            rows = session.execute(
                sa.text(f"SELECT * FROM {table} WHERE round_id = :i{order}")
                if table != "answer"
                else sa.text(
                    "SELECT * FROM answer WHERE response_id IN "
                    f"(SELECT id FROM response WHERE round_id = :i){order}"
                ),
                {"i": round_id},
            ).all()
            if rows:
                orders[f"{table} by {column or 'nothing'}"] = list(
                    dict.fromkeys(where(row) for row in rows)
                )
    return orders


def while_open(orders: dict[str, list[int]]) -> dict[str, list[int]]:
    """The orders to check while a round is open. On PostgreSQL a table gives rows written one
    per sending in the order they were written (its heap's order) when nothing orders them:
    no ORDER BY, or one by round_id, the same in every row. Closing the round writes them again
    in random order. A limit the docstring of rewrite_in_random_order admits and
    test_postgresql_rows_of_a_closed_round_... checks; on SQLite (tables without rowid, kept in
    the order of random keys) every order is checked."""
    if db._engine_for(config.database_url()).dialect.name != "postgresql":
        return orders
    per_sending = ("response", "answer", "comment", "submission_receipt")
    unordered = {f"{t} by {c}" for t in per_sending for c in ("nothing", "round_id")}
    return {name: order for name, order in orders.items() if name not in unordered}


def assert_unrelated_to_sending(orders: dict[str, list[int]], tables: set[str]) -> None:
    assert {name.split(" by ")[0] for name in orders} == tables
    for name, order in orders.items():
        assert sorted(order) == list(range(PEOPLE)), name
        assert order != list(range(PEOPLE)), f"{name} gives the sending order"
        assert order != list(reversed(range(PEOPLE))), f"{name} gives it backwards"


# ---- SQLite: what the files hold -------------------------------------------------------------


@pytest.mark.sqlite_only("SQLite's own pragmas")
def test_sqlite_is_set_to_zero_deleted_rows_and_keep_no_write_ahead_log(database):
    with db.transaction() as session:  # the app's own connection, with its pragmas
        connection = session.connection()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


@pytest.mark.sqlite_only("WITHOUT ROWID tables; PostgreSQL's physical order is tested below")
def test_no_respondents_table_has_a_rowid(database):
    with db.transaction() as session:
        for table in RESPONDENT_TABLES:
            with pytest.raises(sa.exc.OperationalError, match="no such column: rowid"):
                session.execute(sa.text(f"SELECT rowid FROM {table}"))


def test_link_round_rows_come_back_in_no_sending_order_open_and_closed(database, model):
    team = a_team()
    opened = responding.open_round(manager_of(team), team, access_mode="link", staff_count=30)
    send_in_order(model, opened.round.token)
    with db.transaction() as session:
        open_orders = orders_of(session, model, opened.round.id)
    assert_unrelated_to_sending(while_open(open_orders), {"response", "answer", "comment",
                                              "submission_receipt"})  # fmt: skip

    close_round(manager_of(team), opened.round.id)
    with db.transaction() as session:
        closed_orders = orders_of(session, model, opened.round.id)
        receipts = session.scalar(sa.text("SELECT count(*) FROM submission_receipt"))
    assert receipts == 0  # closing deleted them
    assert_unrelated_to_sending(closed_orders, {"response", "answer", "comment"})
    assert len(closed_orders["response by nothing"]) == PEOPLE  # nothing was lost


def test_codes_are_stored_in_no_order_of_making_and_each_is_deleted_with_its_use(database, model):
    team = a_team()
    opened = responding.open_round(manager_of(team), team, access_mode="codes", staff_count=PEOPLE)
    assert len(opened.codes) == PEOPLE
    with db.transaction() as session:
        orders = orders_of(session, model, opened.round.id, opened.codes)
    assert_unrelated_to_sending(orders, {"survey_code"})

    send_in_order(model, opened.round.token, opened.codes)
    with db.transaction() as session:
        assert session.scalar(sa.text("SELECT count(*) FROM survey_code")) == 0
        assert session.scalar(sa.text("SELECT count(*) FROM submission_receipt")) == 0
        orders = orders_of(session, model, opened.round.id)
    assert_unrelated_to_sending(while_open(orders), {"response", "answer", "comment"})


# ---- personal codes ---------------------------------------------------------------------------


def test_personal_codes_work_once_and_the_link_alone_adds_nothing(database, model):
    team = a_team()
    opened = responding.open_round(manager_of(team), team, access_mode="codes", staff_count=6)
    token, codes = opened.round.token, opened.codes
    assert len(set(codes)) == 6
    assert all(len(code) == 12 and code[4] == code[9] == "-" for code in codes)  # 7KQ4-M9XR-2F
    assert responding.questionnaire_for(token).access_mode == "codes"
    every = marked_answers(model, 0)

    # The holder of the link, without a code: nothing, however many browsers they use.
    for attempt in range(10):
        with pytest.raises(InputProblem, match="type the code from your card"):
            responding.submit_response(token, every, submission_key=f"fresh-browser-{attempt}")
        with pytest.raises(InputProblem) as refused:
            responding.submit_response(token, every, code=f"7KQ4-M9XR-{attempt:02}")
        assert str(refused.value) == responding.CODE_REFUSED
    assert results_for_round(manager_of(team), opened.round.id).responses == 0

    # Typing is forgiving; an incomplete answer set does not use up the code.
    forgiving = "  " + codes[0].lower().replace("-", " ") + " "
    with pytest.raises(InputProblem, match="no answer yet"):
        responding.submit_response(token, {}, code=forgiving)
    assert responding.submit_response(token, every, code=forgiving) is True
    with pytest.raises(InputProblem) as used:
        responding.submit_response(token, every, code=codes[0])
    assert str(used.value) == (
        "This code has already been used or is not right. Check it, or ask your manager for a "
        "new card."
    )
    for code in codes[1:]:
        assert responding.submit_response(token, every, code=code) is True
    assert results_for_round(manager_of(team), opened.round.id).responses == 6

    stored = database_bytes(database)
    for code in codes:
        assert code.encode() not in stored
        assert code.replace("-", "").encode() not in stored


def test_more_codes_never_exceed_the_staff_count(database, model):
    team = a_team()
    manager = manager_of(team)
    opened = responding.open_round(manager, team, access_mode="codes", staff_count=6)
    with pytest.raises(InputProblem, match="6 staff: 0 have answered and 6 codes are not used"):
        responding.more_codes(manager, opened.round.id, 1)
    responding.submit_response(opened.round.token, marked_answers(model, 1), code=opened.codes[0])
    assert responding.withdraw_unused_codes(manager, opened.round.id) == 5
    with pytest.raises(InputProblem) as refused:
        responding.submit_response(
            opened.round.token, marked_answers(model, 1), code=opened.codes[1]
        )
    assert str(refused.value) == responding.CODE_REFUSED  # withdrawn codes no longer work
    with pytest.raises(InputProblem, match="at most 5 more can be made"):
        responding.more_codes(manager, opened.round.id, 6)
    fresh = responding.more_codes(manager, opened.round.id, 5)
    assert len(fresh) == 5 and not set(fresh) & set(opened.codes)
    with pytest.raises(InputProblem, match="no more can be made"):
        responding.more_codes(manager, opened.round.id, 1)
    assert responding.submit_response(opened.round.token, marked_answers(model, 2), code=fresh[0])


def test_a_round_for_fewer_staff_than_the_threshold_is_refused_with_the_reason(database):
    team = a_team()
    with pytest.raises(InputProblem) as refused:
        responding.open_round(manager_of(team), team, access_mode="codes", staff_count=4)
    assert str(refused.value) == (
        "Results are shown only once at least 5 people have answered, so a round for 4 people "
        "could never show any. Check the number, or ask an administrator about the threshold."
    )


@pytest.mark.parametrize("staff_count", [0, 501, -3, True, "8"])
def test_staff_count_must_be_a_whole_number_from_1_to_500(database, staff_count):
    team = a_team()
    with pytest.raises(InputProblem, match="whole number from 1 to 500"):
        responding.open_round(manager_of(team), team, access_mode="codes", staff_count=staff_count)
    with pytest.raises(InputProblem, match="personal codes or an open link"):
        responding.open_round(manager_of(team), team, access_mode="email", staff_count=5)


# ---- the open link -----------------------------------------------------------------------------


def test_open_link_takes_no_more_answers_than_the_team_has_staff(database, model):
    team = a_team()
    opened = responding.open_round(manager_of(team), team, access_mode="link", staff_count=5)
    for person in range(5):
        assert responding.submit_response(
            opened.round.token, marked_answers(model, person), **link_sender(person)
        )
    with pytest.raises(InputProblem) as refused:
        responding.submit_response(opened.round.token, marked_answers(model, 5), **link_sender(5))
    assert str(refused.value) == (
        "This survey already has as many answers as the team has staff. If you have not "
        "answered yet, tell your manager."
    )
    # A double click of someone who did answer still just says "already saved".
    assert (
        responding.submit_response(opened.round.token, marked_answers(model, 0), **link_sender(0))
        is False
    )


def test_one_browser_and_one_network_are_limited_in_ten_minutes(database, model):
    team = a_team()
    staff = responding.PER_NETWORK + 5
    opened = responding.open_round(manager_of(team), team, access_mode="link", staff_count=staff)
    token, ip = opened.round.token, "203.0.113.77"
    agent = "Mozilla/5.0 (X11; Linux x86_64) Sender-Fingerprint-Agent/1.0"
    answers = marked_answers(model, 0)
    for number in range(responding.PER_BROWSER):
        assert responding.submit_response(token, answers, submission_key=f"k{number}",
                                          sender_ip=ip, sender_agent=agent)  # fmt: skip
    # The same browser with a fresh key (a private window, cleared storage): refused.
    with pytest.raises(InputProblem) as refused:
        responding.submit_response(token, answers, submission_key="again", sender_ip=ip,
                                   sender_agent=agent)  # fmt: skip
    assert str(refused.value) == (
        "Several answers were just sent from this device or network. Please try again in 10 "
        "minutes; your answers are kept on this device."
    )
    # Its double click is still recognised as such.
    assert responding.submit_response(token, answers, submission_key="k0", sender_ip=ip,
                                      sender_agent=agent) is False  # fmt: skip
    # Other browsers on the same network, up to the network's limit, then refused.
    for number in range(responding.PER_BROWSER, responding.PER_NETWORK):
        browser = {"submission_key": f"b{number}", "sender_agent": f"Browser {number}"}
        assert responding.submit_response(token, answers, sender_ip=ip, **browser)
    with pytest.raises(InputProblem, match="this device or network"):
        responding.submit_response(token, answers, submission_key="last", sender_ip=ip,
                                   sender_agent="Browser last")  # fmt: skip
    # A refused send because of a missing answer does not use up a browser's allowance.
    with pytest.raises(InputProblem, match="no answer yet"):
        responding.submit_response(token, {}, submission_key="c", sender_ip="198.51.100.1",
                                   sender_agent=agent)  # fmt: skip
    assert responding.submit_response(token, answers, submission_key="c",
                                      sender_ip="198.51.100.1", sender_agent=agent)  # fmt: skip
    expected = responding.PER_NETWORK + 1
    assert results_for_round(manager_of(team), opened.round.id).responses == expected

    stored = database_bytes(database)
    for trace in (ip, agent, "Sender-Fingerprint-Agent", "198.51.100.1", "Browser 3"):
        assert trace.encode() not in stored, trace


def test_sliding_window_with_a_fake_clock():
    limit = SlidingWindowLimit(limit=2, window_seconds=600)
    assert limit.allows("a", now=0)
    limit.record("a", now=0)
    limit.record("a", now=100)
    assert not limit.allows("a", now=599)
    assert limit.allows("b", now=599)  # another sender is not affected
    assert limit.allows("a", now=600)  # the first event has left the window
    limit.record("a", now=600)
    assert not limit.allows("a", now=699)
    assert limit.allows("a", now=700)
    limit.sweep(now=1300)
    assert limit.senders() == 0  # nothing is kept of senders once their window has passed


def test_sender_limits_keep_no_address_in_memory():
    limits = responding.SenderLimits()
    for _ in range(responding.PER_BROWSER):
        limits.record("203.0.113.9", "Agent X", now=0)
    assert not limits.allows("203.0.113.9", "Agent X", now=1)
    assert limits.allows("203.0.113.9", "Agent Y", now=1)
    remembered = (
        repr(vars(limits)) + repr(vars(limits._per_browser)) + repr(vars(limits._per_network))
    )
    assert "203.0.113.9" not in remembered and "Agent X" not in remembered
    # Another process (another salt) keys the same sender differently.
    assert limits._key("203.0.113.9") != responding.SenderLimits()._key("203.0.113.9")


# ---- the migration ---------------------------------------------------------------------------


@pytest.mark.db  # makes its own database file
def test_migration_0005_keeps_the_answers_and_drops_dates_ids_and_old_receipts(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0004")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run(
            "INSERT INTO organisation (id, name, anonymity_threshold, comment_threshold, "
            "created_at) VALUES (1, 'Old Council', 5, 10, '2025-01-01')"
        )
        run("INSERT INTO area (id, organisation_id, name) VALUES (1, 1, 'North')")
        run("INSERT INTO team (id, area_id, name) VALUES (1, 1, 'Reablement')")
        run(
            "INSERT INTO model_version (id, label, content, registered_at) "
            "VALUES ('v', 'v1', '{}', '2025-01-01')"
        )
        for round_id, closed in ((1, "'2025-02-01'"), (2, "NULL")):
            run(
                "INSERT INTO assessment_round (id, team_id, model_version_id, token, "
                "anonymity_threshold, comment_threshold, opened_at, closed_at) VALUES "
                f"({round_id}, 1, 'v', 'token{round_id}', 5, 10, '2025-01-02', {closed})"
            )
            run(f"INSERT INTO submission_receipt VALUES ({round_id}, 'hash{round_id}')")
        for number in range(6):
            response = uuid.uuid4().hex
            run(
                f"INSERT INTO response (id, round_id, submitted_on) VALUES ('{response}', "
                f"{1 + number % 2}, '2025-01-0{number + 3}')"
            )
            run(
                f"INSERT INTO answer (response_id, item_id, value) VALUES ('{response}', 'a', "
                f"{number % 5 + 1}), ('{response}', 'b', NULL)"
            )
        run("INSERT INTO comment VALUES ('c1', 1, 'kept')")  # fmt: skip
    upgrade(url)
    with engine.connect() as connection:
        run = connection.exec_driver_sql
        assert run("SELECT count(*) FROM response").scalar() == 6
        assert sorted(run("SELECT value FROM answer WHERE item_id = 'a'").scalars()) == [
            1, 1, 2, 3, 4, 5]  # fmt: skip
        assert run("SELECT count(*) FROM answer WHERE value IS NULL").scalar() == 6
        assert run("SELECT text FROM comment").scalars().all() == ["kept"]
        assert run("SELECT round_id FROM submission_receipt").scalars().all() == [2]
        assert run("SELECT access_mode, staff_count FROM assessment_round").all() == [
            ("link", None), ("link", None)]  # fmt: skip
        for table in RESPONDENT_TABLES:
            with pytest.raises(sa.exc.OperationalError):
                run(f"SELECT rowid FROM {table}")
        inspector = sa.inspect(connection)
        assert {c["name"] for c in inspector.get_columns("response")} == {"id", "round_id"}
        assert inspector.get_pk_constraint("answer")["constrained_columns"] == [
            "response_id", "item_id"]  # fmt: skip
        assert [i["name"] for i in inspector.get_indexes("response")] == ["ix_response_round_id"]
    engine.dispose()


# ---- PostgreSQL: physical order and transaction ids --------------------------------------------


def physical_order(session, model, round_id: int) -> dict[str, list[int]]:
    people = {
        r: person_of(model, session, r)
        for r in session.scalars(sa.text("SELECT id FROM response WHERE round_id = :i"),
                                 {"i": round_id})
    }  # fmt: skip
    queries = {
        "response": ("SELECT id FROM response WHERE round_id = :i ORDER BY ctid", people.get),
        "answer": ("SELECT response_id FROM answer WHERE response_id IN (SELECT id FROM response "
                   "WHERE round_id = :i) ORDER BY ctid", people.get),
        "comment": ("SELECT text FROM comment WHERE round_id = :i ORDER BY ctid", WORDS.index),
    }  # fmt: skip
    return {
        table: list(dict.fromkeys(where(v) for v in session.scalars(sa.text(sql), {"i": round_id})))
        for table, (sql, where) in queries.items()
    }


@pytest.fixture
def postgres(monkeypatch):
    """A schema of its own, not the run's shared one: that one is emptied with DELETE, whose dead
    rows autovacuum frees for new rows anywhere in the heap, and the order there is the test."""
    with migrated_schema("anonymous_storage") as url:
        monkeypatch.setenv("CULTURETOOL_DB_URL", url)
        yield url


def test_postgresql_rows_of_a_closed_round_sit_in_random_order_with_one_xmin(postgres, model):
    team = a_team()
    opened = responding.open_round(manager_of(team), team, access_mode="link", staff_count=30)
    send_in_order(model, opened.round.token)
    with db.transaction() as session:
        while_open = physical_order(session, model, opened.round.id)
    # What the docstring of rewrite_in_random_order admits: while open, the heap shows arrival.
    assert while_open["response"] == list(range(PEOPLE))

    close_round(manager_of(team), opened.round.id)
    with db.transaction() as session:
        after = physical_order(session, model, opened.round.id)
        orders = orders_of(session, model, opened.round.id)
        xmins = {
            table: set(session.scalars(sa.text(sql), {"i": opened.round.id}))
            for table, sql in {
                "response": "SELECT xmin::text FROM response WHERE round_id = :i",
                "answer": "SELECT xmin::text FROM answer WHERE response_id IN "
                          "(SELECT id FROM response WHERE round_id = :i)",
                "comment": "SELECT xmin::text FROM comment WHERE round_id = :i",
            }.items()
        }  # fmt: skip
        receipts = session.scalar(sa.text("SELECT count(*) FROM submission_receipt"))
    for table, order in after.items():
        assert sorted(order) == list(range(PEOPLE)), table
        assert order not in (list(range(PEOPLE)), list(reversed(range(PEOPLE)))), table
    assert_unrelated_to_sending(orders, {"response", "answer", "comment"})
    assert len(set.union(*xmins.values())) == 1, xmins  # all written by the closing transaction
    assert receipts == 0
