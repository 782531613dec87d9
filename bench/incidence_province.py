"""Benchmark: the incidence job over a generated province (10 counties, 1,000,000 households registered
out of order, two status-history rows each) against one hand-written SQL GROUP BY doing the same work
(the same village figures, from the history for a past date), measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pc_bench7 python bench/incidence_province.py
    # smaller: BENCH_HOUSEHOLDS=200000 (in its own database: the data is generated once per database)

The database is created and migrated if needed and filled once with INSERT ... SELECT generate_series
(audit triggers off while generating). For a past date (the history path) and for today, it prints both
timings, their ratio (target: job within 1.5x) and checks that every village's figures agree.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

from bench_db import ensure_database, insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertycase.settings.local")

HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "1000000"))
COUNTIES, TOWNSHIPS, VILLAGES = 10, 20, 25  # 5,000 villages
LATE_PERCENT = 20  # households registered after the first round, in every county, with the highest ids
PREFIX = "5134"  # a prefecture code range used by nothing else in the demo data
AS_OF = dt.date(2025, 12, 31)

# Each household's two history rows: the status it had first and the one it has now. The first change is
# effective years ago (in 2026 for half of the late registrations: not in the registry yet on AS_OF); the
# second in 2026 for one household in four, so on AS_OF those still had their first status.
_FIRST_STATUS = (
    "CASE h.status WHEN 'registered' THEN 'candidate' WHEN 'exited' THEN 'registered' "
    "WHEN 'returned' THEN 'exited' WHEN 'monitoring' THEN 'candidate' WHEN 'candidate' THEN 'rejected' "
    "ELSE 'candidate' END"
)
_FIRST_DATE = (
    "CASE WHEN h.id >= {late} AND h.id % 2 = 0 THEN date '2026-01-10' + (h.id % 300)::int "
    "ELSE date '2016-01-01' + (h.id % 3000)::int END"
)
_SECOND_DATE = (
    "CASE WHEN h.id % 4 = 0 THEN date '2026-01-05' + (h.id % 300)::int "
    "ELSE greatest(date '2016-01-01' + (h.id % 3000)::int + 30, date '2025-01-01' + (h.id % 360)::int) END"
)


def _generated(cur) -> bool:  # noqa: ANN001
    cur.execute(
        "SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM households_householdstatuschange c "
        "WHERE c.household_id = h.id)) FROM households_household h JOIN areas_area v ON v.id = h.village_id "
        "WHERE v.code LIKE %s",
        [PREFIX + "%"],
    )
    households, with_history = cur.fetchone()
    if households and with_history < households:
        raise SystemExit(
            "This database holds the bench's province generated without status history (an older "
            "version of this script): use a fresh database (DATABASE_URL)."
        )
    return bool(households)


def generate() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        if _generated(cur):
            return
        cur.execute("SET session_replication_role = replica")  # no audit triggers for generated data
        cur.execute(
            "DELETE FROM areas_areapopulation WHERE area_id IN (SELECT id FROM areas_area WHERE code LIKE %s)",
            [PREFIX + "%"],
        )
        cur.execute("DELETE FROM areas_area WHERE code LIKE %s OR code = '510000000000'", [PREFIX + "%"])
        print(f"generating {HOUSEHOLDS:,} households ...", flush=True)
        started = time.perf_counter()
        cur.execute(
            "INSERT INTO areas_area (code, name, level, parent_id, is_western, time_zone) VALUES "
            "('510000000000', '四川省', 'province', NULL, true, '') ON CONFLICT (code) DO NOTHING"
        )
        cur.execute(
            "INSERT INTO areas_area (code, name, level, parent_id, is_western, time_zone) SELECT %s, '凉山州', 'prefecture', id, "
            "false, '' FROM areas_area WHERE code = '510000000000'",
            [PREFIX + "00000000"],
        )
        cur.execute(
            "INSERT INTO areas_area (code, name, level, parent_id, is_western, time_zone) "
            "SELECT %s || lpad(c::text, 2, '0') || '000000', '县' || c, 'county', p.id, false, '' "
            "FROM areas_area p, generate_series(1, %s) c WHERE p.code = %s",
            [PREFIX, COUNTIES, PREFIX + "00000000"],
        )
        cur.execute(
            "INSERT INTO areas_area (code, name, level, parent_id, is_western, time_zone) "
            "SELECT substr(p.code, 1, 6) || lpad(t::text, 3, '0') || '000', p.name || '乡' || t, 'township', p.id, "
            "false, '' FROM areas_area p, generate_series(1, %s) t WHERE p.level = 'county' AND p.code LIKE %s",
            [TOWNSHIPS, PREFIX + "%"],
        )
        cur.execute(
            "INSERT INTO areas_area (code, name, level, parent_id, is_western, time_zone) "
            "SELECT substr(p.code, 1, 9) || lpad(v::text, 3, '0'), p.name || v || '村', 'village', p.id, false, '' "
            "FROM areas_area p, generate_series(1, %s) v WHERE p.level = 'township' AND p.code LIKE %s",
            [VILLAGES, PREFIX + "%"],
        )
        cur.execute(
            "INSERT INTO areas_areapopulation (area_id, year, rural_population, source) "
            "SELECT id, %s, CASE WHEN id %% 97 = 0 THEN 0 ELSE 1500 + (id * 7919) %% 2500 END, 'bench' "
            "FROM areas_area WHERE level = 'village' AND code LIKE %s",
            [AS_OF.year, PREFIX + "%"],
        )
        villages = COUNTIES * TOWNSHIPS * VILLAGES
        first_round = HOUSEHOLDS * (100 - LATE_PERCENT) // 100
        # The first round registers village after village; the late registrations (the highest ids) are
        # spread over every village of every county, so each county's ids are interleaved with all others'.
        insert(
            cur,
            "households_household",
            {
                "created_at": "now()",
                "updated_at": "now()",
                "version": "1",
                "number": "'B' || g",
                "village_id": "v.id",
                "status": "CASE WHEN g % 100 < 30 THEN 'registered' WHEN g % 100 < 80 THEN 'exited' "
                "WHEN g % 100 < 82 THEN 'returned' WHEN g % 100 < 90 THEN 'monitoring' "
                "WHEN g % 100 < 96 THEN 'candidate' ELSE 'rejected' END",
                "attribute": "'ordinary'",
                "main_cause": "'illness'",
                "year_identified": "2016",
            },
            # integers and constants of this file, never input
            f"FROM generate_series(0, {HOUSEHOLDS} - 1) g "  # noqa: S608
            "JOIN (SELECT id, row_number() OVER (ORDER BY code) - 1 AS rn FROM areas_area "
            f"WHERE level = 'village' AND code LIKE '{PREFIX}%') v ON v.rn = CASE "
            f"WHEN g < {first_round} THEN g::bigint * {villages} / {first_round} "
            f"ELSE (g::bigint * 7919) % {villages} END ORDER BY g",
        )
        province_households = (
            "FROM households_household h JOIN areas_area v ON v.id = h.village_id "
            f"AND v.code LIKE '{PREFIX}%'"
        )
        insert(
            cur,
            "households_member",
            {
                "created_at": "now()",
                "updated_at": "now()",
                "version": "1",
                "household_id": "h.id",
                "name": "'成员' || k",
                "relation": "CASE WHEN k = 1 THEN 'head' ELSE 'child' END",
                "sex": "CASE WHEN k % 2 = 0 THEN 'female' ELSE 'male' END",
                "birth_date": "date '1970-01-01' + (h.id % 15000)::int",
                "schooling": "'not_in_school'",
                "health": "'healthy'",
                "labour_capacity": "'ordinary'",
                "work_status": "'none'",
                "medical_insurance": "true",
            },
            f"{province_households}, generate_series(1, 1 + (h.id % 6)::int) k ORDER BY h.id, k",
        )
        cur.execute(f"SELECT min(h.id) {province_households}")  # noqa: S608
        first_date = _FIRST_DATE.format(late=cur.fetchone()[0] + first_round)
        insert(
            cur,
            "households_householdstatuschange",
            {
                "household_id": "h.id",
                "from_status": f"CASE WHEN k = 1 THEN '' ELSE {_FIRST_STATUS} END",
                "to_status": f"CASE WHEN k = 1 THEN {_FIRST_STATUS} ELSE h.status END",
                "effective_date": f"CASE WHEN k = 1 THEN {first_date} ELSE {_SECOND_DATE} END",
                "changed_at": f"(CASE WHEN k = 1 THEN {first_date} ELSE {_SECOND_DATE} END)::timestamptz",
                "reason": "'bench'",
            },
            f"{province_households}, generate_series(1, 2) k ORDER BY h.id, k",
        )
        cur.execute("SET session_replication_role = origin")
        print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)


# The same village figures by hand, for the whole province in one statement (PostgreSQL may run it in
# parallel): each household's status on the date (the last change effective on or before it; none when
# its history starts later; the current status without any history), its members counted once.
BASELINE_SQL = """
WITH /*HISTORY*/
mc AS (SELECT household_id, count(*) AS n FROM households_member GROUP BY household_id),
hs AS (SELECT h.id, h.village_id, /*STATUS*/ AS status FROM households_household h /*JOIN*/)
SELECT v.id,
    coalesce(max(p.rural_population), 0),
    count(hs.id) FILTER (WHERE hs.status IN ('registered', 'returned')),
    coalesce(sum(mc.n) FILTER (WHERE hs.status IN ('registered', 'returned')), 0),
    count(hs.id) FILTER (WHERE hs.status = 'exited'),
    coalesce(sum(mc.n) FILTER (WHERE hs.status = 'exited'), 0),
    count(hs.id) FILTER (WHERE hs.status = 'returned'),
    coalesce(sum(mc.n) FILTER (WHERE hs.status = 'returned'), 0),
    count(hs.id) FILTER (WHERE hs.status = 'monitoring'),
    coalesce(sum(mc.n) FILTER (WHERE hs.status = 'monitoring'), 0)
