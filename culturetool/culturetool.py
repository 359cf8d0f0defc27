"""The Reflex app: every route is declared here, each page lives in its own module."""

import reflex as rx

from culturetool.ui.pages.home import HomeState, home_page
from culturetool.ui.pages.respond import RespondState, respond_page
from culturetool.ui.pages.results import ResultsState, results_page
from culturetool.ui.pages.team import TeamState, team_page

app = rx.App(
    stylesheets=["/culturetool.css"],
    html_lang="en-GB",
)

# Dynamic routes first (Reflex's rule); their [args] become state vars.
app.add_page(
    respond_page, route="/r/[token]", title="Team questionnaire", on_load=RespondState.load
)
app.add_page(team_page, route="/teams/[team_id]", title="Team", on_load=TeamState.load)
app.add_page(results_page, route="/rounds/[round_id]", title="Results", on_load=ResultsState.load)
app.add_page(home_page, route="/", title="culturetool", on_load=HomeState.load)
