"""How people reach a round and answer it: opening a round with personal codes or an open link,
making codes, the questionnaire and saving a response. Each use case is one transaction.

The anonymity threshold counts people, so a round knows how many people the team has
(`staff_count`) and never takes more responses than that. With personal codes each response
spends one code, and the code is deleted as the response is saved. With an open link anyone who
holds it could answer many times, so besides the cap one browser may send once and one network
address six times in ten minutes; those limits live in this process's memory only.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from culturetool import config
from culturetool.domain import clock, survey_codes
from culturetool.domain.access import Actor, Permission
from culturetool.domain.errors import InputProblem, NotFound, RoundClosed, Unavailable
from culturetool.domain.kinds import AccessMode, member_of
from culturetool.domain.limits import (
    COMMENT_LENGTH,
    MAX_STAFF_COUNT,
    MIN_STAFF_COUNT,
)
from culturetool.domain.model_loader import load_model_dir
from culturetool.domain.model_schema import CultureModel
from culturetool.domain.periods import period_of_round, taking_answers
from culturetool.domain.questionnaire_wording import PageText
from culturetool.domain.rate_limit import SlidingWindowLimit
from culturetool.domain.scoring import validate_complete_response
from culturetool.domain.text import clean_comment, encodable
from culturetool.domain.wording import count_of, day_month_year
from culturetool.services.model_provider import current_model
from culturetool.services.reach import round_in_reach, team_in_reach
from culturetool.services.rounds import minutes_to_answer, round_summary
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.disclosure import response_count
from culturetool.store.tables import AssessmentRound
from culturetool.views.organisation import RoundSummary

DONT_KNOW_VALUE = 0
SUBMISSION_KEY_LENGTH = 200

CODE_REFUSED = (
    "This code has already been used or is not right. Check it, or ask your manager for a new card."
)
CODE_MISSING = "Please type the code from your card."
ROUND_FULL = (
    "This survey already has as many answers as the team has staff. If you have not answered "
    "yet, tell your manager."
)
TOO_MANY_FROM_SENDER = (
    "Several answers were just sent from this device or network. Please try again in 10 "
    "minutes; your answers are kept on this device."
)


@dataclass(frozen=True)
class QuestionView:
    id: str
    number: int
    text: str
    easy_read: str


@dataclass(frozen=True)
class ScaleChoice:
    value: int  # 0 stands for "don't know" in the browser; it is stored as no score
    label: str
    easy_read: str


@dataclass(frozen=True)
class QuestionnaireView:
    token: str
    organisation_name: str
    team_name: str
    area_name: str
    minutes: int
    threshold: int
    comment_threshold: int
    # Tuples, so that a view can key the cache of rendered pages (web/respondent.py).
    questions: tuple[QuestionView, ...]
    choices: tuple[ScaleChoice, ...]
    page_text: PageText
    access_mode: str = AccessMode.LINK.value  # "codes": the person types the code from their card


@dataclass
class OpenedRound:
    """A round just opened; in codes mode with its codes, shown grouped (7KQ4-M9XR-2F). This is
    the only time the plain codes exist: only their hashes are stored."""

    round: RoundSummary
    codes: list[str] = field(default_factory=list)


# ---- limits on senders (open-link rounds), in this process's memory only -------------------

WINDOW_SECONDS = 10 * 60
# Speed bumps for someone sending many answers through a link; the hard limit is the staff
# count. One browser (its network address and user agent together) may send a few, as
# colleagues take turns at a shared office computer; one network address more, as a team
# answers together in one office.
PER_BROWSER = 3
PER_NETWORK = 30


class SenderLimits:
    """How often one browser and one network address may send answers.

    Senders are remembered only as hashes salted with a random value made when the process
    starts, so not even this memory holds an address; nothing of it is stored or logged.
    """

    def __init__(self, per_browser: int = PER_BROWSER, per_network: int = PER_NETWORK) -> None:
        self._salt = secrets.token_bytes(32)
        self._per_browser = SlidingWindowLimit(per_browser, WINDOW_SECONDS)
        self._per_network = SlidingWindowLimit(per_network, WINDOW_SECONDS)
        self._lock = threading.Lock()

    def _key(self, *parts: str) -> str:
        joined = "\x00".join(parts).encode("utf-8", "surrogatepass")
        return hashlib.sha256(self._salt + joined).hexdigest()

    def allows(self, ip: str, agent: str, now: float) -> bool:
        with self._lock:
            return self._per_browser.allows(self._key(ip, agent), now) and (
                self._per_network.allows(self._key(ip), now)
            )

    def record(self, ip: str, agent: str, now: float) -> None:
        with self._lock:
            self._per_browser.record(self._key(ip, agent), now)
            self._per_network.record(self._key(ip), now)


sender_limits = SenderLimits()


# ---- opening rounds and making codes --------------------------------------------------------


def _checked_staff_count(staff_count: int) -> int:
    if (
        isinstance(staff_count, bool)
        or not isinstance(staff_count, int)
        or not MIN_STAFF_COUNT <= staff_count <= MAX_STAFF_COUNT
    ):
        raise InputProblem(
            f"Give the number of people in the team as a whole number from {MIN_STAFF_COUNT} "
            f"to {MAX_STAFF_COUNT}."
        )
    return staff_count


def _make_codes(session, round_id: int, how_many: int) -> list[str]:
    """New codes for a round, stored as hashes only; the plain codes are returned, grouped."""
    taken = repo.survey_code_hashes(session, round_id)
    codes: list[str] = []
    hashes: list[str] = []
    while len(codes) < how_many:
        code = survey_codes.new_code()
        code_hash = repo.hash_survey_code(round_id, code)
        if code_hash not in taken:
            taken.add(code_hash)
            codes.append(survey_codes.shown(code))
            hashes.append(code_hash)
    repo.add_survey_codes(session, round_id, hashes)
    return codes


def open_round(actor: Actor, team_id: int, *, access_mode: str, staff_count: int) -> OpenedRound:
    """Open a round for a team of `staff_count` people. With access_mode "codes" it comes with
    one personal code per person; with "link" anyone with the link may answer, up to the staff
    count."""
    mode = member_of(AccessMode, access_mode)
    if mode is None:
        raise InputProblem("Choose how people will answer: with personal codes or an open link.")
    staff_count = _checked_staff_count(staff_count)
    model = current_model()
    with transaction() as session:
        team = team_in_reach(session, actor, team_id, Permission.RUN_ROUNDS)
        if repo.open_round_of(session, team.id) is not None:
            raise InputProblem(
                f"{team.name} already has an open round. Close it before opening a new one."
            )
        threshold = team.area.organisation.anonymity_threshold
        if staff_count < threshold:
            raise InputProblem(
                f"Results are shown only once at least {threshold} people have answered, so a "
                f"round for {count_of(staff_count, 'person', 'people')} could "
                "never show any. Check the number, or ask an administrator about the threshold."
            )
        version = repo.ensure_model_version(session, model)
        # A round opened while a period runs for the team's area belongs to that period.
        period_id = period_of_round(
            repo.period_facts(session, actor.organisation_id), team.area_id, clock.today()
        )
        round_ = AssessmentRound(
            team_id=team.id,
            model_version_id=version.id,
            token=repo.new_round_token(),
            anonymity_threshold=threshold,
            comment_threshold=team.area.organisation.comment_threshold,
            access_mode=mode.value,
            staff_count=staff_count,
            period_id=period_id,
        )
        session.add(round_)
        session.flush()
        codes = _make_codes(session, round_.id, staff_count) if mode == AccessMode.CODES else []
        how = f"{len(codes)} personal codes" if codes else "an open link"
        repo.record(
            session,
            actor,
            "round opened",
            f"{team.name} (round {round_.id}), {staff_count} staff, {how}",
        )
        # team_in_reach let the actor run this team's rounds: they get the survey link.
        return OpenedRound(round=round_summary(session, round_, with_token=True), codes=codes)


def more_codes(actor: Actor, round_id: int, how_many: int) -> list[str]:
    """More personal codes for an open codes round (for people who joined, or lost a card).
    Unused codes and responses together never exceed the team's staff count, so the manager
    cannot make codes for people the team does not have."""
    with transaction() as session:
        round_ = round_in_reach(session, actor, round_id, Permission.RUN_ROUNDS)
        if not round_.is_open:
            raise InputProblem("This round has closed; open a new round to get new codes.")
        if round_.access_mode != AccessMode.CODES or round_.staff_count is None:
            raise InputProblem("This round uses an open link, so it has no codes.")
        unused = repo.unused_code_count(session, round_.id)
        answered = response_count(session, round_.id)
        room = round_.staff_count - unused - answered
        if isinstance(how_many, bool) or not isinstance(how_many, int) or how_many < 1:
            raise InputProblem("Say how many new codes you need (1 or more).")
        if how_many > room:
            raise InputProblem(
                f"The team has {round_.staff_count} staff: {answered} have answered and "
                f"{unused} codes are not used yet, so "
                + (f"at most {room} more can be made." if room > 0 else "no more can be made.")
            )
        codes = _make_codes(session, round_.id, how_many)
        repo.record(
            session,
            actor,
            "codes made",
            f"{round_.team.name} (round {round_.id}), {how_many} more personal codes",
        )
        return codes


def withdraw_unused_codes(actor: Actor, round_id: int) -> int:
    """Make every code of the round not yet used stop working (cards lost, or handed to the
    wrong people), so that new ones can be made for those who have not answered. Returns how
    many were withdrawn."""
    with transaction() as session:
        round_ = round_in_reach(session, actor, round_id, Permission.RUN_ROUNDS)
        if not round_.is_open or round_.access_mode != AccessMode.CODES:
            raise InputProblem("Only an open round with personal codes has codes to withdraw.")
        withdrawn = repo.withdraw_survey_codes(session, round_.id)
        repo.record(
            session,
            actor,
            "codes withdrawn",
            f"{round_.team.name} (round {round_.id}), {withdrawn} unused personal codes",
        )
        return withdrawn


# ---- the respondent's side ------------------------------------------------------------------


def _live_round(session, token: str, *, for_saving: bool = False) -> AssessmentRound:
    """The open round of a link. `for_saving` locks its row until the transaction ends (on
    PostgreSQL; SQLite has no row locks), so that two sends at once to a round with one place
    left are checked one after the other and only one is saved."""
    round_ = None
    if token and encodable(token):
        find = repo.round_to_save_into if for_saving else repo.round_by_token
        round_ = find(session, token)
    if round_ is None:
        raise NotFound("This link does not match any survey.")
    if not round_.is_open:
        raise RoundClosed()
    period = repo.period_closing(session, round_.period_id)
    if period is not None and not taking_answers(period, clock.today()):
        raise RoundClosed(
            period_note=f"The assessment “{period.name}” ended on "
            f"{day_month_year(period.closes_on)}."
        )
    return round_


def _unreachable(error: DBAPIError) -> bool:
    """Whether a database error says the database could not be reached or went away, rather
    than that the request was wrong: worth trying again in a minute."""
    return isinstance(error, OperationalError | InterfaceError) or error.connection_invalidated


@contextmanager
def _database_reachable() -> Iterator[None]:
    """Turn "the database is not there" into Unavailable, naming only the kind of error: the
    driver's message can hold the statement and what was sent in it."""
    try:
        yield
    except PoolTimeout as error:
        raise Unavailable(type(error).__name__) from None
    except DBAPIError as error:
        if not _unreachable(error):
            raise
        kind = type(error.orig if error.orig is not None else error).__name__
        raise Unavailable(kind) from None


