"""A team: open a round, share its link, close it, and find each round's results."""

from __future__ import annotations

import reflex as rx
import segno
from reflex.event import EventSpec

from culturetool import config
from culturetool.domain.access import Actor, Permission
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import AccessMode
from culturetool.domain.wording import count_of
from culturetool.reports.codes_sheet import codes_list_csv, codes_sheet_html
from culturetool.services import admin, organisation, responding, rounds
from culturetool.services.admin import PersonChoice
from culturetool.ui import routes
from culturetool.ui.layout import (
    breadcrumb,
    data_table,
    link_box,
    not_found,
    notice,
    page_frame,
    radio_choice,
    shown_if,
)
from culturetool.ui.session import SessionState, id_number, public, signed_in
from culturetool.views.organisation import RoundSummary


class TeamState(SessionState):
    found: bool = True
    team_id_shown: int = 0
    team_name: str = ""
    area_name: str = ""
    survey_minutes: int = 0
    can_run_rounds: bool = False
    can_view_results: bool = False
    rounds: list[RoundSummary] = []
    share_link: str = ""
    share_qr: str = ""
    error: str = ""
    confirming_close: bool = False
    # The form for a new round. The codes it makes are never kept in state (Reflex saves state
    # to disk): they go to the browser as downloads from the handler that made them.
    access_mode_choice: str = AccessMode.CODES.value
    staff_count_text: str = ""
    more_codes_text: str = ""
    codes_sent: int = 0  # how many codes were just downloaded, to say so on the page
    managers: list[str] = []
    # The team's number of staff as recorded (0: not yet), and the form that changes it.
    team_staff_count: int = 0
    can_record_staff_count: bool = False
    team_staff_text: str = ""
    staff_message: str = ""
    # For an administrator: the team's managers and the other team managers, to assign them.
    can_assign_managers: bool = False
    assigned_managers: list[PersonChoice] = []
    other_managers: list[PersonChoice] = []
    chosen_manager: str = ""
    confirmation: str = ""

    @rx.var
    def open_round(self) -> RoundSummary | None:
        return next((r for r in self.rounds if r.is_open), None)

    @rx.var
    def has_open_round(self) -> bool:
        return any(r.is_open for r in self.rounds)

    @rx.var
    def responses_so_far(self) -> str:
        """ "1 response so far" for the open round."""
        current = next((r for r in self.rounds if r.is_open), None)
        count = current.responses if current else 0
        return f"{count_of(count, 'response', 'responses')} so far"

    @rx.var
    def codes_sent_text(self) -> str:
        return count_of(self.codes_sent, "code was", "codes were")

    @rx.var
    def managed_by(self) -> str:
        """Who manages the team, and so who opens its rounds, in one sentence."""
        if not self.managers:
            return "This team has no manager yet, so nobody can open a round for it."
        managers = "manager" if len(self.managers) == 1 else "managers"
        return f"Rounds are opened and closed by the team's {managers}: {_names(self.managers)}."

    def _refresh(self, actor: Actor, team_id: int) -> None:
        try:
            view = organisation.team_view(actor, team_id)
        except NotFound:
            self.found = False
            return
        self.found = True
        self.team_id_shown = view.id
        self.team_name = view.name
        self.area_name = view.area_name
        self.survey_minutes = view.survey_minutes
        self.can_run_rounds = view.can_run_rounds
        self.can_view_results = view.can_view_results
        self.rounds = view.rounds
        self.managers = view.managers
        self.team_staff_count = view.staff_count
        self.can_record_staff_count = view.can_record_staff_count
        self.team_staff_text = str(view.staff_count) if view.staff_count else ""
        if not self.staff_count_text and view.staff_count:
            self.staff_count_text = str(view.staff_count)  # the new round's form starts from it
        self.can_assign_managers = actor.can(Permission.MANAGE_USERS)
        if self.can_assign_managers:
            choices = admin.team_managers(actor, view.id)
            self.assigned_managers, self.other_managers = choices.assigned, choices.others
            self.chosen_manager = ""
        current = next((r for r in view.rounds if r.is_open), None)
        # The service hands the token only to those who run this team's rounds.
        if current is None or not current.token:
            self.share_link = self.share_qr = ""
            return
        base = config.public_base_url() or self.router.url.origin
        self.share_link = f"{base}/r/{current.token}"
        self.share_qr = segno.make(self.share_link, error="m").svg_data_uri(scale=4, border=2)

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.error = self.confirmation = self.staff_message = ""
        self.staff_count_text = ""
        self.confirming_close = False
        self.access_mode_choice = AccessMode.CODES.value  # as the freshly drawn form shows it
        self._refresh(actor, id_number(self.team_id))

    @rx.event
    @signed_in
    def check_again(self, actor: Actor):
        """Read the round's count again: answers arrive while the page stays open."""
        self.error = self.confirmation = ""
        self._refresh(actor, self.team_id_shown)

    @rx.event
    @public
    def choose_manager(self, user_id: str):
        self.chosen_manager = user_id  # a form field; assigning checks it

    @rx.event
    @signed_in
    def assign_manager(self, actor: Actor):
        self._set_manager(actor, id_number(self.chosen_manager), True)

    @rx.event
    @signed_in
    def unassign_manager(self, actor: Actor, user_id: int):
        self._set_manager(actor, user_id, False)

    def _set_manager(self, actor: Actor, user_id: int, manages: bool) -> None:
        self.error = self.confirmation = ""
        if not user_id:
            self.error = "Choose the team manager to assign."
            return
        try:
            admin.set_team_manager(actor, self.team_id_shown, user_id, manages)
        except (InputProblem, NotFound) as problem:
            self.error = str(problem)
            return
        self._refresh(actor, self.team_id_shown)
        self.confirmation = "Saved. " + self.managed_by

    @rx.event
    @public
    def choose_access_mode(self, mode: str):
        self.access_mode_choice = mode  # a form field; the service checks it on opening

    @rx.event
    @public
    def type_staff_count(self, text: str):
        self.staff_count_text = text  # a form field; the service checks it on opening

    @rx.event
    @public
    def type_team_staff(self, text: str):
        self.team_staff_text = text  # a form field; the service checks it on saving

    @rx.event
    @signed_in
    def save_staff_count(self, actor: Actor):
        self.error = self.confirmation = self.staff_message = ""
        try:
            organisation.set_staff_count(
                actor, self.team_id_shown, whole_number(self.team_staff_text)
            )
        except (InputProblem, NotFound) as problem:
            self.staff_message = str(problem)
            return
        self._refresh(actor, self.team_id_shown)
        self.confirmation = f"Saved: {self.team_name} has {self.team_staff_count} staff."

    @rx.event
    @public
    def type_more_codes(self, text: str):
        self.more_codes_text = text  # a form field; the service checks it

    def _code_downloads(self, codes: list[str]) -> list[EventSpec]:
        self.codes_sent = len(codes)
        name = self.team_name.replace(" ", "-").lower()
        return [
            rx.download(
                data=codes_sheet_html(self.team_name, self.share_link, codes),
                filename=f"code-cards-{name}.html",
                mime_type="text/html",
            ),
            rx.download(
                data=codes_list_csv(self.team_name, self.share_link, codes),
                filename=f"codes-{name}.csv",
                mime_type="text/csv",
            ),
        ]

    @rx.event
    @signed_in
    def open_new_round(self, actor: Actor):
        self.error = ""
        self.codes_sent = 0
        try:
            opened = responding.open_round(
                actor,
                self.team_id_shown,
                access_mode=self.access_mode_choice,
                staff_count=whole_number(self.staff_count_text),
            )
        except (InputProblem, NotFound) as problem:
            self.error = str(problem)
            opened = None
        else:
            # The form shows personal codes chosen when it next appears: the state agrees.
            self.access_mode_choice, self.staff_count_text = AccessMode.CODES.value, ""
        self._refresh(actor, self.team_id_shown)
        return self._code_downloads(opened.codes) if opened and opened.codes else None

    @rx.event
    @signed_in
    def make_more_codes(self, actor: Actor):
        self.error = ""
        self.codes_sent = 0
        current = self.open_round
        if current is None:
            return None
        try:
            codes = responding.more_codes(actor, current.id, whole_number(self.more_codes_text))
        except (InputProblem, NotFound) as problem:
            self.error = str(problem)
            return None
        self.more_codes_text = ""
        self._refresh(actor, self.team_id_shown)
        return self._code_downloads(codes)

    @rx.event
    @signed_in
    def withdraw_codes(self, actor: Actor):
        self.error = ""
        self.codes_sent = 0
        current = self.open_round
        if current is None:
            return
        try:
            withdrawn = responding.withdraw_unused_codes(actor, current.id)
        except (InputProblem, NotFound) as problem:
            self.error = str(problem)
            return
        self._refresh(actor, self.team_id_shown)
        self.error = (
            f"{count_of(withdrawn, 'unused code no longer works', 'unused codes no longer work')}."
            " Make new codes for the people who have not answered yet."
        )

    @rx.event
    @public
    def ask_to_close(self, asking: bool):
        self.confirming_close = asking  # only shows or hides the question; no data

    @rx.event
    @signed_in
    def close_current_round(self, actor: Actor):
        self.confirming_close = False
        current = self.open_round
        if current is not None:
            try:
                rounds.close_round(actor, current.id)
            except NotFound as problem:
                self.error = str(problem)
        self._refresh(actor, self.team_id_shown)

    @rx.event
    @public
    def copy_link(self):
        # Copies the link already on the page; reads nothing from the server.
        return [rx.set_clipboard(self.share_link), rx.toast.success("Link copied")]


