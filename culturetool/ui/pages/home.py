"""The start page: the organisation's areas and teams; add an area or a team."""

from __future__ import annotations

import reflex as rx

from culturetool.domain.access import Actor, Permission
from culturetool.domain.errors import InputProblem
from culturetool.services import organisation
from culturetool.ui import routes
from culturetool.ui.layout import notice, page_frame, shown_if, text_field
from culturetool.ui.session import SessionState, id_number, signed_in
from culturetool.views.organisation import AreaView, TeamSummary


class HomeState(SessionState):
    loaded: bool = False
    sees_teams: bool = False
    can_manage: bool = False
    can_view_areas: bool = False
    organisation_name: str = ""
    what_you_can_do: str = ""
    no_teams_yet: str = ""
    threshold: int = 5
    areas: list[AreaView] = []
    error: str = ""
    confirmation: str = ""

    def _refresh(self, actor: Actor) -> None:
        self.loaded = True
        self.sees_teams = actor.can(Permission.SEE_TEAMS)
        if not self.sees_teams:
            return  # a role with neither teams nor workshops
        view = organisation.organisation_overview(actor)
        self.organisation_name = view.name
        self.threshold = view.threshold
        self.can_manage = view.can_manage
        self.can_view_areas = view.can_view_areas
        self.areas = view.areas
        self.what_you_can_do = what_you_can_do(actor)
        self.no_teams_yet = (
            "There are no areas yet: add the first one below."
            if view.can_manage
            else "No teams are assigned to you yet. Ask your administrator."
            if actor.can(Permission.RUN_ROUNDS)
            else "There are no teams yet."
        )

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.error = self.confirmation = ""
        if not actor.can(Permission.SEE_TEAMS) and self.sees_workshops:
            return rx.redirect(routes.WORKSHOPS)  # a facilitator starts from their workshops
        self._refresh(actor)
        return None

    def _attempt(self, actor: Actor, action, done: str) -> None:
        self.error = self.confirmation = ""
        try:
            action()
        except InputProblem as problem:
            self.error = str(problem)
            return
        self.confirmation = done
        self._refresh(actor)

    @rx.event
    @signed_in
    def add_area(self, actor: Actor, form: dict):
        name = str(form.get("area_name", ""))
        self._attempt(
            actor, lambda: organisation.add_area(actor, name), f"Area added: {name.strip()}."
        )

    @rx.event
    @signed_in
    def add_team(self, actor: Actor, form: dict):
        name = str(form.get("team_name", ""))
        area_id = id_number(form.get("area_id") or "")
        self._attempt(
            actor,
            lambda: organisation.add_team(actor, area_id, name),
            f"Team added: {name.strip()}.",
        )


ROUNDS_ARE_THE_MANAGERS = "Each team's manager opens its self-assessment rounds."


def what_you_can_do(actor: Actor) -> str:
    """The start page's first sentence: what this person can do from here, by what they may."""
    if actor.can(Permission.RUN_ROUNDS):
        return (
            "Choose one of your teams to open a self-assessment round, share its link with the "
            "team, and see its results and what to do next."
        )
    if actor.can(Permission.MANAGE_USERS):
        return (
            "Set up your areas and teams here, invite people on the People page, and give each "
            f"team its manager on the team's page. {ROUNDS_ARE_THE_MANAGERS}"
        )
    if actor.can(Permission.EDIT_AREA_PLANS):
        return (
            "Choose a team or an area to see its results, set its targets and plan what to do "
            f"next. {ROUNDS_ARE_THE_MANAGERS}"
        )
    return (
        "Choose a team or an area to see its results and its action plan. "
        f"{ROUNDS_ARE_THE_MANAGERS}"
    )


