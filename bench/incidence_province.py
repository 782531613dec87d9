"""Benchmark: the incidence job over a generated province (10 counties, 1,000,000 households) against
one hand-written SQL GROUP BY of the same village figures, measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pc_bench7 python bench/incidence_province.py

The database is created and migrated if needed and filled once with INSERT ... SELECT generate_series
(audit triggers off while generating). Prints both timings and their ratio (target: within 2x).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertycase.settings.local")

HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "1000000"))
COUNTIES, TOWNSHIPS, VILLAGES = 10, 20, 25  # 5,000 villages
PREFIX = "5134"  # a prefecture code range used by nothing else in the demo data
AS_OF = dt.date(2025, 12, 31)


def _ensure_database() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _filler(cursor, table: str, given: dict[str, str]) -> tuple[str, str]:  # noqa: ANN001
    """Column list and SELECT expressions for `table`, filling required columns we do not name."""
    cursor.execute(
        "SELECT column_name, data_type, is_nullable, column_default, is_identity FROM information_schema.columns "
        "WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    columns, values = [], []
    for name, data_type, nullable, default, identity in cursor.fetchall():
        if name in given:
            columns.append(name)
            values.append(given[name])
        elif nullable == "NO" and default is None and identity != "YES":
            columns.append(name)
            values.append(
                {
                    "boolean": "false",
                    "ARRAY": "'{}'",
                    "timestamp with time zone": "now()",
                    "date": "current_date",
                }.get(data_type, "0" if "int" in data_type or data_type == "numeric" else "''")
            )
    return ", ".join(columns), ", ".join(values)


def generate() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM households_household h JOIN areas_area v ON v.id = h.village_id "
            "WHERE v.code LIKE %s",
            [PREFIX + "%"],
        )
        if cur.fetchone()[0]:
            return
        cur.execute("SET session_replication_role = replica")
        cur.execute(
            "DELETE FROM areas_areapopulation WHERE area_id IN (SELECT id FROM areas_area WHERE code LIKE %s)",
            [PREFIX + "%"],
        )
        cur.execute("DELETE FROM areas_area WHERE code LIKE %s OR code = '510000000000'", [PREFIX + "%"])
        print(f"generating {HOUSEHOLDS:,} households ...", flush=True)
        started = time.perf_counter()
        cur.execute("SET session_replication_role = replica")  # no audit triggers for generated data
        cur.execute(
            "INSERT INTO areas_area (code, name, level, parent_id, is_western) VALUES "
            "('510000000000', '四川省', 'province', NULL, true) ON CONFLICT (code) DO NOTHING"
        )
        cur.execute(
            "INSERT INTO areas_area (code, name, level, parent_id, is_western) SELECT %s, '凉山州', 'prefecture', id, "
            "false FROM areas_area WHERE code = '510000000000'",
            [PREFIX + "00000000"],
        )
        cur.execute(
            "INSERT INTO areas_area (code, name, level, parent_id, is_western) "
            "SELECT %s || lpad(c::text, 2, '0') || '000000', '县' || c, 'county', p.id, false "
            "FROM areas_area p, generate_series(1, %s) c WHERE p.code = %s",
            [PREFIX, COUNTIES, PREFIX + "00000000"],
        )
        cur.execute(
            "INSERT INTO areas_area (code, name, level, parent_id, is_western) "
            "SELECT substr(p.code, 1, 6) || lpad(t::text, 3, '0') || '000', p.name || '乡' || t, 'township', p.id, "
            "false FROM areas_area p, generate_series(1, %s) t WHERE p.level = 'county' AND p.code LIKE %s",
            [TOWNSHIPS, PREFIX + "%"],
        )
        cur.execute(
            "INSERT INTO areas_area (code, name, level, parent_id, is_western) "
            "SELECT substr(p.code, 1, 9) || lpad(v::text, 3, '0'), p.name || v || '村', 'village', p.id, false "
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
        cols, vals = _filler(
            cur,
            "households_household",
            {
                "created_at": "now()",
                "updated_at": "now()",
                "version": "1",
                "number": "'B' || g",
                "village_id": "v.id",
                "status": "CASE WHEN g %% 100 < 30 THEN 'registered' WHEN g %% 100 < 80 THEN 'exited' "
                "WHEN g %% 100 < 82 THEN 'returned' WHEN g %% 100 < 90 THEN 'monitoring' "
                "WHEN g %% 100 < 96 THEN 'candidate' ELSE 'rejected' END",
                "attribute": "'ordinary'",
                "main_cause": "'illness'",
                "year_identified": "2016",
            },
        )
        cur.execute(
            # column names and literal expressions from this file and information_schema, never input
            f"INSERT INTO households_household ({cols}) SELECT {vals} FROM generate_series(0, %s - 1) g "  # noqa: S608
            "JOIN (SELECT id, row_number() OVER (ORDER BY code) - 1 AS rn FROM areas_area "
            "WHERE level = 'village' AND code LIKE %s) v ON v.rn = g::bigint * %s / %s ORDER BY g",
            [HOUSEHOLDS, PREFIX + "%", villages, HOUSEHOLDS],
        )
        cols, vals = _filler(
            cur,
            "households_member",
            {
                "created_at": "now()",
                "updated_at": "now()",
                "version": "1",
                "household_id": "h.id",
                "name": "'成员' || k",
                "relation": "CASE WHEN k = 1 THEN 'head' ELSE 'child' END",
                "sex": "CASE WHEN k %% 2 = 0 THEN 'female' ELSE 'male' END",
                "birth_date": "date '1970-01-01' + (h.id %% 15000)::int",
                "schooling": "'not_in_school'",
                "health": "'healthy'",
                "labour_capacity": "'ordinary'",
                "work_status": "'none'",
                "medical_insurance": "true",
            },
        )
        cur.execute(
            f"INSERT INTO households_member ({cols}) SELECT {vals} FROM households_household h "  # noqa: S608
            "JOIN areas_area v ON v.id = h.village_id AND v.code LIKE %s, generate_series(1, 1 + (h.id %% 6)::int) k ORDER BY h.id, k",
            [PREFIX + "%"],
        )
        cur.execute("SET session_replication_role = origin")
        print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)


BASELINE_SQL = """
SELECT h.village_id,
    count(*) FILTER (WHERE h.status IN ('registered', 'returned')) AS poor_h,
    coalesce(sum(mc.n) FILTER (WHERE h.status IN ('registered', 'returned')), 0) AS poor_p,
    count(*) FILTER (WHERE h.status = 'exited'), coalesce(sum(mc.n) FILTER (WHERE h.status = 'exited'), 0),
    count(*) FILTER (WHERE h.status = 'returned'), coalesce(sum(mc.n) FILTER (WHERE h.status = 'returned'), 0),
    count(*) FILTER (WHERE h.status = 'monitoring'),
    coalesce(sum(mc.n) FILTER (WHERE h.status = 'monitoring'), 0),
    max(p.rural_population)
