"""Test helpers: real accounts in the test database, and the actors the services expect."""

from __future__ import annotations

import itertools

from culturetool.domain.access import Actor, Role
from culturetool.services.accounts import actor_of, hash_password
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import Team, UserAccount

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def make_person(role: Role, team_ids: tuple[int, ...] = (), password: str | None = None) -> Actor:
    """A new account of this role in the organisation (a manager assigned to team_ids)."""
    with transaction() as session:
        organisation = repo.the_organisation(session)
        assert organisation is not None, "create the organisation first"
        number = next(_numbers)
        user = UserAccount(
            organisation_id=organisation.id,
            email=f"{role.value}{number}@test.example",
            name=f"Test {role.label} {number}",
            role=role.value,
            password_hash=hash_password(password) if password else None,
        )
        user.teams = [session.get(Team, team_id) for team_id in team_ids]
        session.add(user)
        session.flush()
        return actor_of(user)


def admin() -> Actor:
    return make_person(Role.ADMINISTRATOR)


def leader() -> Actor:
    return make_person(Role.LEADER)


def manager_of(*team_ids: int) -> Actor:
    return make_person(Role.MANAGER, team_ids)
