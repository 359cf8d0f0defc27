"""How counts and dates read on pages, in files and in messages: one way each, everywhere."""

from __future__ import annotations

import datetime as dt


def count_of(number: int, one: str, many: str) -> str:
    """ "1 person", "0 people", "12 people"."""
    return f"{number} {one if number == 1 else many}"


def day_month_year(day: dt.date | None) -> str:
    """ "7 Sep 2026" (no leading zero; the month's short English name); empty for no date.

    Built by hand rather than with strftime's "%-d", which only some C libraries understand,
    and "%b", which follows the machine's locale."""
    if day is None:
        return ""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def day_month_year_time(moment: dt.datetime) -> str:
    """ "7 Sep 2026 14:05", for the audit log."""
    return f"{day_month_year(moment)} {moment:%H:%M}"


def month_year(day: dt.date) -> str:
    """ "March 2026": when something happened, where the day itself does not matter."""
    return f"{_FULL_MONTHS[day.month - 1]} {day.year}"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FULL_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


# ---- how much to trust a score, in words ---------------------------------------------------
#
# The spread is the standard deviation of people's own scores on the 1 to 5 scale. Up to about
# two thirds of a point people gave much the same answer; above a point they sat at different
# ends of the scale, which matters more to a manager than the average itself.
AGREED_BELOW = 0.7
SPLIT_ABOVE = 1.0


def spread_words(spread: float) -> str:
    """ "people mostly agreed", "views differed a little" or "views were split"."""
    if spread < AGREED_BELOW:
        return "people mostly agreed"
    if spread <= SPLIT_ABOVE:
        return "views differed a little"
    return "views were split"


def dont_know_words(dont_know: int) -> str:
    """ "1 answer was “I don't know”", "3 answers were “I don't know”"; "" for none. The count is
    of answers, not people: one person may say it to several statements."""
    if dont_know == 0:
        return ""
    verb = "was" if dont_know == 1 else "were"
    return f"{count_of(dont_know, 'answer', 'answers')} {verb} “I don't know”"


def how_sure_words(respondents: int, spread: float, dont_know: int) -> str:
    """One score's basis in words: "5 people answered and people mostly agreed. 1 answer was
    “I don't know”." One person's score has no spread to speak of, so it is not described."""
    answered = f"{count_of(respondents, 'person', 'people')} answered"
    sentence = f"{answered} and {spread_words(spread)}." if respondents > 1 else f"{answered}."
    unknown = dont_know_words(dont_know)
    return f"{sentence} {unknown}." if unknown else sentence
