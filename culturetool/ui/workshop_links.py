"""The panels a workshop's facilitators show its public links with: the collection link (on the
collect page) and the voting link (on the understand page). Each shows the link to copy, its
QR code to put on the screen in the room, the day it closes and, for collection, how many
responses it has taken; and a form to make the link, or a new one in its place (after a
warning: the old address then stops working), or to close it now.

Each panel has its own state, which reads the workshop's id from the page's route and loads
itself when it appears. Like the page around it, it checks the workshop's revision every 1.5
seconds and reads the link again when it moved, so another facilitator's new or closed link
shows here too (an open warning is left as it is). The services decide who may see and change
the links (the workshop's own facilitators). A link's token identifies no one, so it may sit
in the state.
"""

from __future__ import annotations

import datetime as dt

import reflex as rx
import segno

from culturetool import config
from culturetool.domain import clock
from culturetool.domain.access import Actor, Permission
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.limits import DEFAULT_COLLECTION_RESPONSES, MAX_COLLECTION_RESPONSES
from culturetool.services import workshop_links as links
from culturetool.services import workshops
from culturetool.ui import routes
from culturetool.ui.layout import field, link_box, notice, shown_if
from culturetool.ui.session import SessionState, id_number, public, signed_in
from culturetool.ui.workshop_frame import CHECK_EVERY_MS

REPLACE = "replace"
CLOSE = "close"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputProblem("Choose the link's last day.") from None


def _count(text: str) -> int:
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) < 6):
        raise InputProblem(
            f"Give the most responses the link takes as a whole number from 1 to "
            f"{MAX_COLLECTION_RESPONSES:,}."
        )
    return int(text)


class LinkPanelState(SessionState, mixin=True):
    """What a link panel shows; each panel's state is `(LinkPanelState, SessionState)` with
    its purpose."""

    runs_workshop: bool = False  # only the workshop's facilitators see and change its links
    workshop_id_shown: int = 0
    revision_seen: int = 0  # the workshop's revision when the link was read
    has_link: bool = False
    address: str = ""
    qr_code: str = ""  # an SVG data URI
    closes_on_words: str = ""
    taken_words: str = ""  # "12 of 200 responses"
    takes_answers: bool = False
    default_last_day: str = ""  # YYYY-MM-DD, for the form
    confirming: str = ""  # REPLACE or CLOSE while the warning shows
    message: str = ""
    done: str = ""

    def _purpose(self) -> str:
        raise NotImplementedError

    def _show(self, actor: Actor, workshop_id: int | None = None) -> None:
        """Reads the link; nothing is set before the service let this person see it."""
        workshop_id = self.workshop_id_shown if workshop_id is None else workshop_id
        # The revision first: a change landing between the two reads is read again next time.
        revision = workshops.revision_of(actor, workshop_id)
        shown = links.links_of(actor, workshop_id)
        self.revision_seen = revision
        link = shown.collect if self._purpose() == "collect" else shown.vote
        self.workshop_id_shown = shown.workshop_id
        self.runs_workshop = True
        self.has_link = link is not None
        self.default_last_day = (clock.today() + dt.timedelta(days=14)).isoformat()
        if link is None:
            self.address = self.qr_code = self.closes_on_words = self.taken_words = ""
            self.takes_answers = False
            return
        base = config.public_base_url() or self.router.url.origin
        prefix = (
            routes.WORKSHOP_COLLECTION_LINK
            if self._purpose() == "collect"
            else routes.WORKSHOP_VOTING_LINK
        )
        address = f"{base}{prefix}{link.token}"
        if address != self.address or not self.qr_code:
            self.qr_code = segno.make(address, error="m").svg_data_uri(scale=4, border=2)
        self.address = address
        self.closes_on_words = link.closes_on_words
        self.taken_words = f"{link.entries_taken:,} of {link.most_entries:,} responses"
        self.takes_answers = link.takes_answers
        self.default_last_day = link.closes_on.isoformat()

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.message = self.done = self.confirming = ""
        self.runs_workshop = False
        if not actor.can(Permission.RUN_WORKSHOPS):
            return  # a reader of the workshop: the panel stays empty
        try:
            self._show(actor, id_number(self.router.page.params.get("workshop_id", "")))
        except NotFound:
            self.workshop_id_shown = 0

    @rx.event
    @signed_in
    def refresh(self, actor: Actor, _tick: str = ""):
        """The panel's live check: reads the link again only when the workshop changed."""
        if not self.runs_workshop or self.workshop_id_shown == 0:
            return
        if workshops.revision_of(actor, self.workshop_id_shown) != self.revision_seen:
            self._show(actor)

    @rx.event
    @public
    def ask(self, what: str):
        # Shows or hides the warning before replacing or closing; reads and writes nothing.
        self.confirming = what if what in (REPLACE, CLOSE) else ""

    @rx.event
    @signed_in
    def make(self, actor: Actor, form: dict):
        self.message = self.done = ""
        replacing = self.has_link
        try:
            most = (
                _count(str(form.get("most", "")))
                if self._purpose() == "collect"
                else DEFAULT_COLLECTION_RESPONSES
            )
            links.make_link(
                actor,
                self.workshop_id_shown,
                self._purpose(),
                _date(str(form.get("last_day", ""))),
                most_entries=most,
            )
        except (InputProblem, NotFound) as problem:
            self.message = str(problem)
            return
        self.confirming = ""
        self._show(actor)
        self.done = (
            "The new link is ready. The old link no longer works."
            if replacing
            else "The link is ready to share."
        )

    @rx.event
    @signed_in
    def close(self, actor: Actor):
        self.message = self.done = ""
        try:
            links.close_link(actor, self.workshop_id_shown, self._purpose())
        except NotFound as problem:
            self.message = str(problem)
        self.confirming = ""
        self._show(actor)
        if not self.message:
            self.done = "The link is closed. What it brought in stays."

    @rx.event
    @public
    def copy_link(self):
        # Copies the link already on the page; reads nothing from the server.
        return [rx.set_clipboard(self.address), rx.toast.success("Link copied")]


