"""Members partitioned by county (docs/scaling.md): what unchanged reads cost on the partitioned table,
and what a read that names its county gains.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pc_partbench .venv/bin/python bench/partition_bench.py
    # sizes: BENCH_COUNTIES=10 BENCH_HOUSEHOLDS=300000

Creates and migrates the database if needed and fills it once (audit triggers off while generating):
BENCH_COUNTIES counties x 10 townships x 20 villages, BENCH_HOUSEHOLDS households dealt to the villages
in turn (so every county's ids are interleaved with every other's, as late registrations make them) and
1 to 6 members each. Then, in the same run, best of 5:

1. the real incidence statement for one county (`dashboards.services.incidence_compute_county`) on the
   plain member table against the same on the member table partitioned by county and swapped in under
   its name (inside a transaction rolled back afterwards): the cost of partitioning for code that does
   not name the county;
2. one county's poor people through the household join (the registry's `poor_people_in` shape) on the
   plain tables against the same count naming the county (`county_code = ...`), with members
   partitioned, and with members and households partitioned (both sides of the join pruned).

Each pair is checked to return the same figures.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertycase.settings.local")

from bench_db import ensure_database, insert  # noqa: E402

COUNTIES = int(os.environ.get("BENCH_COUNTIES", "10"))
HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "300000"))
PREFIX = os.environ.get("BENCH_PREFIX", "5301")  # a prefecture of its own (5301: 昆明), apart from any other
TOWNSHIPS, VILLAGES = 10, 20
AS_OF = dt.date(2025, 12, 31)
POOR = "('registered', 'returned')"
RUNS = 5


def generate() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM areas_area WHERE code LIKE %s AND level = 'village'", [PREFIX + "%"]
        )
        if cur.fetchone()[0]:
            return
        print(f"generating {HOUSEHOLDS:,} households in {COUNTIES} counties ...", flush=True)
        started = time.perf_counter()
        cur.execute("SET LOCAL session_replication_role = replica")  # no audit triggers for generated data
        insert(
            cur,
            "areas_area",
            {"code": "'530000000000'", "name": "'云南省'", "level": "'province'", "is_western": "true"},
            "WHERE NOT EXISTS (SELECT 1 FROM areas_area WHERE code = '530000000000')",
        )
        levels = [
            ("prefecture", "province", 1, f"'{PREFIX}00000000'"),
            ("county", "prefecture", COUNTIES, "substr(p.code, 1, 4) || lpad(n::text, 2, '0') || '000000'"),
            ("township", "county", TOWNSHIPS, "substr(p.code, 1, 6) || lpad(n::text, 3, '0') || '000'"),
            ("village", "township", VILLAGES, "substr(p.code, 1, 9) || lpad(n::text, 3, '0')"),
        ]
        for level, parent, count, code in levels:
            under = "530000000000" if parent == "province" else PREFIX + "%"
            insert(
                cur,
                "areas_area",
                {
                    "code": code,
                    "name": "p.name || n",
                    "level": f"'{level}'",
                    "parent_id": "p.id",
                    "is_western": "true",
                },
                f"FROM areas_area p, generate_series(1, {count}) n WHERE p.level = '{parent}' AND p.code LIKE '{under}'",
            )
        cur.execute(
            "INSERT INTO areas_areapopulation (area_id, year, rural_population, source) "
            "SELECT id, %s, 1500 + (id * 7919) %% 2500, 'bench' FROM areas_area WHERE level = 'village' AND code LIKE %s",
            [AS_OF.year, PREFIX + "%"],
        )
        villages = COUNTIES * TOWNSHIPS * VILLAGES
        insert(
            cur,
            "households_household",
            {
                "created_at": "now()",
                "updated_at": "now()",
                "version": "1",
                "number": f"'P{PREFIX}-' || g",
                "village_id": "v.id",
                "status": "CASE WHEN g % 100 < 30 THEN 'registered' WHEN g % 100 < 80 THEN 'exited' "
                "WHEN g % 100 < 82 THEN 'returned' WHEN g % 100 < 90 THEN 'monitoring' ELSE 'candidate' END",
                "attribute": "'ordinary'",
                "main_cause": "'illness'",
                "year_identified": "2016",
            },
            # dealt to the villages in turn: consecutive ids belong to different counties (integers and
            # this file's constants, never input)
            f"FROM generate_series(0, {HOUSEHOLDS} - 1) g JOIN (SELECT id, row_number() OVER (ORDER BY code) - 1 "  # noqa: S608
            f"AS rn FROM areas_area WHERE level = 'village' AND code LIKE '{PREFIX}%') v ON v.rn = g % {villages} "
            "ORDER BY g",
        )
        # what the reads measured here look at (household and count); bench_db fills the other
        # required columns with blanks
        insert(
            cur,
            "households_member",
            {
                "household_id": "h.id",
                "name": "'成员' || k",
                "relation": "CASE WHEN k = 1 THEN 'head' ELSE 'child' END",
                "birth_date": "date '1970-01-01' + (h.id % 15000)::int",
            },
            f"FROM households_household h JOIN areas_area v ON v.id = h.village_id AND v.code LIKE '{PREFIX}%', "
            "generate_series(1, 1 + (h.id % 6)::int) k ORDER BY h.id, k",
        )
        print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)


def partitioned_copy(cur, county_codes: list[str]) -> None:  # noqa: ANN001
    """bench_member_by_county: households_member LIST-partitioned by county code, as in
    tests/households/test_partitioning.py."""
    cur.execute("DROP TABLE IF EXISTS bench_member_by_county")
    cur.execute(
        "CREATE TABLE bench_member_by_county (LIKE households_member INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "
        "county_code varchar(6) NOT NULL) PARTITION BY LIST (county_code)"
    )
    cur.execute("ALTER TABLE bench_member_by_county ADD PRIMARY KEY (county_code, id)")
    cur.execute("CREATE INDEX ON bench_member_by_county (household_id)")
    cur.execute("CREATE TABLE bench_member_county_other PARTITION OF bench_member_by_county DEFAULT")
    for code in county_codes:
        cur.execute(
            f"CREATE TABLE bench_member_county_{code} PARTITION OF bench_member_by_county FOR VALUES IN ('{code}')"
        )
    cur.execute(
        "INSERT INTO bench_member_by_county SELECT m.*, left(v.code, 6) FROM households_member m "
        "JOIN households_household h ON h.id = m.household_id JOIN areas_area v ON v.id = h.village_id"
    )
    cur.execute("VACUUM ANALYZE bench_member_by_county")
    # households too: a read naming the county then prunes both sides of the join
    cur.execute("DROP TABLE IF EXISTS bench_household_by_county")
    cur.execute(
        "CREATE TABLE bench_household_by_county (LIKE households_household INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "
        "county_code varchar(6) NOT NULL) PARTITION BY LIST (county_code)"
    )
    cur.execute("ALTER TABLE bench_household_by_county ADD PRIMARY KEY (county_code, id)")
    cur.execute("CREATE TABLE bench_household_county_other PARTITION OF bench_household_by_county DEFAULT")
    for code in county_codes:
        cur.execute(
            f"CREATE TABLE bench_household_county_{code} PARTITION OF bench_household_by_county "
            f"FOR VALUES IN ('{code}')"
        )
    cur.execute(
        "INSERT INTO bench_household_by_county SELECT h.*, left(v.code, 6) FROM households_household h "
        "JOIN areas_area v ON v.id = h.village_id"
    )
    cur.execute("VACUUM ANALYZE bench_household_by_county")


def best(fn) -> tuple[float, object]:  # noqa: ANN001
    times, result = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    generate()
    from areas.models import Area
    from dashboards.models import IncidenceFigure, IncidenceSnapshot
    from dashboards.services import incidence_compute_county

    counties = list(Area.objects.filter(level="county", code__startswith=PREFIX).order_by("code"))
    codes = [c.code[:6] for c in counties]
    with connection.cursor() as cur:
        started = time.perf_counter()
        partitioned_copy(cur, codes)
        copy_seconds = time.perf_counter() - started
        cur.execute("VACUUM ANALYZE households_member")
        cur.execute("VACUUM ANALYZE households_household")
        cur.execute("SELECT count(*) FROM bench_member_by_county")
        members = cur.fetchone()[0]
    print(
        f"{len(counties)} counties, {members:,} members; partitioned copy made in {copy_seconds:.1f} s",
        flush=True,
    )

    county = counties[len(counties) // 2]
    snapshot, _ = IncidenceSnapshot.objects.get_or_create(
        county=county, as_of=AS_OF, defaults={"population_year": AS_OF.year, "status": "complete"}
    )

    def incidence() -> list:
        with transaction.atomic():
            incidence_compute_county(snapshot=snapshot)
            return sorted(
                IncidenceFigure.objects.filter(snapshot=snapshot).values_list("area_id", "poor_people")
            )

    plain_job, plain_figures = best(incidence)

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("ALTER TABLE households_member RENAME TO bench_member_plain")
            cur.execute("ALTER TABLE bench_member_by_county RENAME TO households_member")
            part_job, part_figures = best(incidence)
            raise Rollback
    except Rollback:
        pass
    assert part_figures == plain_figures, "the partitioned table gave other incidence figures"

    plain_sql = (
        "SELECT count(*) FROM households_member m JOIN households_household h ON h.id = m.household_id "  # noqa: S608
        f"JOIN areas_area v ON v.id = h.village_id WHERE v.code LIKE %s AND h.status IN {POOR}"
    )
    named_sql = (
        "SELECT count(*) FROM bench_member_by_county m JOIN households_household h ON h.id = m.household_id "  # noqa: S608
        f"WHERE m.county_code = %s AND h.status IN {POOR}"
    )

    both_sql = (
        "SELECT count(*) FROM bench_member_by_county m JOIN bench_household_by_county h "  # noqa: S608
        "ON h.county_code = m.county_code AND h.id = m.household_id "
        f"WHERE m.county_code = %(c)s AND h.county_code = %(c)s AND h.status IN {POOR}"
    )

    def count(sql: str, param: str):  # noqa: ANN202
        def run() -> int:
            with connection.cursor() as cur:
                cur.execute("SET jit = off")
                cur.execute(sql, {"c": param} if "%(c)s" in sql else [param])
                return int(cur.fetchone()[0])

        return run

    plain_count_s, plain_count = best(count(plain_sql, county.prefix + "%"))
    named_count_s, named_count = best(count(named_sql, county.code[:6]))
    both_count_s, both_count = best(count(both_sql, county.code[:6]))
    assert plain_count == named_count == both_count, (plain_count, named_count, both_count)
    poor_people = next(p for area, p in plain_figures if area == county.pk)
    assert poor_people == plain_count, (poor_people, plain_count)

    print(f"county {county.code[:6]}: {poor_people:,} poor people (every variant agrees)")
    print(
        f"incidence statement, one county: plain {plain_job * 1000:.0f} ms, partitioned (unchanged SQL) "
        f"{part_job * 1000:.0f} ms = {part_job / plain_job:.2f}x"
    )
    print(
        f"poor people of one county: household join on the plain table {plain_count_s * 1000:.0f} ms, "
        f"members partitioned, naming the county {named_count_s * 1000:.0f} ms = {named_count_s / plain_count_s:.2f}x; "
        f"members and households partitioned, naming it {both_count_s * 1000:.0f} ms = "
        f"{both_count_s / plain_count_s:.2f}x"
    )


if __name__ == "__main__":
    main()
