"""The respondent's questionnaire routes (culturetool/web/respondent.py) over HTTP, against a
real migrated SQLite file (conftest's `database`), without Reflex or a browser."""

from __future__ import annotations

import asyncio
import hashlib
import re
import socket
import time
from html import unescape
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from awaiting import run_to_end
from people import admin, leader, manager_of
from starlette.applications import Starlette
from starlette.testclient import TestClient

from culturetool.services import responding
from culturetool.services.organisation import (
    add_area,
    add_team,
    create_organisation,
    organisation_overview,
)
from culturetool.services.rounds import close_round
from culturetool.store import db
from culturetool.store.tables import Comment, Response, SubmissionReceipt, Team
from culturetool.web import respondent

FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def client(database, monkeypatch) -> TestClient:
    # Each test starts with no sends counted against the test client's address.
    monkeypatch.setattr(responding, "sender_limits", responding.SenderLimits())
    return TestClient(Starlette(routes=respondent.routes()))


def a_round(access_mode: str = "link", staff_count: int = 20) -> responding.OpenedRound:
    create_organisation("Test Council")
    area_id = add_area(admin(), "North")
    team_id = add_team(admin(), area_id, "Reablement")
    return responding.open_round(
        manager_of(team_id), team_id, access_mode=access_mode, staff_count=staff_count
    )


def form_answers(model, value: int = 4, leave_out: str = "") -> dict[str, str]:
    return {
        f"answer-{item.id}": str(value)
        for item in model.questionnaire.items
        if item.id != leave_out
    }


def saved(table) -> int:
    with db.transaction() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(table))


