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


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
