"""What a team or an area could do next: gaps against targets, the bundles of interventions that
address them with the reasons, and a way to put a suggestion into the action plan."""

from __future__ import annotations

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.services import recommendations
from culturetool.services.recommendations import (
    BundleRow,
    GapRow,
    InterventionRow,
    RecommendationsView,
    SignalRow,
)
from culturetool.ui import routes
from culturetool.ui.layout import (
    breadcrumb,
    data_table,
    loading_or_not_found,
    page_frame,
    shown_if,
)
from culturetool.ui.scores import hidden_sentence, withheld_notice
from culturetool.ui.session import SessionState, id_number, show_view, signed_in


def with_links(view: RecommendationsView) -> RecommendationsView:
    """The view with its page addresses, built from its ids (the service returns no links)."""
    scope, scope_id = view.scope, view.scope_id
    if view.sees_plan:
        plan = routes.team_plan if scope == "team" else routes.area_plan
        view.plan_link = plan(scope_id)
    if scope == "area":
        view.results_link = routes.area_results(scope_id)
    elif view.results_round_id:
        view.results_link = routes.round_results(view.results_round_id)
    view.targets_link = routes.targets_for(scope, scope_id)
    for bundle in view.bundles + view.more_bundles:
        for item in bundle.interventions:
            if item.can_add_to_plan:
                item.plan_link = routes.plan_with_suggestion(
                    scope, scope_id, item.intervention_id, item.bundle_id, item.condition_ids
                )
    return view


class RecommendationsState(SessionState):
    found: bool = True
    view: RecommendationsView | None = None

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        def read() -> RecommendationsView:
            if self.team_id:
                return with_links(
                    recommendations.team_recommendations(actor, id_number(self.team_id))
                )
            return with_links(recommendations.area_recommendations(actor, id_number(self.area_id)))

        show_view(self, read)


def _gap_row(row: GapRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row.name),
        rx.cond(
            row.shown,
            rx.fragment(
                rx.table.cell(
                    rx.text(row.mean, weight="bold", as_="span"),
                    rx.text(f" {row.level_name}", as_="span", class_name="muted"),
                    class_name="level-cell level-" + row.level.to_string(),
                ),
                rx.table.cell(row.target),
                rx.table.cell(
                    rx.cond(
                        row.below_target,
                        rx.text(f"{row.gap} below", weight="bold", class_name="gap-below"),
                        rx.text("On target", class_name="gap-met"),
                    )
                ),
            ),
            rx.fragment(
                rx.table.cell(rx.text("hidden", class_name="hidden-figure")),
                rx.table.cell(row.target),
                rx.table.cell(rx.text("–", class_name="muted")),
            ),
        ),
        rx.table.cell(
            rx.text(rx.cond(row.hidden, hidden_sentence(row.hidden), row.how_sure), size="2")
        ),
    )


def _gaps(view: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.heading(
            rx.cond(
                view.scope == "team",
                "Where the team stands against its targets",
                "Where the area stands against its targets",
            ),
            as_="h2",
            size="5",
        ),
        rx.text(
            "Scores run from 1 (weakest) to 5 (strongest). The gap is how many points a "
            "condition needs to reach its target level; the last column says how many people "
            "the score rests on and how much they disagreed (a spread above 1 means opinions "
            "differ a lot).",
            class_name="help",
        ),
        rx.box(
            data_table(
                ["Condition", "Score now", "Target", "Gap", "How sure"], view.gaps, _gap_row
            ),
            class_name="scroll-x",
            width="100%",
        ),
        rx.link("Change the targets", href=view.targets_link),
        spacing="3",
        width="100%",
    )


def _reason(text: rx.Var) -> rx.Component:
    return rx.el.li(text)


def _intervention(item: InterventionRow) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.text(item.name, as_="span", class_name="intervention-name"),
            shown_if(
                item.under_way,
                rx.text("Already in the plan", as_="span", class_name="flag flag-done"),
            ),
            shown_if(
                item.from_signal & ~item.under_way,
                rx.text(
                    "Fits how people feel about the technology",
                    as_="span",
                    class_name="flag flag-signal",
                ),  # fmt: skip
            ),
            class_name="action-head",
        ),
        rx.text(item.what, class_name="intervention-what"),
        rx.text(f"Who: {item.who}. When: {item.timescale}.", size="2", class_name="muted"),
        rx.el.details(
            rx.el.summary("Why, and what the transcripts report"),
            rx.el.ul(rx.foreach(item.why, _reason), class_name="reasons"),
        ),
        shown_if(
            (item.plan_link != "") & ~item.under_way,
            rx.link(
                "Add to the action plan",
                href=item.plan_link,
                class_name="button-link",
                aria_label="Add " + item.name + " to the action plan",
            ),
        ),
        class_name="intervention",
    )


