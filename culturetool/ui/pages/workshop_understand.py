"""Stage 4, understand and vote (/workshops/[workshop_id]/understand): the root causes behind
each theme of what is not working well, the ballot, opening and closing voting, a table's votes
for the people without a device, the ranked result with ties shown as ties, and the themes
chosen to address. Every facilitator's page shows the others' changes and the votes coming in
within about two seconds (workshop_frame's live check)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.limits import (
    MAX_PEOPLE_AT_TABLE,
    MAX_VOTES_PER_PARTICIPANT,
    NAME_LENGTH,
    ROOT_CAUSE_LENGTH,
)
from culturetool.domain.workshop.kinds import VotingState
from culturetool.services import workshop_outcomes as service
from culturetool.services.workshop_outcomes import (
    BallotChoice,
    CauseTheme,
    ResultLine,
    RootCauseLine,
    UnderstandView,
)
from culturetool.ui import routes
from culturetool.ui.layout import notice, shown_if
from culturetool.ui.session import SessionState, id_number, signed_in
from culturetool.ui.workshop_frame import WorkshopChangeState, workshop_frame
from culturetool.ui.workshop_links import voting_link_panel

BALLOT_PREFIX = "ballot_"
VOTES_PREFIX = "votes_"
CHOSEN_PREFIX = "chosen_"


def _ticked(form: dict[str, Any], prefix: str) -> list[int]:
    return [
        id_number(key.removeprefix(prefix))
        for key, value in form.items()
        if key.startswith(prefix) and value
    ]


class UnderstandState(WorkshopChangeState, SessionState):
    view: UnderstandView | None = None

    def _reload(self, actor: Actor) -> None:
        self.view = service.understand_view(actor, self.workshop_id_shown)

    @rx.event
    @signed_in
    def add_root_cause(self, actor: Actor, form: dict[str, Any]):
        theme_id = id_number(form.get("theme_id", ""))
        text = str(form.get("text", ""))
        self._change(
            actor,
            lambda: service.add_root_cause(actor, self.workshop_id_shown, theme_id, text),
            "Root cause added.",
        )

    @rx.event
    @signed_in
    def edit_root_cause(self, actor: Actor, form: dict[str, Any]):
        cause_id = id_number(form.get("root_cause_id", ""))
        text = str(form.get("text", ""))
        self._change(
            actor,
            lambda: service.edit_root_cause(actor, self.workshop_id_shown, cause_id, text),
            "Root cause saved.",
        )

    @rx.event
    @signed_in
    def remove_root_cause(self, actor: Actor, root_cause_id: int):
        self._change(
            actor,
            lambda: service.remove_root_cause(
                actor, self.workshop_id_shown, id_number(root_cause_id)
            ),
            "Root cause removed.",
        )

    @rx.event
    @signed_in
    def save_ballot(self, actor: Actor, form: dict[str, Any]):
        themes = _ticked(form, BALLOT_PREFIX)
        self._change(
            actor,
            lambda: service.set_ballot(actor, self.workshop_id_shown, themes),
            "The ballot is saved. Open voting when the room is ready.",
        )

    @rx.event
    @signed_in
    def open_voting(self, actor: Actor):
        self._change(
            actor,
            lambda: service.open_voting(actor, self.workshop_id_shown),
            "Voting is open. Show the room the voting link.",
        )

    @rx.event
    @signed_in
    def close_voting(self, actor: Actor):
        self._change(
            actor,
            lambda: service.close_voting(actor, self.workshop_id_shown),
            "Voting has closed. Choose the themes to address below.",
        )

    @rx.event
    @signed_in
    def record_table_votes(self, actor: Actor, form: dict[str, Any]):
        table = str(form.get("table", ""))
        counts = {
            id_number(key.removeprefix(VOTES_PREFIX)): str(value)
            for key, value in form.items()
            if key.startswith(VOTES_PREFIX)
        }
        self._change(
            actor,
            lambda: service.record_table_votes(
                actor, self.workshop_id_shown, table, str(form.get("people", "")), counts
            ),
            f"Votes recorded for {' '.join(table.split())}.",
        )

    @rx.event
    @signed_in
    def choose_themes(self, actor: Actor, form: dict[str, Any]):
        themes = _ticked(form, CHOSEN_PREFIX)
        self._change(
            actor,
            lambda: service.choose_themes(actor, self.workshop_id_shown, themes),
            "The themes to address are saved. Plan for them on the next page.",
        )


S = UnderstandState
VIEW: Any = S.view
CAN_RUN = VIEW.can_run


def _section(heading: str, *children: rx.Component) -> rx.Component:
    return rx.el.section(
        rx.heading(heading, as_="h2", size="5"),
        *children,
        aria_label=heading,
        class_name="workshop-section",
    )


# ---- root causes -----------------------------------------------------------------------------


def _root_cause(cause: RootCauseLine) -> rx.Component:
    number = cause.id.to_string()
    return rx.el.li(
        rx.cond(
            CAN_RUN,
            rx.form(
                rx.el.input(type="hidden", name="root_cause_id", value=number),
                rx.el.label("Root cause", html_for="cause-" + number, class_name="visually-hidden"),
                rx.el.input(
                    id="cause-" + number,
                    name="text",
                    default_value=cause.text,
                    key=number + "-" + cause.text,
                    max_length=ROOT_CAUSE_LENGTH,
                    required=True,
                    class_name="text-input grow",
                ),
                rx.button("Save", type="submit", variant="surface", size="2"),
                rx.button(
                    "Remove",
                    type="button",
                    variant="outline",
                    color_scheme="gray",
                    size="2",
                    on_click=S.remove_root_cause(cause.id),
                    aria_label="Remove the root cause: " + cause.text,
                ),
                on_submit=S.edit_root_cause,
                class_name="inline-form",
            ),
            rx.text(cause.text),
        ),
        class_name="cause",
    )


def _cause_theme(theme: CauseTheme) -> rx.Component:
    number = theme.id.to_string()
    return rx.el.li(
        rx.heading(theme.statement, as_="h3", size="3"),
        rx.text(theme.entries_text, class_name="muted"),
        rx.cond(
            theme.root_causes.length() > 0,
            rx.el.ul(rx.foreach(theme.root_causes, _root_cause), class_name="causes"),
            rx.text("No root causes yet.", class_name="muted"),
        ),
        shown_if(
            CAN_RUN,
            rx.form(
                rx.el.input(type="hidden", name="theme_id", value=number),
                rx.el.label("Add a root cause", html_for="new-cause-" + number),
                rx.el.div(
                    rx.el.input(
                        id="new-cause-" + number,
                        name="text",
                        max_length=ROOT_CAUSE_LENGTH,
                        required=True,
                        class_name="text-input grow",
                    ),
                    rx.button("Add", type="submit", size="2"),
                    class_name="inline-form",
                ),
                on_submit=S.add_root_cause,
                key=number + "-" + S.form_version.to_string(),
                class_name="field",
            ),
        ),
        class_name="outcome-card",
    )


def _root_causes() -> rx.Component:
    return _section(
        "Root causes",
        rx.text(
            "Why is this not working well? Ask “why?” until you reach something that can be "
            "changed, and note each root cause under its theme.",
            class_name="help",
        ),
        rx.cond(
            VIEW.cause_themes.length() > 0,
            rx.el.ul(rx.foreach(VIEW.cause_themes, _cause_theme), class_name="outcome-list"),
            rx.text(
                "There are no themes of what is not working well yet. Make them on the ",
                rx.link("theme board", href=routes.workshop_board(S.workshop_id_shown)),
                ".",
            ),
        ),
    )


# ---- the vote --------------------------------------------------------------------------------


def _ballot_tick(choice: BallotChoice) -> rx.Component:
    number = choice.id.to_string()
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name=BALLOT_PREFIX + number,
            default_checked=choice.ticked,
            key=number + "-" + choice.ticked.to_string(),
        ),
        " ",
        choice.statement,
        rx.el.span(
            " (" + choice.kind_label + ", " + choice.entries_text + ")",
            class_name="muted",
        ),
        class_name="tick",
    )


def _ballot_form() -> rx.Component:
    return rx.form(
        rx.el.fieldset(
            rx.el.legend("Themes to put to the vote"),
            rx.foreach(VIEW.ballot, _ballot_tick),
            class_name="team-ticks ballot-ticks",
        ),
        rx.el.div(
            rx.button("Save the ballot", type="submit", variant="surface"),
            rx.button("Open voting", type="button", on_click=S.open_voting),
            class_name="button-row",
        ),
        rx.text(
            "Save the ballot first if you changed the ticks. Once voting is open the ballot "
            "cannot change.",
            class_name="help",
        ),
        on_submit=S.save_ballot,
    )


def _on_ballot(choice: BallotChoice) -> rx.Component:
    return shown_if(choice.ticked, rx.el.li(choice.statement))


def _table_count(choice: BallotChoice) -> rx.Component:
    """A count for a theme on the ballot, in the ballot's order, which stays put while the
    ranking moves as votes come in."""
    number = choice.id.to_string()
    return shown_if(
        choice.ticked,
        rx.el.div(
            rx.el.label(choice.statement, html_for="table-votes-" + number),
            rx.el.input(
                id="table-votes-" + number,
                name=VOTES_PREFIX + number,
                type="number",
                min=0,
                max=MAX_PEOPLE_AT_TABLE * MAX_VOTES_PER_PARTICIPANT,
                input_mode="numeric",
                class_name="text-input number-input",
            ),
            class_name="field table-count",
            key=number,
        ),
    )


def _table_votes_form() -> rx.Component:
    return rx.el.details(
        rx.el.summary("Record a table's votes", class_name="form-summary"),
        rx.form(
            rx.text(
                "For the people at a table without a phone: count their dots on each theme. "
                "Recording the same table again replaces its earlier count.",
                class_name="help",
            ),
            rx.el.div(
                rx.el.label("Table", html_for="table-name"),
                rx.el.input(
                    id="table-name",
                    name="table",
                    required=True,
                    max_length=NAME_LENGTH,
                    placeholder="Table 3",
                    class_name="text-input",
                ),
                class_name="field",
            ),
            rx.el.div(
                rx.el.label("People at the table voting this way", html_for="table-people"),
                rx.el.input(
                    id="table-people",
                    name="people",
                    type="number",
                    min=1,
                    max=MAX_PEOPLE_AT_TABLE,
                    required=True,
                    input_mode="numeric",
                    class_name="text-input number-input",
                ),
                class_name="field",
            ),
            rx.el.fieldset(
                rx.el.legend("Votes on each theme"),
                rx.foreach(VIEW.ballot, _table_count),
                class_name="table-counts",
            ),
            rx.button("Record the table's votes", type="submit"),
            on_submit=S.record_table_votes,
            key=S.form_version.to_string(),
            class_name="new-action",
        ),
        class_name="new-action-box",
    )


def _result_row(line: ResultLine) -> rx.Component:
    return rx.el.tr(
        rx.el.td(line.place, custom_attrs={"data-label": "Place"}),
        rx.el.th(line.statement, scope="row", custom_attrs={"data-label": "Theme"}),
        rx.el.td(line.votes.to_string(), custom_attrs={"data-label": "Votes"}),
        rx.el.td(
            rx.cond(
                line.chosen,
                "Chosen to address",
                rx.cond(line.suggested & (VIEW.chosen_text == ""), "Suggested", ""),
            ),
        ),
    )


def _results() -> rx.Component:
    return rx.el.table(
        rx.el.caption("The vote, most votes first. Themes with the same votes share a place."),
        rx.el.thead(
            rx.el.tr(
                rx.el.th("Place", scope="col"),
                rx.el.th("Theme", scope="col"),
                rx.el.th("Votes", scope="col"),
                rx.el.th(rx.el.span("Note", class_name="visually-hidden"), scope="col"),
            )
        ),
        rx.el.tbody(rx.foreach(VIEW.results, _result_row)),
        class_name="results-table stack-on-phone",
    )


def _vote() -> rx.Component:
    voting = VIEW.voting
    return _section(
        "The vote",
        rx.el.p(VIEW.voting_text, role="status", class_name="voting-state"),
        rx.text(VIEW.budget_text, class_name="help"),
        # Made before voting opens, so its QR code can be on the screen when it does.
        shown_if(CAN_RUN, voting_link_panel()),
        rx.cond(
            voting == VotingState.NOT_OPEN.value,
            rx.cond(
                CAN_RUN,
                _ballot_form(),
                rx.fragment(
                    rx.text("Themes proposed for the ballot:"),
                    rx.el.ul(rx.foreach(VIEW.ballot, _on_ballot)),
                ),
            ),
            rx.fragment(
                shown_if(
                    CAN_RUN & (voting == VotingState.OPEN.value),
                    rx.fragment(
                        _table_votes_form(),
                        rx.el.div(
                            rx.button(
                                "Close voting",
                                type="button",
                                color_scheme="red",
                                on_click=S.close_voting,
                            ),
                            rx.text(
                                "Closing is final: no more votes are taken, and the result "
                                "below stands.",
                                class_name="help",
                            ),
                            class_name="button-row",
                        ),
                    ),
                ),
                _results(),
            ),
        ),
    )


# ---- choosing the themes to address ----------------------------------------------------------


def _choice_tick(line: ResultLine) -> rx.Component:
    number = line.theme_id.to_string()
    ticked = rx.cond(VIEW.chosen_text != "", line.chosen, line.suggested)
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name=CHOSEN_PREFIX + number,
            default_checked=ticked,
            key=number + "-" + ticked.to_string(),
        ),
        " ",
        line.place,
        ": ",
        line.statement,
        rx.el.span(" (" + line.votes.to_string() + " votes)", class_name="muted"),
        class_name="tick",
    )


def _choose() -> rx.Component:
    return shown_if(
        VIEW.voting == VotingState.CLOSED.value,
        _section(
            "Themes to address",
            rx.cond(
                VIEW.chosen_text != "",
                rx.text(VIEW.chosen_text),
                rx.text(
                    "None chosen yet. The vote's top three themes are ticked as a suggestion; a "
                    "tie at the cut-off brings in every tied theme.",
                    class_name="help",
                ),
            ),
            shown_if(
                CAN_RUN,
                rx.form(
                    rx.el.fieldset(
                        rx.el.legend("Choose the themes to address"),
                        rx.foreach(VIEW.results, _choice_tick),
                        class_name="team-ticks ballot-ticks",
                    ),
                    rx.button("Save the themes to address", type="submit"),
                    on_submit=S.choose_themes,
                ),
            ),
            rx.link(
                "Go on to success, plan and review",
                href=routes.workshop_plan(S.workshop_id_shown),
            ),
        ),
    )


def understand_page() -> rx.Component:
    return workshop_frame(
        S,
        routes.WORKSHOP_UNDERSTAND,
        shown_if(S.message != "", notice(S.message)),
        rx.el.p(S.saved, aria_live="polite", class_name="saved-note"),
        rx.cond(
            VIEW,
            rx.fragment(_root_causes(), _vote(), _choose()),
            rx.text("Loading the workshop…"),
        ),
    )
