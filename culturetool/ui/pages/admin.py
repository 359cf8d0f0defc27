"""Administrators: people and roles, the anonymity threshold, the audit log."""

from __future__ import annotations

import reflex as rx

from culturetool.domain.access import Actor, Role
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.limits import EMAIL_LENGTH, NAME_LENGTH
from culturetool.services import admin, organisation
from culturetool.services.admin import AuditRow, UserRow
from culturetool.ui.layout import (
    data_table,
    field,
    link_box,
    notice,
    page_frame,
    shown_if,
    text_field,
)
from culturetool.ui.session import SessionState, signed_in
from culturetool.views.organisation import TeamSummary

# Least power first, so a slip does not make someone an administrator.
ROLE_CHOICES = [
    (role.value, role.label)
    for role in (Role.MANAGER, Role.LEADER, Role.INNOVATION, Role.FACILITATOR, Role.ADMINISTRATOR)
]
TEAM_FIELD_PREFIX = "team_"


class PeopleState(SessionState):
    people: list[UserRow] = []
    teams: list[TeamSummary] = []
    message: str = ""
    confirmation: str = ""
    invitation_link: str = ""

    def _refresh(self, actor: Actor) -> None:
        self.people = admin.list_users(actor)
        self.teams = [
            t for area in organisation.organisation_overview(actor).areas for t in area.teams
        ]

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.message = self.confirmation = self.invitation_link = ""
        self._refresh(actor)

    @rx.event
    @signed_in
    def invite(self, actor: Actor, form: dict):
        self.message = self.confirmation = self.invitation_link = ""
        team_ids = [
            int(key.removeprefix(TEAM_FIELD_PREFIX))
            for key, ticked in form.items()
            if key.startswith(TEAM_FIELD_PREFIX)
            and key.removeprefix(TEAM_FIELD_PREFIX).isdigit()
            and ticked
        ]
        try:
            token = admin.invite_user(
                actor,
                str(form.get("email", "")),
                str(form.get("name", "")),
                str(form.get("role", "")),
                team_ids,
            )
        except InputProblem as problem:
            self.message = str(problem)
            return
        self.invitation_link = f"{self.router.url.origin}/invite/{token}"
        self.confirmation = (
            "Invitation made. Send this link to the person; it works once, for 7 days."
        )
        self._refresh(actor)

    @rx.event
    @signed_in
    def set_active(self, actor: Actor, user_id: int, active: bool):
        self.message = self.confirmation = ""
        try:
            admin.set_user_active(actor, user_id, active)
        except (InputProblem, NotFound) as problem:
            self.message = str(problem)
        self._refresh(actor)


def _person_row(person: UserRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(person.name),
        rx.table.cell(person.email),
        rx.table.cell(person.role_title),
        rx.table.cell(person.teams),
        rx.table.cell(person.status),
        rx.table.cell(
            rx.cond(
                person.active,
                rx.button(
                    "Deactivate", size="1", variant="outline", color_scheme="red",
                    on_click=PeopleState.set_active(person.id, False),
                ),
                rx.button(
                    "Reactivate", size="1", variant="outline",
                    on_click=PeopleState.set_active(person.id, True),
                ),
            )
        ),
    )  # fmt: skip


def _invite_form() -> rx.Component:
    return rx.card(
        rx.heading("Invite someone", as_="h2", size="5"),
        rx.form(
            text_field("Name", "name", max_length=NAME_LENGTH),
            text_field("Email", "email", "email", EMAIL_LENGTH),
            field(
                "Role",
                rx.el.select(
                    *[rx.el.option(title, value=value) for value, title in ROLE_CHOICES],
                    id="role",
                    name="role",
                    class_name="text-input",
                ),
            ),  # fmt: skip
            rx.el.fieldset(
                rx.el.legend("Teams (for a team manager)"),
                rx.foreach(
                    PeopleState.teams,
                    lambda t: rx.el.label(
                        rx.el.input(type="checkbox", name=f"{TEAM_FIELD_PREFIX}{t.id}"),
                        f" {t.name} ({t.area_name})",
                        class_name="tick",
                    ),
                ),
                class_name="field team-ticks",
            ),
            rx.button("Make invitation", type="submit"),
            on_submit=PeopleState.invite,
            reset_on_submit=True,
        ),
    )


