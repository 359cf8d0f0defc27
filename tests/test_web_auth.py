"""Signing in and out over plain HTTP, the event socket's scrubbed scope, the upload gate, and
what failed events leave in the log."""

from __future__ import annotations

import logging

import pytest
from awaiting import run_to_end
from people import PASSWORD, make_person
from starlette.applications import Starlette
from starlette.testclient import TestClient

from culturetool.domain.access import Role
from culturetool.services import accounts, admin
from culturetool.services.organisation import create_organisation
from culturetool.store import db
from culturetool.store.tables import UserAccount
from culturetool.ui import errors
from culturetool.ui.pages.account import sign_in_message
from culturetool.web import auth, privacy
from culturetool.web.privacy import SESSION_COOKIE, SESSION_HEADER

SITE = "http://testserver"


@pytest.fixture
def client(database, monkeypatch) -> TestClient:
    monkeypatch.delenv("CULTURETOOL_PUBLIC_URL", raising=False)
    monkeypatch.delenv("CULTURETOOL_TRUST_PROXY", raising=False)
    create_organisation("Web Council")
    accounts._unknown_emails.clear()
    return TestClient(Starlette(routes=auth.routes()), follow_redirects=False)


def person_email(role: Role = Role.LEADER) -> str:
    person = make_person(role, password=PASSWORD)
    with db.transaction() as session:
        return session.get(UserAccount, person.user_id).email


def post_sign_in(client: TestClient, email: str, password: str, **headers: str):
    fields = {"email": email, "password": password, "next": headers.pop("next", "/")}
    return client.post("/auth/sign-in", data=fields, headers={"origin": SITE, **headers})


def set_cookie(response) -> str:
    return response.headers.get("set-cookie", "")


def test_signing_in_sets_an_httponly_strict_cookie_and_goes_to_next(client):
    response = post_sign_in(client, person_email(), PASSWORD, next="/admin/people?x=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/people?x=1"
    cookie = set_cookie(response)
    token = response.cookies[SESSION_COOKIE]
    assert accounts.actor_for_session(token) is not None
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert "secure" not in cookie.lower()  # plain http, no https public address


@pytest.mark.parametrize("unsafe", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_next_never_leaves_the_site(client, unsafe):
    response = post_sign_in(client, person_email(), PASSWORD, next=unsafe)
    assert response.headers["location"] == "/"


def test_the_cookie_is_secure_over_https(client, monkeypatch):
    email = person_email()
    forwarded = {"x-forwarded-proto": "https"}
    assert "secure" not in set_cookie(post_sign_in(client, email, PASSWORD, **forwarded)).lower()
    monkeypatch.setenv("CULTURETOOL_TRUST_PROXY", "1")
    assert "secure" in set_cookie(post_sign_in(client, email, PASSWORD, **forwarded)).lower()
    monkeypatch.delenv("CULTURETOOL_TRUST_PROXY")
    monkeypatch.setenv("CULTURETOOL_PUBLIC_URL", "https://culture.example.org")
    assert "secure" in set_cookie(post_sign_in(client, email, PASSWORD)).lower()


def test_a_refusal_goes_back_to_the_sign_in_page_with_one_message(client):
    email = person_email()
    response = post_sign_in(client, email, "wrong password", next="/admin/people")
    assert response.status_code == 303 and SESSION_COOKIE not in response.cookies
    assert response.headers["location"] == "/sign-in?refused=1&next=%2Fadmin%2Fpeople"
    assert sign_in_message({"refused": "1"}) == accounts.REFUSED
    for _ in range(accounts.FREE_ATTEMPTS):
        response = post_sign_in(client, email, "wrong password")
    assert response.headers["location"] == "/sign-in?locked=1"
    assert sign_in_message({"locked": "1"}).startswith("Too many failed attempts")
    unknown = "nobody@test.example"
    for _ in range(accounts.FREE_ATTEMPTS + 1):
        answer = post_sign_in(client, unknown, "wrong password")
    assert answer.headers["location"] == response.headers["location"]


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"referer": "https://evil.example/sign-in"},
        {},
    ],
)
def test_sign_in_and_out_from_another_site_are_refused(client, headers):
    fields = {"email": person_email(), "password": PASSWORD}
    response = client.post("/auth/sign-in", data=fields, headers=headers)
    assert response.status_code == 403 and SESSION_COOKIE not in response.cookies
    assert "not sent from a culturetool page" in response.text
    assert client.post("/auth/sign-out", headers=headers).status_code == 403