def questionnaire_for(token: str) -> QuestionnaireView:
    """The open round's questionnaire; Unavailable when the database cannot be reached."""
    with _database_reachable():
        return _questionnaire_for(token)


def _questionnaire_for(token: str) -> QuestionnaireView:
    with transaction() as session:
        round_ = _live_round(session, token)
        model = repo.model_of_round(session, round_)
        scale = model.questionnaire.scale
        items = model.questionnaire.items
        choices = [
            ScaleChoice(value=o.value, label=o.label, easy_read=o.easy_read)
            for o in sorted(scale.options, key=lambda o: o.value)
        ]
        choices.append(
            ScaleChoice(DONT_KNOW_VALUE, scale.dont_know.label, scale.dont_know.easy_read)
        )
        return QuestionnaireView(
            token=round_.token,
            organisation_name=round_.team.area.organisation.name,
            team_name=round_.team.name,
            area_name=round_.team.area.name,
            minutes=minutes_to_answer(model),
            threshold=round_.anonymity_threshold,
            comment_threshold=round_.comment_threshold,
            questions=tuple(
                QuestionView(id=i.id, number=n, text=i.text, easy_read=i.easy_read)
                for n, i in enumerate(items, start=1)
            ),
            choices=tuple(choices),
            page_text=page_text(model),
            access_mode=round_.access_mode,
        )