def _team_row(team: TeamSummary) -> rx.Component:
    status = rx.cond(
        team.has_open_round,
        rx.badge(f"Round open: {team.latest_responses_text}", color_scheme="green"),
        rx.cond(
            team.latest_round_id > 0,
            rx.badge(f"Last round: {team.latest_responses_text}", color_scheme="gray"),
            rx.badge("No rounds yet", color_scheme="orange"),
        ),
    )
    return rx.el.li(
        rx.hstack(
            rx.link(team.name, href=routes.team_page(team.id), class_name="team-link"),
            status,
            justify="between",
            align="center",
            width="100%",
        ),
        class_name="team-row",
    )


def _area_card(area: AreaView) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.heading(area.name, as_="h2", size="4"),
            shown_if(
                HomeState.can_view_areas,
                rx.link(
                    "Area results",
                    href=routes.area_results(area.id),
                    aria_label="Area results for " + area.name,
                ),
            ),
            justify="between",
            align="baseline",
            width="100%",
        ),
        rx.cond(
            area.teams.length() > 0,
            rx.el.ul(rx.foreach(area.teams, _team_row), class_name="team-list"),
            rx.text("No teams yet.", color_scheme="gray"),
        ),
        class_name="area-card",
    )


def _add_forms() -> rx.Component:
    return rx.grid(
        rx.card(
            rx.heading("Add an area", as_="h2", size="4"),
            rx.form(
                text_field("Area name", "area_name", placeholder="e.g. North Shirebrook"),
                rx.button("Add area", type="submit"),
                on_submit=HomeState.add_area,
                reset_on_submit=True,
            ),
        ),
        rx.card(
            rx.heading("Add a team", as_="h2", size="4"),
            rx.form(
                rx.el.div(
                    rx.el.label("Area", html_for="area_id"),
                    rx.el.select(
                        rx.el.option("Choose an area", value=""),
                        rx.foreach(
                            HomeState.areas,
                            lambda area: rx.el.option(area.name, value=area.id.to_string()),
                        ),
                        id="area_id",
                        name="area_id",
                        required=True,
                        class_name="text-input",
                    ),
                    class_name="field",
                ),
                text_field("Team name", "team_name", placeholder="e.g. Hospital Discharge Team"),
                rx.button("Add team", type="submit"),
                on_submit=HomeState.add_team,
                reset_on_submit=True,
            ),
        ),
        columns=rx.breakpoints(initial="1", sm="2"),
        spacing="4",
    )


def home_page() -> rx.Component:
    return page_frame(
        shown_if(HomeState.error != "", notice(HomeState.error)),
        shown_if(HomeState.confirmation != "", notice(HomeState.confirmation, tone="ok")),
        rx.cond(
            HomeState.sees_teams,
            rx.vstack(
                rx.heading(HomeState.organisation_name, as_="h1", size="7"),
                rx.text(
                    f"{HomeState.what_you_can_do} Results appear only once "
                    f"{HomeState.threshold} or more people have answered, so nobody can be "
                    "singled out.",
                    class_name="lead",
                ),
                rx.cond(
                    HomeState.areas.length() > 0,
                    rx.grid(
                        rx.foreach(HomeState.areas, _area_card),
                        columns=rx.breakpoints(initial="1", md="2"),
                        spacing="4",
                        width="100%",
                    ),
                    rx.text(HomeState.no_teams_yet),
                ),
                shown_if(
                    HomeState.can_manage | HomeState.can_view_areas,
                    rx.link("Targets: the level each condition should reach", href=routes.TARGETS),
                ),
                shown_if(HomeState.can_manage, _add_forms()),
                shown_if(
                    HomeState.can_manage,
                    rx.link("Import many areas and teams from a spreadsheet", href=routes.IMPORT),
                ),
                spacing="5",
                width="100%",
            ),
            shown_if(
                HomeState.loaded,
                rx.vstack(
                    rx.heading("Welcome", as_="h1", size="7"),
                    rx.text(
                        "Focus-group workshops assigned to you will appear here once they "
                        "are available."
                    ),
                ),
            ),
        ),
    )
