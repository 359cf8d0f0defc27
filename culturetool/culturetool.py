"""The Reflex app: every route is declared here, each page lives in its own module."""

import reflex as rx

from culturetool import config
from culturetool.ui import routes
from culturetool.ui.errors import backend_exception_handler, no_such_page
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
from culturetool.ui.pages.county import CountyAreaState, CountyState, county_area_page, county_page
from culturetool.ui.pages.home import HomeState, home_page
from culturetool.ui.pages.periods import (
    PeriodSheetState,
    PeriodsState,
    period_sheet_page,
    periods_page,
)
from culturetool.ui.pages.plan import PlanState, plan_page
from culturetool.ui.pages.recommendations import RecommendationsState, recommendations_page
from culturetool.ui.pages.response_import import ResponseImportState, response_import_page
from culturetool.ui.pages.results import ResultsState, results_page
from culturetool.ui.pages.targets import TargetsState, targets_page
from culturetool.ui.pages.team import TeamState, team_page
from culturetool.ui.pages.team_import import ImportState, import_page
from culturetool.ui.pages.workshop import WorkshopOverviewState, workshop_page
from culturetool.ui.pages.workshop_board import BoardState, board_page
from culturetool.ui.pages.workshop_collect import CollectState, collect_page
from culturetool.ui.pages.workshop_plan import WorkshopPlanState, workshop_plan_page
from culturetool.ui.pages.workshop_summary import WorkshopSummaryState, workshop_summary_page
from culturetool.ui.pages.workshop_understand import UnderstandState, understand_page
from culturetool.ui.pages.workshops import WorkshopsState, workshops_page
from culturetool.web import backend

config.tune_garbage_collector()

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
app.add_page(team_page, route=routes.TEAM_PAGE, title="Team", on_load=TeamState.load)
app.add_page(results_page, route=routes.ROUND_RESULTS, title="Results", on_load=ResultsState.load)
app.add_page(
    response_import_page,
    route=routes.ROUND_IMPORT,
    title="Import responses",
    on_load=ResponseImportState.load,
)
app.add_page(area_page, route=routes.AREA_RESULTS, title="Area results", on_load=AreaState.load)
app.add_page(
    county_area_page,
    route=routes.COUNTY_AREA,
    title="Area in the county",
    on_load=CountyAreaState.load,
)
app.add_page(plan_page, route=routes.TEAM_PLAN, title="Action plan", on_load=PlanState.load)
app.add_page(plan_page, route=routes.AREA_PLAN, title="Action plan", on_load=PlanState.load)
app.add_page(
    recommendations_page,
    route=routes.TEAM_RECOMMENDATIONS,
    title="Recommendations",
    on_load=RecommendationsState.load,
)
app.add_page(
    recommendations_page,
    route=routes.AREA_RECOMMENDATIONS,
    title="Recommendations",
    on_load=RecommendationsState.load,
)
app.add_page(
    workshop_page, route=routes.WORKSHOP, title="Workshop", on_load=WorkshopOverviewState.load
)
app.add_page(
    collect_page, route=routes.WORKSHOP_COLLECT, title="Collect", on_load=CollectState.load
)
app.add_page(board_page, route=routes.WORKSHOP_BOARD, title="Theme board", on_load=BoardState.load)
app.add_page(
    workshop_summary_page,
    route=routes.WORKSHOP_SUMMARY,
    title="Workshop summary",
    on_load=WorkshopSummaryState.load,
)
app.add_page(
    understand_page,
    route=routes.WORKSHOP_UNDERSTAND,
    title="Understand and vote",
    on_load=UnderstandState.load,
)
app.add_page(
    workshop_plan_page,
    route=routes.WORKSHOP_PLAN,
    title="Success, plan and review",
    on_load=WorkshopPlanState.load,
)
app.add_page(
    period_sheet_page,
    route=routes.PERIOD_SHEET,
    title="Links of an assessment period",
    on_load=PeriodSheetState.load,
)
app.add_page(invite_page, route=routes.INVITATION, title="Invitation", on_load=InviteState.load)
app.add_page(home_page, route=routes.HOME, title="culturetool", on_load=HomeState.load)
app.add_page(sign_in_page, route=routes.SIGN_IN, title="Sign in", on_load=SignInState.load)
app.add_page(account_page, route=routes.ACCOUNT, title="Your account", on_load=AccountState.load)
app.add_page(people_page, route=routes.PEOPLE, title="People", on_load=PeopleState.load)
app.add_page(settings_page, route=routes.SETTINGS, title="Settings", on_load=SettingsState.load)
app.add_page(audit_page, route=routes.AUDIT, title="Audit log", on_load=AuditState.load)
app.add_page(workshops_page, route=routes.WORKSHOPS, title="Workshops", on_load=WorkshopsState.load)
app.add_page(
    periods_page, route=routes.PERIODS, title="Assessment periods", on_load=PeriodsState.load
)
app.add_page(county_page, route=routes.COUNTY, title="County dashboard", on_load=CountyState.load)
app.add_page(targets_page, route=routes.TARGETS, title="Targets", on_load=TargetsState.load)
app.add_page(
    import_page, route=routes.IMPORT, title="Import areas and teams", on_load=ImportState.load
)
app.add_page(no_such_page, route=routes.NOT_FOUND, title="Page not found")