# The texts this process last showed that can say "try again in a minute": a round's model
# saved before those texts existed does not have them.
_last_shown_text: list[PageText] = []


def page_text(model: CultureModel | None = None) -> PageText:
    """The respondent's page texts of a round's model; a model saved before they were written
    into it has those of the current model (only then is the database asked which it is)."""
    text = model.questionnaire.page_text if model is not None else None
    if text is None:
        text = current_model().questionnaire.page_text
        assert text is not None  # the loader requires it of the model files
    if text.not_sent_yet is not None and text.cannot_open_now is not None:
        _last_shown_text[:] = [text]
    return text


@cache
def _folder_page_text() -> PageText:
    text = load_model_dir(config.model_dir()).questionnaire.page_text
    assert text is not None  # the loader requires it of the model files
    return text


def page_text_without_database() -> PageText:
    """The texts for when the database cannot be reached: those this process last showed, or
    (before it showed any that have them) the model folder's. Every text used from it then is
    there: not_sent_yet, cannot_open_now."""
    return _last_shown_text[0] if _last_shown_text else _folder_page_text()


def _check_answers(session, round_: AssessmentRound, answers: dict[str, int | None]) -> None:
    problems = validate_complete_response(repo.model_of_round(session, round_), answers)
    if problems:
        raise InputProblem(" ".join(problems))


