"""A round's results: scores per condition once enough people have answered, nothing before."""

from __future__ import annotations

import reflex as rx

from culturetool.domain.access import Actor
from culturetool.domain.errors import NotFound
from culturetool.services import assessments, exports
from culturetool.services.assessments import ResultsView
from culturetool.ui.layout import breadcrumb, page_frame
from culturetool.ui.scores import download_buttons, score_sections, withheld_notice
from culturetool.ui.session import SessionState, signed_in


class ResultsState(SessionState):
    found: bool = True
    view: ResultsView | None = None

    @rx.event
    @signed_in
    def load(self, actor: Actor):
        self.view = None  # never leave another round's results on screen
        raw = self.round_id
        try:
            self.view = assessments.results_for_round(actor, int(raw) if raw.isdigit() else 0)
            self.found = True
        except NotFound:
            self.found = False

    def _download(self, actor: Actor, file_format: str):
        raw = self.round_id
        try:
            file = exports.round_results_file(actor, int(raw) if raw.isdigit() else 0, file_format)
        except NotFound:
            self.view, self.found = None, False
            return None
        return rx.download(data=file.data, filename=file.filename, mime_type=file.mime_type)

    @rx.event
    @signed_in
    def download_csv(self, actor: Actor):
        return self._download(actor, "csv")

    @rx.event
    @signed_in
    def download_xlsx(self, actor: Actor):
        return self._download(actor, "xlsx")


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
                f"{view.responses} responses so far."
            ),
        ),
        spacing="3",
        width="100%",
    )


def results_page() -> rx.Component:
    view = ResultsState.view.to(ResultsView)
    return page_frame(
        rx.cond(
            ResultsState.view,
            rx.vstack(
                breadcrumb(rx.link(view.team_name, href=f"/teams/{view.team_id}")),
                rx.heading(f"Results: {view.team_name}", as_="h1", size="7"),
                rx.text(
                    f"{view.area_name}. Round opened {view.opened_on}",
                    rx.cond(view.closed_on != "", f", closed {view.closed_on}", " and still open"),
                    f". {view.responses} responses. Model version {view.model_label}.",
                ),
                rx.cond(
                    view.disclosed,
                    rx.fragment(
                        download_buttons(ResultsState.download_csv, ResultsState.download_xlsx),
                        score_sections(view),
                    ),
                    withheld_notice(view),
                ),
                _comments(view),
                spacing="4",
                width="100%",
            ),
            rx.cond(
                ResultsState.found,
                rx.text("Loading results..."),
                rx.vstack(
                    rx.heading("Results not found", as_="h1", size="7"),
                    rx.text("There is no assessment round at this address."),
                    rx.link("Back to all teams", href="/"),
                ),
            ),
        ),
    )
