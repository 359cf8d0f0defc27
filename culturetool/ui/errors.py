"""What happens when an event handler fails: one plain line in the log, one plain message shown.

Reflex's default handler logs the whole traceback, whose frames and messages can hold the
event's payload (what someone typed) and its router data. This one logs the exception's type
and where in culturetool it was raised, nothing else, and tells the person what to do.
(No `from __future__ import annotations`: Reflex evaluates this function's annotations.)
"""

import logging
import traceback

import reflex as rx
from reflex.event import EventSpec

from culturetool.ui.layout import not_found, page_frame

logger = logging.getLogger(__name__)

SOMETHING_WENT_WRONG = "Something went wrong with that request. Reload the page and try again."
OUR_PACKAGE = "culturetool"


def where_raised(exception: Exception) -> str:
    """The innermost culturetool function the exception passed through, or "Reflex"."""
    place = "Reflex"
    for frame, _line in traceback.walk_tb(exception.__traceback__):
        module = frame.f_globals.get("__name__", "")
        if module == OUR_PACKAGE or module.startswith(OUR_PACKAGE + "."):
            place = f"{module}.{frame.f_code.co_qualname}"
    return place


def backend_exception_handler(exception: Exception) -> EventSpec:
    logger.error(
        "An event handler failed: %s in %s", type(exception).__name__, where_raised(exception)
    )
    return rx.toast(
        SOMETHING_WENT_WRONG,
        level="error",
        fallback_to_alert=True,
        id="backend_error",
        position="top-center",
    )


def no_such_page() -> rx.Component:
    """What an address that is none of the app's pages shows, in the usual frame with a way on
    (Reflex's own says only "404: Page not found")."""
    return page_frame(
        not_found(
            "There is no page at this address",
            "The link may be cut short or out of date. Check it, or start again from your teams.",
        )
    )
