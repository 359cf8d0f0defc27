"""The anonymous questionnaire opened from a share link.

Its handlers are public: the round's token is the only key, and they reach nothing but that
round's questions and the saving of one response to it.

Answers are kept on this device (browser storage) until they are sent, so a person can leave
and come back. The one-off submission key also lives there: sending twice saves once.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

import reflex as rx

from culturetool.domain.errors import InputProblem, NotFound, RoundClosed
from culturetool.services import assessments
from culturetool.services.assessments import DONT_KNOW_VALUE, QuestionView, ScaleChoice
from culturetool.store.tables import COMMENT_LENGTH
from culturetool.ui.session import public

QUESTIONS_PER_PAGE = 6
ANSWER_EVERY_STATEMENT = (
    "Please answer every statement on this page. If you are not sure, choose “Don't know”."
)


@dataclass
class QuestionOnPage:
    id: str
    number: int
    text: str
    selected: int  # -1: not answered yet


class RespondState(rx.State):
    status: str = "loading"  # loading | ready | not_found | closed | submitted
    organisation_name: str = ""
    team_name: str = ""
    minutes: int = 0
    threshold: int = 5
    comment_threshold: int = 10
    comment: str = ""  # kept on the server only, never in the browser's storage
    questions: list[QuestionView] = []
    choices: list[ScaleChoice] = []
    answers: dict[str, int] = {}
    page: int = 0
    easy_read: bool = False
    message: str = ""
    # What this device remembers, per round token: answers so far, its key, whether it sent.
    device_memory: str = rx.LocalStorage("{}", name="culturetool_answers", sync=True)

    # ---- derived --------------------------------------------------------------------------

    @rx.var
    def page_count(self) -> int:
        return max(1, -(-len(self.questions) // QUESTIONS_PER_PAGE))

    @rx.var
    def on_last_page(self) -> bool:
        return self.page >= self.page_count - 1

    @rx.var
    def page_questions(self) -> list[QuestionOnPage]:
        start = self.page * QUESTIONS_PER_PAGE
        return [
            QuestionOnPage(
                id=q.id,
                number=q.number,
                text=q.easy_read if self.easy_read else q.text,
                selected=self.answers.get(q.id, -1),
            )
            for q in self.questions[start : start + QUESTIONS_PER_PAGE]
        ]

    @rx.var
    def answered(self) -> int:
        ids = {q.id for q in self.questions}
        return sum(1 for key in self.answers if key in ids)

    # ---- device memory --------------------------------------------------------------------

    def _memory(self) -> dict:
        try:
            memory = json.loads(self.device_memory or "{}")
        except ValueError:
            return {}
        return memory if isinstance(memory, dict) else {}

    def _remember(self, **fields) -> None:
        memory = self._memory()
        entry = memory.get(self.token) if isinstance(memory.get(self.token), dict) else {}
        entry.update(fields)
        memory[self.token] = entry
        self.device_memory = json.dumps(memory)

    def _save_progress(self) -> None:
        self._remember(answers=self.answers, page=self.page, easy_read=self.easy_read)

    # ---- events ---------------------------------------------------------------------------

    @rx.event
    @public
    def load(self):
        self.message = ""
        try:
            view = assessments.questionnaire_for(self.token)
        except NotFound:
            self.status = "not_found"
            return
        except RoundClosed:
            self.status = "closed"
            return
        self.organisation_name = view.organisation_name
        self.team_name = view.team_name
        self.minutes = view.minutes
        self.threshold = view.threshold
        self.comment_threshold = view.comment_threshold
        self.questions = view.questions
        self.choices = view.choices
        remembered = self._memory().get(self.token)
        remembered = remembered if isinstance(remembered, dict) else {}
        if remembered.get("submitted"):
            self.status = "submitted"
            return
        allowed = {c.value for c in view.choices}
        ids = {q.id for q in view.questions}
        saved = remembered.get("answers") if isinstance(remembered.get("answers"), dict) else {}
        self.answers = {k: v for k, v in saved.items() if k in ids and v in allowed}
        page = remembered.get("page", 0)
        self.page = page if isinstance(page, int) and 0 <= page < self.page_count else 0
        self.easy_read = remembered.get("easy_read") is True
        if not isinstance(remembered.get("key"), str):
            self._remember(key=secrets.token_urlsafe(24))
        self._save_progress()
        self.status = "ready"

    @rx.event
    @public
    def choose(self, question_id: str, value: int):
        if self.status != "ready":
            return
        self.answers[question_id] = value
        self.message = ""
        self._save_progress()

    @rx.event
    @public
    def keep_comment(self, text: str):
        if self.status == "ready":
            self.comment = text[: COMMENT_LENGTH * 2]  # the service says if it is too long

    @rx.event
    @public
    def toggle_easy_read(self):
        self.easy_read = not self.easy_read
        self._save_progress()

    def _page_complete(self) -> bool:
        return all(q.selected >= 0 for q in self.page_questions)

    @rx.event
    @public
    def next_page(self):
        if not self._page_complete():
            self.message = ANSWER_EVERY_STATEMENT
            return
        self.message = ""
        self.page = min(self.page + 1, self.page_count - 1)
        self._save_progress()
        return rx.call_script(
            "window.scrollTo(0, 0); document.getElementById('questions-heading')?.focus()"
        )

    @rx.event
    @public
    def previous_page(self):
        self.message = ""
        self.page = max(self.page - 1, 0)
        self._save_progress()
        return rx.call_script(
            "window.scrollTo(0, 0); document.getElementById('questions-heading')?.focus()"
        )

    @rx.event
    @public
    def submit(self):
        if self.status != "ready":
            return  # a second click after sending does nothing
        if not self._page_complete() or self.answered < len(self.questions):
            self.message = ANSWER_EVERY_STATEMENT
            return
        key = self._memory().get(self.token, {}).get("key", "")
        try:
            assessments.submit_response(self.token, key, dict(self.answers), self.comment)
        except RoundClosed:
            self.status = "closed"
            return
        except (InputProblem, NotFound) as problem:
            self.message = str(problem)
            return
        self.status = "submitted"
        self.answers = {}
        self.comment = ""
        # Forget the answers on this device; remember only that they were sent.
        self._remember(answers={}, submitted=True)
        return rx.call_script("window.scrollTo(0, 0)")


# ---- page ---------------------------------------------------------------------------------


def _choice(question: QuestionOnPage, choice: ScaleChoice) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="radio",
            name=question.id,
            value=choice.value.to_string(),
            # Uncontrolled, so a click shows at once; the server keeps the answer in step.
            default_checked=question.selected == choice.value,
            on_change=RespondState.choose(question.id, choice.value),
            class_name="choice-input",
        ),
        rx.el.span(rx.cond(RespondState.easy_read, choice.easy_read, choice.label)),
        class_name=rx.cond(choice.value == DONT_KNOW_VALUE, "choice choice-dont-know", "choice"),
    )


def _question(question: QuestionOnPage) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(
            rx.el.span(f"{question.number}. ", class_name="q-number"),
            question.text,
        ),
        rx.el.div(
            rx.foreach(RespondState.choices, lambda choice: _choice(question, choice)),
            class_name="choices",
        ),
        class_name="question",
        id=f"q-{question.id}",
        key=question.id,  # a new page gets new inputs, not the last page's ticked ones
    )


def _intro() -> rx.Component:
    return rx.box(
        rx.heading(
            f"How does {RespondState.team_name} feel about care technology?",
            as_="h1",
            size="6",
        ),
        rx.text(
            f"{RespondState.organisation_name} is asking everyone in {RespondState.team_name} "
            "these questions to understand how your team uses, trusts and feels about care "
            "technology, and what would help. It takes about "
            f"{RespondState.minutes} minutes.",
        ),
        rx.callout(
            rx.text(
                "Your answers are anonymous. We do not ask your name and do not record who "
                "you are, your email, your computer's address or the time you answered. Your "
                f"manager sees only the team's combined scores, and only once at least "
                f"{RespondState.threshold} people have answered.",
            ),
            icon="shield_check",
            color_scheme="green",
            size="1",
        ),
        class_name="intro",
    )


def _questions() -> rx.Component:
    return rx.el.form(
        rx.hstack(
            rx.heading(
                f"Page {RespondState.page + 1} of {RespondState.page_count}",
                as_="h2",
                size="4",
                id="questions-heading",
                tab_index=-1,
            ),
            rx.el.label(
                rx.el.input(
                    type="checkbox",
                    default_checked=RespondState.easy_read,
                    on_change=RespondState.toggle_easy_read,
                ),
                " Easy read",
                class_name="easy-read-toggle",
            ),
            justify="between",
            align="center",
            width="100%",
        ),
        rx.el.div(
            rx.el.label(
                f"{RespondState.answered} of {RespondState.questions.length()} answered",
                html_for="progress",
            ),
            rx.el.progress(
                id="progress", value=RespondState.answered, max=RespondState.questions.length()
            ),
            class_name="progress",
        ),
        rx.foreach(RespondState.page_questions, _question),
        rx.cond(RespondState.on_last_page, _comment_box()),
        rx.cond(
            RespondState.message != "",
            rx.el.p(RespondState.message, role="alert", class_name="notice notice-error"),
        ),
        rx.hstack(
            rx.cond(
                RespondState.page > 0,
                rx.button(
                    "Back", type="button", variant="soft", on_click=RespondState.previous_page
                ),
            ),
            rx.cond(
                RespondState.on_last_page,
                rx.button("Send my answers", type="button", size="3", on_click=RespondState.submit),
                rx.button("Next", type="button", size="3", on_click=RespondState.next_page),
            ),
            justify="end",
            width="100%",
            spacing="3",
        ),
        on_submit=rx.prevent_default,
        class_name="questionnaire",
    )


def _comment_box() -> rx.Component:
    return rx.el.div(
        rx.el.label(
            "Anything else you would like to say about care technology in your team? (optional)",
            html_for="comment",
        ),
        rx.el.p(
            "Your manager will see your words exactly as you write them, mixed in with other "
            f"people's and in no order, once at least {RespondState.comment_threshold} people "
            "have answered. Please do not write names or anything that shows who you are.",
            id="comment-help",
            class_name="help",
        ),
        rx.el.textarea(
            id="comment",
            name="comment",
            rows=4,
            max_length=COMMENT_LENGTH,
            default_value=RespondState.comment,
            on_blur=RespondState.keep_comment,
            aria_describedby="comment-help",
            class_name="text-input comment-input",
        ),
        class_name="field",
    )


def _plain_message(heading: str, body: str) -> rx.Component:
    return rx.vstack(
        rx.heading(heading, as_="h1", size="6"),
        rx.text(body),
        spacing="3",
    )


def respond_page() -> rx.Component:
    return rx.el.main(
        rx.cond(
            # Until the page is hydrated a click could be lost, so the questions wait for it.
            ~RespondState.is_hydrated,
            rx.text("Loading the questions..."),
            _by_status(),
        ),
        id="main",
        class_name="page respondent",
    )


def _by_status() -> rx.Component:
    return rx.match(
        RespondState.status,
        ("ready", rx.vstack(_intro(), _questions(), spacing="5", width="100%")),
        (
            "submitted",
            _plain_message(
                "Thank you: your answers have been sent",
                "Your answers were saved anonymously. You can close this page.",
            ),
        ),
        (
            "closed",
            _plain_message(
                "This survey has closed",
                "It no longer takes answers. If you think this is a mistake, ask your "
                "manager for the link to the current survey.",
            ),
        ),
        (
            "not_found",
            _plain_message(
                "This link does not work",
                "Check that you copied the whole link, or ask your manager to send it again.",
            ),
        ),
        rx.text("Loading the questions..."),
    )
