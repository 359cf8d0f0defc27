"""Signing in and out, sessions and passwords.

Passwords are hashed with argon2id (argon2-cffi). Sessions are random tokens of which only the
hash is stored; they end 12 hours after signing in, or after 2 hours without use. After five
failed sign-ins in a row an account is locked for a while that doubles with each further
failure, up to 15 minutes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from culturetool.domain.access import Actor, NotSignedIn, Role
from culturetool.domain.errors import InputProblem
from culturetool.domain.text import clean_email, clean_name, encodable
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import (
    NAME_LENGTH,
    Invitation,
    Organisation,
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
PASSWORD_MIN = 10
PASSWORD_MAX = 200

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class SignInRefused(Exception):
    """The message says why in words that do not reveal whether the email exists."""


@dataclass
class SignedIn:
    token: str
    actor: Actor


def token_hash(token: str) -> str:
    # surrogatepass: a broken token still hashes (to something that matches nothing).
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def password_problem(password: str) -> str | None:
    if not encodable(password):
        return "The password contains characters that cannot be used; please retype it."
    if len(password) < PASSWORD_MIN:
        return f"Choose a password of at least {PASSWORD_MIN} characters (three words work well)."
    if len(password) > PASSWORD_MAX:
        return f"Keep the password to {PASSWORD_MAX} characters."
    return None


def hash_password(password: str) -> str:
    problem = password_problem(password)
    if problem:
        raise InputProblem(problem)
    return _hasher.hash(password)


def _password_matches(stored: str | None, password: str) -> bool:
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


def sign_in(email: str, password: str) -> SignedIn:
    refused = "That email and password do not match an active account."
    address = (email or "").strip().lower()
    if not encodable(address):
        raise SignInRefused(refused)
    with transaction() as session:
        user = session.scalars(select(UserAccount).where(UserAccount.email == address)).first()
        now = utcnow()
        if user is not None and user.locked_until is not None and user.locked_until > now:
            minutes = max(1, round((user.locked_until - now).total_seconds() / 60))
            raise SignInRefused(
                f"Too many failed attempts. Wait about {minutes} minute(s) and try again."
            )
        if user is None or not user.active or not _password_matches(user.password_hash, password):
            if user is not None:
                user.failed_sign_ins += 1
                lock = _lock_for(user.failed_sign_ins)
                user.locked_until = now + lock if lock else None
            refusal = SignInRefused(refused)
        else:
            user.failed_sign_ins = 0
            user.locked_until = None
            if _hasher.check_needs_rehash(user.password_hash or ""):
                user.password_hash = _hasher.hash(password)
            return SignedIn(token=_new_session(session, user), actor=actor_of(user))
    # Raised after the transaction so the failure count is saved.
    raise refusal


def actor_for_session(token: str | None) -> Actor | None:
    """Who holds this session token, or None if it is unknown, expired or idle too long."""
    if not token:
        return None
    with transaction() as session:
        stored = session.get(UserSession, token_hash(token))
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


def require_session(token: str | None) -> Actor:
    actor = actor_for_session(token)
    if actor is None:
        raise NotSignedIn("Your session has ended. Please sign in again.")
    return actor


def sign_out(token: str | None) -> None:
    if not token:
        return
    with transaction() as session:
        session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))


def change_password(actor: Actor, current: str, new: str, keep_token: str) -> None:
    """Check the current password; set the new one; end the person's other sessions."""
    with transaction() as session:
        user = session.get(UserAccount, actor.user_id)
        if user is None or not _password_matches(user.password_hash, current):
            raise InputProblem("Your current password is not right.")
        if new == current:
            raise InputProblem("Choose a new password that differs from the current one.")
        user.password_hash = hash_password(new)
        session.execute(
            delete(UserSession).where(
                UserSession.user_id == user.id, UserSession.token_hash != token_hash(keep_token)
            )
        )
        repo.record(session, actor, "password changed", f"{user.name} changed their password")


def create_administrator(
    email: str, name: str, password: str, organisation_name: str | None = None
) -> None:
    """The first administrator, from the command line (creating the organisation if needed)."""
    address = clean_email(email)
    person = clean_name(name, "person", NAME_LENGTH)
    password_hash = hash_password(password)
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
        if repo.user_by_email(session, address) is not None:
            raise InputProblem(f"There is already an account for {address}.")
        user = UserAccount(
            organisation_id=organisation.id,
            email=address,
            name=person,
            role=Role.ADMINISTRATOR.value,
            password_hash=password_hash,
        )
        session.add(user)
        session.flush()
        repo.record(
            session, None, "administrator created", f"{person} <{address}>", organisation.id
        )


@dataclass
class InvitationView:
    name: str
    email: str
    role_title: str
    organisation_name: str


def _live_invitation(session, token: str) -> Invitation:
    invitation = session.get(Invitation, token_hash(token or ""))
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= utcnow():
        raise InputProblem(
            "This invitation link has expired or was already used. Ask your administrator "
            "for a new one."
        )
    return invitation


def invitation_details(token: str) -> InvitationView:
    with transaction() as session:
        invitation = _live_invitation(session, token)
        user = session.get(UserAccount, invitation.user_id)
        assert user is not None
        organisation = session.get(Organisation, user.organisation_id)
        assert organisation is not None
        return InvitationView(user.name, user.email, Role(user.role).title, organisation.name)


def accept_invitation(token: str, password: str) -> SignedIn:
    password_hash = hash_password(password)
    with transaction() as session:
        invitation = _live_invitation(session, token)
        user = session.get(UserAccount, invitation.user_id)
        assert user is not None
        invitation.used_at = utcnow()
        user.password_hash = password_hash
        user.active = True
        session.flush()
        return SignedIn(token=_new_session(session, user), actor=actor_of(user))
