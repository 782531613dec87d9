"""The one clock of the application. Nothing else reads the time.

Every rule of this field is a date rule (a 7-day notice, a 15-day deadline, six stable months, visits in
the last 30 days, a poverty line per year), and a date only means something in a time zone: the county's.
Services, selectors, forms, jobs and templates ask this module for "now" and "today"; a test freezes it
with time-machine (see tests/conftest.py), and `tests/core/test_clock.py` fails on any direct call to
`date.today()`, `datetime.now()`, `timezone.now()` or `timezone.localdate()` elsewhere.

The county's time zone is data: `Area.time_zone` on the county (or on a province, for all its counties);
unset everywhere, it is `settings.COUNTY_TIME_ZONE` (Asia/Shanghai).

Month arithmetic has one rule, `add_months`: the same day of the month N months later, or the last day
of that month when it is shorter. Six months after 31 May is 30 November; six months after 31 August is
28 February (29 in a leap year); six months after 29 February 2028 is 29 August. A period of "at least
N months since D" is complete on `add_months(D, N)`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


class Area(Protocol):
    """Anything with a 12-digit area code (an `areas.Area`); core does not import the areas app."""

    code: str


_ZONE_CACHE_SECONDS = 300


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def default_zone() -> ZoneInfo:
    """The time zone of a county that does not set its own."""
    return _zone(getattr(settings, "COUNTY_TIME_ZONE", None) or settings.TIME_ZONE)


# {area code prefix: zone name} for the areas that set one; the areas app registers the reader
# (core sits below areas and does not import it).
_zone_names_reader: Callable[[], dict[str, str]] | None = None


def register_zone_reader(reader: Callable[[], dict[str, str]]) -> None:
    global _zone_names_reader  # noqa: PLW0603 - set once at start-up by areas.apps
    _zone_names_reader = reader


def _county_zone_names() -> dict[str, str]:
    if _zone_names_reader is None:
        return {}
    names: dict[str, str] | None = cache.get("core.clock.zones")
    if names is None:
        names = _zone_names_reader()
        cache.set("core.clock.zones", names, _ZONE_CACHE_SECONDS)
    return names


def forget_zones() -> None:
    """Called when an area's time zone changes, so the next read sees it."""
    cache.delete("core.clock.zones")


def zone_for(area: Area | None = None) -> ZoneInfo:
    """The county's time zone for `area` (the most specific area above or at it that sets one)."""
    if area is None:
        return default_zone()
    names = _county_zone_names()
    if names:
        best = max((prefix for prefix in names if area.code.startswith(prefix)), key=len, default=None)
        if best is not None:
            return _zone(names[best])
    return default_zone()


def now() -> dt.datetime:
    """The current instant, timezone-aware (UTC inside; render it with `localtime`)."""
    return timezone.now()


def localtime(value: dt.datetime | None = None, area: Area | None = None) -> dt.datetime:
    """`value` (default: now) as wall-clock time in the county of `area`."""
    return (value or now()).astimezone(zone_for(area))


def today(area: Area | None = None) -> dt.date:
    """Today's date in the county of `area` (the default county zone without one)."""
    return localtime(area=area).date()


def local_date(value: dt.datetime, area: Area | None = None) -> dt.date:
    """The county date on which the instant `value` fell."""
    return localtime(value, area).date()


def day_start(day: dt.date, area: Area | None = None) -> dt.datetime:
    """The first instant of the county day `day` (00:00 local), timezone-aware."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone_for(area))


def this_year(area: Area | None = None) -> int:
    return today(area).year


# -- calendar arithmetic ------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later (or earlier, if negative); the last day of the target
    month when it is shorter (31 May + 6 = 30 November; 31 August + 6 = 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_complete(since: dt.date, months: int, on: dt.date) -> bool:
    """Whether `months` whole months have passed from `since` to `on` (by the `add_months` rule)."""
    return on >= add_months(since, months)


def days_between(start: dt.date, end: dt.date) -> int:
    """Calendar days from `start` to `end` (a notice put up on the 1st has run 7 days on the 8th)."""
    return (end - start).days
