"""Signing in, a one-off link (an invitation or a password reset), and one's own account
(change password).

The sign-in form posts natively to /auth/sign-in (culturetool/web/auth.py), so the password
never passes through Reflex; this page only shows the outcome the endpoint sent back in the
address. An accepted invitation sends the browser to /auth/ticket/<ticket>, which sets the
session cookie.
"""

from __future__ import annotations

import json

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.errors import InputProblem
from culturetool.domain.kinds import LinkPurpose
from culturetool.domain.limits import EMAIL_LENGTH
from culturetool.domain.text import same_site_path
from culturetool.services import accounts
from culturetool.services.accounts import PASSWORD_MAX
from culturetool.ui import routes
from culturetool.ui.layout import notice, page_frame, shown_if, text_field
from culturetool.ui.session import SessionState, public, signed_in


def _password_field(label: str, name: str, autocomplete: str) -> rx.Component:
    return text_field(label, name, "password", PASSWORD_MAX, auto_complete=autocomplete)


def sign_in_message(query: dict[str, str]) -> str:
    """The one message for what /auth/sign-in or /auth/ticket sent back in the address."""
    locked = query.get("locked", "")
    if locked.isdigit() and 0 < int(locked) <= 60:
        return accounts.locked_message(int(locked))
    if "refused" in query:
        return accounts.REFUSED
    if query.get("ticket") == "expired":
        return "That sign-in link has expired or was already used. Sign in with your password."
    return ""


class SignInState(SessionState):
    message: str = ""
    next_path: str = "/"

    @rx.event
    @public
    def load(self):
        query = self.router.url.query_parameters
        self.message = sign_in_message(dict(query))
        self.next_path = same_site_path(query.get("next"))


def sign_in_page() -> rx.Component:
    return page_frame(
        rx.box(
            rx.heading("Sign in", as_="h1", size="7"),
            rx.text("People answering a team questionnaire do not need to sign in."),
            shown_if(SignInState.message != "", notice(SignInState.message)),
            # A native form: the browser posts it to the server, not through Reflex's socket.
            rx.el.form(
                text_field("Email", "email", "email", EMAIL_LENGTH, auto_complete="username"),
                _password_field("Password", "password", "current-password"),
                rx.el.input(type="hidden", name="next", value=SignInState.next_path),
                rx.button("Sign in", type="submit", size="3"),
                action="/auth/sign-in",
                method="post",
                on_submit=None,
            ),
            class_name="narrow",
        )
    )


class InviteState(SessionState):
    """The page of a one-off link: an invitation (a first password) or a password reset."""

    valid: bool = False
    checked: bool = False
    is_reset: bool = False
    person: str = ""
    email: str = ""
    role: str = ""
    organisation: str = ""
    message: str = ""

    @rx.event
    @public
    def load(self):
        self.checked = True
        try:
            details = accounts.invitation_details(self.invite_token)
        except InputProblem as problem:
            self.valid = False
            self.message = str(problem)
            return
        self.valid = True
        self.message = ""
        self.is_reset = details.purpose == LinkPurpose.RESET
        self.person, self.email = details.name, details.email
        self.role, self.organisation = details.role_title, details.organisation_name

    @rx.event
    @public
    def accept(self, form: dict):
        password = str(form.get("password", ""))
        if password != str(form.get("password_again", "")):
            self.message = "The two passwords are not the same; please type them again."
            return None
        try:
            issued = accounts.accept_invitation(self.invite_token, password)
        except InputProblem as problem:
            self.message = str(problem)
            return None
        # A full page load: the endpoint sets the HttpOnly cookie, and the new event socket
        # carries it. replace(): the invitation page is not left in the history to go back to.
        ticket_path = json.dumps(f"/auth/ticket/{issued.ticket}")
        return rx.call_script(f"window.location.replace({ticket_path})")


def invite_page() -> rx.Component:
    return page_frame(
        rx.box(
            rx.cond(
                InviteState.valid,
                rx.vstack(
                    rx.cond(
                        InviteState.is_reset,
                        rx.fragment(
                            rx.heading("Choose a new password", as_="h1", size="7"),
                            rx.text(
                                f"{InviteState.person}, your administrator at "
                                f"{InviteState.organisation} made this link so that you can "
                                f"choose a new password for your account ({InviteState.email}). "
                                "Your old password stops working, and any other device signed "
                                "in to your account is signed out."
                            ),
                        ),
                        rx.fragment(
                            rx.heading(f"Welcome, {InviteState.person}", as_="h1", size="7"),
                            rx.text(
                                f"{InviteState.organisation} has invited you to culturetool as "
                                f"{InviteState.role}. Choose a password to finish setting up "
                                f"your account ({InviteState.email})."
                            ),
                        ),
                    ),
                    rx.text(
                        f"At least {accounts.PASSWORD_MIN} characters: three unrelated words "
                        "work well.",
                        size="2",
                    ),
                    shown_if(InviteState.message != "", notice(InviteState.message)),
                    rx.form(
                        _password_field("New password", "password", "new-password"),
                        _password_field("New password again", "password_again", "new-password"),
                        rx.button("Set password and sign in", type="submit"),
                        on_submit=InviteState.accept,
                        width="100%",
                    ),
                    width="100%",
                ),
                shown_if(
                    InviteState.checked,
                    rx.vstack(
                        rx.heading("This link does not work", as_="h1", size="7"),
                        rx.text(InviteState.message),
                        rx.link("Go to the sign-in page", href=routes.SIGN_IN),
                    ),
                ),
            ),
            class_name="narrow invite",
        )
    )


class AccountState(SessionState):
    message: str = ""
    confirmation: str = ""

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.message = self.confirmation = ""

    @rx.event
    @signed_in
    def change_password(self, actor: Actor, form: dict):
        self.message = self.confirmation = ""
        new = str(form.get("new_password", ""))
        if new != str(form.get("new_password_again", "")):
            self.message = "The two new passwords are not the same; please type them again."
            return
        try:
            accounts.change_password(
                actor, str(form.get("current_password", "")), new, self._session_hash()
            )
        except InputProblem as problem:
            self.message = str(problem)
            return
        self.confirmation = "Password changed. Other devices have been signed out."


def account_page() -> rx.Component:
    return page_frame(
        rx.box(
            rx.heading("Your account", as_="h1", size="7"),
            rx.text(f"{SessionState.person_name}, {SessionState.role_title}."),
            rx.heading("Change your password", as_="h2", size="5"),
            shown_if(AccountState.message != "", notice(AccountState.message)),
            shown_if(AccountState.confirmation != "", notice(AccountState.confirmation, "ok")),
            rx.form(
                _password_field("Current password", "current_password", "current-password"),
                _password_field("New password", "new_password", "new-password"),
                _password_field("New password again", "new_password_again", "new-password"),
                rx.button("Change password", type="submit"),
                on_submit=AccountState.change_password,
                reset_on_submit=True,
            ),
            class_name="narrow",
        )
    )