def people_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading("People", as_="h1", size="7"),
            shown_if(PeopleState.message != "", notice(PeopleState.message)),
            shown_if(PeopleState.confirmation != "", notice(PeopleState.confirmation, "ok")),
            shown_if(
                PeopleState.invitation_link != "",
                field("Invitation link", link_box("invitation-link", PeopleState.invitation_link)),
            ),
            data_table(
                ["Name", "Email", "Role", "Teams", "Status", ""], PeopleState.people, _person_row
            ),
            _invite_form(),
            spacing="4",
            width="100%",
        )
    )


def _whole_number(form: dict, name: str, what: str) -> int | None:
    raw = str(form.get(name, "")).strip()
    if name not in form:
        return None
    if not raw.isdigit():
        raise InputProblem(f"Give the {what} as a whole number, such as 5.")
    return int(raw)


class SettingsState(SessionState):
    threshold: int = 5
    comment_threshold: int = 10
    message: str = ""
    confirmation: str = ""

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.message = self.confirmation = ""
        self.threshold, self.comment_threshold = admin.thresholds(actor)

    @rx.event
    @signed_in
    def save(self, actor: Actor, form: dict):
        self.message = self.confirmation = ""
        try:
            scores = _whole_number(form, "threshold", "threshold")
            if scores is None:
                raise InputProblem("Give the threshold as a whole number, such as 5.")
            comments = _whole_number(form, "comment_threshold", "threshold for comments")
            admin.set_thresholds(actor, scores, comments)
        except InputProblem as problem:
            self.message = str(problem)
            return
        self.threshold, self.comment_threshold = admin.thresholds(actor)
        self.confirmation = "Saved. Rounds opened from now on use the new thresholds."


def _number_input(name: str, value: rx.Var, low: int, high: int) -> rx.Component:
    # Uncontrolled with a key, so the saved value shows again after loading or saving.
    return rx.el.input(
        id=name, name=name, type="number", min=low, max=high,
        default_value=value.to_string(), key=value.to_string(), class_name="text-input",
    )  # fmt: skip


def settings_page() -> rx.Component:
    return page_frame(
        rx.box(
            rx.heading("Settings", as_="h1", size="7"),
            shown_if(SettingsState.message != "", notice(SettingsState.message)),
            shown_if(SettingsState.confirmation != "", notice(SettingsState.confirmation, "ok")),
            rx.form(
                field(
                    "Anonymity threshold (fewest responses before scores show)",
                    _number_input(
                        "threshold", SettingsState.threshold, 3, admin.MAX_ANONYMITY_THRESHOLD
                    ),
                ),
                rx.text(
                    "No team's scores are shown until this many people have answered. It "
                    "cannot be below 3. A round keeps the threshold it was opened with.",
                    size="2",
                ),
                field(
                    "Threshold for comments (fewest responses before comments show)",
                    _number_input(
                        "comment_threshold",
                        SettingsState.comment_threshold,
                        3,
                        admin.MAX_COMMENT_THRESHOLD,
                    ),
                ),
                rx.text(
                    "People's own words can give them away more easily than a score, so "
                    "comments need at least as many responses as scores; 10 is the default.",
                    size="2",
                ),
                rx.button("Save", type="submit"),
                on_submit=SettingsState.save,
            ),
            class_name="narrow",
        )
    )


class AuditState(SessionState):
    events: list[AuditRow] = []

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.events = admin.audit_log(actor)


def _audit_row(event: AuditRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(event.at),
        rx.table.cell(event.who),
        rx.table.cell(event.action),
        rx.table.cell(event.detail),
    )


def audit_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading("Audit log", as_="h1", size="7"),
            rx.text("The latest 200 administrative changes, newest first. Times are UTC."),
            data_table(["When", "Who", "What", "Details"], AuditState.events, _audit_row),
            width="100%",
        )
    )