def text_of(page: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_questionnaire_has_every_statement_and_the_privacy_notice(client, model):
    token = a_round().round.token
    page = client.get(f"/r/{token}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "How does Reablement feel about care technology?" in text
    assert "Test Council is asking everyone in Reablement" in text
    assert "nothing that puts them in the order they were sent" in text
    assert "When you answered." in text
    assert page.text.count('<fieldset class="question"') == len(model.questionnaire.items)
    assert page.text.count('type="radio"') == 6 * len(model.questionnaire.items)
    assert re.search(r'name="submission_key" value="[A-Za-z0-9_-]{32}"', page.text)
    assert 'name="code"' not in page.text


def test_each_page_gets_a_new_key_that_is_kept_nowhere(client):
    token = a_round().round.token
    keys = {
        re.search(r'name="submission_key" value="([^"]+)"', client.get(f"/r/{token}").text)[1]
        for _ in range(2)
    }
    assert len(keys) == 2


def test_a_page_kept_to_be_shown_again_follows_what_the_database_says(client):
    # Pages are made once per round and wording (web/respondent.py): a team renamed since, or
    # the round closed, must show at once.
    opened = a_round().round
    assert "Reablement" in client.get(f"/r/{opened.token}").text
    with db.transaction() as session:
        session.execute(sa.update(Team).values(name="Reablement East"))
    assert "Reablement East" in client.get(f"/r/{opened.token}").text
    with db.transaction() as session:
        team_id = session.scalars(sa.select(Team.id)).one()
    close_round(manager_of(team_id), opened.id)
    assert client.get(f"/r/{opened.token}").status_code == 410


def asset_addresses(page: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/respondent-assets/[^"]+)"', page)


def test_headers_keep_the_page_out_of_caches_and_other_sites(client):
    token = a_round().round.token
    page = client.get(f"/r/{token}")
    assets = [client.get(address) for address in asset_addresses(page.text)]
    assert len(assets) == 3 and all(reply.status_code == 200 for reply in assets)
    for reply in (
        page,
        client.get("/r/this-is-no-token-of-ours-at-all"),
        client.post(f"/r/{token}", content=b"", headers=FORM),
        client.post(f"/r/{token}", data=form_answers(a_model()) | {"submission_key": "k" * 32}),
        *assets,
    ):
        # Pages, which hold answers, are never kept; the page's own files hold none.
        expected = "public, max-age=31536000, immutable" if reply in assets else "no-store"
        assert reply.headers["cache-control"] == expected
        assert reply.headers["referrer-policy"] == "no-referrer"
        assert reply.headers["x-content-type-options"] == "nosniff"
        policy = reply.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "default-src 'none'" in policy
        assert "unsafe-inline" not in policy


def a_model():
    from culturetool.services.model_provider import current_model

    return current_model()


def test_the_page_uses_no_inline_script_or_style(client):
    page = client.get(f"/r/{a_round().round.token}").text
    assert re.findall(r"<script[^>]*>", page) == [f'<script src="{respondent.ADDRESSES.js}" defer>']
    assert " style=" not in page and "<style" not in page and " on" + "click=" not in page


def test_the_page_s_files_are_named_by_their_content_and_only_those_names_answer(client):
    for address in (respondent.ADDRESSES.css, respondent.ADDRESSES.js, respondent.ADDRESSES.icon):
        name = address.rsplit("/", 1)[1]
        stem, digest, suffix = name.split(".")
        content = (respondent.STATIC / f"{stem}.{suffix}").read_bytes()
        assert hashlib.sha256(content).hexdigest().startswith(digest)
        assert client.get(address).content == content
    for stale in ("questionnaire.js", "questionnaire.000000000000.js", "../respondent.py"):
        assert client.get(f"/respondent-assets/{stale}").status_code == 404


def test_text_is_sent_compressed_to_a_browser_that_takes_it(client):
    page_address = f"/r/{a_round().round.token}"
    for address in (page_address, respondent.ADDRESSES.css, respondent.ADDRESSES.js):
        packed = client.get(address, headers={"accept-encoding": "gzip"})
        assert packed.headers["content-encoding"] == "gzip"
        assert int(packed.headers["content-length"]) < len(packed.content) / 2
        plain = client.get(address, headers={"accept-encoding": "identity"})
        assert "content-encoding" not in plain.headers
    # The files are compressed once, not for each request, and unpack to the file itself.
    js = client.get(respondent.ADDRESSES.js, headers={"accept-encoding": "gzip, deflate"})
    assert js.headers["vary"] == "Accept-Encoding"
    assert js.content == (respondent.STATIC / "questionnaire.js").read_bytes()


def test_unknown_link_is_a_plain_404(client):
    a_round()
    reply = client.get("/r/" + "A" * 32)
    assert reply.status_code == 404
    assert "This link does not work" in reply.text
    assert client.post("/r/" + "A" * 32, data={"comment": "hi"}).status_code == 404


def test_closed_round_is_a_plain_410(client):
    opened = a_round()
    close_round(manager_of(*_team_ids()), opened.round.id)
    reply = client.get(f"/r/{opened.round.token}")
    assert reply.status_code == 410
    assert "This survey has closed" in reply.text
    assert 'data-view="closed"' in reply.text  # the script forgets unsent answers to it


def _team_ids() -> list[int]:
    return [team.id for area in organisation_overview(leader()).areas
            for team in area.teams]  # fmt: skip


@pytest.mark.parametrize("token", ["short", "has spaces in it and is long enough", "x" * 65])
def test_a_token_of_the_wrong_shape_never_reaches_the_database(client, monkeypatch, token):
    def must_not_be_called(*_args, **_kwargs):
        raise AssertionError("the service was asked about a malformed token")

    monkeypatch.setattr(responding, "questionnaire_for", must_not_be_called)
    monkeypatch.setattr(responding, "submit_response", must_not_be_called)
    assert client.get(f"/r/{token}").status_code == 404
    assert client.post(f"/r/{token}", data={"comment": "x"}).status_code == 404


def test_sending_saves_once_and_says_thank_you(client, model):
    token = a_round().round.token
    fields = form_answers(model) | {"submission_key": "k" * 32, "comment": "More training"}
    first = client.post(f"/r/{token}", data=fields)
    assert first.status_code == 200
    assert "Thank you: your answers have been sent" in first.text
    assert 'data-view="sent"' in first.text  # the script now deletes answers and key
    again = client.post(f"/r/{token}", data=fields)  # a double click, a retry
    assert again.status_code == 200 and "Thank you" in again.text
    assert saved(Response) == 1 and saved(Comment) == 1


def test_a_missing_answer_comes_back_with_the_message_and_what_was_entered(client, model):
    token = a_round().round.token
    left_out = model.questionnaire.items[8]
    fields = form_answers(model, 2, leave_out=left_out.id) | {
        "submission_key": "k" * 32,
        "comment": "Keep <this> comment",
    }
    reply = client.post(f"/r/{token}", data=fields)
    assert reply.status_code == 422
    assert "Statement 9 has no answer yet" in text_of(reply.text)
    assert 'role="alert"' in reply.text
    assert reply.text.count('value="2" checked') == len(model.questionnaire.items) - 1
    assert f'class="question question-missing" id="q-{left_out.id}"' in reply.text
    assert "Keep &lt;this&gt; comment</textarea>" in reply.text
    assert saved(Response) == 0


def test_an_answer_off_the_scale_is_refused_with_the_service_message(client, model):
    token = a_round().round.token
    fields = form_answers(model) | {"submission_key": "k" * 32}
    fields[f"answer-{model.questionnaire.items[0].id}"] = "9"
    reply = client.post(f"/r/{token}", data=fields)
    assert reply.status_code == 422
    assert "Statement 1 has an answer that is not on the scale" in reply.text
    assert saved(Response) == 0


def test_a_body_over_the_limit_is_refused(client):
    token = a_round().round.token
    big = b"comment=" + b"x" * respondent.MAX_BODY_BYTES
    reply = client.post(f"/r/{token}", content=big, headers=FORM)
    assert reply.status_code == 413
    assert "too much to send" in reply.text
    assert saved(Response) == 0


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(database):
    token = a_round().round.token
    app = Starlette(routes=respondent.routes())
    sent: list[dict] = []

    async def receive():
        raise AssertionError("the body was read")

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": f"/r/{token}",
        "raw_path": f"/r/{token}".encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", FORM["content-type"].encode()),
            (b"content-length", str(respondent.MAX_BODY_BYTES + 1).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    run_to_end(app(scope, receive, send))
    assert sent[0]["status"] == 413


def test_only_form_posts_are_read(client, model):
    token = a_round().round.token
    reply = client.post(f"/r/{token}", json={"answers": {}})
    assert reply.status_code == 415
    assert saved(Response) == 0


def test_codes_round_asks_for_the_code_and_takes_it_in_any_case_or_spacing(client, model):
    opened = a_round("codes", staff_count=5)
    page = client.get(f"/r/{opened.round.token}").text
    assert "Your personal code, from the card your manager gave you" in page
    assert 'name="submission_key"' in page  # for a send again after a lost reply
    code = opened.codes[0]
    typed = " " + "-".join(code[i : i + 2] for i in range(0, len(code), 2)).lower() + " "
    reply = client.post(f"/r/{opened.round.token}", data=form_answers(model) | {"code": typed})
    assert reply.status_code == 200 and "Thank you" in reply.text
    refused = client.post(f"/r/{opened.round.token}", data=form_answers(model) | {"code": typed})
    assert refused.status_code == 422
    assert "already been used" in refused.text
    assert f'value="{typed}"' in refused.text  # what was typed stays for the person to check
    assert saved(Response) == 1


def test_nothing_about_a_request_is_logged(client, model, caplog):
    token = a_round().round.token
    agent = "Mozilla/5.0 LogProbe-91xq"
    with caplog.at_level("DEBUG"):
        client.get(f"/r/{token}", headers={"user-agent": agent})
        client.post(
            f"/r/{token}",
            data=form_answers(model) | {"submission_key": "probe-key-123456"},
            headers={"user-agent": agent},
        )
    # httpx is the test's own client logging what it asked for; everything else is the server.
    logged = "\n".join(
        record.getMessage() for record in caplog.records if not record.name.startswith("httpx")
    )
    for trace in (token, agent, "probe-key-123456", "testclient"):
        assert trace not in logged


def test_behind_a_trusted_proxy_the_sender_is_the_address_the_proxy_adds(monkeypatch):
    from starlette.requests import Request

    from culturetool.web.respondent import _sender_ip

    def request(forwarded: str) -> Request:
        headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
        return Request({"type": "http", "headers": headers, "client": ("10.0.0.2", 5000)})

    assert _sender_ip(request("198.51.100.7, 203.0.113.5")) == "10.0.0.2"  # not trusted
    monkeypatch.setenv("CULTURETOOL_TRUST_PROXY", "1")
    assert _sender_ip(request("198.51.100.7, 203.0.113.5")) == "203.0.113.5"
    assert _sender_ip(request("")) == "10.0.0.2"


# Parts of the page that need no easy read of their own: the statement's number, the switch
# (named the same in both wordings, to switch back), what shows only without the script, which
# already folds the easy read under each statement, and the note that this device has sent,
# which folds its easy read below it (the device no longer keeps which wording was chosen).
NO_EASY_READ_NEEDED = {
    "q-number",
    "easy-read-toggle",
    "easy-read-text",
    "no-script-help",
    "already-sent",
}


class TextsWithoutEasyRead(HTMLParser):
    """Every text in the page's body not inside an element that carries its easy read."""

    VOID = {"input", "br", "meta", "link", "img", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, bool]] = []  # tag, and whether it or a parent is covered
        self.lacking: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        if tag in self.VOID:
            return
        values = dict(attrs)
        covered = (
            "data-easy-read" in values
            or bool(set((values.get("class") or "").split()) & NO_EASY_READ_NEEDED)
            or (bool(self.open) and self.open[-1][1])
        )
        self.open.append((tag, covered))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.in_body and data.strip() and not (self.open and self.open[-1][1]):
            self.lacking.append(data.strip())


def texts_without_easy_read(page: str) -> list[str]:
    parser = TextsWithoutEasyRead()
    parser.feed(page)
    return parser.lacking


@pytest.mark.parametrize("access_mode", ["link", "codes"])
def test_every_text_of_the_questionnaire_has_its_easy_read(client, model, access_mode):
    token = a_round(access_mode, staff_count=5).round.token
    page = client.get(f"/r/{token}").text
    assert texts_without_easy_read(page) == []
    # and sent back with a problem, the message too
    fields = form_answers(model, leave_out=model.questionnaire.items[0].id) | {"code": "XX"}
    assert texts_without_easy_read(client.post(f"/r/{token}", data=fields).text) == []


def test_easy_read_covers_the_introduction_privacy_promise_help_and_buttons(client, model):
    text = model.questionnaire.page_text
    page = unescape(client.get(f"/r/{a_round().round.token}").text)
    for wording in (text.privacy_heading, text.privacy_more, text.back, text.next, text.send,
                    text.dont_know_help, text.kept[0], text.not_kept[0]):  # fmt: skip
        assert f'data-easy-read="{wording.easy_read}"' in page
    assert 'data-easy-read="What does Reablement think about care technology?"' in page
    assert "Test Council wants to know what Reablement thinks about care technology." in page
    assert "They see nothing until 5 people have answered." in page  # the round's threshold
    assert 'data-page-heading-easy-read="Page {page} of {pages}"' in page


def test_statements_are_shared_evenly_over_pages_and_the_introduction_is_for_the_first(client):
    page = client.get(f"/r/{a_round().round.token}").text
    per_page = [
        int(number)
        for number in re.findall(r'<fieldset class="question"[^>]*data-page="(\d+)"', page)
    ]
    sizes = [per_page.count(number) for number in sorted(set(per_page))]
    assert sizes == [6, 6, 5, 5, 5, 5, 5]
    assert 'data-page-count="7"' in page
    intro = page[page.index('<div class="intro-first-page">') : page.index("</section>")]
    assert "Your answers are anonymous" in intro  # the privacy promise is part of it


def test_don_t_know_stands_apart_from_the_scale_with_its_explanation(client, model):
    page = client.get(f"/r/{a_round().round.token}").text
    apart = re.findall(r'<div class="choices choices-apart">(.*?)</div>', page)
    assert len(apart) == len(model.questionnaire.items)
    assert all(
        'value="0"' in part and 'aria-describedby="dont-know-help"' in part for part in apart
    )
    scale = re.findall(r'<div class="choices">(.*?)</div>', page)
    assert all('value="0"' not in part and part.count('type="radio"') == 5 for part in scale)
    assert "Neither agree nor disagree" in page and 'data-easy-read="In the middle"' in page
    assert "It does not count for or against your team." in unescape(page)


def test_the_note_that_this_device_has_sent_folds_its_easy_read_below(client):
    page = client.get(f"/r/{a_round().round.token}").text
    section = page[page.index('<section id="already-sent"') :]
    section = section[: section.index("</section>")]
    shown, folded = section.split('<details class="easy-read-fold">')
    assert "You have already sent your answers" in shown
    assert "You sent your answers already" in folded


def test_the_pages_after_sending_are_in_the_wording_the_person_chose(client, model):
    token = a_round().round.token
    easy = client.post(
        f"/r/{token}", data=form_answers(model) | {"submission_key": "e" * 32, "easy_read": "yes"}
    )
    assert easy.status_code == 200
    assert "Thank you. We have your answers." in text_of(easy.text)
    assert "Thank you: your answers have been sent" not in text_of(easy.text)
    standard = client.post(
        f"/r/{token}", data=form_answers(model) | {"submission_key": "s" * 32, "easy_read": ""}
    )
    shown = text_of(standard.text)
    assert "Thank you: your answers have been sent" in shown
    # Whether they wanted easy read is not known: it is folded below.
    assert '<details class="easy-read-fold">' in standard.text
    assert "Thank you. We have your answers." in shown


def test_a_refusal_from_the_service_comes_back_with_its_easy_read(client, model):
    opened = a_round("codes", staff_count=5)
    reply = client.post(f"/r/{opened.round.token}", data=form_answers(model) | {"code": "NOPE"})
    assert reply.status_code == 422
    alert = re.search(r'<p[^>]*id="server-message"[^>]*>', unescape(reply.text))[0]
    assert 'data-easy-read="This code does not work. It may be used already.' in alert


def test_a_missing_answer_is_explained_in_easy_read_too(client, model):
    token = a_round().round.token
    fields = form_answers(model, leave_out=model.questionnaire.items[3].id)
    reply = client.post(f"/r/{token}", data=fields | {"submission_key": "m" * 32})
    assert 'data-easy-read="You have not answered number 4. It has a red box.' in unescape(
        reply.text
    )


def _database_out_of_reach(monkeypatch) -> None:
    """The app's database is somewhere nothing answers (as when PostgreSQL is stopped)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: connections are refused
    monkeypatch.setenv(
        "CULTURETOOL_DB_URL",
        f"postgresql+psycopg://postgres@127.0.0.1:{port}/gone?connect_timeout=3",
    )


class _SendAgainForm(HTMLParser):
    """The hidden fields and address of the "Send again" form on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self.buttons: list[str] = []
        self._in_button = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.action = attributes.get("action") or ""
        elif tag == "input" and attributes.get("type") == "hidden":
            self.fields[attributes["name"] or ""] = attributes.get("value") or ""
        elif tag == "button":
            self._in_button = True

    def handle_data(self, data):
        if self._in_button:
            self.buttons.append(data.strip())

    def handle_endtag(self, tag):
        if tag == "button":
            self._in_button = False


def test_without_the_database_a_send_is_not_lost_and_can_be_sent_again_once(
    client, model, database, monkeypatch, caplog
):
    token = a_round().round.token
    assert client.get(f"/r/{token}").status_code == 200
    fields = form_answers(model) | {
        "submission_key": "outage-key-0123456789",
        "comment": "Kept <through> the outage",
    }
    _database_out_of_reach(monkeypatch)
    with caplog.at_level("DEBUG"):
        refused = client.post(f"/r/{token}", data=fields)
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "60"
    assert refused.headers["cache-control"] == "no-store"
    text = text_of(refused.text)
    assert "Your answers have not been sent yet" in text
    assert "try again in a minute" in text and "kept on this device" in text
    assert "Please wait one minute." in text  # its easy read, folded below
    assert 'data-view="not-sent-yet"' in refused.text  # not the questionnaire: the script
    assert 'id="questionnaire"' not in refused.text  # leaves the answers it keeps alone
    form = _SendAgainForm()
    form.feed(refused.text)
    assert form.action == f"/r/{token}" and form.buttons == ["Send again"]
    assert form.fields == fields  # the same answers, comment and one-off key
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert "OperationalError" in logged
    for trace in (token, "outage-key-0123456789", "Kept", "answer-"):
        assert trace not in logged

    monkeypatch.setenv("CULTURETOOL_DB_URL", database)  # the database is back
    sent = client.post(form.action, data=form.fields)
    assert sent.status_code == 200 and 'data-view="sent"' in sent.text
    again = client.post(form.action, data=form.fields)  # the button pressed twice
    assert again.status_code == 200
    assert saved(Response) == 1 and saved(Comment) == 1


def test_without_the_database_the_send_again_page_is_in_easy_read_when_chosen(
    client, model, monkeypatch
):
    token = a_round().round.token
    _database_out_of_reach(monkeypatch)
    fields = form_answers(model) | {"submission_key": "k" * 32, "easy_read": "yes"}
    refused = client.post(f"/r/{token}", data=fields)
    assert refused.status_code == 503
    text = text_of(refused.text)
    assert "Your answers are not sent yet" in text and "Please wait one minute." in text
    assert "Your answers have not been sent yet" not in text


def test_without_the_database_the_questionnaire_says_to_try_again_in_a_minute(
    client, model, monkeypatch
):
    token = a_round().round.token
    _database_out_of_reach(monkeypatch)
    page = client.get(f"/r/{token}")
    assert page.status_code == 503 and page.headers["retry-after"] == "60"
    assert "The survey cannot open just now" in text_of(page.text)
    assert "kept on this device" in text_of(page.text)
    assert 'id="questionnaire"' not in page.text


def test_the_texts_for_an_outage_come_from_the_model_folder_before_any_were_read(monkeypatch):
    monkeypatch.setattr(responding, "_last_shown_text", [])
    _database_out_of_reach(monkeypatch)
    text = responding.page_text_without_database()
    assert text.not_sent_yet is not None and text.cannot_open_now is not None


def test_people_sending_at_the_same_moment_are_all_saved(database, model, monkeypatch):
    """Sends that reach one process together share the database (web/respondent.py runs
    DATABASE_TURNS of them at once): none is told to try again because another was being
    saved, and each is saved once."""
    import httpx

    monkeypatch.setattr(responding, "sender_limits", responding.SenderLimits())
    token = a_round(staff_count=40).round.token
    app = Starlette(routes=respondent.routes())
    people = responding.PER_NETWORK - 2  # one network address for all: under its limit

    async def everyone_at_once():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            sends = [
                client.post(
                    f"/r/{token}",
                    data=form_answers(model) | {"submission_key": f"key-{n:02d}-" + "k" * 24},
                    headers={"user-agent": f"browser {n}"},
                )
                for n in range(people)
            ]
            return await asyncio.gather(*sends)

    replies = run_to_end(everyone_at_once())
    assert sorted(reply.status_code for reply in replies) == [200] * people
    assert all("Thank you" in reply.text for reply in replies)
    assert saved(Response) == people


def test_two_sends_at_once_to_the_last_place_save_one(database, model, monkeypatch):
    """A round of 5 staff with 4 responses: two people send at the same moment. The second is
    checked only once the first is saved (PostgreSQL: the round's row is locked; SQLite: one
    send at a time per process), so it is told the survey is full and nothing more is saved."""
    import httpx

    monkeypatch.setattr(responding, "sender_limits", responding.SenderLimits())
    token = a_round(staff_count=5).round.token
    every_answer = {i.id: 3 for i in model.questionnaire.items}
    for n in range(4):
        responding.submit_response(
            token, every_answer, submission_key=f"early-{n}-" + "k" * 24, sender_agent=str(n)
        )
    real_allows = responding.sender_limits.allows

    def slow_allows(ip, agent, now):
        # Between the check of the round's places and the save: where a second send at once
        # would slip in if nothing held it back.
        time.sleep(0.4)
        return real_allows(ip, agent, now)

    monkeypatch.setattr(responding.sender_limits, "allows", slow_allows)
    app = Starlette(routes=respondent.routes())

    async def both_at_once():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await asyncio.gather(
                *(
                    client.post(
                        f"/r/{token}",
                        data=form_answers(model) | {"submission_key": f"last-{n}-" + "k" * 24},
                        headers={"user-agent": f"browser {n}"},
                    )
                    for n in range(2)
                )
            )

    replies = run_to_end(both_at_once())
    assert sorted(reply.status_code for reply in replies) == [200, 422]
    refused = next(reply for reply in replies if reply.status_code == 422)
    assert "as many answers as the team has staff" in text_of(refused.text)
    assert saved(Response) == 5


def test_a_share_link_s_qr_code_is_drawn_on_request_and_holds_the_link(client, monkeypatch):
    import io

    import segno

    monkeypatch.setenv("CULTURETOOL_PUBLIC_URL", "https://culture.example.gov.uk")
    token = "T" * 32
    reply = client.get(respondent.share_link_qr_path(token))
    assert reply.status_code == 200 and reply.headers["content-type"] == "image/png"
    assert reply.headers["cache-control"] == "no-store"  # the token is in it
    expected = io.BytesIO()
    segno.make(f"https://culture.example.gov.uk/r/{token}", error="m").save(
        expected, kind="png", scale=4, border=2
    )
    assert reply.content == expected.getvalue()
    assert client.get("/r/short/qr.png").status_code == 404


def test_a_code_send_whose_reply_was_lost_is_told_it_was_saved_when_sent_again(client, model):
    opened = a_round("codes", staff_count=5)
    token, code = opened.round.token, opened.codes[0]
    fields = form_answers(model) | {"code": code, "submission_key": "lost-reply-" + "k" * 21}
    assert client.post(f"/r/{token}", data=fields).status_code == 200
    # The reply never arrived; the browser sends the same form again, code and key.
    again = client.post(f"/r/{token}", data=fields)
    assert again.status_code == 200 and "Thank you" in again.text
    assert "already been used" not in again.text
    assert saved(Response) == 1
    # The spent code with another browser's key is still refused, and saves nothing.
    other = client.post(f"/r/{token}", data=fields | {"submission_key": "other-" + "k" * 26})
    assert other.status_code == 422 and "already been used" in other.text
    assert saved(Response) == 1
    # Nothing ties the receipt to the code: it is a hash of the key alone, gone at closing.
    with db.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(SubmissionReceipt)) == 1
