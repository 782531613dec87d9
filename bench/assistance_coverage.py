"""Benchmark: assistance coverage of a county (100,000 assisted households, 500 villages, cadres,
visits and follow-ups) through `assistance.selectors.coverage_for_area`, against one hand-written
SQL GROUP BY that computes the same per-village figures, measured in the same run; and the daily
reminders for one township (the Celery chunk) against the same township's coverage.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pc_bench4 python bench/assistance_coverage.py

The database is created and migrated if needed and filled once with INSERT ... SELECT
generate_series (audit triggers off while generating). BENCH_HOUSEHOLDS changes the size.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

from bench_db import ensure_database, follow_ups, insert

from core import clock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertycase.settings.test")

HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "100000"))
TOWNSHIPS, VILLAGES = 20, 25
COUNTY = "513501000000"
VISIT_DAYS = 30


def generate() -> None:
    from django.db import connection, transaction

    from areas.models import Area

    if Area.objects.filter(code=COUNTY).exists():
        return
    started = time.perf_counter()
    with transaction.atomic():
        province = Area.objects.create(code="510000000000", name="四川省", level="province")
        prefecture = Area.objects.create(
            code="513500000000", name="测试州", level="prefecture", parent=province
        )
        county = Area.objects.create(code=COUNTY, name="测试县", level="county", parent=prefecture)
        villages = []
        for t in range(TOWNSHIPS):
            township = Area.objects.create(
                code=f"513501{100 + t:03d}000", name=f"第{t + 1}乡", level="township", parent=county
            )
            villages += [
                Area(
                    code=f"513501{100 + t:03d}{200 + v:03d}",
                    name=f"第{t + 1}乡{v + 1}村",
                    level="village",
                    parent=township,
                )
                for v in range(VILLAGES)
            ]
        Area.objects.bulk_create(villages)
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")  # audit triggers off while generating
            cursor.execute(
                "SELECT min(id), count(*) FROM areas_area WHERE level = 'village' AND code LIKE '513501%%'"
            )
            first_village, n_villages = cursor.fetchone()
            cursor.execute("SELECT id FROM areas_area WHERE code = %s", [COUNTY])
            county_id = cursor.fetchone()[0]
            insert(
                cursor,
                "households_household",
                {
                    "village_id": f"{first_village} + (g % {n_villages})",
                    "number": "'C' || lpad(g::text, 10, '0')",
                    "main_cause": "'illness'",
                    "status": "(ARRAY['registered','exited','exited','monitoring'])[g % 4 + 1]",
                    "version": "1",
                    "created_at": "now()",
                    "updated_at": "now()",
                },
                f"FROM generate_series(1, {HOUSEHOLDS}) g",
            )
            insert(
                cursor,
                "assistance_cadre",
                {
                    "name": "'干部' || g",
                    "unit": "'县直单位'",
                    "area_id": str(county_id),
                    "is_active": "true",
                    "version": "1",
                    "created_at": "now()",
                    "updated_at": "now()",
                },
                f"FROM generate_series(1, {HOUSEHOLDS // 5}) g",
            )
            cursor.execute("SELECT min(id) FROM assistance_cadre")
            first_cadre = cursor.fetchone()[0]
            households = "FROM households_household h WHERE h.number LIKE 'C%%'"
            insert(
                cursor,
                "assistance_cadrepairing",
                {
                    "household_id": "h.id",
                    "cadre_id": f"{first_cadre} + h.id % {HOUSEHOLDS // 5}",
                    "start": "'2020-01-01'",
                    "created_at": "now()",
                },
                households + " AND h.id % 33 <> 0",
            )
            insert(
                cursor,
                "assistance_assistanceplan",
                {
                    "household_id": "h.id",
                    "year": "extract(year from current_date)::int",
                    "goals": "'增收'",
                    "status": "'active'",
                    "version": "1",
                    "created_at": "now()",
                    "updated_at": "now()",
                },
                households + " AND h.id % 7 <> 0",
            )
            insert(
                cursor,
                "assistance_visit",
                {
                    "household_id": "h.id",
                    "visited_on": "current_date - (h.id * k % 90)::int",
                    "findings": "'正常'",
                    "needs": "''",
                    "cadre_id": f"{first_cadre} + h.id % {HOUSEHOLDS // 5}",
                    "created_at": "now()",
                },
                "FROM households_household h, generate_series(1, 2) k WHERE h.number LIKE 'C%%'",
            )
            follow_ups(cursor)
            cursor.execute("ANALYZE")
    print(f"generated {HOUSEHOLDS} households in {time.perf_counter() - started:.1f}s")


BASELINE_SQL = """
WITH hh AS (
  SELECT h.id, h.village_id,
         EXISTS (SELECT 1 FROM assistance_cadrepairing p WHERE p.household_id = h.id AND p."end" IS NULL) AS has_cadre,
         EXISTS (SELECT 1 FROM assistance_assistanceplan a WHERE a.household_id = h.id AND a.year = %(year)s) AS has_plan,
         (SELECT max(v.visited_on) FROM assistance_visit v WHERE v.household_id = h.id) AS last_visit,
         (SELECT count(*) FROM assistance_followup f WHERE f.household_id = h.id AND f.status = 'open' AND f.due_date < %(today)s) AS overdue
  FROM households_household h JOIN areas_area a ON a.id = h.village_id
  WHERE a.code LIKE %(prefix)s AND h.status IN ('registered', 'returned', 'monitoring', 'exited')
)
SELECT village_id, count(*), count(*) FILTER (WHERE NOT has_cadre), count(*) FILTER (WHERE NOT has_plan),
       count(*) FILTER (WHERE last_visit IS NULL OR last_visit < %(cutoff)s), sum(overdue)
