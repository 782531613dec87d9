"""The one clock (core.clock): the county's day, month arithmetic, and no other reader of the time."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from areas.services import area_time_zone_set
from core import clock
from tests.helpers import SHANGHAI, county_time

pytestmark = pytest.mark.dates

ROOT = Path(__file__).resolve().parents[2]
APPS = ["povertycase", "core", "areas", "accounts", "households", "assistance", "funds", "exits"]
APPS += ["supervision", "dashboards", "fieldwork", "tests"]
# bench/ is left out: its generators write synthetic rows with the database's dates by design.
CLOCK_MODULE = ROOT / "core" / "clock.py"
# Attribute calls that read the time: x.today(), x.now(), ... on the date/time modules and classes.
READERS = {"now", "utcnow", "today", "localdate", "localtime", "time", "time_ns"}  # time.time()
READER_OWNERS = {"date", "datetime", "timezone", "time", "dt"}
SQL_CLOCK = re.compile(r"\b(now\(\)|current_date|current_timestamp|localtimestamp|clock_timestamp\(\))", re.I)


def _owner(node: ast.expr) -> str:
    while isinstance(node, ast.Attribute):
        if node.attr in READER_OWNERS:
            return node.attr
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def _clock_reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT)}:{node.lineno}" if hasattr(node, "lineno") else ""
        if isinstance(node, ast.Attribute) and node.attr in {"time", "time_ns"}:
            # `time.time()` reads the clock; `dt.time(23, 59)` builds a value
            if isinstance(node.value, ast.Name) and node.value.id == "time":
                found.append(f"{where}: {ast.unparse(node)}")
        elif isinstance(node, ast.Attribute) and node.attr in READERS:
            if _owner(node.value) in READER_OWNERS:
                found.append(f"{where}: {ast.unparse(node)}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_CLOCK.search(node.value):
            found.append(f"{where}: SQL reads the database clock")
    return found


def _sources() -> list[Path]:
    files = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path in (CLOCK_MODULE, Path(__file__)):
                continue
            files.append(path)
    return files


def test_nothing_but_the_clock_module_reads_the_time() -> None:
    # when
    found = [hit for path in _sources() for hit in _clock_reads(path)]

    # then: time.monotonic()/perf_counter() measure durations and are allowed; the wall clock is not
    assert found == [], "read the time through core.clock:\n" + "\n".join(found)


def test_the_guard_finds_a_planted_clock_read() -> None:
    # given: code that reads the clock five ways the guard must catch
    planted = ROOT / "core" / "_planted_clock_read.py"
    planted.write_text(
        "import datetime as dt\nimport time\nfrom django.utils import timezone\n"
        "a = dt.date.today()\nb = timezone.now()\nc = dt.datetime.now(dt.UTC)\n"
        "d = 'SELECT now()'\ne = dt.time(23, 59)\nf = time.time()\ng = time.monotonic()\n"
    )
    try:
        # when
        found = _clock_reads(planted)
    finally:
        planted.unlink()

    # then: five reads; building a time value and measuring a duration are not reads
    assert sorted(hit.split(": ", 1)[1] for hit in found) == [
        "SQL reads the database clock",
        "dt.date.today",
        "dt.datetime.now",
        "time.time",
        "timezone.now",
    ]


@pytest.mark.parametrize(
    ("utc", "county_day"),
    [
        (dt.datetime(2026, 11, 29, 15, 59, tzinfo=dt.UTC), dt.date(2026, 11, 29)),  # 23:59 in Shanghai
        (dt.datetime(2026, 11, 29, 16, 0, tzinfo=dt.UTC), dt.date(2026, 11, 30)),  # 00:00 in Shanghai
        (dt.datetime(2026, 12, 31, 15, 59, tzinfo=dt.UTC), dt.date(2026, 12, 31)),
        (dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC), dt.date(2027, 1, 1)),  # a new year in the county
        (dt.datetime(2028, 2, 28, 16, 0, tzinfo=dt.UTC), dt.date(2028, 2, 29)),  # a leap day
    ],
)
def test_today_is_the_countys_day_not_utcs(time_machine: Any, utc: dt.datetime, county_day: dt.date) -> None:
    time_machine.move_to(utc, tick=False)
    assert clock.today() == county_day
    assert clock.this_year() == county_day.year
    assert clock.localtime().tzinfo == SHANGHAI
    assert clock.day_start(county_day) <= clock.now() < clock.day_start(county_day + dt.timedelta(days=1))


@pytest.mark.django_db
def test_a_county_with_its_own_zone_has_its_own_day(county: Any, time_machine: Any) -> None:
    # given: the county keeps Xinjiang time (UTC+6); 00:30 in Shanghai is 22:30 there, the day before
    area_time_zone_set(area=county.county, time_zone="Asia/Urumqi")
    clock.forget_zones()
    time_machine.move_to(county_time(2026, 12, 1, 0, 30), tick=False)

    # then: its villages follow the county; other areas keep the default zone
    assert clock.today(county.village_a1) == dt.date(2026, 11, 30)
    assert clock.today(county.county) == dt.date(2026, 11, 30)
    assert clock.today(county.province) == dt.date(2026, 12, 1)
    assert clock.today() == dt.date(2026, 12, 1)


@pytest.mark.django_db
def test_an_unknown_zone_is_refused(county: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        area_time_zone_set(area=county.county, time_zone="Asia/Beijing")
    assert "Asia/Beijing" in str(refused.value)
    county.county.refresh_from_db()
    assert county.county.time_zone == ""


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2026, 5, 31), 6, dt.date(2026, 11, 30)),  # the end of the shorter month
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),  # leap year
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
        (dt.date(2028, 2, 29), 6, dt.date(2028, 8, 29)),
        (dt.date(2026, 1, 30), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 7, 15), 6, dt.date(2027, 1, 15)),  # across the year
        (dt.date(2026, 11, 30), -6, dt.date(2026, 5, 30)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
        (dt.date(2026, 12, 31), 0, dt.date(2026, 12, 31)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(
    start: dt.date, months: int, expected: dt.date
) -> None:
    assert clock.add_months(start, months) == expected


def test_a_period_is_complete_on_its_last_day_and_not_before() -> None:
    assert not clock.months_complete(dt.date(2026, 5, 31), 6, dt.date(2026, 11, 29))
    assert clock.months_complete(dt.date(2026, 5, 31), 6, dt.date(2026, 11, 30))
    assert clock.days_between(dt.date(2028, 2, 28), dt.date(2028, 3, 1)) == 2
    assert clock.days_between(dt.date(2027, 2, 28), dt.date(2027, 3, 1)) == 1