class CollectionLinkState(LinkPanelState, SessionState):
    def _purpose(self) -> str:
        return "collect"


class VotingLinkState(LinkPanelState, SessionState):
    def _purpose(self) -> str:
        return "vote"


def _shown_link(state, name: str, what: str, collect: bool) -> rx.Component:
    details = [
        rx.text(
            rx.cond(
                state.takes_answers,
                f"Open until the end of {state.closes_on_words}.",
                f"Closed: it no longer takes {what}.",
            ),
            weight="bold",
        )
    ]
    if collect:
        details.append(rx.text("Taken so far: ", state.taken_words))
    return rx.hstack(
        rx.vstack(
            rx.el.label("Share this link", html_for=f"{name}-address"),
            link_box(f"{name}-address", state.address),
            *details,
            rx.hstack(
                rx.button("Copy link", on_click=state.copy_link),
                rx.el.a(
                    "Open it as participants see it (new tab)",
                    href=state.address,
                    target="_blank",
                    rel="noreferrer noopener",
                    class_name="plain-link",
                ),
                wrap="wrap",
                align="center",
            ),
            align="start",
            flex="1",
            min_width="min(100%, 18rem)",
        ),
        rx.image(
            src=state.qr_code,
            alt="QR code of the link, for phones to scan",
            width="11rem",
            height="11rem",
        ),
        wrap="wrap",
        spacing="4",
        width="100%",
    )


def _warning(state, text: str, yes: rx.Component) -> rx.Component:
    return rx.box(
        rx.text(text, weight="bold"),
        rx.hstack(
            yes,
            rx.button("Keep the link", type="button", variant="soft", on_click=state.ask("")),
            wrap="wrap",
        ),
        role="alert",
        class_name="notice notice-error",
    )


