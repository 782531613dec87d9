"""DOMAIN.md section 9: Jincheng's published figures are reproduced when the same counts are entered.

Poor population 68,490 down to 9,999 (58,491 exited, 85.4%); incidence 5.3% down to 0.7%; 182 of 200
poor villages exited, which is 91.0% (the report prints 91.5%: the system computes, it does not copy);
the remaining poor by county: Zezhou 2,920, Yangcheng 2,025, Gaoping 1,760, Lingchuan 1,972,
Qinshui 1,322. The report gives no rural population; we enter 1,292,264 (2014) and 1,380,000 (2017),
which give the published 5.3% and 0.7%.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from areas.choices import AreaLevelChoices as L
from areas.models import AreaPopulation
from core import clock
from dashboards.selectors import area_figures, children_figures, village_exit_progress
from dashboards.services import incidence_compute_request
from tests.factories import make_area, make_user

pytestmark = pytest.mark.django_db

BASELINE, LATEST = dt.date(2014, 12, 31), dt.date(2017, 12, 31)
# county: (code, name, remaining poor in 2017, villages still above the 2% exit line)
COUNTIES = [
    ("140525", "泽州县", 2920, 5),
    ("140522", "阳城县", 2025, 4),
    ("140581", "高平市", 1760, 3),
    ("140524", "陵川县", 1972, 3),
    ("140521", "沁水县", 1322, 3),
]
VILLAGES_PER_COUNTY = 40


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + 1 if i < extra else base for i in range(parts)]


def _insert_households(counts: dict[int, int]) -> None:
    """One registered household of one person per poor person, by village, in two statements.

    Test data only: the audit triggers are skipped for this bulk setup (they are not under test here).
    """
    stamp, now = "%(now)s", {"now": clock.now()}  # the app's clock, not the database's
    with connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")
        values = ", ".join(f"({int(v)}, {int(n)})" for v, n in counts.items())
        cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
            ["households_household"],
        )
        given = {
            "created_at": stamp,
            "updated_at": stamp,
            "version": "1",
            "number": "'JC' || x.vid || '-' || g",
            "village_id": "x.vid",
            "status": "'registered'",
            "attribute": "'ordinary'",
            "main_cause": "'illness'",
        }
        fill = {"ARRAY": "'{}'", "boolean": "false", "timestamp with time zone": stamp}
        columns = {
            name: given.get(name, fill.get(kind, "0" if "int" in kind else "''"))
            for name, kind in cur.fetchall()
        }
        cur.execute(
            f"INSERT INTO households_household ({', '.join(columns)}) "  # noqa: S608 - names from the schema
            f"SELECT {', '.join(columns.values())} FROM (VALUES {values}) AS x(vid, n), generate_series(1, x.n) g",
            now,
        )
        cur.execute(
            "INSERT INTO households_member (created_at, updated_at, version, household_id, name, relation, sex, "
            "birth_date, ethnicity, education, schooling, health, labour_capacity, work_status, "
            "medical_insurance, pension_insurance, phone) "
            "SELECT %(now)s, %(now)s, 1, h.id, '户主', 'head', 'male', date '1960-01-01', '', '', 'not_in_school', "
            "'healthy', 'ordinary', 'none', true, false, '' FROM households_household h WHERE h.number LIKE 'JC%%'",
            now,
        )
        cur.execute("SET LOCAL session_replication_role = origin")
        # Fresh statistics, so the snapshot queries that follow are planned for 68,490 rows, not for 0.
        cur.execute("ANALYZE households_household")
        cur.execute("ANALYZE households_member")


def _exit_all_but(remaining: dict[int, int]) -> None:
    """Mark households exited so that `remaining[village]` stay poor in each village (no audit, as above).

    The household's place in its village is the number's suffix ('JC<village>-<n>'), so the update is one
    hash join on the village: no window over the table, and no plan that depends on the statistics
    (a nested loop over the ranked rows ran for hours on a fresh PostgreSQL 18 before this).
    """
    with connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")
        values = ", ".join(f"({int(v)}, {int(n)})" for v, n in remaining.items())
        cur.execute(
            "UPDATE households_household h SET status = 'exited' "  # noqa: S608 - ints only
            f"FROM (VALUES {values}) AS x(vid, keep) "
            "WHERE h.village_id = x.vid AND h.number LIKE 'JC%%' "
            "AND split_part(h.number, '-', 2)::int > x.keep"
        )
        cur.execute("SET LOCAL session_replication_role = origin")
        cur.execute("ANALYZE households_household")


def test_jincheng_published_totals_are_reproduced(django_capture_on_commit_callbacks: Any) -> None:
    # given: Shanxi > Jincheng > five counties, one township each, 40 villages each (200 poor villages)
    province = make_area("140000000000", "山西省", L.PROVINCE)
    city = make_area("140500000000", "晋城市", L.PREFECTURE, province)
    official = make_user("county_official", city, username="jincheng")
    villages, still_poor = [], {}
    for code, name, remaining, poor_villages in COUNTIES:
        county = make_area(f"{code}000000", name, L.COUNTY, city)
        town = make_area(f"{code}100000", f"{name}城关镇", L.TOWNSHIP, county)
        county_villages = [
            make_area(f"{code}100{i:03d}", f"{name}{i}村", L.VILLAGE, town)
            for i in range(1, VILLAGES_PER_COUNTY + 1)
        ]
        villages += county_villages
        # 150 of 6,900 (2.17%) stay above the 2% line; the rest share what is left (under 138 each)
        rest = _split(remaining - 150 * poor_villages, VILLAGES_PER_COUNTY - poor_villages)
        for village, keep in zip(county_villages, [150] * poor_villages + rest, strict=True):
            still_poor[village.pk] = keep
    AreaPopulation.objects.bulk_create(
        [
            AreaPopulation(area=v, year=2014, rural_population=p)
            for v, p in zip(villages, _split(1_292_264, 200), strict=True)
        ]
        + [AreaPopulation(area=v, year=2017, rural_population=6900) for v in villages]
    )
    _insert_households(dict(zip([v.pk for v in villages], _split(68_490, 200), strict=True)))

    # when: the baseline snapshot, then exits, then the 2017 snapshot
    with django_capture_on_commit_callbacks(execute=True):
        incidence_compute_request(user=official, area=city, as_of=BASELINE, population_year=2014)
    _exit_all_but(still_poor)
    with django_capture_on_commit_callbacks(execute=True):
        incidence_compute_request(user=official, area=city, as_of=LATEST, population_year=2017)

    # then
    before, after = area_figures(city, BASELINE), area_figures(city, LATEST)
    assert before is not None
    assert after is not None
    assert before["poor_people"] == 68_490
    assert before["incidence"].quantize(Decimal("0.1")) == Decimal("5.3")
    assert after["poor_people"] == 9_999
    assert after["exited_people"] == 58_491
    assert after["exit_share"].quantize(Decimal("0.1")) == Decimal("85.4")
    assert after["incidence"].quantize(Decimal("0.1")) == Decimal("0.7")
    villages_exited = village_exit_progress(city, LATEST, BASELINE)
    assert (villages_exited["exited_villages"], villages_exited["poor_villages"]) == (182, 200)
    assert villages_exited["exited_share"] == Decimal("91.00")  # not the printed 91.5
    by_county = {row["name"]: row["poor_people"] for row in children_figures(city, LATEST)}
    assert by_county == {name: remaining for _code, name, remaining, _v in COUNTIES}
    # the before snapshot is frozen: the exits did not touch it
    assert area_figures(city, BASELINE)["poor_people"] == 68_490
