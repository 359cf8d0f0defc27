"""The Reflex app: every route is declared here, each page lives in its own module."""

import reflex as rx

from culturetool.ui.errors import backend_exception_handler
from culturetool.ui.pages.account import (
    AccountState,
    InviteState,
    SignInState,
    account_page,
    invite_page,
    sign_in_page,
)
from culturetool.ui.pages.admin import (
    AuditState,
    PeopleState,
    SettingsState,
    audit_page,
    people_page,
    settings_page,
)
from culturetool.ui.pages.area import AreaState, area_page
from culturetool.ui.pages.home import HomeState, home_page
from culturetool.ui.pages.plan import PlanState, plan_page
from culturetool.ui.pages.recommendations import RecommendationsState, recommendations_page
from culturetool.ui.pages.results import ResultsState, results_page
from culturetool.ui.pages.targets import TargetsState, targets_page
from culturetool.ui.pages.team import TeamState, team_page
from culturetool.ui.pages.team_import import ImportState, import_page
from culturetool.web import backend

app = rx.App(
    stylesheets=["/culturetool.css"],
    html_lang="en-GB",
    # Plain HTTP routes (the respondent's questionnaire at /r/<token>, sign-in at /auth/...)
    # answer first, then Reflex; privacy middleware wraps them all (culturetool/web).
    api_transformer=backend(),
    # One line per failure (type and place), never the event's payload or router data.
    backend_exception_handler=backend_exception_handler,
)

# Dynamic routes first (Reflex's rule); their [args] become state vars.
app.add_page(team_page, route="/teams/[team_id]", title="Team", on_load=TeamState.load)
app.add_page(results_page, route="/rounds/[round_id]", title="Results", on_load=ResultsState.load)
app.add_page(area_page, route="/areas/[area_id]", title="Area results", on_load=AreaState.load)
app.add_page(plan_page, route="/teams/[team_id]/plan", title="Action plan", on_load=PlanState.load)
app.add_page(plan_page, route="/areas/[area_id]/plan", title="Action plan", on_load=PlanState.load)
app.add_page(
    recommendations_page,
    route="/teams/[team_id]/recommendations",
    title="Recommendations",
    on_load=RecommendationsState.load,
)
app.add_page(
    recommendations_page,
    route="/areas/[area_id]/recommendations",
    title="Recommendations",
    on_load=RecommendationsState.load,
)
app.add_page(
    invite_page, route="/invite/[invite_token]", title="Invitation", on_load=InviteState.load
)
app.add_page(home_page, route="/", title="culturetool", on_load=HomeState.load)
app.add_page(sign_in_page, route="/sign-in", title="Sign in", on_load=SignInState.load)
app.add_page(account_page, route="/account", title="Your account", on_load=AccountState.load)
app.add_page(people_page, route="/admin/people", title="People", on_load=PeopleState.load)
app.add_page(settings_page, route="/admin/settings", title="Settings", on_load=SettingsState.load)
app.add_page(audit_page, route="/admin/audit", title="Audit log", on_load=AuditState.load)
app.add_page(targets_page, route="/targets", title="Targets", on_load=TargetsState.load)
app.add_page(
    import_page, route="/admin/import", title="Import areas and teams", on_load=ImportState.load
)