def submit_response(
    token: str,
    answers: dict[str, int],
    comment: str = "",
    *,
    code: str = "",
    submission_key: str = "",
    sender_ip: str = "",
    sender_agent: str = "",
) -> bool:
    """Save one person's answers and optional comment. Returns False when this submission key
    already saved its answers (a double click, a second tab).

    The browser sends 0 for "don't know"; it is stored as no score. A codes round needs the
    person's `code`, and takes the browser's one-off `submission_key` when it is sent; an
    open-link round needs the key. Of a key only a hash is kept, apart from the answers.
    `sender_ip` and `sender_agent` serve only the in-memory limits of open-link rounds and are
    never stored.
    """
    comment = clean_comment(comment, COMMENT_LENGTH)
    stored_answers = {
        item_id: (None if value == DONT_KNOW_VALUE else value) for item_id, value in answers.items()
    }
    now = time.monotonic()
    # All of it or none of it: a connection lost before the commit saved nothing, and the same
    # key sent again saves once. (Lost after the commit's reply left the server, the answers
    # are saved and the same key sent again is told so.)
    with _database_reachable():
        saved = _submit(
            token, stored_answers, comment,
            code=code, submission_key=submission_key, ip=sender_ip, agent=sender_agent, now=now,
        )  # fmt: skip
    if saved:
        # Counted once saved, so a refused send (a missing answer) does not use up the allowance.
        sender_limits.record(sender_ip, sender_agent, now)
    return saved


def _submit(
    token: str,
    stored_answers: dict[str, int | None],
    comment: str,
    *,
    code: str,
    submission_key: str,
    ip: str,
    agent: str,
    now: float,
) -> bool:
    try:
        with transaction() as session:
            round_ = _live_round(session, token, for_saving=True)
            if round_.access_mode == AccessMode.CODES:
                return _save_with_code(
                    session, round_, stored_answers, comment, code, key=submission_key
                )
            return _save_through_link(
                session, round_, stored_answers, comment,
                key=submission_key, ip=ip, agent=agent, now=now,
            )  # fmt: skip
    except IntegrityError:
        # The same key arrived twice at once: the other request saved these answers.
        return False


def _save_with_code(
    session,
    round_: AssessmentRound,
    answers: dict[str, int | None],
    comment: str,
    code: str,
    *,
    key: str,
) -> bool:
    """Save a response of a codes round; False if this browser's key already saved one (the
    reply to a send was lost and it is sent again: its code is spent, its answers are in).
    The key is optional here, for a page without its script; kept as a receipt, as in an
    open-link round, never beside the code."""
    key_hash = repo.hash_submission_key(key) if key and len(key) <= SUBMISSION_KEY_LENGTH else None
    # Marked first: if anything below refuses the response, the transaction takes it back.
    if key_hash is not None and not repo.add_receipt(session, round_.id, key_hash):
        return False
    typed = survey_codes.normalised(code or "")
    if not typed:
        raise InputProblem(CODE_MISSING)
    _check_answers(session, round_, answers)
    # Spent and saved in one transaction: a refused response leaves its code usable.
    if not repo.spend_survey_code(session, round_.id, repo.hash_survey_code(round_.id, typed)):
        raise InputProblem(CODE_REFUSED)
    repo.insert_response(session, round_, answers, comment)
    return True


def _save_through_link(
    session,
    round_: AssessmentRound,
    answers: dict[str, int | None],
    comment: str,
    *,
    key: str,
    ip: str,
    agent: str,
    now: float,
) -> bool:
    """Save a response of an open-link round; False if this key already saved one."""
    if not key or len(key) > SUBMISSION_KEY_LENGTH:
        raise InputProblem("Your browser did not send its one-off key; please reload the page.")
    key_hash = repo.hash_submission_key(key)
    # Marked first, and taken back with the transaction if the response is refused below: a
    # double click is not a second sender.
    if not repo.add_receipt(session, round_.id, key_hash):
        return False
    if round_.staff_count is not None and (
        # The running figures count the round's responses; counting the rows instead would
        # read the whole round for every response.
        (
            round_.figures_responses
            if round_.figures_responses is not None
            else response_count(session, round_.id)
        )
        >= round_.staff_count
    ):
        raise InputProblem(ROUND_FULL)
    if not sender_limits.allows(ip, agent, now):
        raise InputProblem(TOO_MANY_FROM_SENDER)
    _check_answers(session, round_, answers)
    repo.insert_response(session, round_, answers, comment)
    return True
