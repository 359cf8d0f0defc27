"""A round's results: scores per condition once enough people have answered, nothing before."""

from __future__ import annotations

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.kinds import Direction
from culturetool.services import exports, round_results
from culturetool.ui import routes
from culturetool.ui.layout import (
    breadcrumb,
    data_table,
    loading_or_not_found,
    page_frame,
    shown_if,
)
from culturetool.ui.scores import (
    download_buttons,
    download_file,
    model_small_print,
    score_sections,
    summary_box,
    withheld_notice,
)
from culturetool.ui.session import SessionState, id_number, show_view, signed_in
from culturetool.views.results import ChangeRow, DoneAction, ResultsView, RoundComparison


class ResultsState(SessionState):
    found: bool = True
    view: ResultsView | None = None

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        show_view(self, lambda: round_results.results_for_round(actor, id_number(self.round_id)))

    @rx.event
    @signed_in
    def download(self, actor: Actor, file_format: str):
        round_id = id_number(self.round_id)
        return download_file(
            self, lambda chosen: exports.round_results_file(actor, round_id, chosen), file_format
        )


def _comments(view: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.heading("Comments", as_="h2", size="5"),
        rx.cond(
            view.comments_shown,
            rx.cond(
                view.comments.length() > 0,
                rx.fragment(
                    rx.text(
                        "In alphabetical order, not the order they were written, so that no "
                        "one can tell who wrote what."
                    ),
                    rx.el.ul(
                        rx.foreach(view.comments, lambda text: rx.el.li(text)),
                        class_name="comments",
                    ),
                ),
                rx.text("No one has written a comment."),
            ),
            rx.text(
                f"Comments appear once {view.comment_threshold} people have answered, because "
                "people's own words can give them away more easily than scores. "
                f"{view.responses_text} so far."
            ),
        ),
        spacing="3",
        width="100%",
    )


def _change_badge(row: ChangeRow) -> rx.Component:
    """The change as text; colour and arrow only repeat what the text says."""
    return rx.badge(
        rx.match(
            row.direction,
            (Direction.UP.value, rx.icon("arrow-up", size=14, aria_hidden="true")),
            (Direction.DOWN.value, rx.icon("arrow-down", size=14, aria_hidden="true")),
            rx.icon("equal", size=14, aria_hidden="true"),
        ),
        row.change_text,
        color_scheme=rx.match(
            row.direction, (Direction.UP.value, "green"), (Direction.DOWN.value, "orange"), "gray"
        ),
        size="2",
        variant="soft",
    )


def _change_row(row: ChangeRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.text(row.name, weight="medium"),
            rx.text(row.sentence, size="1", color_scheme="gray"),
        ),
        rx.cond(
            row.compared,
            # Drawn only sometimes, so these cells name their columns themselves, for the
            # cards the table becomes on a phone (layout.data_table).
            rx.fragment(
                rx.table.cell(row.previous, custom_attrs={"data-label": "Previous round"}),
                rx.table.cell(
                    rx.text(row.current, weight="bold"),
                    custom_attrs={"data-label": "This round"},
                ),
                rx.table.cell(_change_badge(row), custom_attrs={"data-label": "Change"}),
            ),
            rx.table.cell("Cannot compare", col_span=3, class_name="hidden-figure"),
        ),
    )


def _done_action(action: DoneAction) -> rx.Component:
    return rx.el.li(
        rx.text(action.title, weight="bold", size="3"),
        rx.text(
            f"{action.team_name}. Done {action.done_on}.",
            rx.cond(action.conditions != "", f" Works on: {action.conditions}.", ""),
            size="2",
        ),
        class_name="done-action",
        style={"margin_bottom": "0.75rem", "list_style": "none"},
    )


def _actions_done(comparison: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.heading("Actions completed in between", as_="h3", size="4"),
        rx.text(
            f"Actions of this team and of the whole area marked done from "
            f"{comparison.actions_from} to {comparison.actions_to}.",
            size="2",
        ),
        rx.cond(
            comparison.actions_done.length() > 0,
            rx.el.ul(
                rx.foreach(comparison.actions_done, _done_action),
                class_name="done-actions",
                style={"padding": "0", "margin": "0"},
            ),
            rx.text("No actions were marked done between these rounds."),
        ),
        spacing="2",
        flex="2 1 280px",
        min_width="0",
    )


def _comparison(view: rx.Var) -> rx.Component:
    comparison = view.comparison.to(RoundComparison)
    return rx.cond(
        view.comparison,
        rx.vstack(
            rx.heading(
                f"Since the previous round ({comparison.previous_dates})", as_="h2", size="5"
            ),
            rx.text(comparison.summary),
            rx.text(
                "Small changes, of a few tenths of a point, can come from who happened to answer "
                "each time. Look for bigger changes, or changes that last over several rounds.",
                size="2",
            ),
            rx.link(
                "See the previous round's results",
                href=routes.round_results(comparison.previous_round_id),
            ),
            rx.flex(
                rx.box(
                    data_table(
                        ["Condition", "Previous round", "This round", "Change"],
                        comparison.rows,
                        _change_row,
                        class_name="change-table",
                    ),
                    flex="3 1 480px",
                    min_width="0",  # narrow screens scroll the table, not the page
                ),
                shown_if(comparison.actions_shown, _actions_done(comparison)),
                wrap="wrap",
                gap="5",
                width="100%",
            ),
            spacing="3",
            width="100%",
            class_name="comparison",
            id="since-previous-round",
        ),
        shown_if(
            view.comparison_note != "",
            rx.vstack(
                rx.heading("Change over time", as_="h2", size="5"),
                rx.text(view.comparison_note),
                spacing="2",
            ),
        ),
    )


def results_page() -> rx.Component:
    view = ResultsState.view.to(ResultsView)
    return page_frame(
        rx.cond(
            ResultsState.view,
            rx.vstack(
                breadcrumb(rx.link(view.team_name, href=routes.team_page(view.team_id))),
                rx.heading(f"Results: {view.team_name}", as_="h1", size="7"),
                rx.text(
                    f"{view.area_name}. Round opened {view.opened_on}",
                    rx.cond(view.closed_on != "", f", closed {view.closed_on}", " and still open"),
                    f". {view.responses_text}.",
                ),
                model_small_print(view),
                rx.cond(
                    view.disclosed,
                    rx.fragment(
                        summary_box(view),
                        rx.hstack(
                            rx.link(
                                "What to do next", href=routes.team_recommendations(view.team_id)
                            ),
                            shown_if(
                                view.comparison,
                                rx.link(
                                    "Change since the previous round",
                                    href="#since-previous-round",
                                ),
                            ),
                            spacing="5",
                            wrap="wrap",
                        ),
                        download_buttons(ResultsState.download),
                        score_sections(view),
                        _comparison(view),
                    ),
                    withheld_notice(view),
                ),
                _comments(view),
                spacing="4",
                width="100%",
            ),
            loading_or_not_found(
                ResultsState.found,
                "Loading results...",
                "Results not found",
                "There is no assessment round at this address.",
            ),
        ),
    )