def whole_number(text: str) -> int:
    """A number typed in a form; 0 when it is not a whole number, which the services refuse
    with a message that says what to type."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 6 else 0


def _names(names: list[str]) -> str:
    """ "Ann", "Ann and Bo", "Ann, Bo and Cy"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _managers_panel() -> rx.Component:
    """For an administrator: who manages the team, taking one off, assigning another."""
    return rx.card(
        rx.heading("Team manager", as_="h2", size="5"),
        rx.text(TeamState.managed_by),
        rx.cond(
            TeamState.assigned_managers.length() > 0,
            rx.el.ul(
                rx.foreach(
                    TeamState.assigned_managers,
                    lambda m: rx.el.li(
                        rx.hstack(
                            rx.text(m.name, as_="span"),
                            rx.button(
                                "Take off this team", size="1", variant="outline",
                                color_scheme="red", on_click=TeamState.unassign_manager(m.id),
                                # The visible words first, so voice control users can say them.
                                aria_label="Take off this team: " + m.name,
                            ),
                            align="center", wrap="wrap",
                        ),
                        class_name="team-row",
                    ),
                ),
                class_name="team-list",
            ),
        ),
        rx.cond(
            TeamState.other_managers.length() > 0,
            rx.hstack(
                rx.el.div(
                    rx.el.label("Assign a team manager", html_for="manager-choice"),
                    rx.el.select(
                        rx.el.option("Choose a team manager", value=""),
                        rx.foreach(
                            TeamState.other_managers,
                            lambda m: rx.el.option(m.name, value=m.id.to_string()),
                        ),
                        id="manager-choice", value=TeamState.chosen_manager,
                        on_change=TeamState.choose_manager, class_name="text-input",
                    ),
                    class_name="field",
                ),
                rx.button("Assign", on_click=TeamState.assign_manager, margin_bottom="0.75rem"),
                align="end", wrap="wrap",
            ),
        ),
        rx.text(
            "To add someone new as a manager, invite them as a team manager on the ",
            rx.link("People page", href=routes.PEOPLE), ".",
            size="2",
        ),
        width="100%",
    )  # fmt: skip