FROM hh GROUP BY village_id
"""


def _median(fn, runs: int = 3) -> tuple[float, object]:  # noqa: ANN001
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from areas.models import Area
    from assistance.selectors import coverage_for_area
    from assistance.services import reminders_raise_for_area

    call_command("migrate", verbosity=0)
    generate()
    county = Area.objects.get(code=COUNTY)
    today = clock.today()
    cutoff = today - dt.timedelta(days=VISIT_DAYS)

    def baseline() -> list:
        with connection.cursor() as cursor:
            cursor.execute(
                BASELINE_SQL,
                {"year": today.year, "today": today, "prefix": county.prefix + "%", "cutoff": cutoff},
            )
            return cursor.fetchall()

    ours_time, coverage = _median(lambda: coverage_for_area(county, today=today, visit_days=VISIT_DAYS))
    base_time, rows = _median(baseline)
    expected = {r[0]: (r[1], r[2], r[3], r[4], int(r[5])) for r in rows}
    got = {
        r.key: (r.households, r.without_cadre, r.without_plan, r.not_visited, r.overdue_follow_ups)
        for r in coverage.by_village
    }
    assert got == expected, "coverage_for_area disagrees with the SQL baseline"
    print(f"coverage of {coverage.total.households} households in {len(got)} villages")
    print(
        f"  coverage_for_area: {ours_time:.3f}s   SQL GROUP BY baseline: {base_time:.3f}s   ratio {ours_time / base_time:.2f}x"
    )

    township = Area.objects.filter(code__startswith=county.prefix, level="township").order_by("code").first()
    town_time, _ = _median(lambda: coverage_for_area(township, today=today, visit_days=VISIT_DAYS))

    def reminders() -> dict:
        with transaction.atomic():
            result = reminders_raise_for_area(area=township, today=today, visit_days=VISIT_DAYS)
            transaction.set_rollback(True)  # nobody has an account here; keep the run repeatable
        return result

    reminder_time, _ = _median(reminders)
    print(
        f"  one township's reminders: {reminder_time:.3f}s   its coverage: {town_time:.3f}s   ratio {reminder_time / town_time:.2f}x"
    )


if __name__ == "__main__":
    main()