def test_a_same_site_referer_is_enough_without_origin(client):
    fields = {"email": person_email(), "password": PASSWORD}
    response = client.post("/auth/sign-in", data=fields, headers={"referer": f"{SITE}/sign-in"})
    assert response.status_code == 303 and SESSION_COOKIE in response.cookies


def test_signing_out_ends_the_session_and_clears_the_cookie(client):
    token = post_sign_in(client, person_email(), PASSWORD).cookies[SESSION_COOKIE]
    client.cookies.set(SESSION_COOKIE, token)
    response = client.post("/auth/sign-out", headers={"origin": SITE})
    assert response.status_code == 303 and response.headers["location"] == "/sign-in"
    assert accounts.actor_for_session(token) is None
    assert 'culturetool_session=""' in set_cookie(response) and "Max-Age=0" in set_cookie(response)


def test_a_ticket_signs_in_once(client):
    administrator = make_person(Role.ADMINISTRATOR)
    invitation = admin.invite_user(administrator, "new@test.example", "New Person", "leader", [])
    issued = accounts.accept_invitation(invitation, "a good long password")
    response = client.get(f"/auth/ticket/{issued.ticket}")
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert accounts.actor_for_session(response.cookies[SESSION_COOKIE]) == issued.actor
    assert "httponly" in set_cookie(response).lower()
    again = client.get(f"/auth/ticket/{issued.ticket}")
    assert again.headers["location"] == "/sign-in?ticket=expired"
    assert SESSION_COOKIE not in again.cookies
    assert "expired" in sign_in_message({"ticket": "expired"})


# ---- the event socket's scope ---------------------------------------------------------------


def run_asgi(app, scope, body: bytes = b"") -> list[dict]:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        sent.append(message)

    run_to_end(app(scope, receive, send))
    return sent


def browser_scope(path: str, kind: str = "websocket", **extra) -> dict:
    return {
        "type": kind,
        "path": path,
        "method": "GET",
        "client": ("203.0.113.9", 50123),
        "headers": [
            (b"host", b"care.example"),
            (b"origin", b"https://care.example"),
            (b"upgrade", b"websocket"),
            (b"sec-websocket-key", b"abc"),
            (b"cookie", b"theme=dark; culturetool_session=the-raw-token"),
            (b"user-agent", b"Mozilla/5.0 Firefox/140"),
            (b"x-forwarded-for", b"198.51.100.7"),
            (b"accept-language", b"cy-GB"),
            (b"authorization", b"forged-by-the-browser"),
        ],
        **extra,
    }


def seen_by(app_class, scope: dict) -> dict:
    seen: dict = {}

    async def inner(scope, receive, send):
        seen.update(scope)

    run_asgi(app_class(inner), scope)
    return seen


def test_the_event_socket_reaches_reflex_with_the_session_hash_only():
    scope = seen_by(privacy.EventSocketPrivacy, browser_scope("/_event/"))
    headers = dict(scope["headers"])
    assert scope["client"] == ("0.0.0.0", 0)
    assert headers == {
        b"host": b"care.example",
        b"origin": b"https://care.example",
        b"upgrade": b"websocket",
        b"sec-websocket-key": b"abc",
        SESSION_HEADER.encode(): accounts.token_hash("the-raw-token").encode(),
    }
    assert b"the-raw-token" not in repr(scope).encode()


def test_other_addresses_are_passed_on_unchanged():
    scope = browser_scope("/r/sometoken", kind="http")
    assert seen_by(privacy.EventSocketPrivacy, scope) == scope


# ---- uploads --------------------------------------------------------------------------------


def upload_scope(token: str, length: str | None) -> dict:
    headers = [(b"cookie", f"{SESSION_COOKIE}={token}".encode())]
    if length is not None:
        headers.append((b"content-length", length.encode()))
    return {"type": "http", "method": "POST", "path": "/_upload", "headers": headers}


