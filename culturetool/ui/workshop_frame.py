"""What every workshop page shares: its state's base (the workshop's id, title, stage and the
revision its view was read at), the frame around its content (title, stage, the stage
navigation) and the live check that reloads the page when someone else changed the workshop.

The live check is a timer in the browser (`rx.moment` with an interval), which asks
`services.workshops.revision_of` for one number every 1.5 seconds and reloads the page's view
from the database only when that number moved. Nothing about a workshop is kept in a process's
memory: each check reads the database, so it works the same with several app processes behind
Redis. The timer is part of the page, so it stops when the page is closed or left.
"""

from __future__ import annotations

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.services import workshops
from culturetool.ui import routes
from culturetool.ui.layout import page_frame
from culturetool.ui.session import SessionState, id_number, signed_in

CHECK_EVERY_MS = 1500
CHANGE_ARRIVED = "Updated with a change from another facilitator."

# The stage navigation: each page's route pattern, its words and its address builder.
STAGE_PAGES = (
    (routes.WORKSHOP, "Overview and preparation", routes.workshop),
    (routes.WORKSHOP_COLLECT, "Collect", routes.workshop_collect),
    (routes.WORKSHOP_BOARD, "Theme", routes.workshop_board),
    (routes.WORKSHOP_UNDERSTAND, "Understand and vote", routes.workshop_understand),
    (routes.WORKSHOP_PLAN, "Success, plan and review", routes.workshop_plan),
    (routes.WORKSHOP_SUMMARY, "Summary", routes.workshop_summary),
)


class WorkshopPageState(SessionState, mixin=True):
    """The base of every workshop page's state, as a Reflex mixin, so each page gets vars and
    handlers of its own and `load` runs the page's own `_reload`. Declare a page's state as
    `class CollectState(WorkshopPageState, SessionState)` (naming SessionState too makes it a
    state of its own rather than another mixin), override `_reload` to read the page's view from
    its service, and give `app.add_page` its `load` as on_load.

    After a write of its own, a page calls `self._refresh(actor)`, so that its own change is
    not announced as someone else's."""

    workshop_id_shown: int = 0
    workshop_title: str = ""
    stage_text: str = ""  # "This workshop is at stage 2 of 8: Collect."
    revision: int = 0
    found: bool = True
    message: str = ""  # a refusal or a conflict, in words that say what to do
    live_update: str = ""  # read out politely when someone else's change arrived

    def _reload(self, actor: Actor) -> None:
        """Reads this page's view of workshop `self.workshop_id_shown` (pages override it)."""

    def _opened(self) -> None:
        """Clears what the page keeps between its own events, as it opens (pages override it)."""

    def _refresh(self, actor: Actor, workshop_id: int | None = None) -> None:
        """The heading and revision first, then the page's view: a change that lands between
        the two shows now and is read again at the next check, which is harmless. Nothing is
        set before the heading is read, so a refused person's page stays empty."""
        try:
            heading = workshops.workshop_heading(
                actor, self.workshop_id_shown if workshop_id is None else workshop_id
            )
            self.workshop_id_shown = heading.id
            self._reload(actor)
        except NotFound:
            self.found = False
            self.workshop_id_shown = 0
            self.workshop_title = self.stage_text = ""
            return
        self.found = True
        self.workshop_title = heading.title
        self.stage_text = heading.stage_text
        self.revision = heading.revision

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.message = self.live_update = ""
        self.revision = 0
        self._opened()
        self._refresh(actor, id_number(self.router.page.params.get("workshop_id", "")))

    @rx.event
    @signed_in
    def check_for_changes(self, actor: Actor, _tick: str = ""):
        """The timer's tick: reloads only when the workshop's revision moved since the view."""
        if not self.found or self.workshop_id_shown == 0 or self.revision == 0:
            return
        try:
            latest = workshops.revision_of(actor, self.workshop_id_shown)
        except NotFound:
            self.found = False
            return
        if latest != self.revision:
            self._refresh(actor)
            self.live_update = CHANGE_ARRIVED


class WorkshopChangeState(WorkshopPageState, mixin=True):
    """A workshop page whose forms each make one change through a service (the understand and
    plan pages): declared as `class XState(WorkshopChangeState, SessionState)`."""

    saved: str = ""  # what the last change did, read out politely
    form_version: int = 0  # raised after a save, so the add forms are drawn empty again

    def _change(self, actor: Actor, change, done: str) -> None:
        """Makes one change through the service: says what it did, or what to fix."""
        self.message = self.saved = self.live_update = ""
        try:
            change()
        except (InputProblem, NotFound) as problem:
            self.message = str(problem)
            self._refresh(actor)
            return
        self.saved = done
        self.form_version += 1
        self._refresh(actor)


def _stage_navigation(state, current_route_name: str) -> rx.Component:
    links = [
        rx.el.li(
            rx.link(
                words,
                href=address(state.workshop_id_shown),
                aria_current="page" if route == current_route_name else None,
                class_name="stage-link",
            )
        )
        for route, words, address in STAGE_PAGES
    ]
    return rx.el.nav(
        rx.el.ol(*links, class_name="stage-list"),
        aria_label="Workshop stages",
        class_name="stage-nav",
    )


def _live_check(state) -> rx.Component:
    """The timer: a hidden clock whose every tick sends `check_for_changes`."""
    return rx.moment(
        interval=CHECK_EVERY_MS,
        format="x",  # milliseconds: the text changes at every tick, and each change fires
        on_change=state.check_for_changes,
        display="none",
    )


def workshop_frame(state, current_route_name: str, *children: rx.Component) -> rx.Component:
    """A workshop page: the staff page frame with the workshop's title and stage, the stage
    navigation (the current page marked), a polite live region for others' changes, the live
    check, and the page's own content. `state` is the page's WorkshopPageState subclass."""
    return page_frame(
        rx.cond(
            state.found,
            rx.fragment(
                rx.el.nav(
                    rx.link("All workshops", href=routes.WORKSHOPS),
                    aria_label="Breadcrumb",
                    class_name="breadcrumb",
                ),
                rx.heading(state.workshop_title, as_="h1", size="7", class_name="page-title"),
                rx.text(state.stage_text, class_name="stage-now"),
                _stage_navigation(state, current_route_name),
                rx.el.p(state.live_update, aria_live="polite", class_name="live-update"),
                rx.cond(state.revision > 0, _live_check(state)),
                *children,
            ),
            rx.vstack(
                rx.heading("Workshop not found", as_="h1", size="7"),
                rx.text(
                    "There is no such workshop. It may have been removed, or the link is wrong."
                ),
                rx.link("Back to all workshops", href=routes.WORKSHOPS),
            ),
        )
    )
