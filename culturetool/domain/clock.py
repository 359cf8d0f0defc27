"""The one place the app asks what day and time it is, so that tests can set the clock.

Services call `today()` and `now()` rather than `date.today()` and `datetime.now()`. Tests that
need history (a round opened in January, an action done in February) go through the services
inside `frozen_at(...)` instead of editing rows after the fact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from culturetool.domain.wording import day_month_year_time

# A day given to `frozen_at` without a time is taken at midday, so that its UTC time and its
# local date name the same day whatever the machine's time zone.
MIDDAY = dt.time(12)


class SystemClock:
    """The machine's clock."""

    def now(self) -> dt.datetime:
        # Stored times are naive UTC (the database columns carry no zone).
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def today(self) -> dt.date:
        return dt.date.today()


@dataclass
class FrozenClock:
    """A clock that reads `moment` (naive UTC) until a test moves it."""

    moment: dt.datetime

    def now(self) -> dt.datetime:
        return self.moment

    def today(self) -> dt.date:
        return self.moment.date()

    def set(self, moment: dt.date | dt.datetime) -> None:
        self.moment = _as_moment(moment)

    def advance(self, **delta: float) -> None:
        """Move on by a `timedelta`'s keywords, such as `advance(days=3)`."""
        self.moment += dt.timedelta(**delta)


_clock: SystemClock | FrozenClock = SystemClock()


def now() -> dt.datetime:
    """The current time, naive UTC, as the database stores it."""
    return _clock.now()


def today() -> dt.date:
    return _clock.today()


def _as_moment(moment: dt.date | dt.datetime) -> dt.datetime:
    if not isinstance(moment, dt.datetime):
        return dt.datetime.combine(moment, MIDDAY)
    if moment.tzinfo is not None:
        return moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


@contextmanager
def frozen_at(moment: dt.date | dt.datetime) -> Iterator[FrozenClock]:
    """Stop the clock at `moment` (a day means its midday) until the block ends; the block may
    move it with the clock it is given. For tests: the app itself never stops the clock."""
    global _clock
    before = _clock
    frozen = FrozenClock(_as_moment(moment))
    _clock = frozen
    try:
        yield frozen
    finally:
        _clock = before


def is_time_zone(name: str) -> bool:
    """Whether `name` is a time zone zoneinfo knows, such as "Europe/London"."""
    if not name or name != name.strip() or name.startswith("/") or ".." in name:
        return False  # zoneinfo would read such a name as a path
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def in_zone(moment: dt.datetime, zone: str) -> dt.datetime:
    """A stored time (naive UTC) as clocks read it in `zone` (an aware datetime), summer time
    included. Stored times stay UTC: this is only for showing them."""
    return moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(zone))


def local_time(moment: dt.datetime) -> str:
    """ "29 Mar 2026 03:30 BST": a time already in its zone (`in_zone`), with the zone's
    abbreviation, so that a time in summer and one in winter read right side by side."""
    zone = moment.tzname() or ""
    return f"{day_month_year_time(moment)} {zone}".strip()


def time_zone_name(zone: str) -> str:
    """The zone as people call it: "UK time" for Europe/London, else its name ("Europe/Paris")."""
    return TIME_ZONE_NAMES.get(zone, zone.replace("_", " "))


TIME_ZONE_NAMES = {"Europe/London": "UK time", "UTC": "UTC (no summer time)"}
