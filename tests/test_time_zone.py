"""Times are stored in UTC and shown in the organisation's zone: the pure conversion and its
wording, across the changes between GMT and British Summer Time."""

from __future__ import annotations

import datetime as dt

from culturetool.domain.clock import in_zone, is_time_zone, local_time, time_zone_name

LONDON = "Europe/London"


def test_uk_time_follows_the_change_to_summer_time():
    # Clocks went forward at 01:00 UTC on 29 March 2026.
    assert local_time(in_zone(dt.datetime(2026, 3, 29, 0, 59), LONDON)) == "29 Mar 2026 00:59 GMT"
    assert local_time(in_zone(dt.datetime(2026, 3, 29, 1, 0), LONDON)) == "29 Mar 2026 02:00 BST"


def test_uk_time_follows_the_change_back_to_gmt():
    # Clocks went back at 01:00 UTC on 25 October 2026: 01:30 happened twice, once in each.
    assert local_time(in_zone(dt.datetime(2026, 10, 25, 0, 30), LONDON)) == "25 Oct 2026 01:30 BST"
    assert local_time(in_zone(dt.datetime(2026, 10, 25, 1, 30), LONDON)) == "25 Oct 2026 01:30 GMT"


def test_a_late_evening_in_summer_is_the_next_day_in_utc_but_not_in_the_uk():
    assert local_time(in_zone(dt.datetime(2026, 6, 30, 23, 30), LONDON)) == "1 Jul 2026 00:30 BST"
    assert local_time(in_zone(dt.datetime(2026, 6, 30, 23, 30), "UTC")) == "30 Jun 2026 23:30 UTC"


def test_only_real_zone_names_are_time_zones():
    assert is_time_zone(LONDON) and is_time_zone("UTC")
    for name in ("", "Europe/Londinium", "../etc/passwd", "/usr/share/zoneinfo/UTC", " UTC"):
        assert not is_time_zone(name)


def test_zones_are_named_as_people_call_them():
    assert time_zone_name(LONDON) == "UK time"
    assert time_zone_name("America/New_York") == "America/New York"
