"""What a team or an area could do next: first what it can do itself (the top three, each with
why in one sentence, the rest folded), then what others can do (a team asks its leaders and
commissioners for those, in the area's plan), then the gaps against targets and, folded, the
bundles and signals behind the order. Each suggestion can be put into the action plan."""

from __future__ import annotations

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import TargetScope
from culturetool.services import plans, recommendations
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
    notice,
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
    for item in view.top + view.more + view.others + view.more_others:
        if item.can_add_to_plan:
            item.plan_link = routes.plan_with_suggestion(
                scope, scope_id, item.intervention_id, item.bundle_id, item.condition_ids
            )
        if item.can_add_to_area_plan:
            item.area_plan_link = routes.plan_with_suggestion(
                TargetScope.AREA,
                view.area_id,
                item.intervention_id,
                item.bundle_id,
                item.condition_ids,
            )
    return view


class RecommendationsState(SessionState):
    found: bool = True
    view: RecommendationsView | None = None
    asked: str = ""  # what became of a request to the area's plan, said above the list
    ask_failed: bool = False

    def _read(self, actor: Actor) -> RecommendationsView:
        if self.team_id:
            return with_links(recommendations.team_recommendations(actor, id_number(self.team_id)))
        return with_links(recommendations.area_recommendations(actor, id_number(self.area_id)))

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.asked, self.ask_failed = "", False
        show_view(self, lambda: self._read(actor))

    @rx.event
    @signed_in
    def ask_area_plan(self, actor: Actor, intervention_id: str):
        """A team's ask of its leaders, recorded on the area's plan (the service checks who)."""
        try:
            added = plans.ask_area_plan(actor, id_number(self.team_id), intervention_id)
        except (InputProblem, NotFound) as problem:
            self.asked, self.ask_failed = str(problem), True
            return
        view = self.view
        asks = (view.others + view.more_others) if view is not None else []
        name = next((i.name for i in asks if i.intervention_id == intervention_id), "it")
        area = view.area_name if view is not None else "the area"
        self.asked = (
            f"Asked: the innovation team will see your request for “{name}” on the plan for {area}."
            if added
            else f"The team had already asked for “{name}” on the plan for {area}."
        )
        self.ask_failed = False
        show_view(self, lambda: self._read(actor))


