"""A workshop's public links (services/workshop_links.py, web/workshop_public.py) over HTTP,
against a real migrated SQLite file, without Reflex or a browser: facilitators make, replace
and close them; the collection form records entries with random ids and nothing else, once per
form, only while the link is open and not full, within a size limit; the phone vote keeps each
ballot within the budget and the per-theme cap and refuses votes once voting has closed; and a
link opens only what it is for."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from html import unescape

import pytest
import sqlalchemy as sa
from people import admin, leader, make_person
from postgres import database_bytes
from starlette.applications import Starlette
from starlette.testclient import TestClient

from culturetool.domain import clock
from culturetool.domain.access import Forbidden, Role
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.workshop.kinds import EntryKind, Stage, VotingState
from culturetool.services import workshop_links as links
from culturetool.services.organisation import add_area, create_organisation
from culturetool.store import db
from culturetool.store import repository as repo
from culturetool.store.tables import (
    AuditEvent,
    Workshop,
    WorkshopBallot,
    WorkshopBallotVote,
    WorkshopEntry,
    WorkshopFacilitator,
    WorkshopLink,
    WorkshopPerspective,
    WorkshopTheme,
)
from culturetool.web import respondent, workshop_public

FORM = {"content-type": "application/x-www-form-urlencoded"}
BROWSER = "Mozilla/5.0 (Linux; Android 14; Pixel 8) WorkshopTraceMe/1.0"
TODAY = dt.date(2026, 3, 2)
AREA_NUMBERS = itertools.count(1)


@pytest.fixture(autouse=True)
def fresh_memory(monkeypatch):
    """Each test starts with no sender and no form key remembered (both live in memory)."""
    monkeypatch.setattr(links, "collection_senders", links.SenderLimits(10, 200))
    monkeypatch.setattr(links, "submission_keys", links.SubmissionKeys())


@pytest.fixture
def frozen():
    with clock.frozen_at(TODAY) as moment:
        yield moment


@pytest.fixture
def client(database, frozen) -> TestClient:
    app = Starlette(routes=[*workshop_public.routes(), *respondent.routes()])
    return TestClient(app, headers={"user-agent": BROWSER})


def a_workshop(budget: int = 3, per_theme: int = 2, themes: int = 3):
    """A workshop with its facilitator, two perspectives and `themes` themes on the ballot;
    (workshop id, facilitator, theme ids)."""
    with db.transaction() as session:
        first = repo.the_organisation(session) is None
    if first:
        create_organisation("Test Council")
    area_id = add_area(admin(), f"Area {next(AREA_NUMBERS)}")
    facilitator = make_person(Role.FACILITATOR)
    with db.transaction() as session:
        workshop = Workshop(
            organisation_id=facilitator.organisation_id,
            area_id=area_id,
            title="Carers' voices",
            vote_budget=budget,
            votes_per_theme=per_theme,
            stage=Stage.COLLECT.value,
        )
        session.add(workshop)
        session.flush()
        session.add(WorkshopFacilitator(workshop_id=workshop.id, user_id=facilitator.user_id))
        session.add_all(
            WorkshopPerspective(workshop_id=workshop.id, key=key) for key in ("carers", "staff")
        )
        rows = [
            WorkshopTheme(
                workshop_id=workshop.id,
                kind=EntryKind.NOT_WORKING_WELL.value,
                statement=f"We want answer number {n} to come sooner",
                on_ballot=True,
            )
            for n in range(1, themes + 1)
        ]
        session.add_all(rows)
        session.flush()
        return workshop.id, facilitator, [row.id for row in rows]


def a_link(purpose: str = "collect", most: int = 200, days: int = 14):
    workshop_id, facilitator, themes = a_workshop()
    link = links.make_link(
        facilitator, workshop_id, purpose, TODAY + dt.timedelta(days), most_entries=most
    )
    return link.token, workshop_id, facilitator, themes


def text_of(page: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def form_key(page: str) -> str:
    found = re.search(r'name="submission_key" value="([A-Za-z0-9_-]+)"', page)
    assert found, "the form carries a one-off key"
    return found.group(1)


def answers(key: str, **extra: str) -> dict[str, str]:
    return {
        "submission_key": key,
        "working_well-1": "The day centre staff know me",
        "working_well-2": "",
        "not_working_well-1": "Waiting weeks for a call back",
        "future-2": "Someone to call when things get hard",
        **extra,
    }


def entries(workshop_id: int) -> list[WorkshopEntry]:
    with db.transaction() as session:
        rows = session.scalars(
            sa.select(WorkshopEntry).where(WorkshopEntry.workshop_id == workshop_id)
        ).all()
        session.expunge_all()
        return list(rows)


def link_row(token: str) -> WorkshopLink | None:
    with db.transaction() as session:
        row = session.get(WorkshopLink, token)
        session.expunge_all()
        return row


def revision(workshop_id: int) -> int:
    with db.transaction() as session:
        return session.get(Workshop, workshop_id).revision


def audit_actions() -> list[str]:
    with db.transaction() as session:
        return list(session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


# ---- the staff side ------------------------------------------------------------------------


def test_a_facilitator_makes_shows_replaces_and_closes_a_link(database, frozen):
    workshop_id, facilitator, _ = a_workshop()
    before = revision(workshop_id)
    made = links.make_link(facilitator, workshop_id, "collect", TODAY + dt.timedelta(14), 50)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", made.token)
    assert (made.closes_on_words, made.most_entries, made.entries_taken) == ("16 Mar 2026", 50, 0)
    assert made.takes_answers
    shown = links.links_of(facilitator, workshop_id)
    assert shown.collect == made and shown.vote is None
    assert revision(workshop_id) == before + 1

    again = links.make_link(facilitator, workshop_id, "collect", TODAY, 10)
    assert again.token != made.token and link_row(made.token) is None
    vote = links.make_link(facilitator, workshop_id, "vote", TODAY + dt.timedelta(1))
    assert links.links_of(facilitator, workshop_id).vote == vote
    links.close_link(facilitator, workshop_id, "collect")
    assert links.links_of(facilitator, workshop_id).collect is None
    assert audit_actions()[-4:] == [
        "workshop link made",
        "workshop link replaced",
        "workshop link made",
        "workshop link closed",
    ]
    assert revision(workshop_id) == before + 4


def test_links_are_for_the_workshops_own_facilitators(database, frozen):
    workshop_id, facilitator, _ = a_workshop()
    links.make_link(facilitator, workshop_id, "collect", TODAY)
    for outsider in (make_person(Role.FACILITATOR), leader(), admin()):
        with pytest.raises(Forbidden):
            links.links_of(outsider, workshop_id)
        with pytest.raises(Forbidden):
            links.make_link(outsider, workshop_id, "vote", TODAY)
        with pytest.raises(Forbidden):
            links.close_link(outsider, workshop_id, "collect")
    with pytest.raises(NotFound):
        links.links_of(facilitator, workshop_id + 1)


def test_a_link_s_limits_are_checked(database, frozen):
    workshop_id, facilitator, _ = a_workshop()
    with pytest.raises(InputProblem, match="last day has passed"):
        links.make_link(facilitator, workshop_id, "collect", TODAY - dt.timedelta(1))
    with pytest.raises(InputProblem, match="between 1 and 2,000"):
        links.make_link(facilitator, workshop_id, "collect", TODAY, most_entries=0)
    with pytest.raises(InputProblem, match="92 days at most"):
        links.make_link(facilitator, workshop_id, "collect", TODAY + dt.timedelta(93))
    with pytest.raises(InputProblem, match="collection link or the voting link"):
        links.make_link(facilitator, workshop_id, "questionnaire", TODAY)
    assert links.links_of(facilitator, workshop_id).collect is None


# ---- the collection form -------------------------------------------------------------------


def test_the_collection_page_asks_three_questions_and_warns_not_to_name_anyone(client):
    token, *_ = a_link()
    page = client.get(f"/c/{token}")
    assert page.status_code == 200
    for name, value in respondent.SECURITY_HEADERS.items():
        assert page.headers[name] == value
    text = text_of(page.text)
    for question in (
        "What is working well?",
        "What is not working well?",
        "What is important for the future?",
    ):
        assert question in text
    assert page.text.count("<textarea") == 6
    assert "Please do not name anyone" in text
    assert "We do not keep your device, your internet address or when you answered" in text
    assert "Carers and family" in text and "Staff" in text and "I would rather not say" in text
    assert "password" not in page.text.lower()

    easy = text_of(client.get(f"/c/{token}?easy=yes").text)
    assert "What is good?" in easy and "What is not good?" in easy
    assert "Do not write anyone's name." in easy
    assert "Standard wording" in easy


def test_answers_become_entries_with_random_ids_and_nothing_else(client, database):
    token, workshop_id, facilitator, _ = a_link()
    before = revision(workshop_id)
    audited = len(audit_actions())
    page = client.get(f"/c/{token}").text
    sent = client.post(
        f"/c/{token}", data=answers(form_key(page), perspective="carers"), headers=FORM
    )
    assert sent.status_code == 200
    assert "Thank you. Your answers have been sent" in text_of(sent.text)
    page = client.get(f"/c/{token}?easy=yes").text
    client.post(f"/c/{token}", data=answers(form_key(page), easy_read="yes"), headers=FORM)

    rows = entries(workshop_id)
    assert sorted((r.kind, r.channel, r.perspective, r.text) for r in rows) == sorted(
        [
            ("working_well", "online", "carers", "The day centre staff know me"),
            ("not_working_well", "online", "carers", "Waiting weeks for a call back"),
            ("future", "online", "carers", "Someone to call when things get hard"),
            ("working_well", "easy_read", None, "The day centre staff know me"),
            ("not_working_well", "easy_read", None, "Waiting weeks for a call back"),
            ("future", "easy_read", None, "Someone to call when things get hard"),
        ]
    )
    ids = sorted(r.id for r in rows)
    assert all(links.RANDOM_ID_LOW <= i <= links.RANDOM_ID_HIGH for i in ids)
    # Consecutive ids would tell which answers arrived together and in what order.
    assert all(b - a > 1 for a, b in zip(ids, ids[1:], strict=False))
    assert all(r.theme_id is None and not r.follow_up for r in rows)
    assert link_row(token).entries_taken == 2
    assert revision(workshop_id) == before + 2
    assert len(audit_actions()) == audited  # the audit log's rows carry a time
    stored = database_bytes(database)
    assert BROWSER.encode() not in stored and b"testclient" not in stored
    assert links.links_of(facilitator, workshop_id).collect.entries_taken == 2


def test_a_resent_form_adds_nothing_twice(client):
    token, workshop_id, *_ = a_link()
    key = form_key(client.get(f"/c/{token}").text)
    first = client.post(f"/c/{token}", data=answers(key), headers=FORM)
    second = client.post(f"/c/{token}", data=answers(key), headers=FORM)
    assert first.status_code == second.status_code == 200
    assert len(entries(workshop_id)) == 3
    assert link_row(token).entries_taken == 1


def test_a_form_without_answers_or_key_is_shown_again_with_what_to_do(client):
    token, workshop_id, *_ = a_link()
    key = form_key(client.get(f"/c/{token}").text)
    empty = client.post(f"/c/{token}", data={"submission_key": key}, headers=FORM)
    assert empty.status_code == 422
    assert "Please write at least one answer before sending." in text_of(empty.text)
    keyless = client.post(f"/c/{token}", data=answers(""), headers=FORM)
    assert keyless.status_code == 422 and "one-off key" in keyless.text
    assert "Waiting weeks for a call back" in keyless.text  # what they wrote is not lost
    stranger = client.post(f"/c/{token}", data=answers(key, perspective="admin"), headers=FORM)
    assert stranger.status_code == 422
    assert entries(workshop_id) == []


def test_a_closed_or_full_collection_takes_no_answers(client, frozen):
    token, workshop_id, *_ = a_link(most=1, days=3)
    key = form_key(client.get(f"/c/{token}").text)
    assert client.post(f"/c/{token}", data=answers(key), headers=FORM).status_code == 200
    full = client.get(f"/c/{token}")
    assert full.status_code == 410
    assert "all the answers it can take" in text_of(full.text)
    refused = client.post(f"/c/{token}", data=answers("another-key-of-a-good-length"), headers=FORM)
    assert refused.status_code == 410
    assert len(entries(workshop_id)) == 3

    token, workshop_id, *_ = a_link(days=3)
    key = form_key(client.get(f"/c/{token}").text)
    frozen.moment += dt.timedelta(days=4)
    closed = client.post(f"/c/{token}", data=answers(key), headers=FORM)
    assert closed.status_code == 410
    assert "This collection closed on 5 Mar 2026" in text_of(closed.text)
    assert entries(workshop_id) == []


def test_the_collection_body_is_size_limited(client):
    token, workshop_id, *_ = a_link()
    key = form_key(client.get(f"/c/{token}").text)
    huge = answers(key, **{"working_well-2": "x" * (workshop_public.MAX_BODY_BYTES + 1)})
    assert client.post(f"/c/{token}", data=huge, headers=FORM).status_code == 413
    declared = client.post(
        f"/c/{token}",
        content=b"submission_key=k",
        headers={**FORM, "content-length": str(10**9)},
    )
    assert declared.status_code == 413
    assert client.post(f"/c/{token}", json={"a": 1}).status_code == 415
    assert entries(workshop_id) == []


def test_a_wrong_shaped_token_is_refused_before_the_database_is_asked(client, monkeypatch):
    def no_database(*_args, **_kwargs):
        raise AssertionError("the database was asked")

    monkeypatch.setattr(links, "collection_form", no_database)
    monkeypatch.setattr(links, "ballot", no_database)
    monkeypatch.setattr(links, "change_vote", no_database)
    for path in ("/c/short", "/v/short", "/c/" + "x" * 65, "/v/has.a.dot.in.it.and.is.long"):
        assert client.get(path).status_code == 404
        assert client.post(path, data={"change": "add"}, headers=FORM).status_code == 404


# ---- the phone vote ------------------------------------------------------------------------


def open_voting(workshop_id: int, state: VotingState = VotingState.OPEN) -> None:
    with db.transaction() as session:
        session.get(Workshop, workshop_id).voting = state.value


def ballot_key(page: str) -> str:
    found = re.search(r'data-ballot-key="([A-Za-z0-9_-]+)"', page)
    assert found
    return found.group(1)


def vote(client, token: str, key: str, theme_id: int, change: str = "add"):
    return client.post(
        f"/v/{token}",
        data={"ballot_key": key, "theme": str(theme_id), "change": change},
        headers=FORM,
    )


def saved_ballot(workshop_id: int) -> dict[int, int]:
    with db.transaction() as session:
        rows = session.execute(
            sa.select(WorkshopBallotVote.theme_id, WorkshopBallotVote.votes)
            .join(WorkshopBallot)
            .where(WorkshopBallot.workshop_id == workshop_id)
        )
        return dict(rows.all())


def test_a_ballot_stays_within_the_budget_and_the_per_theme_cap(client, database):
    token, workshop_id, _, (a, b, c) = a_link("vote")
    open_voting(workshop_id)
    page = client.get(f"/v/{token}")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "You have 3 votes left of 3." in text_of(page.text)
    assert "We want answer number 2 to come sooner" in page.text
    key = ballot_key(page.text)

    assert "You have 2 votes left" in text_of(vote(client, token, key, a).text)
    vote(client, token, key, a)
    capped = vote(client, token, key, a)
    assert capped.status_code == 409
    assert "the most one person can give one theme" in text_of(capped.text)
    last = vote(client, token, key, b)
    assert "You have no votes left" in text_of(last.text)
    refused = vote(client, token, key, c)
    assert refused.status_code == 409
    assert "You have used all 3 of your votes" in text_of(refused.text)
    assert saved_ballot(workshop_id) == {a: 2, b: 1}

    back = vote(client, token, key, a, "take")
    assert "You have 1 vote left of 3." in text_of(back.text)
    vote(client, token, key, c)
    assert saved_ballot(workshop_id) == {a: 1, b: 1, c: 1}
    with db.transaction() as session:
        assert session.scalar(sa.select(WorkshopBallot.key_hash)) == (
            hashlib.sha256(key.encode()).hexdigest()
        )
    stored = database_bytes(database)
    assert key.encode() not in stored and BROWSER.encode() not in stored


def test_two_phones_have_ballots_of_their_own(client):
    token, workshop_id, _, (a, b, _c) = a_link("vote")
    open_voting(workshop_id)
    first, second = (ballot_key(client.get(f"/v/{token}").text) for _ in range(2))
    assert first != second
    vote(client, token, first, a)
    vote(client, token, second, b)
    vote(client, token, second, b)
    shown = client.post(f"/v/{token}", data={"ballot_key": first, "change": "show"}, headers=FORM)
    assert "You have 2 votes left of 3." in text_of(shown.text)
    assert sorted(saved_ballot(workshop_id).items()) == [(a, 1), (b, 2)]


def test_no_vote_before_voting_opens_or_after_it_closes(client, frozen):
    token, workshop_id, _, (a, *_) = a_link("vote", days=1)
    key = ballot_key(client.get(f"/v/{token}").text)
    early = vote(client, token, key, a)
    assert early.status_code == 409 and "Voting has not started yet" in text_of(early.text)
    open_voting(workshop_id)
    vote(client, token, key, a)
    open_voting(workshop_id, VotingState.CLOSED)
    late = vote(client, token, key, a, "take")
    assert late.status_code == 409 and "Voting has closed" in text_of(late.text)
    assert "Add a vote" not in late.text
    assert saved_ballot(workshop_id) == {a: 1}

    open_voting(workshop_id)
    frozen.moment += dt.timedelta(days=2)
    past = vote(client, token, key, a)
    assert past.status_code == 409
    assert "This voting link closed on 3 Mar 2026" in text_of(past.text)
    assert saved_ballot(workshop_id) == {a: 1}


def test_a_link_opens_only_what_it_is_for(client):
    token, workshop_id, facilitator, (a, *_) = a_link("collect")
    open_voting(workshop_id)
    assert client.get(f"/v/{token}").status_code == 404
    key = "k" * 32
    assert vote(client, token, key, a).status_code == 404
    assert client.get(f"/r/{token}").status_code == 404
    assert saved_ballot(workshop_id) == {}

    vote_token = links.make_link(facilitator, workshop_id, "vote", TODAY).token
    assert client.get(f"/c/{vote_token}").status_code == 404
    sent = client.post(f"/c/{vote_token}", data=answers("a-key-of-good-length"), headers=FORM)
    assert sent.status_code == 404
    assert client.get(f"/r/{vote_token}").status_code == 404
    assert entries(workshop_id) == []
    # Neither reaches a staff page: the public routes answer these two paths only.
    assert client.get(f"/c/{token}/../../workshops/{workshop_id}").status_code == 404
