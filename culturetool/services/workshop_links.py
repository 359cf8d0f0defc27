"""A workshop's two public links: the collection form (`/c/<token>`) and the phone vote
(`/v/<token>`). No one signs in to either.

Facilitators make, show again and close a workshop's links (`make_link`, `links_of`,
`close_link`); those are audited like every staff change. The public side (`collection_form`,
`send_collection`, `ballot`, `change_vote`) keeps the questionnaire's anonymity rules: nothing
written links an entry or a vote to a device, a network address or a time. So collected entries
get random ids (the next integer would give the order they arrived in), a phone ballot is kept
under the hash of a key the participant's browser holds, neither writes to the audit log (its
rows carry a time), and the sender's address and browser serve only limits in this process's
memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from culturetool.domain import clock
from culturetool.domain.access import Actor, Permission
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.limits import DEFAULT_COLLECTION_RESPONSES
from culturetool.domain.text import encodable
from culturetool.domain.wording import day_month_year
from culturetool.domain.workshop import stages
from culturetool.domain.workshop import votes as voting
from culturetool.domain.workshop.kinds import (
    Channel,
    EntryKind,
    VotingState,
    WorkshopLinkPurpose,
)
from culturetool.services.reach import workshop_in_reach
from culturetool.services.responding import SenderLimits
from culturetool.services.workshops import touch
from culturetool.store import repository as repo
from culturetool.store import workshops as store
from culturetool.store.db import transaction
from culturetool.store.tables import (
    Organisation,
    Workshop,
    WorkshopEntry,
    WorkshopLink,
    WorkshopPerspective,
    WorkshopTheme,
)

TOKEN_BYTES = 24  # 192 random bits, 32 URL-safe characters: a link cannot be guessed
# Collected entries take random ids from the upper half of the id column's range, far above
# what the database hands out for entries typed by a facilitator, so the two never meet.
RANDOM_ID_LOW = 2**30
RANDOM_ID_HIGH = 2**31 - 1  # an INTEGER column's largest value
SUBMISSION_KEY_LENGTH = 64

NOT_OPEN = (
    "This link is not open. It may have closed, or the address may be mistyped: ask the "
    "person who gave it to you."
)
TOO_MANY_FROM_SENDER = (
    "Many answers have just been sent from this device or network. Please wait ten minutes "
    "and send yours again."
)
KEY_MISSING = "Your browser did not send the form's one-off key; please reload the page."
PURPOSE_WORDS = {
    WorkshopLinkPurpose.COLLECT: "collection link",
    WorkshopLinkPurpose.VOTE: "voting link",
}

# A whole room may send from one venue's network, often from phones with the same browser
# version, so these are wider than the questionnaire's: speed bumps against a script, not a
# count of people.
PER_BROWSER = 10
PER_NETWORK = 200
collection_senders = SenderLimits(per_browser=PER_BROWSER, per_network=PER_NETWORK)


class SubmissionKeys:
    """The one-off keys of collection forms sent lately, so a resend (a double tap, a retry on a
    slow network) adds nothing twice.

    Kept in this process's memory only, as hashes salted with a value made when the process
    starts, and forgotten after a while: nothing stored links a key to the entries it sent. A
    resend that reaches another of several processes is not caught here; the page's script
    also disables the send button after the first press.
    """

    FORGET_AFTER_SECONDS = 60 * 60
    MOST_KEPT = 50_000

    def __init__(self) -> None:
        self._salt = secrets.token_bytes(32)
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def _hash(self, key: str) -> str:
        return hashlib.sha256(self._salt + key.encode("utf-8", "surrogatepass")).hexdigest()

    def _forget_old(self, now: float) -> None:
        while self._seen and (
            len(self._seen) > self.MOST_KEPT
            or next(iter(self._seen.values())) <= now - self.FORGET_AFTER_SECONDS
        ):
            self._seen.popitem(last=False)

    def seen(self, key: str, now: float) -> bool:
        with self._lock:
            self._forget_old(now)
            return self._hash(key) in self._seen

    def remember(self, key: str, now: float) -> None:
        with self._lock:
            self._seen[self._hash(key)] = now
            self._forget_old(now)


submission_keys = SubmissionKeys()


# ---- what the pages get ----------------------------------------------------------------------


@dataclass(frozen=True)
class LinkShown:
    """A link as its workshop's facilitators see it."""

    purpose: str
    token: str
    closes_on: dt.date
    closes_on_words: str  # "12 March 2026"
    most_entries: int  # responses a collection link takes; 0 for a voting link
    entries_taken: int
    takes_answers: bool  # not past its last day, not full