FROM households_household h
JOIN areas_area v ON v.id = h.village_id
LEFT JOIN (SELECT household_id, count(*) AS n FROM households_member GROUP BY household_id) mc
    ON mc.household_id = h.id
LEFT JOIN areas_areapopulation p ON p.area_id = v.id AND p.year = %s
WHERE v.code LIKE %s
GROUP BY h.village_id
"""


def main() -> None:
    _ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    generate()
    # A steady-state database: autovacuum has set the visibility maps and statistics.
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    from areas.models import Area
    from core.models import Job
    from dashboards.models import IncidenceFigure, IncidenceSnapshot
    from dashboards.services import incidence_job_handler

    counties = list(Area.objects.filter(level="county", code__startswith=PREFIX).order_by("code"))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM households_household h JOIN areas_area v ON v.id = h.village_id "
            "WHERE v.code LIKE %s",
            [PREFIX + "%"],
        )
        households = cur.fetchone()[0]
    print(f"{len(counties)} counties, {households:,} households", flush=True)

    job_times, base_times = [], []
    for attempt in range(3):
        IncidenceSnapshot.objects.filter(county__in=counties, as_of=AS_OF).delete()
        job = Job.objects.create(
            kind="bench", params={"as_of": AS_OF.isoformat(), "county_ids": [c.pk for c in counties]}
        )
        started = time.perf_counter()
        result = incidence_job_handler(job)
        job_times.append(time.perf_counter() - started)
        assert len(result["computed"]) == len(counties)

        started = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(BASELINE_SQL, [AS_OF.year, PREFIX + "%"])
            baseline_rows = cur.fetchall()
        base_times.append(time.perf_counter() - started)
        print(
            f"run {attempt + 1}: job {job_times[-1]:.2f} s, hand-written GROUP BY {base_times[-1]:.2f} s",
            flush=True,
        )

    # The two agree: total poor people across the province.
    job_poor = sum(
        IncidenceFigure.objects.filter(as_of=AS_OF, level="county", area__in=counties).values_list(
            "poor_people", flat=True
        )
    )
    assert job_poor == sum(row[2] for row in baseline_rows), (job_poor, sum(row[2] for row in baseline_rows))
    best_job, best_base = min(job_times), min(base_times)
    print(f"poor people: {job_poor:,} (job and hand-written query agree)")
    print(
        f"best job {best_job:.2f} s / best hand-written {best_base:.2f} s = ratio {best_job / best_base:.2f}x"
    )


if __name__ == "__main__":
    main()