FROM areas_area v
LEFT JOIN hs ON hs.village_id = v.id
LEFT JOIN mc ON mc.household_id = hs.id
LEFT JOIN areas_areapopulation p ON p.area_id = v.id AND p.year = %(year)s
WHERE v.level = 'village' AND v.code LIKE %(prefix)s
GROUP BY v.id
"""
BASELINE_NOW = (
    BASELINE_SQL.replace("/*HISTORY*/", "").replace("/*STATUS*/", "h.status").replace("/*JOIN*/", "")
)
BASELINE_PAST = (
    BASELINE_SQL.replace(
        "/*HISTORY*/",
        """hist AS (
    SELECT household_id,
        (array_agg(to_status ORDER BY effective_date DESC, changed_at DESC, id DESC)
            FILTER (WHERE effective_date <= %(as_of)s))[1] AS status
    FROM households_householdstatuschange GROUP BY household_id
),""",
    )
    .replace("/*STATUS*/", "CASE WHEN hist.household_id IS NULL THEN h.status ELSE hist.status END")
    .replace("/*JOIN*/", "LEFT JOIN hist ON hist.household_id = h.id")
)

FIGURES = (
    "population",
    "poor_households",
    "poor_people",
    "exited_households",
    "exited_people",
    "returned_households",
    "returned_people",
    "monitored_households",
    "monitored_people",
)


def measure(counties: list, as_of: dt.date, runs: int = 3) -> tuple[float, float]:  # noqa: ANN001
    """Best of `runs` of the job and of the hand-written query; every village's figures must agree."""
    from django.db import connection

    from core import clock
    from core.models import Job
    from dashboards import services
    from dashboards.models import IncidenceFigure, IncidenceSnapshot

    # The job also computes the dashboard's other sections per county (dashboards.snapshots): timed
    # apart, so the ratio compares the incidence figures with the query that computes the same.
    sections = [0.0]
    compute_sections = services.sections_compute_county

    def timed_sections(**kwargs: object) -> None:
        started = time.perf_counter()
        compute_sections(**kwargs)
        sections[0] += time.perf_counter() - started

    services.sections_compute_county = timed_sections
    history = as_of < clock.today(counties[0])
    label = "past date, from the history" if history else "today, current statuses"
    job_times, base_times = [], []
    for attempt in range(runs):
        IncidenceSnapshot.objects.filter(county__in=counties, as_of=as_of).delete()
        job = Job.objects.create(
            kind="bench",
            params={
                "as_of": as_of.isoformat(),
                "population_year": AS_OF.year,
                "county_ids": [c.pk for c in counties],
            },
        )
        sections[0] = 0.0
        started = time.perf_counter()
        result = services.incidence_job_handler(job)
        job_times.append(time.perf_counter() - started - sections[0])
        assert len(result["computed"]) == len(counties)

        started = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(
                BASELINE_PAST if history else BASELINE_NOW,
                {"as_of": as_of, "year": AS_OF.year, "prefix": PREFIX + "%"},
            )
            baseline = {row[0]: tuple(row[1:]) for row in cur.fetchall()}
        base_times.append(time.perf_counter() - started)
        print(
            f"{label}, run {attempt + 1}: job {job_times[-1]:.2f} s (and {sections[0]:.2f} s for the other "
            f"sections), hand-written GROUP BY {base_times[-1]:.2f} s",
            flush=True,
        )

    stored = {
        row[0]: tuple(row[1:])
        for row in IncidenceFigure.objects.filter(as_of=as_of, level="village", area__code__startswith=PREFIX)
        .values_list("area_id", *FIGURES)
        .iterator()
    }
    assert stored == baseline, sorted(set(stored.items()) ^ set(baseline.items()))[:5]
    totals = [sum(column) for column in zip(*stored.values(), strict=True)]
    print(
        f"{label}: {len(stored):,} villages agree; "
        + ", ".join(f"{n} {t:,}" for n, t in zip(FIGURES, totals, strict=True))
    )
    best_job, best_base = min(job_times), min(base_times)
    print(
        f"{label}: best job {best_job:.2f} s / best hand-written {best_base:.2f} s = ratio {best_job / best_base:.2f}x"
    )
    services.sections_compute_county = compute_sections
    return best_job, best_base


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from areas.models import Area
    from core import clock

    call_command("migrate", verbosity=0)
    generate()
    # A steady-state database: autovacuum has set the visibility maps and statistics.
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    counties = list(Area.objects.filter(level="county", code__startswith=PREFIX).order_by("code"))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM households_household h JOIN areas_area v ON v.id = h.village_id "
            "WHERE v.code LIKE %s",
            [PREFIX + "%"],
        )
        households = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM households_member")
        members = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM households_householdstatuschange")
        history = cur.fetchone()[0]
        cur.execute(
            "SELECT min(h.id), max(h.id), count(*) FROM households_household h "
            "JOIN areas_area v ON v.id = h.village_id WHERE v.code LIKE %s",
            [counties[0].prefix + "%"],
        )
        lo, hi, first = cur.fetchone()
    print(
        f"{len(counties)} counties, {households:,} households, {members:,} members, {history:,} history rows; "
        f"the first county's {first:,} households span ids {lo:,}..{hi:,}",
        flush=True,
    )
    past = measure(counties, AS_OF)
    today = measure(counties, clock.today(counties[0]))
    print(f"ratio past date {past[0] / past[1]:.2f}x, today {today[0] / today[1]:.2f}x (target: within 1.5x)")


if __name__ == "__main__":
    main()