@dataclass(frozen=True)
class WorkshopLinks:
    workshop_id: int
    collect: LinkShown | None
    vote: LinkShown | None


@dataclass(frozen=True)
class CollectionForm:
    """What the public collection page shows."""

    token: str
    workshop_title: str
    organisation_name: str
    perspectives: tuple[tuple[str, str], ...]  # key, words


@dataclass(frozen=True)
class BallotTheme:
    theme_id: int
    statement: str
    kind_label: str
    mine: int  # this participant's votes on it


@dataclass(frozen=True)
class BallotShown:
    """What the public voting page shows one participant."""

    token: str
    workshop_title: str
    budget: int
    per_theme: int
    votes_left: int
    voting: str  # a VotingState
    themes: tuple[BallotTheme, ...]


# ---- the staff side ------------------------------------------------------------------------


def _purpose(raw: str) -> WorkshopLinkPurpose:
    try:
        return WorkshopLinkPurpose(raw)
    except ValueError:
        raise InputProblem("Choose the collection link or the voting link.") from None


def _takes_answers(link: WorkshopLink, today: dt.date) -> bool:
    if today > link.closes_on:
        return False
    return link.purpose != WorkshopLinkPurpose.COLLECT or link.entries_taken < link.most_entries


def _shown(link: WorkshopLink, today: dt.date) -> LinkShown:
    return LinkShown(
        purpose=link.purpose,
        token=link.token,
        closes_on=link.closes_on,
        closes_on_words=day_month_year(link.closes_on),
        most_entries=link.most_entries,
        entries_taken=link.entries_taken,
        takes_answers=_takes_answers(link, today),
    )


def _link_of(session: Session, workshop_id: int, purpose: WorkshopLinkPurpose):
    return session.scalar(
        select(WorkshopLink).where(
            WorkshopLink.workshop_id == workshop_id, WorkshopLink.purpose == purpose.value
        )
    )


def make_link(
    actor: Actor,
    workshop_id: int,
    purpose: str,
    closes_on: dt.date,
    most_entries: int = DEFAULT_COLLECTION_RESPONSES,
) -> LinkShown:
    """A new link of this purpose for the workshop, replacing the one it had (whose address
    then stops working: the page warns before). A voting link has no response limit: each
    participant's ballot is held to the workshop's vote budget instead."""
    chosen = _purpose(purpose)
    today = clock.today()
    most = most_entries if chosen is WorkshopLinkPurpose.COLLECT else 1
    stages.check_collection_link(most, closes_on, today)
    with transaction() as session:
        workshop = workshop_in_reach(session, actor, workshop_id, Permission.RUN_WORKSHOPS)
        replaced = _link_of(session, workshop.id, chosen)
        if replaced is not None:
            session.delete(replaced)
            session.flush()
        link = WorkshopLink(
            token=secrets.token_urlsafe(TOKEN_BYTES),
            workshop_id=workshop.id,
            purpose=chosen.value,
            closes_on=closes_on,
            most_entries=most if chosen is WorkshopLinkPurpose.COLLECT else 0,
            entries_taken=0,
        )
        session.add(link)
        touch(session, workshop)
        limit = f", up to {most:,} responses" if chosen is WorkshopLinkPurpose.COLLECT else ""
        repo.record(
            session,
            actor,
            "workshop link replaced" if replaced is not None else "workshop link made",
            f"The {PURPOSE_WORDS[chosen]} of “{workshop.title}”, open until "
            f"{day_month_year(closes_on)}{limit}",
        )
        session.flush()
        return _shown(link, today)


