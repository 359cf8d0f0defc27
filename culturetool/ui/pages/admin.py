"""Administrators: people and roles, the anonymity threshold, the audit log."""

from __future__ import annotations

import json

import reflex as rx

from culturetool import config
from culturetool.domain import clock
from culturetool.domain.access import Actor, Role
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import LinkPurpose
from culturetool.domain.limits import EMAIL_LENGTH, INVITATION_LINK_LIFETIME_HOURS, NAME_LENGTH
from culturetool.domain.wording import count_of
from culturetool.services import admin, organisation
from culturetool.services.admin import AuditRow, UserRow
from culturetool.ui.layout import (
    data_table,
    field,
    notice,
    page_frame,
    shown_if,
    text_field,
)
from culturetool.ui.session import SessionState, id_number, public, signed_in
from culturetool.views.organisation import TeamSummary

# Least power first, so a slip does not make someone an administrator.
ROLE_CHOICES = [
    (role.value, role.label)
    for role in (Role.MANAGER, Role.LEADER, Role.INNOVATION, Role.FACILITATOR, Role.ADMINISTRATOR)
]
TEAM_FIELD_PREFIX = "team_"
# Puts a link just made (LINK, as a JSON string) in the box once the box is on the page.
FILL_LINK_SCRIPT = """(() => {
  const fill = (tries) => {
    const box = document.getElementById("issued-link");
    if (box) box.value = LINK;
    else if (tries > 0) requestAnimationFrame(() => fill(tries - 1));
  };
  fill(300);
})()"""
# Runs in the browser on "Copy link": "copied" when the clipboard took the link, else
# "selected" (the link is left selected for Ctrl+C).
COPY_LINK_SCRIPT = """(() => {
  const box = document.getElementById("issued-link");
  box.focus();
  box.select();
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(box.value).then(() => "copied", () => "selected");
  }
  return document.execCommand("copy") ? "copied" : "selected";
})()"""


class PeopleState(SessionState):
    people: list[UserRow] = []
    teams: list[TeamSummary] = []
    message: str = ""
    confirmation: str = ""
    # Whether a one-off link was just made (an invitation or a reset). The link itself is never a
    # state var: Reflex writes state to disk or Redis, and a live link signs its holder in. It
    # goes to the page once, as a script that fills the box (`_fill_link`), and leaving the page
    # forgets it; a new link can always be made.
    link_shown: bool = False
    link_label: str = ""
    link_note: str = ""
    copied: bool = False
    copy_note: str = ""
    # The person whose deactivation waits for confirmation in the dialog (0: none).
    deactivating_id: int = 0
    deactivating_name: str = ""
    # The team manager whose teams are being changed (0: none), and their teams as they stand.
    editing_id: int = 0
    editing_name: str = ""
    editing_team_ids: list[int] = []

    def _refresh(self, actor: Actor) -> None:
        self.people = admin.list_users(actor)
        self.teams = [
            t for area in organisation.organisation_overview(actor).areas for t in area.teams
        ]

    def _clear(self) -> None:
        self.message = self.confirmation = ""
        self.link_label = self.link_note = ""
        self.link_shown = False
        self.copied = False
        self.copy_note = ""

    def _show_link(self, token: str, what: str, person: str, valid_until: str):
        """Says a link was made and returns the event that puts it in the page's box."""
        base = config.public_base_url() or self.router.url.origin
        self.link_shown = True
        self.link_label = f"{what} for {person}"
        self.link_note = (
            f"Send this link to {person} yourself, by email or a message. It works once, until "
            f"{valid_until}. Any older link for {person} no longer works."
        )
        link = json.dumps(f"{base}/invite/{token}")
        return rx.call_script(FILL_LINK_SCRIPT.replace("LINK", link))

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self._clear()
        self.deactivating_id = self.editing_id = 0
        self._refresh(actor)

    @rx.event
    @signed_in
    def invite(self, actor: Actor, form: dict):
        self._clear()
        team_ids = [
            int(key.removeprefix(TEAM_FIELD_PREFIX))
            for key, ticked in form.items()
            if key.startswith(TEAM_FIELD_PREFIX)
            and key.removeprefix(TEAM_FIELD_PREFIX).isdigit()
            and ticked
        ]
        name = str(form.get("name", "")).strip()
        try:
            token = admin.invite_user(
                actor,
                str(form.get("email", "")),
                name,
                str(form.get("role", "")),
                team_ids,
            )
        except InputProblem as problem:
            self.message = str(problem)
            return
        days = INVITATION_LINK_LIFETIME_HOURS // 24
        fill = self._show_link(
            token, "Invitation link", name, count_of(days, "day", "days") + " from now"
        )
        self.confirmation = f"Invitation made for {name}."
        self._refresh(actor)
        return fill

    @rx.event
    @signed_in
    def make_link(self, actor: Actor, user_id: int):
        self._clear()
        try:
            issued = admin.make_link(actor, user_id)
        except (InputProblem, NotFound) as problem:
            self.message = str(problem)
            self._refresh(actor)
            return
        what = (
            "Invitation link" if issued.purpose == LinkPurpose.INVITATION else "Password reset link"
        )
        fill = self._show_link(issued.token, what, issued.person, issued.valid_until)
        self._refresh(actor)
        return fill

    @rx.event
    @public
    def copy_link(self):
        # Copies the link already on the page; reads nothing from the server. The browser's
        # clipboard is only offered on HTTPS and localhost, so elsewhere the script selects the
        # link and the page says how to copy it by hand instead of claiming it was copied.
        return rx.call_script(COPY_LINK_SCRIPT, callback=PeopleState.link_copied)

    @rx.event
    @public
    def link_copied(self, outcome: str):
        self.copied = outcome == "copied"
        self.copy_note = (
            "The link is copied: paste it into your message."
            if self.copied
            else "Your browser would not copy it here. The link is selected: press Ctrl+C "
            "(⌘C on a Mac) to copy it."
        )

    @rx.event
    @public
    def ask_to_deactivate(self, user_id: int):
        # Only opens the dialog, with the name already on the page; deactivating checks again.
        person = next((p for p in self.people if p.id == user_id), None)
        self.deactivating_id = person.id if person else 0
        self.deactivating_name = person.name if person else ""

    @rx.event
    @public
    def deactivate_dialog_changed(self, open_: bool):
        if not open_:  # cancelled: the button, Escape or a click outside
            self.deactivating_id = 0

    @rx.event
    @signed_in
    def deactivate(self, actor: Actor):
        user_id, self.deactivating_id = self.deactivating_id, 0
        self._set_active(actor, user_id, False)

    @rx.event
    @signed_in
    def reactivate(self, actor: Actor, user_id: int):
        self._set_active(actor, user_id, True)

    def _set_active(self, actor: Actor, user_id: int, active: bool) -> None:
        self._clear()
        try:
            admin.set_user_active(actor, user_id, active)
        except (InputProblem, NotFound) as problem:
            self.message = str(problem)
        self._refresh(actor)

    @rx.event
    @public
    def edit_teams(self, user_id: int):
        # Only opens the form with what is already on the page; saving checks everything.
        person = next((p for p in self.people if p.id == user_id and p.is_manager), None)
        self.editing_id = person.id if person else 0
        self.editing_name = person.name if person else ""
        self.editing_team_ids = list(person.team_ids) if person else []

    @rx.event
    @public
    def stop_editing_teams(self):
        self.editing_id = 0

    @rx.event
    @signed_in
    def save_teams(self, actor: Actor, form: dict):
        self._clear()
        team_ids = [id_number(key.removeprefix(TEAM_FIELD_PREFIX)) for key, ticked in form.items()
                    if key.startswith(TEAM_FIELD_PREFIX) and ticked]  # fmt: skip
        try:
            admin.set_manager_teams(actor, self.editing_id, team_ids)
        except (InputProblem, NotFound) as problem:
            self.message = str(problem)
            return
        self.confirmation = f"Saved the teams {self.editing_name} manages."
        self.editing_id = 0
        self._refresh(actor)