def _gap_row(row: GapRow) -> rx.Component:
    # Every cell is always drawn, so that on a phone each carries its column's name.
    return rx.table.row(
        rx.table.row_header_cell(row.name),
        rx.table.cell(
            rx.cond(
                row.shown,
                rx.fragment(
                    rx.text(row.mean, weight="bold", as_="span"),
                    rx.text(f" {row.level_name}", as_="span", class_name="muted"),
                ),
                rx.text("hidden", class_name="hidden-figure"),
            ),
            class_name=rx.cond(row.shown, "level-cell level-" + row.level.to_string(), ""),
        ),
        rx.table.cell(row.target),
        rx.table.cell(
            rx.cond(
                row.shown,
                rx.cond(
                    row.below_target,
                    rx.text(f"{row.gap} below", weight="bold", class_name="gap-below"),
                    rx.text("On target", class_name="gap-met"),
                ),
                rx.text("–", class_name="muted"),
            )
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
            "Scores run from 1 (weakest) to 5 (strongest). Each target is a band that starts at "
            "a score; the gap is how far the score is below where its target's band starts.",
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


def _add_to_plan(item: InterventionRow) -> rx.Component:
    # The accessible name starts with the visible words, so speech input finds the link by them.
    return shown_if(
        (item.plan_link != "") & ~item.under_way,
        rx.link(
            "Add to the action plan",
            href=item.plan_link,
            class_name="button-link",
            aria_label="Add to the action plan: " + item.name,
        ),
    )


def _ask_area(item: InterventionRow) -> rx.Component:
    """On a team's page: someone who edits the area's plan adds it there; a manager asks."""
    return rx.cond(
        item.under_way,
        rx.fragment(),
        rx.cond(
            item.area_plan_link != "",
            rx.link(
                "Add to the area's action plan",
                href=item.area_plan_link,
                class_name="button-link",
                aria_label="Add to the area's action plan: " + item.name,
            ),
            rx.cond(
                item.asked,
                rx.text(
                    "Asked for in the area's plan",
                    as_="span",
                    class_name="flag flag-done",
                    style={"alignSelf": "flex-start"},
                ),
                shown_if(
                    item.can_ask,
                    rx.button(
                        "Ask for this in the area's plan",
                        on_click=RecommendationsState.ask_area_plan(item.intervention_id),
                        variant="surface",
                        size="2",
                        aria_label="Ask for this in the area's plan: " + item.name,
                        style={"alignSelf": "flex-start"},
                    ),
                ),
            ),
        ),
    )


def _under_way(item: InterventionRow) -> rx.Component:
    return shown_if(
        item.under_way,
        rx.text("Already in the plan", as_="span", class_name="flag flag-done"),
    )


def _suggestion(item: InterventionRow) -> rx.Component:
    """One thing to do: its name, why in one sentence, and the detail folded away."""
    return rx.el.li(
        rx.el.div(
            rx.el.h3(item.name, class_name="intervention-name"),
            _under_way(item),
            class_name="action-head",
        ),
        rx.text(item.sentence, class_name="intervention-why"),
        rx.el.details(
            rx.el.summary("What it is, who does it, and what the transcripts report"),
            rx.text(item.what, class_name="intervention-what"),
            rx.text(f"Who: {item.who}. When: {item.timescale}.", size="2", class_name="muted"),
            rx.el.ul(rx.foreach(item.why, _reason), class_name="reasons"),
        ),
        _add_to_plan(item),
        class_name="intervention",
    )


def _brief(item: InterventionRow) -> rx.Component:
    """One thing for leaders and commissioners (on an area's page, for its teams): brief."""
    return rx.el.li(
        rx.el.div(
            rx.text(item.name, as_="span", class_name="intervention-name"),
            _under_way(item),
            class_name="action-head",
        ),
        rx.text(f"Who: {item.who}.", size="2", class_name="muted"),
        _ask_area(item),
        class_name="intervention intervention-brief",
    )


def _folded(summary: rx.Var | str, items: rx.Var, render) -> rx.Component:
    """The rest of a list, behind a disclosure that opens from the keyboard as well."""
    return shown_if(
        items.length() > 0,
        rx.el.details(
            rx.el.summary(summary, class_name="form-summary"),
            rx.el.ol(rx.foreach(items, render), class_name="interventions"),
            class_name="more-bundles",
        ),
    )


def _own(view: rx.Var) -> rx.Component:
    team = view.scope == "team"
    return rx.vstack(
        rx.heading(
            rx.cond(
                team, "What the team can do itself", "What the area and the organisation can do"
            ),
            as_="h2",
            size="5",
        ),
        rx.cond(
            view.top.length() > 0,
            rx.fragment(
                rx.text("The most useful first, each with why in one sentence.", class_name="help"),
                rx.el.ol(rx.foreach(view.top, _suggestion), class_name="interventions"),
                _folded(
                    rx.cond(
                        team,
                        f"Show {view.more.length()} more the team can do",
                        f"Show {view.more.length()} more the area can do",
                    ),
                    view.more,
                    _suggestion,
                ),
            ),
            rx.cond(
                view.bundles.length() > 0,
                rx.text(
                    rx.cond(
                        team,
                        "Nothing suggested just now is for the team to do by itself: see below "
                        "what to ask of leaders and commissioners.",
                        "Nothing suggested just now needs the area or the organisation: see "
                        "below what the teams can do themselves.",
                    ),
                    class_name="lead",
                ),
                rx.text(view.summary, class_name="lead"),
            ),
        ),
        spacing="3",
        width="100%",
    )


def _others(view: rx.Var) -> rx.Component:
    team = view.scope == "team"
    return shown_if(
        view.others.length() > 0,
        rx.vstack(
            rx.heading(
                rx.cond(
                    team,
                    "What to ask of leaders and commissioners",
                    "What the teams can do themselves",
                ),
                as_="h2",
                size="5",
            ),
            rx.text(
                rx.cond(
                    team,
                    "These need the area's or the organisation's leaders. Ask for them in the "
                    "area's action plan: the innovation team sees there which team asked.",
                    "Team managers see these first on their own teams' pages.",
                ),
                class_name="help",
            ),
            shown_if(
                RecommendationsState.asked != "",
                rx.cond(
                    RecommendationsState.ask_failed,
                    notice(RecommendationsState.asked),
                    notice(RecommendationsState.asked, "ok"),
                ),
            ),
            rx.el.ol(rx.foreach(view.others, _brief), class_name="interventions"),
            _folded(f"Show {view.more_others.length()} more", view.more_others, _brief),
            spacing="3",
            width="100%",
        ),
    )


def _intervention_name(item: InterventionRow) -> rx.Component:
    return rx.el.li(item.name)


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
        rx.el.ul(rx.foreach(bundle.why, _reason), class_name="reasons"),
        rx.text("Its interventions:", weight="medium"),
        rx.el.ul(rx.foreach(bundle.interventions, _intervention_name), class_name="reasons"),
        class_name="bundle",
        aria_label=bundle.name,
    )


def _signal(signal: SignalRow) -> rx.Component:
    return rx.el.li(rx.text(signal.name, weight="bold", as_="span"), ": ", signal.sentence)


def _how_chosen(view: rx.Var) -> rx.Component:
    """The reasons behind the order, folded: the ranked bundles and the technology signals."""
    return rx.vstack(
        rx.heading("How these were chosen", as_="h2", size="5"),
        rx.text(view.summary, class_name="help"),
        shown_if(
            view.bundles.length() > 0,
            rx.el.details(
                rx.el.summary(
                    "The bundles of interventions, ranked, with the scores behind each",
                    class_name="form-summary",
                ),
                rx.foreach(view.bundles, _bundle),
                class_name="more-bundles",
            ),
        ),
        rx.el.details(
            rx.el.summary("How people feel about the technology itself", class_name="form-summary"),
            rx.text(
                "These signals come from the questions about the technology and about "
                "confidence. Each one that applies points at particular interventions.",
                class_name="help",
            ),
            rx.el.ul(rx.foreach(view.signals, _signal), class_name="reasons"),
            class_name="more-bundles",
        ),
        spacing="3",
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
                    rx.fragment(_own(view), _others(view), _gaps(view), _how_chosen(view)),
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