def links_of(actor: Actor, workshop_id: int) -> WorkshopLinks:
    """The workshop's links as its facilitators show them to the room."""
    today = clock.today()
    with transaction() as session:
        workshop = workshop_in_reach(session, actor, workshop_id, Permission.RUN_WORKSHOPS)
        found = {
            purpose: _link_of(session, workshop.id, purpose) for purpose in WorkshopLinkPurpose
        }
        return WorkshopLinks(
            workshop_id=workshop.id,
            **{
                purpose.value: None if link is None else _shown(link, today)
                for purpose, link in found.items()
            },
        )


def close_link(actor: Actor, workshop_id: int, purpose: str) -> None:
    """Stop the link working now: its address then opens nothing. The entries and votes it
    brought stay."""
    chosen = _purpose(purpose)
    with transaction() as session:
        workshop = workshop_in_reach(session, actor, workshop_id, Permission.RUN_WORKSHOPS)
        link = _link_of(session, workshop.id, chosen)
        if link is None:
            raise NotFound(f"This workshop has no {PURPOSE_WORDS[chosen]} to close.")
        session.delete(link)
        touch(session, workshop)
        repo.record(
            session,
            actor,
            "workshop link closed",
            f"The {PURPOSE_WORDS[chosen]} of “{workshop.title}”",
        )


# ---- the public side -----------------------------------------------------------------------


def _open_link(
    session: Session, token: str, purpose: WorkshopLinkPurpose, lock: bool = False
) -> tuple[WorkshopLink, Workshop]:
    """The link with this token and purpose and its workshop; a token of the other purpose
    opens nothing, as a wrong one does."""
    if not encodable(token):
        raise NotFound(NOT_OPEN)
    query = select(WorkshopLink).where(
        WorkshopLink.token == token, WorkshopLink.purpose == purpose.value
    )
    link = session.scalar(query.with_for_update() if lock else query)
    if link is None:
        raise NotFound(NOT_OPEN)
    workshop = session.get(Workshop, link.workshop_id)
    if workshop is None:  # pragma: no cover - the foreign key keeps it
        raise NotFound(NOT_OPEN)
    return link, workshop


def _perspectives(session: Session, workshop_id: int) -> tuple[tuple[str, str], ...]:
    keys = session.scalars(
        select(WorkshopPerspective.key).where(WorkshopPerspective.workshop_id == workshop_id)
    )
    named = [(key, stages.perspective_label(key)) for key in keys]
    return tuple(sorted(named, key=lambda pair: pair[1].casefold()))


def _check_collecting(link: WorkshopLink, today: dt.date) -> None:
    stages.check_link_takes_answers(
        stages.CollectionLink(most_responses=link.most_entries, last_day=link.closes_on),
        link.entries_taken,
        today,
    )


def collection_form(token: str) -> CollectionForm:
    """The form behind a collection link; `NotFound` for no such link, `InputProblem` with the
    reason when it has closed or is full."""
    with transaction() as session:
        link, workshop = _open_link(session, token, WorkshopLinkPurpose.COLLECT)
        _check_collecting(link, clock.today())
        organisation = session.get(Organisation, workshop.organisation_id)
        return CollectionForm(
            token=link.token,
            workshop_title=workshop.title,
            organisation_name=organisation.name if organisation else "",
            perspectives=_perspectives(session, workshop.id),
        )


def _random_entry_id(session: Session) -> int:
    """An id no entry has, drawn at random (retried on the rare clash)."""
    while True:
        candidate = secrets.SystemRandom().randint(RANDOM_ID_LOW, RANDOM_ID_HIGH)
        if session.get(WorkshopEntry, candidate) is None:
            return candidate