def _small_button(label, on_click, **props) -> rx.Component:
    return rx.button(label, size="1", variant="outline", on_click=on_click, **props)


def _person_row(person: UserRow) -> rx.Component:
    # Three columns, the person's details stacked in the first, so that on a phone the status
    # and the buttons stay on screen beside the name.
    return rx.table.row(
        rx.table.row_header_cell(
            rx.text(person.name, as_="div", weight="bold"),
            rx.text(person.email, as_="div", size="2", overflow_wrap="anywhere"),
            rx.text(
                person.role_title,
                rx.cond(person.teams != "", ": " + person.teams, ""),
                as_="div", size="2",
            ),
        ),
        rx.table.cell(person.status),
        rx.table.cell(
            rx.hstack(
                shown_if(
                    person.link_label != "",
                    _small_button(
                        person.link_label, PeopleState.make_link(person.id),
                        aria_label=person.link_label + " for " + person.name,
                    ),
                ),
                shown_if(
                    person.is_manager & person.active,
                    _small_button(
                        "Change teams", PeopleState.edit_teams(person.id),
                        aria_label="Change teams for " + person.name,
                    ),
                ),
                rx.cond(
                    person.active,
                    _small_button(
                        "Deactivate", PeopleState.ask_to_deactivate(person.id), color_scheme="red",
                        aria_label="Deactivate " + person.name,
                    ),
                    _small_button(
                        "Reactivate", PeopleState.reactivate(person.id),
                        aria_label="Reactivate " + person.name,
                    ),
                ),
                spacing="2",
                wrap="wrap",
            )
        ),
    )  # fmt: skip


def _issued_link() -> rx.Component:
    return rx.card(
        rx.el.div(
            rx.el.label(PeopleState.link_label, html_for="issued-link"),
            rx.text(PeopleState.link_note, size="2"),
            # Uncontrolled, so a re-render keeps what the script put in it.
            rx.el.input(
                id="issued-link", default_value="", read_only=True,
                class_name="text-input share-link",
            ),
            class_name="field",
        ),
        rx.hstack(
            rx.button(
                rx.cond(PeopleState.copied, "Copied", "Copy link"), on_click=PeopleState.copy_link
            ),
            rx.el.span(PeopleState.copy_note, role="status"),
            align="center",
            wrap="wrap",
        ),
        width="100%",
    )  # fmt: skip


