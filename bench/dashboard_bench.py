"""Benchmark: the county dashboard cold (nothing cached) at 1,000,000 households against a demo-size
county of 2,000 households, in the same run and the same database, with the same area tree (20
townships of 25 villages, a work team stationed in every township's villages), so the only difference
is the population. Both counties carry members, assistance (pairings, plans, visits, follow-ups),
complaints and monitoring cases in proportion to their households. The snapshot job (incidence and
the dashboard's sections) is run for both first, and timed; then each dashboard page is requested
with the cache cleared, alternately, and the median time and the query count are compared.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pc_bench_dash python bench/dashboard_bench.py

The database is created and migrated if needed and filled once with INSERT ... SELECT
generate_series (triggers off while generating). BENCH_HOUSEHOLDS changes the large county's size.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from pathlib import Path

from bench_db import ensure_database, fill_assistance, insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertycase.settings.test")
os.environ.setdefault("TEST_STATEMENT_TIMEOUT_MS", "0")  # the generation and the 1M snapshot run longer

LARGE = int(os.environ.get("BENCH_HOUSEHOLDS", "1000000"))
SMALL = 2000
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
TOWNSHIPS, VILLAGES = 20, 25
PROVINCE, PREFECTURE = "650000000000", "650100000000"
COUNTIES = {"650102000000": ("大县", LARGE), "650103000000": ("示范县", SMALL)}


def _areas(code: str, name: str, prefecture: object) -> None:
    from areas.models import Area

    county = Area.objects.create(code=code, name=name, level="county", parent=prefecture)
    villages = []
    for t in range(TOWNSHIPS):
        township = Area.objects.create(
            code=f"{code[:6]}{100 + t:03d}000", name=f"{name}{t + 1}乡", level="township", parent=county
        )
        villages += [
            Area(
                code=f"{code[:6]}{100 + t:03d}{200 + v:03d}",
                name=f"{name}{t + 1}乡{v + 1}村",
                level="village",
                parent=township,
            )
            for v in range(VILLAGES)
        ]
    Area.objects.bulk_create(villages)


def _fill(cursor, code: str, households: int) -> None:  # noqa: ANN001, PLR0915
    prefix = code[:6]
    cursor.execute(
        "SELECT min(id), count(*) FROM areas_area WHERE level = 'village' AND code LIKE %s", [prefix + "%"]
    )
    first_village, n_villages = cursor.fetchone()
    cursor.execute("SELECT id FROM areas_area WHERE code = %s", [code])
    county_id = cursor.fetchone()[0]
    now = {"version": "1", "created_at": "now()", "updated_at": "now()"}
    insert(
        cursor,
        "areas_areapopulation",
        {"area_id": "a.id", "year": "extract(year from current_date)::int", "rural_population": "4000"},
        f"FROM areas_area a WHERE a.level = 'village' AND a.code LIKE '{prefix}%%'",
    )
    statuses = (
        "ARRAY['registered','exited','exited','monitoring','returned','candidate','exited','registered']"
    )
    insert(
        cursor,
        "households_household",
        {
            "village_id": f"{first_village} + (g % {n_villages})",
            "number": f"'{prefix}' || lpad(g::text, 11, '0')",
            "main_cause": "'illness'",
            "status": f"({statuses})[g % 8 + 1]",
            **now,
        },
        f"FROM generate_series(1, {households}) g",
    )
    insert(
        cursor,
        "households_member",
        {
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
            **now,
        },
        f"FROM households_household h, generate_series(1, 1 + (h.id % 4)::int) k "
        f"WHERE h.number LIKE '{prefix}%%'",
    )
    insert(
        cursor,
        "assistance_cadre",
        {"name": "'干部' || g", "unit": "'县直单位'", "area_id": str(county_id), "is_active": "true", **now},
        f"FROM generate_series(1, {max(households // 5, 1)}) g",
    )
    cursor.execute("SELECT min(id), max(id) FROM assistance_cadre WHERE area_id = %s", [county_id])
    first_cadre, last_cadre = cursor.fetchone()
    cadres = last_cadre - first_cadre + 1
    insert(
        cursor,
        "assistance_workteam",
        {
            "name": f"'{prefix}' || '第' || t || '工作队'",
            "sending_unit": "'州直单位'",
            "area_id": str(county_id),
            "term_start": "'2024-01-01'",
            "status": "'active'",
            **now,
        },
        f"FROM generate_series(1, {TOWNSHIPS}) t",
    )
    insert(
        cursor,
        "assistance_teamvillage",
        {"team_id": "w.id", "village_id": "a.id", "start": "'2024-01-01'"},
        "FROM areas_area a JOIN areas_area t ON t.id = a.parent_id "
        f"JOIN assistance_workteam w ON w.area_id = {county_id} "
        f"AND w.name = '{prefix}' || '第' || (substr(t.code, 7, 3)::int - 99) || '工作队' "
        f"WHERE a.level = 'village' AND a.code LIKE '{prefix}%%'",
    )
    fill_assistance(
        cursor,
        "FROM households_household h",
        f"h.number LIKE '{prefix}%'",
        f"{first_cadre} + h.id % {cadres}",
    )


def generate() -> None:
    from django.db import connection, transaction

    from areas.models import Area

    if Area.objects.filter(code=PROVINCE).exists():
        return
    started = time.perf_counter()
    with transaction.atomic():
        province = Area.objects.create(code=PROVINCE, name="新疆维吾尔自治区", level="province")
        prefecture = Area.objects.create(code=PREFECTURE, name="测试市", level="prefecture", parent=province)
        for code, (name, _households) in COUNTIES.items():
            _areas(code, name, prefecture)
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")  # audit triggers off while generating
            for code, (_name, households) in COUNTIES.items():
                _fill(cursor, code, households)
                print(f"  {code}: {households} households ({time.perf_counter() - started:.0f}s)", flush=True)
            cursor.execute("SET session_replication_role = origin")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"generated in {time.perf_counter() - started:.1f}s", flush=True)


def snapshot(county: object) -> float:
    """Today's snapshot job for one county (incidence and the dashboard's sections), timed."""
    from core import clock
    from core.services import job_create, job_run
    from dashboards.models import IncidenceFigure, IncidenceSnapshot
    from dashboards.services import JOB_KIND, incidence_job_handler

    today = clock.today(county)
    snapshots = IncidenceSnapshot.objects.filter(county=county, as_of=today)
    IncidenceFigure.objects.filter(snapshot__in=snapshots).delete()
    snapshots.delete()  # a fresh run each time: the job skips a frozen snapshot
    job = job_create(
        kind=JOB_KIND,
        user=None,
        area=county,
        params={"as_of": today.isoformat(), "population_year": today.year, "county_ids": [county.pk]},
    )
    started = time.perf_counter()
    job_run(str(job.pk), incidence_job_handler)
    return time.perf_counter() - started


def main() -> None:  # noqa: PLR0915
    ensure_database()
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from accounts.models import User
    from accounts.roles import RoleChoices
    from accounts.services import user_create
    from areas.models import Area
    from assistance.selectors import coverage_for_area, visit_days_for
    from core import clock
    from dashboards.models import SectionFigure
    from dashboards.snapshots.compute import sections_compute_county
    from households.models import Household
    from supervision.selectors import complaint_rates

    setup_test_environment()  # the test client's host, as in the tests
    logging.getLogger("axes").setLevel(logging.WARNING)  # a line per sign-in otherwise
    call_command("migrate", verbosity=0)
    call_command("compiletranslations", verbosity=0)
    generate()
    counties = {code: Area.objects.get(code=code) for code in COUNTIES}
    users = {}
    for code, county in counties.items():
        username = f"bench-{code}"
        users[code] = User.objects.filter(username=username).first() or user_create(
            username=username,
            password="bench-pw-123456",  # noqa: S106 (a bench account)
            role=RoleChoices.COUNTY_OFFICIAL,
            areas=[county],
        )

    print("snapshot job (incidence and sections), one county each:")
    job_time = {}
    for code, county in counties.items():
        job_time[code] = snapshot(county)
        with transaction.atomic():  # the sections' part of it alone (same statements, rolled back)
            started = time.perf_counter()
            sections_compute_county(county=county)
            sections_time = time.perf_counter() - started
            transaction.set_rollback(True)
        households = Household.objects.filter(village__code__startswith=county.prefix).count()
        print(
            f"  {county.name} ({households} households): {job_time[code]:.2f}s, "
            f"of which the sections about {sections_time:.2f}s",
            flush=True,
        )

    def page(code: str) -> tuple[float, int, str]:
        cache.clear()  # cold: nothing of any dashboard cached
        client = Client()
        client.force_login(users[code])
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(f"/dashboards/{code}/")
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        return elapsed, len(queries.captured_queries), response.content.decode()

    times: dict[str, list[float]] = {code: [] for code in COUNTIES}
    counts: dict[str, set[int]] = {code: set() for code in COUNTIES}
    bodies = {}
    for code in COUNTIES:
        page(code)  # one unmeasured request each: Python imports, template loading
    for _ in range(RUNS):
        for code in COUNTIES:
            elapsed, n, bodies[code] = page(code)
            times[code].append(elapsed)
            counts[code].add(n)

    # each page shows its county's figures: the coverage total is the county's assisted households
    today = clock.today()
    for code, county in counties.items():
        row = SectionFigure.objects.get(area=county, as_of=today)
        expected = Household.objects.filter(
            village__code__startswith=county.prefix,
            status__in=["registered", "returned", "monitoring", "exited"],
        ).count()
        assert row.assisted_households == expected, (row.assisted_households, expected)
        assert f"<td>{expected}</td>" in bodies[code], "the page does not show the county's coverage total"

    large, small = list(COUNTIES)
    print(f"county dashboard cold, median of {RUNS} (cache cleared before each request):")
    for code in COUNTIES:
        name, households = COUNTIES[code]
        print(
            f"  {name} ({households} households): {statistics.median(times[code]) * 1000:.0f} ms, "
            f"queries {sorted(counts[code])}, runs {[round(t * 1000) for t in times[code]]}"
        )
    ratio = statistics.median(times[large]) / statistics.median(times[small])
    print(f"  ratio {ratio:.2f}x (target <= 1.5x); same query count: {counts[large] == counts[small]}")

    # what each cold load computed before the sections came from the snapshot (for the README)
    county = counties[large]
    started = time.perf_counter()
    coverage_for_area(county, today=today, visit_days=visit_days_for(county))
    live_coverage = time.perf_counter() - started
    started = time.perf_counter()
    complaint_rates(user=users[large], area=county)
    live_rates = time.perf_counter() - started
    print(
        f"live selectors on {COUNTIES[large][1]} households (what the page ran per cold load before): "
        f"coverage_for_area {live_coverage:.2f}s, complaint_rates {live_rates:.2f}s"
    )


if __name__ == "__main__":
    main()
