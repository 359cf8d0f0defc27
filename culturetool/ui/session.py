"""Who is signed in, for every page of the staff side, and the guard on its event handlers.

Every event handler of the app is marked either `@signed_in` (the session is checked on the
server before the handler runs, and the services check the permission) or `@public` (the sign-in
page, an invitation). A test fails if a handler has neither.

The state never holds the session token: the browser's HttpOnly cookie reaches Reflex only as
its sha256, in the header `web.privacy.EventSocketPrivacy` puts on the event socket.
"""

from __future__ import annotations

import functools
import inspect
import typing
from urllib.parse import quote

import reflex as rx

from culturetool.domain.access import Actor, Forbidden, NotSignedIn, Permission
from culturetool.domain.errors import NotFound
from culturetool.services import accounts
from culturetool.web.privacy import SESSION_HEADER

PUBLIC = "public"
SIGNED_IN = "signed in"


def id_number(raw: object) -> int:
    """An id from an address or a form; 0 (found by nobody) when it is not a whole number."""
    text = str(raw)
    return int(text) if text.isdigit() else 0


def public(handler):
    """Marks a handler that anyone may trigger: it must not read or write staff data."""
    handler.access = PUBLIC
    return handler


def signed_in_background(handler):
    """@signed_in for a background task (under `@rx.event(background=True)`), which may write
    its state only inside `async with self`: the guard takes the lock to note who is signed in
    and to say what was refused; the handler takes it itself for what it shows."""
    return signed_in(handler, background=True)


def signed_in(handler, *, background: bool = False):
    """Runs the handler only for a valid session, passing the signed-in person as `actor`.

    An async handler (an upload) gets an async guard, so that the refusals it raises while it
    runs are caught like those of any other handler.
    """
    if inspect.isgeneratorfunction(handler) or inspect.isasyncgenfunction(handler):
        raise TypeError(f"@signed_in cannot guard {handler.__qualname__}: it yields events")
    signature = inspect.signature(handler)
    visible = [p for name, p in signature.parameters.items() if name != "actor"]

    def admit(self):
        """The signed-in person and no redirect, or no person and the redirect to sign in."""
        actor = accounts.actor_for_session_hash(self._session_hash())
        if actor is None:
            self._forget_person()
            return None, rx.redirect(f"/sign-in?next={quote(self.router.url.path)}")
        self._remember_person(actor)
        return actor, None

    def refuse(self, refusal: NotSignedIn | Forbidden):
        if isinstance(refusal, NotSignedIn):
            self._forget_person()
            return rx.redirect("/sign-in")
        self.denied = str(refusal)
        return None

    if background:

        @functools.wraps(handler)
        async def guarded(self, *args, **kwargs):
            async with self:
                actor, to_sign_in = admit(self)
            if actor is None:
                return to_sign_in
            try:
                return await handler(self, actor, *args, **kwargs)
            except (NotSignedIn, Forbidden) as refusal:
                async with self:
                    return refuse(self, refusal)

    elif inspect.iscoroutinefunction(handler):

        @functools.wraps(handler)
        async def guarded(self, *args, **kwargs):
            actor, to_sign_in = admit(self)
            if actor is None:
                return to_sign_in
            try:
                return await handler(self, actor, *args, **kwargs)
            except (NotSignedIn, Forbidden) as refusal:
                return refuse(self, refusal)

    else:

        @functools.wraps(handler)
        def guarded(self, *args, **kwargs):
            actor, to_sign_in = admit(self)
            if actor is None:
                return to_sign_in
            try:
                return handler(self, actor, *args, **kwargs)
            except (NotSignedIn, Forbidden) as refusal:
                return refuse(self, refusal)

    # Reflex reads a handler's arguments from its signature and type hints: hide `actor`.
    # The hints are resolved here, against the handler's own module: Reflex would resolve them
    # against this module, and an upload handler it cannot resolve is refused at upload time.
    del guarded.__wrapped__
    guarded.__signature__ = signature.replace(parameters=visible)
    try:
        hints = typing.get_type_hints(handler)
    except NameError:  # a name defined after the handler: left as text, as Reflex expects
        hints = dict(handler.__annotations__)
    guarded.__annotations__ = {k: v for k, v in hints.items() if k != "actor"}
    guarded.access = SIGNED_IN
    return guarded


def show_view(state, read: typing.Callable[[], object]) -> None:
    """Puts what `read` returns in the page state's `view`, or marks it not found. The old view
    goes first, so that another team's or round's figures never stay on screen meanwhile."""
    state.view = None
    try:
        state.view = read()
        state.found = True
    except NotFound:
        state.found = False


class SessionState(rx.State):
    person_name: str = ""
    role_title: str = ""
    is_admin: bool = False
    sees_workshops: bool = False
    sees_county: bool = False
    opens_periods: bool = False
    denied: str = ""

    def _session_hash(self) -> str:
        """The sha256 of the browser's session cookie, as the event socket brought it."""
        return self.router.headers.raw_headers.get(SESSION_HEADER, "")

    def _remember_person(self, actor: Actor) -> None:
        self.person_name = actor.name
        self.role_title = actor.role.label
        self.is_admin = actor.can(Permission.MANAGE_USERS)
        self.sees_workshops = any(
            actor.can(p)
            for p in (
                Permission.VIEW_WORKSHOPS,
                Permission.RUN_WORKSHOPS,
                Permission.ARRANGE_WORKSHOPS,
            )
        )
        self.opens_periods = actor.can(Permission.OPEN_PERIODS)
        self.sees_county = actor.can(Permission.VIEW_AREA_RESULTS)
        self.denied = ""

    def _forget_person(self) -> None:
        self.person_name = self.role_title = ""
        self.opens_periods = False
        self.is_admin = self.sees_workshops = self.sees_county = False