def gate_answer(scope: dict) -> int | None:
    """The gate's status, or None when it handed the upload on to Reflex.

    The body cannot be read here: receive() fails the test if the gate calls it.
    """
    handed_on = []

    async def reflex_upload(scope, receive, send):
        handed_on.append(scope["path"])

    async def receive():
        raise AssertionError("the gate read the body")

    sent = []

    async def send(message):
        sent.append(message)

    run_to_end(privacy.UploadGate(reflex_upload)(scope, receive, send))
    return None if handed_on else sent[0]["status"]


def test_uploads_are_refused_before_the_body_is_read(client):
    administrator = post_sign_in(client, person_email(Role.ADMINISTRATOR), PASSWORD)
    admin_token = administrator.cookies[SESSION_COOKIE]
    leader_token = post_sign_in(client, person_email(Role.LEADER), PASSWORD).cookies[SESSION_COOKIE]
    assert gate_answer(upload_scope("", "100")) == 401
    assert gate_answer(upload_scope("made-up", "100")) == 401
    assert gate_answer(upload_scope(leader_token, "100")) == 403
    assert gate_answer(upload_scope(admin_token, None)) == 411
    assert gate_answer(upload_scope(admin_token, str(privacy.UPLOAD_BODY_LIMIT + 1))) == 413
    assert gate_answer(upload_scope(admin_token, str(privacy.UPLOAD_BODY_LIMIT))) is None
    # A facilitator uploads a workshop's entries, which may be larger than a list of teams.
    facilitator = post_sign_in(client, person_email(Role.FACILITATOR), PASSWORD)
    facilitator_token = facilitator.cookies[SESSION_COOKIE]
    limit = privacy.ENTRIES_UPLOAD_BODY_LIMIT
    assert gate_answer(upload_scope(facilitator_token, str(limit + 1))) == 413
    assert gate_answer(upload_scope(facilitator_token, str(limit))) is None
    # A team manager uploads a file of responses collected elsewhere, larger still.
    manager = post_sign_in(client, person_email(Role.MANAGER), PASSWORD)
    manager_token = manager.cookies[SESSION_COOKIE]
    limit = privacy.RESPONSES_UPLOAD_BODY_LIMIT
    assert gate_answer(upload_scope(manager_token, str(limit + 1))) == 413
    assert gate_answer(upload_scope(manager_token, str(limit))) is None


# ---- logs -----------------------------------------------------------------------------------


def test_event_payloads_are_cut_out_of_reflex_log_records(caplog):
    privacy.keep_payloads_out_of_logs()
    with caplog.at_level(logging.WARNING):
        logging.getLogger("reflex.app").warning(
            "Received event data as a string. This may indicate a bug. Event data: %s",
            '{"payload": {"password": "secret words"}, "router_data": {"ip": "203.0.113.9"}}',
        )
        try:
            raise KeyError("No registered handler found for event: state.secret_handler")
        except KeyError:
            logging.getLogger("reflex_base.event.processor.event_processor").exception(
                "Error processing event queue entry for Event(token='t', router_data="
                "{'headers': {'user-agent': 'Firefox'}}) [txid=1]:"
            )
    text = caplog.text
    for leaked in ("secret words", "203.0.113.9", "Firefox", "secret_handler", "Traceback"):
        assert leaked not in text
    assert "Received event data as a string" in text and "KeyError" in text


def test_a_failing_handler_logs_its_type_and_place_only(caplog):
    forged_form = {"password": "hunter2", "ip": "203.0.113.9"}  # a dict where text belongs
    try:
        accounts.sign_in(forged_form, "x")  # type: ignore[arg-type]
    except AttributeError as failure:
        exception = failure
    with caplog.at_level(logging.ERROR, logger="culturetool.ui.errors"):
        shown = errors.backend_exception_handler(exception)
    assert caplog.messages == [
        "An event handler failed: AttributeError in culturetool.services.accounts.sign_in"
    ]
    assert "hunter2" not in caplog.text and "203.0.113.9" not in caplog.text
    assert errors.SOMETHING_WENT_WRONG in str(shown.args)