def _deactivate_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Deactivate " + PeopleState.deactivating_name + "?"),
            rx.alert_dialog.description(
                PeopleState.deactivating_name + " will be signed out at once and will not be "
                "able to sign in. Any link made for them stops working. Their name stays in the "
                "audit log. You can reactivate the account later."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft")),
                rx.alert_dialog.action(
                    rx.button(
                        "Yes, deactivate", color_scheme="red", on_click=PeopleState.deactivate
                    )
                ),
                justify="end",
                spacing="3",
                margin_top="1em",
            ),
        ),
        open=PeopleState.deactivating_id > 0,
        on_open_change=PeopleState.deactivate_dialog_changed,
    )  # fmt: skip


def _team_ticks(legend: str, checked) -> rx.Component:
    """A tick box per team; `checked(team)` says which start ticked."""
    return rx.el.fieldset(
        rx.el.legend(legend),
        rx.foreach(
            PeopleState.teams,
            lambda t: rx.el.label(
                rx.el.input(
                    type="checkbox", name=f"{TEAM_FIELD_PREFIX}{t.id}", default_checked=checked(t)
                ),
                f" {t.name} ({t.area_name})",
                class_name="tick",
            ),
        ),
        class_name="field team-ticks",
    )


def _teams_editor() -> rx.Component:
    return rx.card(
        rx.heading("Teams " + PeopleState.editing_name + " manages", as_="h2", size="4"),
        rx.text(
            "A team manager opens and closes their teams' rounds and sees their results and plans. "
            "Tick every team they manage; a team can have more than one manager.",
            size="2",
        ),
        rx.form(
            _team_ticks("Teams", lambda t: PeopleState.editing_team_ids.contains(t.id)),
            rx.hstack(
                rx.button("Save teams", type="submit"),
                rx.button("Cancel", type="button", variant="soft",
                          on_click=PeopleState.stop_editing_teams),
            ),
            on_submit=PeopleState.save_teams,
            key=PeopleState.editing_id.to_string(),
        ),
        width="100%",
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
            _team_ticks("Teams (for a team manager)", lambda t: False),
            rx.button("Make invitation", type="submit"),
            on_submit=PeopleState.invite,
            reset_on_submit=True,
        ),
    )


def people_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading("People", as_="h1", size="7"),
            rx.text(
                "Someone lost their invitation or forgot their password? Make them a new link "
                "with the button on their row, and send it to them.",
            ),
            shown_if(PeopleState.message != "", notice(PeopleState.message)),
            shown_if(PeopleState.confirmation != "", notice(PeopleState.confirmation, "ok")),
            shown_if(PeopleState.link_shown, _issued_link()),
            shown_if(PeopleState.editing_id > 0, _teams_editor()),
            rx.box(
                data_table(["Person", "Status", "Actions"], PeopleState.people, _person_row),
                class_name="scroll-x",
                width="100%",
            ),
            _invite_form(),
            _deactivate_dialog(),
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
    time_zone: str = ""
    message: str = ""
    confirmation: str = ""

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.message = self.confirmation = ""
        self.threshold, self.comment_threshold = admin.thresholds(actor)
        self.time_zone = admin.time_zone(actor)

    @rx.event
    @signed_in
    def save_time_zone(self, actor: Actor, form: dict):
        self.message = self.confirmation = ""
        try:
            admin.set_time_zone(actor, str(form.get("time_zone", "")))
        except InputProblem as problem:
            self.message = str(problem)
            return
        self.time_zone = admin.time_zone(actor)
        self.confirmation = f"Saved. Times are shown in {clock.time_zone_name(self.time_zone)}."

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
            rx.heading("Time zone", as_="h2", size="5", margin_top="1.5em"),
            rx.form(
                field(
                    "Show times in",
                    rx.el.select(
                        *[
                            rx.el.option(clock.time_zone_name(zone), value=zone)
                            for zone in admin.TIME_ZONE_CHOICES
                        ],
                        id="time_zone",
                        name="time_zone",
                        class_name="text-input",
                        default_value=SettingsState.time_zone,
                        key=SettingsState.time_zone,
                    ),
                ),
                rx.text(
                    "Times on the audit log are shown in this zone, with summer time where it "
                    "applies (BST or GMT for UK time).",
                    size="2",
                ),
                rx.button("Save time zone", type="submit"),
                on_submit=SettingsState.save_time_zone,
            ),
            class_name="narrow",
        )
    )


class AuditState(SessionState):
    events: list[AuditRow] = []
    zone_name: str = ""

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.events = admin.audit_log(actor)
        self.zone_name = clock.time_zone_name(admin.time_zone(actor))


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
            rx.text(
                f"The latest {admin.AUDIT_PAGE} administrative changes, newest first. Times are "
                f"{AuditState.zone_name}."
            ),
            rx.box(
                data_table(["When", "Who", "What", "Details"], AuditState.events, _audit_row),
                class_name="scroll-x",
                width="100%",
            ),
            width="100%",
        )
    )
