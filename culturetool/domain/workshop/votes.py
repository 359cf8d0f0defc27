"""Voting on which themes to address (stage 4): dot voting within a budget. Pure rules.

Each participant has the workshop's budget of votes and may put several on one theme, up to
the per-theme cap. People with a phone vote through the workshop's voting link; for the people
at a table without a device a facilitator records the table's votes as one count per theme.
Votes are taken only while voting is open, and once closed it stays closed, so the result the
summary report shares is final.

Nothing here knows who voted: a phone ballot is a mapping of theme id → votes, kept under a
random ballot id the browser holds (the store's concern), with no device, address or time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from culturetool.domain.errors import InputProblem
from culturetool.domain.limits import MAX_PEOPLE_AT_TABLE, MAX_VOTES_PER_PARTICIPANT
from culturetool.domain.workshop.board import Board
from culturetool.domain.workshop.kinds import EntryKind, VotingState

Ballot = Mapping[int, int]  # theme id → votes on it (themes with none may be left out)


class VotingNotOpen(InputProblem):
    """A vote came before voting opened or after it closed."""


@dataclass(frozen=True)
class VoteRules:
    """How a workshop votes: each participant's budget, how many of those may go on one theme,
    the themes on the ballot and whether voting is open."""

    budget: int
    per_theme: int
    themes: frozenset[int]
    state: VotingState

    def __post_init__(self) -> None:
        if not 1 <= self.per_theme <= self.budget:
            raise ValueError(f"per-theme cap {self.per_theme} is outside 1..{self.budget}")


def check_budget(budget: int, per_theme: int) -> None:
    """The numbers a facilitator sets when preparing the workshop."""
    if not 1 <= budget <= MAX_VOTES_PER_PARTICIPANT:
        raise InputProblem(
            f"Give each participant between 1 and {MAX_VOTES_PER_PARTICIPANT} votes."
        )
    if not 1 <= per_theme <= budget:
        raise InputProblem(
            f"The most votes one person can put on one theme must be between 1 and their "
            f"{budget} votes."
        )


def default_ballot(board: Board) -> frozenset[int]:
    """The themes put to the vote unless the facilitator chooses others: those of what is not
    working well (Working Together for Change votes on which root causes to address) that
    hold at least one entry."""
    return frozenset(
        theme.id
        for theme in board.themes.values()
        if theme.kind == EntryKind.NOT_WORKING_WELL and theme.entry_ids
    )


def open_voting(state: VotingState, themes: Collection[int]) -> VotingState:
    if state == VotingState.CLOSED:
        raise InputProblem("Voting has closed and its result stands; it cannot be opened again.")
    if len(themes) < 2:
        raise InputProblem("Put at least two themes to the vote before opening it.")
    return VotingState.OPEN


def close_voting(state: VotingState) -> VotingState:
    if state != VotingState.OPEN:
        raise InputProblem("Voting is not open, so there is nothing to close.")
    return VotingState.CLOSED


def _require_open(rules: VoteRules) -> None:
    if rules.state == VotingState.NOT_OPEN:
        raise VotingNotOpen("Voting has not started yet. Your facilitator will say when it opens.")
    if rules.state == VotingState.CLOSED:
        raise VotingNotOpen("Voting has closed, so no more votes can be given.")


def votes_left(ballot: Ballot, rules: VoteRules) -> int:
    return rules.budget - sum(ballot.values())


def add_vote(ballot: Ballot, theme_id: int, rules: VoteRules) -> dict[int, int]:
    """The ballot with one more vote on the theme ("votes left" goes down by one)."""
    _require_open(rules)
    _require_on_ballot(theme_id, rules)
    if votes_left(ballot, rules) <= 0:
        raise InputProblem(
            f"You have used all {rules.budget} of your votes. To vote for this theme, take a "
            "vote back from another one first."
        )
    if ballot.get(theme_id, 0) >= rules.per_theme:
        raise InputProblem(
            f"You have put {rules.per_theme} votes on this theme, the most one person can give "
            "one theme. Use the rest on other themes."
        )
    return {**ballot, theme_id: ballot.get(theme_id, 0) + 1}


def take_back_vote(ballot: Ballot, theme_id: int, rules: VoteRules) -> dict[int, int]:
    """The ballot with one vote fewer on the theme, while voting is open."""
    _require_open(rules)
    if ballot.get(theme_id, 0) <= 0:
        raise InputProblem("You have no vote on this theme to take back.")
    changed = {**ballot, theme_id: ballot[theme_id] - 1}
    return {theme: votes for theme, votes in changed.items() if votes}


def check_ballot(ballot: Ballot, rules: VoteRules) -> None:
    """A whole phone ballot, as it is about to be saved: open, on the ballot, within budget."""
    _require_open(rules)
    _check_counts(ballot, rules, rules.per_theme)
    if sum(ballot.values()) > rules.budget:
        raise InputProblem(
            f"That is {sum(ballot.values())} votes; each person has {rules.budget}. "
            "Take some back and try again."
        )


def check_table_votes(table: str, people: int, counts: Ballot, rules: VoteRules) -> None:
    """A table's votes a facilitator records for the `people` at it who have no device: at most
    `people` x budget in all and `people` x the per-theme cap on one theme. A later record for
    the same table replaces the earlier one, so a correction is not counted twice."""
    _require_open(rules)
    if not 1 <= people <= MAX_PEOPLE_AT_TABLE:
        raise InputProblem(
            f"Say how many people at {table} are voting this way: between 1 and "
            f"{MAX_PEOPLE_AT_TABLE}."
        )
    _check_counts(counts, rules, people * rules.per_theme)
    total = sum(counts.values())
    if total > people * rules.budget:
        raise InputProblem(
            f"{table} has {people} {'person' if people == 1 else 'people'} voting with "
            f"{rules.budget} votes each, so {people * rules.budget} votes at most; "
            f"{total} are entered. Check the counts."
        )


def _check_counts(counts: Ballot, rules: VoteRules, most_per_theme: int) -> None:
    for theme_id, votes in counts.items():
        _require_on_ballot(theme_id, rules)
        if votes < 0:
            raise InputProblem("A number of votes cannot be less than 0.")
        if votes > most_per_theme:
            raise InputProblem(
                f"{votes} votes on one theme is more than the {most_per_theme} that can be "
                "given to it."
            )


def _require_on_ballot(theme_id: int, rules: VoteRules) -> None:
    if theme_id not in rules.themes:
        raise InputProblem("That theme is not one of those being voted on.")


@dataclass(frozen=True)
class RankedTheme:
    theme_id: int
    votes: int
    rank: int  # 1 for the most votes; themes with equal votes share a rank
    tied: bool  # another theme has the same number of votes


def ranking(themes: Iterable[int], ballots: Iterable[Ballot]) -> list[RankedTheme]:
    """Every theme on the ballot with its votes (phone ballots and table records alike), most
    first, themes without votes included.

    Ties use standard competition ranking ("1, 1, 3"): a theme's rank is one more than the
    number of themes with more votes. After two themes tied first the next is third, not
    second, because two themes did better; dense ranking ("1, 1, 2") would make it read as the
    runner-up. Tied themes are listed in id order (the order they were made) and marked tied.
    """
    totals = {theme_id: 0 for theme_id in themes}
    for ballot in ballots:
        for theme_id, votes in ballot.items():
            if theme_id not in totals:
                raise ValueError(f"votes for theme {theme_id}, which is not on the ballot")
            totals[theme_id] += votes
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    counts = list(totals.values())
    return [
        RankedTheme(
            theme_id,
            votes,
            rank=1 + sum(1 for other in counts if other > votes),
            tied=counts.count(votes) > 1,
        )
        for theme_id, votes in ordered
    ]