def _staff_panel() -> rx.Component:
    """The team's number of staff: the response rate's denominator, and what the rounds of an
    assessment period open with."""
    return rx.card(
        rx.heading("Number of staff", as_="h2", size="5"),
        rx.text(
            rx.cond(
                TeamState.team_staff_count > 0,
                f"{TeamState.team_name} has {TeamState.team_staff_count} staff.",
                "Not recorded yet.",
            ),
            " It is used for the response rate and when an assessment period opens the "
            "team's round; change it when people join or leave.",
        ),
        rx.hstack(
            *_number_field(
                "How many people work in the team?",
                "team-staff",
                TeamState.team_staff_text,
                TeamState.type_team_staff,
            ),  # fmt: skip
            rx.button("Save the number", variant="soft", on_click=TeamState.save_staff_count),
            align="center",
            wrap="wrap",
        ),
        shown_if(TeamState.staff_message != "", notice(TeamState.staff_message)),
        width="100%",
    )


def _round_row(round_: RoundSummary) -> rx.Component:
    return rx.table.row(
        rx.table.cell(round_.opened_on),
        rx.table.cell(rx.cond(round_.period_name != "", round_.period_name, "None")),
        rx.table.cell(
            rx.cond(round_.is_open, rx.badge("Open", color_scheme="green"), round_.closed_on)
        ),
        rx.table.cell(round_.responses),
        rx.table.cell(round_.model_label),
        rx.table.cell(
            rx.cond(
                TeamState.can_view_results,
                rx.link("Results", href=routes.round_results(round_.id)),
                "Not available to your role",
            )
        ),
    )


