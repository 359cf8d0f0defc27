"""Who is signed in, for every page of the staff side, and the guard on its event handlers.

Every event handler of the app is marked either `@signed_in` (the session is checked on the
server before the handler runs, and the services check the permission) or `@public` (the sign-in
form, an invitation, a respondent's link). A test fails if a handler has neither.
"""

from __future__ import annotations

import functools
import inspect
from urllib.parse import quote

import reflex as rx

from culturetool.domain.access import Actor, Forbidden, NotSignedIn, Permission
from culturetool.services import accounts

SESSION_COOKIE = "culturetool_session"
PUBLIC = "public"
SIGNED_IN = "signed in"


def public(handler):
    """Marks a handler that anyone may trigger: it must not read or write staff data."""
    handler.access = PUBLIC
    return handler


def signed_in(handler):
    """Runs the handler only for a valid session, passing the signed-in person as `actor`."""
    signature = inspect.signature(handler)
    visible = [p for name, p in signature.parameters.items() if name != "actor"]

    @functools.wraps(handler)
    def guarded(self, *args, **kwargs):
        actor = accounts.actor_for_session(self.session_token)
        if actor is None:
            self._forget_person()
            return rx.redirect(f"/sign-in?next={quote(self.router.url.path)}")
        self._remember_person(actor)
        try:
            return handler(self, actor, *args, **kwargs)
        except NotSignedIn:
            self._forget_person()
            return rx.redirect("/sign-in")
        except Forbidden as refusal:
            self.denied = str(refusal)
            return None

    # Reflex reads a handler's arguments from its signature: hide `actor` from it.
    del guarded.__wrapped__
    guarded.__signature__ = signature.replace(parameters=visible)
    guarded.__annotations__ = {k: v for k, v in handler.__annotations__.items() if k != "actor"}
    guarded.access = SIGNED_IN
    return guarded


class SessionState(rx.State):
    session_token: str = rx.Cookie(
        "", name=SESSION_COOKIE, path="/", same_site="strict", max_age=12 * 3600
    )
    person_name: str = ""
    role_title: str = ""
    is_admin: bool = False
    denied: str = ""

    def _remember_person(self, actor: Actor) -> None:
        self.person_name = actor.name
        self.role_title = actor.role.title
        self.is_admin = actor.can(Permission.MANAGE_USERS)
        self.denied = ""

    def _forget_person(self) -> None:
        self.session_token = ""
        self.person_name = self.role_title = ""
        self.is_admin = False

    @rx.event
    @public
    def sign_out(self):
        accounts.sign_out(self.session_token)
        self._forget_person()
        return rx.redirect("/sign-in")
