"""Accounts on a real database: passwords, sign-in throttling, sessions, invitations, audit."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from people import PASSWORD, make_person
from respondents import open_link_round

from culturetool.cli import main
from culturetool.domain import clock
from culturetool.domain.access import Forbidden, Role
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.services import accounts, admin
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.services.rounds import close_round
from culturetool.store import db
from culturetool.store.tables import AuditEvent, SignInTicket, UserAccount, UserSession


@pytest.fixture
def organisation(database) -> None:
    create_organisation("Account Council")


def email_of(user_id: int) -> str:
    with db.transaction() as session:
        return session.get(UserAccount, user_id).email


def shift_session_times(token: str, **changes: dt.timedelta) -> None:
    """Move a session's timestamps into the past, as if time had passed."""
    with db.transaction() as session:
        stored = session.get(UserSession, accounts.token_hash(token))
        for column, delta in changes.items():
            setattr(stored, column, getattr(stored, column) - delta)


def audit_actions() -> list[str]:
    with db.transaction() as session:
        return list(session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_passwords_are_stored_as_argon2_hashes(organisation):
    person = make_person(Role.LEADER, password=PASSWORD)
    with db.transaction() as session:
        stored = session.get(UserAccount, person.user_id).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_short_and_overlong_passwords_are_refused():
    with pytest.raises(InputProblem, match="at least 10"):
        accounts.hash_password("short")
    with pytest.raises(InputProblem, match="200"):
        accounts.hash_password("x" * 201)


def test_sign_in_works_with_any_case_of_email(organisation):
    person = make_person(Role.LEADER, password=PASSWORD)
    signed = accounts.sign_in(email_of(person.user_id).upper(), PASSWORD)
    assert signed.actor.user_id == person.user_id
    assert accounts.actor_for_session(signed.token) == signed.actor


def test_wrong_password_and_unknown_email_get_the_same_answer(organisation):
    person = make_person(Role.LEADER, password=PASSWORD)
    with pytest.raises(accounts.SignInRefused) as wrong_password:
        accounts.sign_in(email_of(person.user_id), "not the password")
    with pytest.raises(accounts.SignInRefused) as unknown:
        accounts.sign_in("nobody@test.example", PASSWORD)
    assert str(wrong_password.value) == str(unknown.value)


def test_repeated_failures_lock_the_account_for_longer_each_time(organisation):
    person = make_person(Role.LEADER, password=PASSWORD)
    email = email_of(person.user_id)
    for _ in range(accounts.FREE_ATTEMPTS):
        with pytest.raises(accounts.SignInRefused, match="do not match"):
            accounts.sign_in(email, "wrong password")
    # Locked now: even the right password is refused, with a wait given.
    with pytest.raises(accounts.SignInRefused, match="Too many failed attempts"):
        accounts.sign_in(email, PASSWORD)
    with db.transaction() as session:
        user = session.get(UserAccount, person.user_id)
        first_lock = user.locked_until
        user.locked_until = accounts.utcnow() - dt.timedelta(seconds=1)  # the wait is over
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(email, "wrong again")
    with db.transaction() as session:
        user = session.get(UserAccount, person.user_id)
        assert user.failed_sign_ins == accounts.FREE_ATTEMPTS + 1
        second_lock = user.locked_until - accounts.utcnow()
        user.locked_until = None
    assert second_lock > accounts.FIRST_LOCK * 1.5  # doubled
    assert first_lock is not None
    accounts.sign_in(email, PASSWORD)
    with db.transaction() as session:
        assert session.get(UserAccount, person.user_id).failed_sign_ins == 0


def test_sessions_end_after_idle_time_and_after_their_lifetime(organisation):
    person = make_person(Role.LEADER, password=PASSWORD)
    email = email_of(person.user_id)

    idle = accounts.sign_in(email, PASSWORD).token
    shift_session_times(idle, last_seen_at=accounts.SESSION_IDLE_LIMIT + dt.timedelta(minutes=1))
    assert accounts.actor_for_session(idle) is None

    old = accounts.sign_in(email, PASSWORD).token
    shift_session_times(old, expires_at=accounts.SESSION_LIFETIME)
    assert accounts.actor_for_session(old) is None

    fresh = accounts.sign_in(email, PASSWORD).token
    assert accounts.actor_for_session(fresh) is not None
    accounts.sign_out(fresh)
    assert accounts.actor_for_session(fresh) is None
    assert accounts.actor_for_session("") is None
    assert accounts.actor_for_session("made-up-token") is None


def test_changing_password_checks_the_old_one_and_ends_other_sessions(organisation):
    person = make_person(Role.MANAGER, password=PASSWORD)
    email = email_of(person.user_id)
    here = accounts.sign_in(email, PASSWORD).token
    elsewhere = accounts.sign_in(email, PASSWORD).token
    kept = accounts.token_hash(here)
    with pytest.raises(InputProblem, match="current password"):
        accounts.change_password(person, "not it at all", "a new long password", kept)
    assert accounts.actor_for_session(elsewhere) is not None
    accounts.change_password(person, PASSWORD, "a new long password", kept)
    assert accounts.actor_for_session(here) is not None
    assert accounts.actor_for_session(elsewhere) is None
    accounts.sign_in(email, "a new long password")
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(email, PASSWORD)


def test_an_invitation_sets_a_password_once(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    token = admin.invite_user(administrator, "New@Test.Example", "New Person", "leader", [])
    details = accounts.invitation_details(token)
    assert (details.email, details.role_title) == ("new@test.example", "Leader")
    with pytest.raises(InputProblem):
        accounts.accept_invitation(token, "short")
    issued = accounts.accept_invitation(token, "a good long password")
    assert issued.actor.role is Role.LEADER
    signed = accounts.spend_ticket(issued.ticket)
    assert signed is not None and accounts.actor_for_session(signed.token) == issued.actor
    assert accounts.spend_ticket(issued.ticket) is None  # one-off
    with pytest.raises(InputProblem, match="expired, was already used"):
        accounts.accept_invitation(token, "another long password")
    with pytest.raises(InputProblem, match="already an account"):
        admin.invite_user(administrator, "new@test.example", "Again", "leader", [])


def test_a_manager_invitation_needs_teams_and_gets_exactly_them(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    area = add_area(administrator, "North")
    alpha = add_team(administrator, area, "Alpha")
    add_team(administrator, area, "Beta")
    with pytest.raises(InputProblem, match="at least one team"):
        admin.invite_user(administrator, "m@test.example", "Manager", "manager", [])
    token = admin.invite_user(administrator, "m@test.example", "Manager", "manager", [alpha])
    issued = accounts.accept_invitation(token, "manager's password")
    assert issued.actor.team_ids == frozenset({alpha})


def test_a_deactivated_person_is_signed_out_and_cannot_sign_in(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    person = make_person(Role.LEADER, password=PASSWORD)
    token = accounts.sign_in(email_of(person.user_id), PASSWORD).token
    admin.set_user_active(administrator, person.user_id, False)
    assert accounts.actor_for_session(token) is None
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(email_of(person.user_id), PASSWORD)
    with pytest.raises(InputProblem, match="your own account"):
        admin.set_user_active(administrator, administrator.user_id, False)


def test_threshold_cannot_go_below_three(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    for bad in (2, 0, -1, 51):
        with pytest.raises(InputProblem):
            admin.set_anonymity_threshold(administrator, bad)
    admin.set_anonymity_threshold(administrator, 3)
    assert admin.anonymity_threshold(administrator) == 3


def test_administrative_changes_are_audited_and_refusals_are_not(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    leader = make_person(Role.LEADER)
    area = add_area(administrator, "North")
    team = add_team(administrator, area, "Alpha")
    admin.set_anonymity_threshold(administrator, 7)
    admin.invite_user(administrator, "x@test.example", "X", "innovation", [])
    with pytest.raises(Forbidden):
        add_area(leader, "Sneaky area")
    with pytest.raises(Forbidden):
        admin.audit_log(leader)
    manager = make_person(Role.MANAGER, (team,))
    round_ = open_link_round(manager, team)
    close_round(manager, round_.id)
    assert audit_actions() == [
        "area added",
        "team added",
        "threshold changed",
        "person invited",
        "round opened",
        "round closed",
    ]
    rows = admin.audit_log(administrator)
    assert rows[0].action == "round closed" and rows[0].who == manager.name
    assert rows[-1].detail == "North" and rows[-1].who == administrator.name


def test_create_admin_command(database, monkeypatch, capsys):
    monkeypatch.setenv("CULTURETOOL_ADMIN_PASSWORD", "first admin password")
    arguments = ["user", "create-admin", "--email", "Boss@Test.Example", "--name", "Boss"]
    assert main(arguments) == 1  # no organisation yet and none named
    assert "--organisation" in capsys.readouterr().err
    assert main([*arguments, "--organisation", "Command Council"]) == 0
    signed = accounts.sign_in("boss@test.example", "first admin password")
    assert signed.actor.role is Role.ADMINISTRATOR
    assert main(arguments) == 1  # the same email again
    assert "already an account" in capsys.readouterr().err
    assert audit_actions() == ["administrator created"]


# ---- nothing tells whether an email has an account ----------------------------------------


@pytest.fixture
def verifications(monkeypatch) -> list[str]:
    """The hashes each password check verified against, in order."""
    seen: list[str] = []
    real = accounts._hasher

    class CountingHasher:
        def verify(self, stored_hash, password):
            seen.append(stored_hash)
            return real.verify(stored_hash, password)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(accounts, "_hasher", CountingHasher())
    accounts._unknown_emails.clear()
    return seen


def test_an_unknown_email_is_checked_against_the_dummy_hash(organisation, verifications):
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in("nobody@test.example", PASSWORD)
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in("\udc80@test.example", PASSWORD)  # not even encodable
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in("nul\x00@test.example", PASSWORD)  # PostgreSQL's text refuses NUL
    assert verifications == [accounts._DUMMY_HASH] * 3


def test_an_invited_person_without_a_password_is_checked_against_the_dummy_hash(
    organisation, verifications
):
    person = make_person(Role.LEADER)  # no password yet, as before accepting an invitation
    with pytest.raises(accounts.SignInRefused, match="do not match"):
        accounts.sign_in(email_of(person.user_id), PASSWORD)
    assert verifications == [accounts._DUMMY_HASH]


def test_unknown_and_known_emails_are_locked_out_alike(organisation, verifications):
    person = make_person(Role.LEADER, password=PASSWORD)
    emails = {"known": email_of(person.user_id), "unknown": "nobody@test.example"}
    answers: dict[str, list[str]] = {"known": [], "unknown": []}
    for _ in range(accounts.FREE_ATTEMPTS + 1):
        for kind, email in emails.items():
            with pytest.raises(accounts.SignInRefused) as refusal:
                accounts.sign_in(email, "wrong password")
            answers[kind].append(str(refusal.value))
    assert answers["known"] == answers["unknown"]
    assert answers["known"][-1].startswith("Too many failed attempts")
    assert answers["known"][0] == accounts.REFUSED


def test_a_locked_account_still_costs_one_verification(organisation, verifications):
    person = make_person(Role.LEADER, password=PASSWORD)
    with db.transaction() as session:
        session.get(UserAccount, person.user_id).locked_until = accounts.utcnow() + dt.timedelta(
            minutes=5
        )
    verifications.clear()
    with pytest.raises(accounts.SignInRefused, match="Too many failed attempts"):
        accounts.sign_in(email_of(person.user_id), PASSWORD)
    assert len(verifications) == 1 and verifications[0] != accounts._DUMMY_HASH


def test_the_unknown_email_count_doubles_its_lock_and_forgets_the_oldest(monkeypatch):
    failures = accounts._UnknownEmailFailures(limit=2)
    now = accounts.utcnow()
    failures.put("a@test.example", 6, now)
    failures.put("b@test.example", 1, None)
    assert failures.get("a@test.example") == (6, now)  # touched: now the most recent
    failures.put("c@test.example", 1, None)
    assert failures.get("b@test.example") == (0, None)  # the least recently used went
    assert failures.get("a@test.example") == (6, now)
    assert accounts._lock_for(6) == 2 * accounts._lock_for(5)


def test_the_failure_count_is_kept_under_a_salted_hash_not_the_email():
    failures = accounts._UnknownEmailFailures(limit=10)
    failures.put("someone@test.example", 1, None)
    assert "someone" not in repr(failures._entries)
    assert accounts._UnknownEmailFailures(limit=10)._key("x") != failures._key("x")


# ---- passwords that are easy to guess are refused -----------------------------------------


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("aaaaaaaaaa", "one character repeated"),
        ("password123", "one of the most common"),
        ("QWERTYUIOP", "one of the most common"),
        ("someone@test.example", "your own email or name"),
        ("Someone", "at least 10"),
        ("Pat  Someone-Long", "your own email or name"),
    ],
)
def test_easily_guessed_passwords_are_refused_with_what_to_do(password, says):
    problem = accounts.password_problem(password, "someone@test.example", "Pat Someone-Long")
    assert problem is not None and says in problem
    if "at least" not in problem:
        assert "Choose another" in problem


def test_a_long_uncommon_password_is_accepted():
    assert accounts.password_problem(PASSWORD, "someone@test.example", "Pat Someone") is None


def test_an_invitation_refuses_the_persons_own_email_as_password(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    token = admin.invite_user(administrator, "long.address@test.example", "Nia", "leader", [])
    with pytest.raises(InputProblem, match="your own email"):
        accounts.accept_invitation(token, "long.address@test.example")


def test_an_expired_ticket_signs_nobody_in(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    token = admin.invite_user(administrator, "late@test.example", "Late", "leader", [])
    issued = accounts.accept_invitation(token, "a good long password")
    with db.transaction() as session:
        stored = session.get(SignInTicket, accounts.token_hash(issued.ticket))
        stored.expires_at -= accounts.TICKET_LIFETIME
    assert accounts.spend_ticket(issued.ticket) is None
    with db.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(SignInTicket)) == 0


# ---- one-off links an administrator makes: new invitations and password resets ----------------


def test_a_new_invitation_link_replaces_a_lost_one(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    lost = admin.invite_user(administrator, "lost@test.example", "Lou Lost", "leader", [])
    person = next(p for p in admin.list_users(administrator) if p.name == "Lou Lost")
    assert person.link_label == "Make a new invitation"
    issued = admin.make_link(administrator, person.id)
    assert issued.purpose == "invitation" and issued.person == "Lou Lost"
    with pytest.raises(InputProblem, match="replaced by a newer one"):
        accounts.invitation_details(lost)
    with pytest.raises(InputProblem, match="replaced by a newer one"):
        accounts.accept_invitation(lost, "a good long password")
    assert accounts.invitation_details(issued.token).purpose == "invitation"
    accounts.accept_invitation(issued.token, "a good long password")
    accounts.sign_in("lost@test.example", "a good long password")
    assert audit_actions()[-2:] == ["invitation link made", "invitation accepted"]


def test_a_reset_link_sets_a_new_password_and_ends_the_other_sessions(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    person = make_person(Role.LEADER, password=PASSWORD)
    email = email_of(person.user_id)
    old_session = accounts.sign_in(email, PASSWORD).token
    row = next(p for p in admin.list_users(administrator) if p.id == person.user_id)
    assert row.link_label == "Make a reset link"
    first = admin.make_link(administrator, person.user_id)
    second = admin.make_link(administrator, person.user_id)
    assert second.purpose == "reset"
    with pytest.raises(InputProblem):
        accounts.accept_invitation(first.token, "a brand new password")  # replaced
    issued = accounts.accept_invitation(second.token, "a brand new password")
    assert accounts.actor_for_session(old_session) is None
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(email, PASSWORD)
    accounts.sign_in(email, "a brand new password")
    assert accounts.spend_ticket(issued.ticket) is not None
    with pytest.raises(InputProblem):
        accounts.accept_invitation(second.token, "yet another password")  # used
    assert audit_actions()[-3:] == ["reset link made", "reset link made", "password reset"]


def test_links_expire_after_their_lifetime(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    person = make_person(Role.LEADER, password=PASSWORD)
    with clock.frozen_at(dt.datetime(2026, 3, 1, 9)) as frozen:
        reset = admin.make_link(administrator, person.user_id)
        frozen.advance(hours=23, minutes=59)
        accounts.invitation_details(reset.token)
        frozen.advance(minutes=1)
        with pytest.raises(InputProblem, match="expired"):
            accounts.invitation_details(reset.token)
        invitation = admin.invite_user(administrator, "slow@test.example", "Slow", "leader", [])
        frozen.advance(days=6, hours=23)
        accounts.invitation_details(invitation)
        frozen.advance(hours=1)
        with pytest.raises(InputProblem, match="expired"):
            accounts.accept_invitation(invitation, "a good long password")


def test_a_deactivated_person_gets_no_link_and_loses_the_one_they_had(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    person = make_person(Role.LEADER, password=PASSWORD)
    link = admin.make_link(administrator, person.user_id)
    admin.set_user_active(administrator, person.user_id, False)
    with pytest.raises(InputProblem):
        accounts.accept_invitation(link.token, "a brand new password")
    with pytest.raises(InputProblem, match="Reactivate"):
        admin.make_link(administrator, person.user_id)
    row = next(p for p in admin.list_users(administrator) if p.id == person.user_id)
    assert row.link_label == ""


def test_only_administrators_make_links_and_only_in_their_organisation(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    person = make_person(Role.LEADER, password=PASSWORD)
    for role in (Role.LEADER, Role.INNOVATION, Role.MANAGER, Role.FACILITATOR):
        with pytest.raises(Forbidden):
            admin.make_link(make_person(role), person.user_id)
    with pytest.raises(NotFound):
        admin.make_link(administrator, 999_999)
    assert "reset link made" not in audit_actions()


def test_inviting_an_address_again_points_to_the_new_link_button(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    admin.invite_user(administrator, "twice@test.example", "Twice", "leader", [])
    with pytest.raises(InputProblem, match="new link"):
        admin.invite_user(administrator, "twice@test.example", "Twice", "leader", [])


# ---- which teams a manager manages -----------------------------------------------------------


def test_an_administrator_assigns_and_unassigns_managers(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    area = add_area(administrator, "North")
    alpha = add_team(administrator, area, "Alpha")
    beta = add_team(administrator, area, "Beta")
    manager = make_person(Role.MANAGER, (alpha,), password=PASSWORD)
    session_token = accounts.sign_in(email_of(manager.user_id), PASSWORD).token
    assert [m.name for m in admin.team_managers(administrator, beta).others] == [manager.name]

    admin.set_team_manager(administrator, beta, manager.user_id, True)
    assert accounts.actor_for_session(session_token).team_ids == {alpha, beta}
    assert [m.id for m in admin.team_managers(administrator, beta).assigned] == [manager.user_id]
    admin.set_manager_teams(administrator, manager.user_id, [beta])
    assert accounts.actor_for_session(session_token).team_ids == {beta}
    admin.set_team_manager(administrator, beta, manager.user_id, False)
    assert accounts.actor_for_session(session_token).team_ids == frozenset()
    with db.transaction() as session:
        details = list(
            session.scalars(
                sa.select(AuditEvent.detail)
                .where(AuditEvent.action.like("manager %"))
                .order_by(AuditEvent.id)
            )
        )
    assert details == [
        f"{manager.name} manages Beta (North)",
        f"{manager.name} no longer manages Alpha (North)",
        f"{manager.name} no longer manages Beta (North)",
    ]


def test_only_team_managers_are_assigned_and_only_by_administrators(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    area = add_area(administrator, "North")
    alpha = add_team(administrator, area, "Alpha")
    leader = make_person(Role.LEADER)
    manager = make_person(Role.MANAGER, (alpha,))
    with pytest.raises(InputProblem, match="not a team manager"):
        admin.set_team_manager(administrator, alpha, leader.user_id, True)
    for role in (Role.LEADER, Role.INNOVATION, Role.MANAGER):
        with pytest.raises(Forbidden):
            admin.set_team_manager(make_person(role, (alpha,)), alpha, manager.user_id, False)
        with pytest.raises(Forbidden):
            admin.set_manager_teams(make_person(role), manager.user_id, [])
        with pytest.raises(Forbidden):
            admin.team_managers(make_person(role, (alpha,)), alpha)
    with pytest.raises(NotFound):
        admin.set_team_manager(administrator, 999_999, manager.user_id, True)
    assert not [a for a in audit_actions() if a.startswith("manager")]


# ---- the organisation's time zone ------------------------------------------------------------


def test_audit_times_show_in_the_organisations_time_zone(organisation):
    administrator = make_person(Role.ADMINISTRATOR)
    assert admin.time_zone(administrator) == "Europe/London"
    with clock.frozen_at(dt.datetime(2026, 7, 1, 13, 5)):
        admin.set_anonymity_threshold(administrator, 6)
    with clock.frozen_at(dt.datetime(2026, 12, 1, 13, 5)):
        admin.set_anonymity_threshold(administrator, 7)
    assert [row.at for row in admin.audit_log(administrator)] == [
        "1 Dec 2026 13:05 GMT",
        "1 Jul 2026 14:05 BST",
    ]
    with pytest.raises(InputProblem, match="time zone"):
        admin.set_time_zone(administrator, "Mars/Olympus")
    with pytest.raises(Forbidden):
        admin.set_time_zone(make_person(Role.LEADER), "UTC")
    admin.set_time_zone(administrator, "UTC")
    assert admin.audit_log(administrator)[0].detail == "from UK time to UTC (no summer time)"
    assert admin.audit_log(administrator)[-1].at == "1 Jul 2026 13:05 UTC"