def _share_panel() -> rx.Component:
    current = TeamState.open_round
    return rx.card(
        rx.heading("Round open", as_="h2", size="5"),
        shown_if(current.period_over != "", notice(current.period_over)),
        rx.text(
            f"Opened {current.opened_on}. {TeamState.responses_so_far}",
            rx.cond(current.staff_count > 0, f" from a team of {current.staff_count}", ""),
            rx.cond(
                current.access_mode == AccessMode.CODES,
                ", each with a personal code. ",
                " through the open link. ",
            ),
            rx.cond(
                current.responses >= current.threshold,
                "Enough people have answered for scores to show on the results page.",
                f"Scores appear once {current.threshold} people have answered.",
            ),
            " ",
            rx.button(
                "Check for new answers", variant="ghost", size="1", on_click=TeamState.check_again
            ),
        ),
        rx.hstack(
            rx.vstack(
                rx.el.label("Share this link with everyone in the team", html_for="share-link"),
                link_box("share-link", TeamState.share_link),
                rx.hstack(
                    rx.button("Copy link", on_click=TeamState.copy_link),
                    rx.link(
                        rx.button("See results", variant="soft"),
                        href=routes.round_results(current.id),
                    ),
                    rx.button(
                        "Close this round",
                        color_scheme="red",
                        variant="outline",
                        on_click=TeamState.ask_to_close(True),
                    ),
                    wrap="wrap",
                ),
                rx.cond(
                    TeamState.confirming_close,
                    rx.box(
                        rx.text(
                            "Close the round? People who have the link will no longer be able "
                            "to answer. This cannot be undone.",
                            weight="bold",
                        ),
                        rx.hstack(
                            rx.button(
                                "Yes, close the round",
                                color_scheme="red",
                                on_click=TeamState.close_current_round,
                            ),
                            rx.button(
                                "Keep it open",
                                variant="soft",
                                on_click=TeamState.ask_to_close(False),
                            ),
                        ),
                        role="alert",
                        class_name="notice notice-error",
                    ),
                ),
                rx.text(
                    "The link is for the team's staff only: do not post it where others can "
                    "see it. It works for this round only. Answers are anonymous: nobody, "
                    "including you, can see who said what.",
                    size="2",
                ),
                # A plain link: the questionnaire is served outside Reflex, so the client-side
                # router (rx.link) would not find it.
                rx.el.a(
                    "Open the questionnaire as staff see it (opens in a new tab)",
                    href=TeamState.share_link,
                    target="_blank",
                    rel="noreferrer noopener",
                    class_name="plain-link",
                ),
                rx.link(
                    "Import responses collected on paper or in another survey tool",
                    href=routes.round_import(current.id),
                ),
                rx.cond(current.access_mode == AccessMode.CODES, _codes_panel()),
                align="start",
                flex="1",
                # Wide enough to read: on a phone the QR code goes below instead of squeezing it.
                min_width="min(100%, 20rem)",
            ),
            rx.image(src=TeamState.share_qr, alt="QR code of the share link", width="164px"),
            wrap="wrap",
            spacing="5",
            width="100%",
        ),
        class_name="share-panel",
    )