def send_collection(
    token: str,
    answers: Mapping[EntryKind, Sequence[str]],
    perspective: str = "",
    *,
    easy_read: bool = False,
    submission_key: str = "",
    sender_ip: str = "",
    sender_agent: str = "",
) -> bool:
    """Record one person's answers as the workshop's entries (unthemed, channel online or easy
    read, the perspective if they gave one). Returns False when this form's one-off key has
    already sent them. `sender_ip` and `sender_agent` serve only the in-memory limit."""
    if not submission_key or len(submission_key) > SUBMISSION_KEY_LENGTH:
        raise InputProblem(KEY_MISSING)
    now = time.monotonic()
    if submission_keys.seen(submission_key, now):
        return False
    entries = stages.collected_answers(answers)
    channel = Channel.EASY_READ if easy_read else Channel.ONLINE
    with transaction() as session:
        # Locked, so two people sending at once cannot both take the last place.
        link, workshop = _open_link(session, token, WorkshopLinkPurpose.COLLECT, lock=True)
        _check_collecting(link, clock.today())
        given = perspective.strip() or None
        if given is not None:
            stages.check_perspective(given, dict(_perspectives(session, workshop.id)))
        if not collection_senders.allows(sender_ip, sender_agent, now):
            raise InputProblem(TOO_MANY_FROM_SENDER)
        for kind, text in entries:
            session.add(
                WorkshopEntry(
                    id=_random_entry_id(session),
                    workshop_id=workshop.id,
                    kind=kind.value,
                    channel=channel.value,
                    perspective=given,
                    text=text,
                )
            )
            session.flush()
        link.entries_taken += 1
        touch(session, workshop)
    submission_keys.remember(submission_key, now)
    collection_senders.record(sender_ip, sender_agent, now)
    return True


# The voting link.

BALLOT_KEY_LENGTH = 64


def new_ballot_key() -> str:
    return store.new_ballot_key()


def _check_ballot_key(key: str) -> str:
    if not key or len(key) > BALLOT_KEY_LENGTH:
        raise InputProblem("Your phone did not send its ballot key; please reload the page.")
    return key


def _check_voting_link(link: WorkshopLink, today: dt.date) -> None:
    if today > link.closes_on:
        raise voting.VotingNotOpen(
            f"This voting link closed on {day_month_year(link.closes_on)}, so no more votes "
            "can be given."
        )


def _ballot_shown(session: Session, link: WorkshopLink, workshop: Workshop, key: str):
    mine = store.ballot_of(session, workshop.id, key)
    themes = session.scalars(
        select(WorkshopTheme)
        .where(WorkshopTheme.workshop_id == workshop.id, WorkshopTheme.on_ballot.is_(True))
        .order_by(WorkshopTheme.id)
    )
    state = VotingState(workshop.voting)
    if clock.today() > link.closes_on:
        state = VotingState.CLOSED
    return BallotShown(
        token=link.token,
        workshop_title=workshop.title,
        budget=workshop.vote_budget,
        per_theme=workshop.votes_per_theme,
        votes_left=workshop.vote_budget - sum(mine.values()),
        voting=state.value,
        themes=tuple(
            BallotTheme(
                theme_id=theme.id,
                statement=theme.statement or "A theme with no statement yet",
                kind_label=EntryKind(theme.kind).label,
                mine=mine.get(theme.id, 0),
            )
            for theme in themes
        ),
    )


def ballot(token: str, key: str) -> BallotShown:
    """The ballot behind a voting link as this participant's key has it (empty before their
    first vote); `NotFound` for no such link."""
    _check_ballot_key(key)
    with transaction() as session:
        link, workshop = _open_link(session, token, WorkshopLinkPurpose.VOTE)
        return _ballot_shown(session, link, workshop, key)


def change_vote(token: str, key: str, theme_id: int, more: bool) -> BallotShown:
    """One more vote on the theme (`more`) or one taken back, for the participant whose
    browser holds `key`. Refused whole with `InputProblem` past the budget, past the theme's
    cap, or when voting is not open; the saved ballot is then as it was."""
    _check_ballot_key(key)
    with transaction() as session:
        link, workshop = _open_link(session, token, WorkshopLinkPurpose.VOTE)
        _check_voting_link(link, clock.today())
        rules = store.vote_rules(session, workshop.id)
        saved = store.ballot_of(session, workshop.id, key)
        changed = (
            voting.add_vote(saved, theme_id, rules)
            if more
            else voting.take_back_vote(saved, theme_id, rules)
        )
        store.record_ballot(session, workshop.id, key, changed)
        touch(session, workshop)
        return _ballot_shown(session, link, workshop, key)