def _bundle(bundle: BundleRow) -> rx.Component:
    return rx.el.section(
        rx.heading(
            rx.text(f"{bundle.rank}. ", as_="span", class_name="rank"),
            bundle.name,
            as_="h3",
            size="4",
        ),
        rx.text(bundle.headline, weight="medium"),
        rx.text(bundle.description, class_name="muted"),
        rx.el.details(
            rx.el.summary("Why this bundle: the scores, statements and signals behind it"),
            rx.el.ul(rx.foreach(bundle.why, _reason), class_name="reasons"),
            class_name="why",
        ),
        rx.heading("Interventions in this bundle", as_="h4", size="3"),
        rx.el.ul(rx.foreach(bundle.interventions, _intervention), class_name="interventions"),
        class_name="bundle",
        aria_label=bundle.name,
    )


def _signal(signal: SignalRow) -> rx.Component:
    return rx.el.li(rx.text(signal.name, weight="bold", as_="span"), ": ", signal.sentence)


def _signals(view: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.heading("How people feel about the technology itself", as_="h2", size="5"),
        rx.text(
            "These signals come from the questions about the technology and about confidence. "
            "Each one that applies points at particular interventions above.",
            class_name="help",
        ),
        rx.el.ul(rx.foreach(view.signals, _signal), class_name="reasons"),
        spacing="3",
        width="100%",
    )


def _suggestions(view: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.heading("Suggested bundles of interventions", as_="h2", size="5"),
        rx.text(view.summary, class_name="lead"),
        rx.cond(
            view.can_plan,
            rx.text(
                "Choose “Add to the action plan” on an intervention to plan it: you can change "
                "the wording, owner and timescale before saving.",
                class_name="help",
            ),
        ),
        rx.foreach(view.bundles, _bundle),
        shown_if(
            view.more_bundles.length() > 0,
            rx.el.details(
                rx.el.summary(
                    f"Show {view.more_bundles.length()} more bundles, less useful for now",
                    class_name="form-summary",
                ),
                rx.foreach(view.more_bundles, _bundle),
                class_name="more-bundles",
            ),
        ),
        spacing="4",
        width="100%",
    )


def _links(view: rx.Var) -> rx.Component:
    return rx.hstack(
        shown_if(view.results_link != "", rx.link("See the full results", href=view.results_link)),
        shown_if(view.plan_link != "", rx.link("Open the action plan", href=view.plan_link)),
        spacing="5",
        wrap="wrap",
    )


def _crumb(view: rx.Var) -> rx.Component:
    return breadcrumb(
        rx.cond(
            view.scope == "team",
            rx.fragment(
                rx.link(view.name, href=routes.team_page(view.scope_id)),
                rx.text(" › Recommendations", as_="span"),
            ),
            rx.fragment(
                rx.link(view.area_name, href=routes.area_results(view.area_id)),
                rx.text(" › Recommendations", as_="span"),
            ),
        )
    )


def recommendations_page() -> rx.Component:
    view = RecommendationsState.view.to(RecommendationsView)
    return page_frame(
        rx.cond(
            RecommendationsState.view,
            rx.vstack(
                _crumb(view),
                rx.heading(f"What to do next: {view.name}", as_="h1", size="7"),
                rx.text(view.based_on),
                _links(view),
                rx.cond(
                    view.disclosed,
                    rx.fragment(_gaps(view), _suggestions(view), _signals(view)),
                    rx.cond(
                        view.responses > 0,
                        withheld_notice(view),
                        rx.text(
                            "Suggestions appear once the team has run a round with enough answers."
                        ),
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            loading_or_not_found(
                RecommendationsState.found,
                "Loading suggestions...",
                "Not found",
                "There is no team or area at this address.",
            ),
        ),
    )