def _codes_panel() -> rx.Component:
    current = TeamState.open_round
    return rx.box(
        rx.cond(
            TeamState.codes_sent > 0,
            rx.text(
                f"{TeamState.codes_sent_text} downloaded to your computer twice over: "
                "the code cards to print, and the codes as a list. They are not kept anywhere, "
                "so they cannot be shown again. Give one card to each person.",
                role="status",
                weight="bold",
            ),
        ),
        rx.text(
            f"Each person needs a code from a card to answer. The team has {current.staff_count} "
            "staff; codes and answers together can never be more than that.",
            size="2",
        ),
        rx.hstack(
            *_number_field(
                "How many more codes?",
                "more-codes",
                TeamState.more_codes_text,
                TeamState.type_more_codes,
            ),  # fmt: skip
            rx.button("Make more codes", variant="soft", on_click=TeamState.make_more_codes),
            align="center",
            wrap="wrap",
        ),
        rx.text(
            "Cards lost, or given to the wrong people? Withdraw the unused codes, then make new "
            "ones for those who have not answered.",
            size="2",
        ),
        rx.button(
            "Withdraw all unused codes",
            variant="outline",
            color_scheme="red",
            on_click=TeamState.withdraw_codes,
        ),
    )


def _mode_choice(mode: AccessMode, label: str) -> rx.Component:
    # Not bound to the state's value: the browser shows the choice at once, and the handler
    # only tells the server which one it is.
    return radio_choice(
        "access_mode",
        mode,
        label,
        mode == AccessMode.CODES,
        on_change=TeamState.choose_access_mode(mode),
    )


def _number_field(label: str, field_id: str, value, on_change) -> tuple[rx.Component, ...]:
    """A label and a short whole-number input, side by side or stacked as the caller lays out."""
    return (
        rx.el.label(label, html_for=field_id),
        rx.el.input(
            id=field_id,
            value=value,
            on_change=on_change,
            input_mode="numeric",
            class_name="text-input",
            width="6em",
        ),
    )


def _open_round_form() -> rx.Component:
    return rx.card(
        rx.heading("Start a self-assessment", as_="h2", size="5"),
        rx.text(
            "Open a round for the team. Everyone answers anonymously; it takes about "
            f"{TeamState.survey_minutes} minutes."
        ),
        rx.el.div(
            *_number_field(
                "How many people are in the team?",
                "staff-count",
                TeamState.staff_count_text,
                TeamState.type_staff_count,
            ),
            class_name="field",
        ),  # fmt: skip
        rx.text("No more people than this can answer.", size="2"),
        rx.text("How will people answer?", as_="div", weight="bold"),
        _mode_choice(
            AccessMode.CODES,
            "With personal codes (recommended, above all for small teams): you print one card "
            "per person, and each code works once.",
        ),
        _mode_choice(AccessMode.LINK, "With an open link: anyone who has the link can answer."),
        rx.button("Open a new round", on_click=TeamState.open_new_round),
    )


def team_page() -> rx.Component:
    return page_frame(
        rx.cond(
            TeamState.found,
            rx.vstack(
                breadcrumb(rx.text(TeamState.area_name, as_="span")),
                rx.heading(TeamState.team_name, as_="h1", size="7"),
                shown_if(
                    TeamState.can_view_results,
                    rx.hstack(
                        rx.link(
                            "What to do next",
                            href=routes.team_recommendations(TeamState.team_id_shown),
                        ),
                        rx.link("Action plan", href=routes.team_plan(TeamState.team_id_shown)),
                        rx.link(
                            "Targets", href=routes.targets_for("team", TeamState.team_id_shown)
                        ),
                        spacing="5",
                        wrap="wrap",
                    ),
                ),
                shown_if(TeamState.error != "", notice(TeamState.error)),
                shown_if(TeamState.confirmation != "", notice(TeamState.confirmation, "ok")),
                rx.cond(
                    TeamState.can_assign_managers,
                    _managers_panel(),
                    shown_if(~TeamState.can_run_rounds, rx.text(TeamState.managed_by)),
                ),
                shown_if(TeamState.can_record_staff_count, _staff_panel()),
                shown_if(
                    TeamState.can_run_rounds,
                    rx.cond(
                        TeamState.has_open_round,
                        _share_panel(),
                        _open_round_form(),
                    ),
                ),
                rx.heading("Rounds", as_="h2", size="5"),
                rx.cond(
                    TeamState.rounds.length() > 0,
                    data_table(
                        ["Opened", "Period", "Closed", "Responses", "Model version", "Results"],
                        TeamState.rounds,
                        _round_row,
                    ),
                    rx.text("No rounds yet."),
                ),
                spacing="4",
                width="100%",
            ),
            not_found("Team not found", "There is no team at this address."),
        ),
    )