def _form(state, name: str, collect: bool) -> rx.Component:
    fields = [
        field(
            "Last day it takes " + ("answers" if collect else "votes"),
            rx.el.input(
                id=f"{name}-last-day",
                name="last_day",
                type="date",
                required=True,
                default_value=state.default_last_day,
                key=state.default_last_day,
                class_name="text-input",
            ),
        )
    ]
    if collect:
        fields.append(
            field(
                "Most responses it takes",
                rx.el.input(
                    id=f"{name}-most",
                    name="most",
                    type="number",
                    min=1,
                    max=MAX_COLLECTION_RESPONSES,
                    required=True,
                    default_value=str(DEFAULT_COLLECTION_RESPONSES),
                    class_name="text-input",
                ),
            )
        )
    return rx.form(
        rx.hstack(*fields, wrap="wrap", spacing="4", align="end"),
        rx.cond(
            state.confirming == REPLACE,
            _warning(
                state,
                "Make a new link? The link people have now will stop working; share the new "
                "one instead.",
                rx.button("Yes, make a new link", type="submit", color_scheme="red"),
            ),
            rx.cond(
                state.has_link,
                rx.hstack(
                    rx.button(
                        "Make a new link instead…",
                        type="button",
                        variant="soft",
                        on_click=state.ask(REPLACE),
                    ),
                    rx.button(
                        "Close the link now…",
                        type="button",
                        variant="outline",
                        color_scheme="red",
                        on_click=state.ask(CLOSE),
                    ),
                    wrap="wrap",
                ),
                rx.button("Make the link", type="submit"),
            ),
        ),
        shown_if(
            state.confirming == CLOSE,
            _warning(
                state,
                "Close the link now? People who open it will be told it is not open. What it "
                "has brought in stays.",
                rx.button(
                    "Yes, close the link", type="button", color_scheme="red", on_click=state.close
                ),
            ),
        ),
        on_submit=state.make,
        reset_on_submit=False,
        width="100%",
    )


def _panel(state, name: str, heading: str, intro: str, what: str, collect: bool):
    # The wrapper is always there, so that it loads the panel; the section shows only to the
    # workshop's facilitators.
    return rx.el.div(
        shown_if(
            state.runs_workshop,
            rx.el.section(
                rx.heading(heading, as_="h2", size="5", id=f"{name}-heading"),
                rx.text(intro),
                shown_if(state.message != "", notice(state.message)),
                shown_if(state.done != "", notice(state.done, tone="ok")),
                rx.cond(
                    state.has_link,
                    _shown_link(state, name, what, collect),
                    rx.text("There is no link yet."),
                ),
                _form(state, name, collect),
                rx.moment(
                    interval=CHECK_EVERY_MS,
                    format="x",  # milliseconds, so every tick changes the text and fires
                    on_change=state.refresh,
                    display="none",
                ),
                aria_labelledby=f"{name}-heading",
                class_name="link-panel",
                display="flex",
                flex_direction="column",
                gap="0.75rem",
                margin_y="1.5rem",
            ),
        ),
        on_mount=state.load,
    )


def collection_link_panel() -> rx.Component:
    return _panel(
        CollectionLinkState,
        "collection-link",
        "Collection link",
        "A public form anyone can answer without signing in: the three questions, two "
        "answers each, in standard and easy-read wording. Nothing kept says who answered, "
        "from which device or when. Answers arrive here unthemed.",
        "answers",
        collect=True,
    )


def voting_link_panel() -> rx.Component:
    return _panel(
        VotingLinkState,
        "voting-link",
        "Voting link",
        "Participants vote on their own phones, within the workshop's votes each, without "
        "signing in. Each phone keeps its own ballot; nothing kept says whose it is. Votes "
        "count only while voting is open.",
        "votes",
        collect=False,
    )
