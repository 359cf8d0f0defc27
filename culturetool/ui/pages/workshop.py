"""A workshop's overview and its preparation (stage 1)."""

from __future__ import annotations

import reflex as rx

from culturetool.ui import routes
from culturetool.ui.session import SessionState
from culturetool.ui.workshop_frame import WorkshopPageState, workshop_frame


class WorkshopOverviewState(WorkshopPageState, SessionState):
    pass


def workshop_page() -> rx.Component:
    return workshop_frame(WorkshopOverviewState, routes.WORKSHOP)
