"""The "Download the report (PDF)" button of the county dashboard and its drill-down: the report
is made in a background event, with a progress bar while it is made, then handed to the browser.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.errors import InputProblem
from culturetool.services.county_report import county_report
from culturetool.ui.layout import shown_if
from culturetool.ui.scores import send_file
from culturetool.ui.session import SessionState, id_number, signed_in_background

PROGRESS_EVERY_SECONDS = 0.3


class CountyReportState(SessionState):
    making: bool = False
    done: int = 0
    total: int = 0
    problem: str = ""

    @rx.event(background=True)
    @signed_in_background
    async def make_report(self, actor: Actor, period_id: str, area_id: str):
        """The report of the period's county, or of one area when `area_id` is not "0"."""
        async with self:
            if self.making:
                return None
            self.making, self.done, self.total, self.problem = True, 0, 0, ""
        made = {"done": 0, "total": 0}

        def progress(done: int, total: int) -> None:  # called from the report's thread
            made["done"], made["total"] = done, total

        area = id_number(area_id) or None
        work = asyncio.create_task(
            asyncio.to_thread(county_report, actor, id_number(period_id) or None, area, progress)
        )
        while not work.done():
            await asyncio.wait({work}, timeout=PROGRESS_EVERY_SECONDS)
            async with self:
                self.done, self.total = made["done"], made["total"]
        try:
            report = work.result()
        except InputProblem as problem:
            async with self:
                self.making, self.problem = False, str(problem)
            return None
        except BaseException:
            async with self:  # refused (the guard says why), or broken: the bar goes away
                self.making = False
            raise
        async with self:
            self.making = False
            self.done = self.total
        return send_file(report)


def report_button(period_id: rx.Var, area_id: rx.Var | None = None) -> rx.Component:
    """The button, and while the report is made, how far it has got. Without an area, the
    county's report."""
    area = area_id.to_string() if area_id is not None else "0"
    return rx.vstack(
        rx.button(
            "Download the report (PDF)",
            on_click=CountyReportState.make_report(period_id.to_string(), area),
            loading=CountyReportState.making,
            disabled=CountyReportState.making,
            variant="surface",
            size="2",
        ),
        shown_if(
            CountyReportState.making,
            rx.el.div(
                rx.el.label(
                    f"Making the report: part {CountyReportState.done} of "
                    f"{CountyReportState.total} done",
                    html_for="report-progress",
                ),
                rx.el.progress(
                    id="report-progress",
                    value=CountyReportState.done,
                    max=rx.cond(CountyReportState.total > 0, CountyReportState.total, 1),
                ),
                class_name="progress",
                aria_live="polite",
                width="100%",
            ),
        ),
        shown_if(
            CountyReportState.problem != "",
            rx.text(CountyReportState.problem, role="alert", color_scheme="red", size="2"),
        ),
        spacing="2",
        width="100%",
    )
