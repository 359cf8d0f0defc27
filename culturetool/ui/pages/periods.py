"""Assessment periods (/periods): the list, and the form with which an administrator or the
innovation team opens one for the whole county or chosen areas; and a period's sheet
(/periods/[period_id]) of each team's share link and QR code, one printed page per area."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as default

import reflex as rx

from culturetool import config
from culturetool.domain.access import Actor
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.services import periods
from culturetool.ui import routes
from culturetool.ui.layout import (
    breadcrumb,
    data_table,
    field,
    loading_or_not_found,
    notice,
    page_frame,
    radio_choice,
    shown_if,
)
from culturetool.ui.session import SessionState, id_number, signed_in
from culturetool.views.periods import PeriodRow, PeriodsView
from culturetool.web.respondent import share_link_qr_path

AREA_PREFIX = "area_"
ALL_AREAS, CHOSEN_AREAS = "all", "chosen"


def _day(text: object) -> dt.date | None:
    """A day from a date input (YYYY-MM-DD); None when empty or not a day, which the service
    refuses with a message that says what to give."""
    try:
        return dt.date.fromisoformat(str(text or ""))
    except ValueError:
        return None


class PeriodsState(SessionState):
    view: PeriodsView | None = None
    form_message: str = ""
    opened_message: str = ""
    opened_notes: list[str] = []
    opened_period_id: int = 0
    form_version: int = 0  # a new number draws an empty form again

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.form_message = self.opened_message = ""
        self.opened_notes = []
        self.opened_period_id = 0
        self.view = None
        self.view = periods.periods_view(actor)

    @rx.event
    @signed_in
    def open_period(self, actor: Actor, form: dict):
        self.form_message = self.opened_message = ""
        self.opened_notes = []
        chosen = None
        if form.get("scope") == CHOSEN_AREAS:
            chosen = [
                id_number(name.removeprefix(AREA_PREFIX))
                for name, value in form.items()
                if name.startswith(AREA_PREFIX) and value
            ]
        try:
            opened = periods.open_period(
                actor,
                str(form.get("name", "")),
                _day(form.get("opens_on")),
                _day(form.get("closes_on")),
                chosen,
            )
        except (InputProblem, NotFound) as problem:
            self.form_message = str(problem)
            return
        rounds = "round was" if opened.rounds_opened == 1 else "rounds were"
        self.opened_message = (
            f"The period is open: {opened.rounds_opened} {rounds} opened. Print the sheet of "
            "links and give each manager their team's."
        )
        self.opened_notes = opened.notes
        self.opened_period_id = opened.period_id
        self.form_version += 1
        self.view = periods.periods_view(actor)


@dataclass
class SheetTeamShown:
    name: str
    link: str
    qr: str  # the address of the link's QR code (drawn by web/respondent.py)
    staff: str
    responses: str
    note: str


@dataclass
class SheetAreaShown:
    name: str
    teams: list[SheetTeamShown] = default(default_factory=list)


class PeriodSheetState(SessionState):
    found: bool = True
    loaded: bool = False
    name: str = ""
    dates: str = ""
    organisation_name: str = ""
    taking_answers: bool = False
    areas: list[SheetAreaShown] = []

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.loaded, self.areas = False, []
        try:
            sheet = periods.period_sheet(actor, id_number(self.period_id))
        except NotFound:
            self.found = False
            return
        base = config.public_base_url() or self.router.url.origin
        self.found, self.loaded = True, True
        self.name, self.dates = sheet.name, sheet.dates
        self.organisation_name = sheet.organisation_name
        self.taking_answers = sheet.taking_answers
        self.areas = [
            SheetAreaShown(
                area.name,
                [
                    SheetTeamShown(
                        name=team.name,
                        link=f"{base}/r/{team.token}" if team.token else "",
                        qr=share_link_qr_path(team.token) if team.token else "",
                        staff=team.staff,
                        responses="1 response"
                        if team.responses == 1
                        else f"{team.responses} responses",
                        note=team.note,
                    )  # fmt: skip
                    for team in area.teams
                ],
            )
            for area in sheet.areas
        ]


# ---- the list and the form ------------------------------------------------------------------


def _row(row: PeriodRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(row.name, href=routes.period_sheet(row.id))),
        rx.table.cell(row.dates),
        rx.table.cell(row.state),
        rx.table.cell(row.areas),
        rx.table.cell(row.rounds),
        rx.table.cell(row.responses),
    )


def _area_tick(area: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="checkbox", name=AREA_PREFIX + area.id.to_string(),
            id=AREA_PREFIX + area.id.to_string(),
        ),
        " ", area.name, " (",
        rx.cond(area.teams == 1, "1 team", area.teams.to_string() + " teams"), ")",
        class_name="tick",
    )  # fmt: skip


def _date_input(label: str, name: str) -> rx.Component:
    return field(
        label,
        rx.el.input(id=name, name=name, type="date", required=True, class_name="text-input"),
    )


def _open_form(view: rx.Var) -> rx.Component:
    return rx.el.details(
        rx.el.summary("Open a new assessment period", class_name="form-summary"),
        rx.form(
            rx.el.p(
                "Opening a period opens a round with an open link for every team of its "
                "areas, straight away, with the team's number of staff. Teams that already "
                "have an open round keep it, and it counts in the period. Answers are taken "
                "until the end of the closing day.",
                class_name="help",
            ),
            field(
                "Name of the period (for example Spring 2027)",
                rx.el.input(
                    id="name",
                    name="name",
                    required=True,
                    max_length=120,
                    class_name="text-input",
                ),
            ),  # fmt: skip
            _date_input("First day", "opens_on"),
            _date_input("Closing day (the last day answers are taken)", "closes_on"),
            rx.el.fieldset(
                rx.el.legend("Which areas"),
                radio_choice("scope", ALL_AREAS, "All areas", True),
                radio_choice("scope", CHOSEN_AREAS, "Only the areas ticked below", False),
                rx.foreach(view.areas, _area_tick),
                class_name="field team-ticks",
            ),
            shown_if(PeriodsState.form_message != "", notice(PeriodsState.form_message)),
            rx.button("Open the period", type="submit"),
            on_submit=PeriodsState.open_period,
            reset_on_submit=False,
            key=PeriodsState.form_version.to_string(),
            class_name="new-action",
        ),
        id="new-period",
        open=PeriodsState.form_message != "",
        class_name="new-action-box",
    )


def _opened() -> rx.Component:
    return shown_if(
        PeriodsState.opened_message != "",
        rx.box(
            rx.el.p(PeriodsState.opened_message, role="status", class_name="notice notice-ok"),
            shown_if(
                PeriodsState.opened_notes.length() > 0,
                rx.box(
                    rx.el.p("Teams that did not get a new round:", class_name="strong"),
                    rx.el.ul(rx.foreach(PeriodsState.opened_notes, rx.el.li), class_name="bullets"),
                ),
            ),
            rx.link(
                "The sheet of links to print",
                href=routes.period_sheet(PeriodsState.opened_period_id),
            ),
        ),
    )


def _list(view: rx.Var) -> rx.Component:
    return rx.vstack(
        _opened(),
        rx.cond(
            view.rows.length() > 0,
            data_table(
                ["Period", "Dates", "Status", "Areas", "Rounds", "Responses so far"],
                view.rows,
                _row,
            ),
            rx.text("No assessment period has been opened yet.", class_name="lead"),
        ),
        _open_form(view),
        spacing="4",
        width="100%",
    )


def periods_page() -> rx.Component:
    return page_frame(
        rx.text(
            "An assessment period is a time in which every team of the chosen areas assesses "
            "itself, so that areas can be compared with each other and with the last period.",
            class_name="lead",
        ),
        rx.cond(PeriodsState.view, _list(PeriodsState.view), rx.text("Loading periods…")),
        title="Assessment periods",
    )


# ---- the sheet of links ---------------------------------------------------------------------


def _sheet_team(team: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.h3(team.name, class_name="sheet-team-name"),
            rx.el.p(
                rx.cond(team.staff != "", team.staff + ", ", ""), team.responses, " so far",
                class_name="small-print",
            ),
            rx.cond(
                team.link != "",
                rx.el.p(team.link, class_name="sheet-link"),
                rx.el.p(team.note),
            ),
            class_name="sheet-team-text",
        ),
        shown_if(
            team.qr != "",
            # Drawn pixel for pixel: a smoothed QR code scans worse, above all once printed.
            rx.image(
                src=team.qr, alt="QR code of the link for " + team.name, width="8rem",
                style={"image_rendering": "pixelated"},
            ),
        ),
        class_name="sheet-team",
    )  # fmt: skip


def _sheet_area(area: rx.Var) -> rx.Component:
    return rx.el.section(
        rx.el.h2(area.name, class_name="summary-h2"),
        rx.el.p(
            PeriodSheetState.organisation_name + ": " + PeriodSheetState.name + ", "
            + PeriodSheetState.dates,
            class_name="small-print",
        ),
        rx.cond(
            area.teams.length() > 0,
            rx.el.ul(rx.foreach(area.teams, _sheet_team), class_name="sheet-teams"),
            rx.el.p("This area has no teams."),
        ),
        class_name="sheet-area",
    )  # fmt: skip


def period_sheet_page() -> rx.Component:
    return page_frame(
        rx.cond(
            PeriodSheetState.loaded,
            rx.vstack(
                breadcrumb(rx.link("Assessment periods", href=routes.PERIODS)),
                rx.heading("Links for " + PeriodSheetState.name, as_="h1", size="7"),
                rx.text(
                    PeriodSheetState.dates + ". Give each team's manager their team's link or "
                    "QR code to share with the team's staff only. Answers are anonymous.",
                ),
                rx.cond(
                    PeriodSheetState.taking_answers,
                    rx.button(
                        "Print the sheet (a page per area)",
                        on_click=rx.call_script("window.print()"),
                        class_name="sheet-print",
                    ),
                    rx.el.p("This period is over: its links no longer take answers."),
                ),
                rx.foreach(PeriodSheetState.areas, _sheet_area),
                spacing="4",
                width="100%",
                class_name="period-sheet",
            ),
            loading_or_not_found(
                PeriodSheetState.found,
                "Loading the sheet…",
                "Period not found",
                "There is no assessment period at this address.",
            ),
        ),
    )
