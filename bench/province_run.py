"""Benchmark: a province-size run. 100 counties (5 prefectures of 20) with their registry, status history
and assistance, the nightly jobs the beat schedules timed one by one, then the dashboards' cold latency
(a few county dashboards and the province's).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pc_bench_prov python bench/province_run.py
    # size: BENCH_COUNTIES=100 BENCH_HOUSEHOLDS_PER_COUNTY=40000 (about 2.5 members each)
    # BENCH_STOP_AFTER=10: generate that many counties' first round and stop (to time a slice);
    # BENCH_ONLY=generate or BENCH_ONLY=run: only generate, or only run on what is generated;
    # BENCH_ONLY=dashboards: only the cold dashboards, on the snapshots an earlier run computed today

The database is created and migrated if needed and filled (bench/province_data.py) with INSERT ...
SELECT generate_series (audit triggers off while generating), ten counties per transaction, so an
interrupted generation goes on where it stopped. The per-township jobs (duplicates scan, reminders)
are timed on BENCH_SAMPLE_TOWNSHIPS (15) townships spread over the province and their total estimated. 80% of each county's households are registered first, village after village and
county after county; the other 20% last, with the highest ids, spread over every village of the
province (registration ids interleaved across counties). Every household has two status-history rows,
1 to 4 members with names from a roster (30 surnames x 300 given names, birth dates over 60 years, pinyin
search keys computed as the import does; one member in a thousand without keys, as plain SQL leaves
them), and the assisted ones a responsible cadre, a plan, two visits, follow-ups; a complaint per 100
households, a monitoring case per monitored household, a work team per township.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from pathlib import Path

from bench_db import ensure_database
from province_data import COUNTIES, ONLY, PROVINCE, STOP_AFTER, county_code, generate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertycase.settings.test")
os.environ.setdefault("TEST_STATEMENT_TIMEOUT_MS", "0")  # generation and the nightly jobs run longer

SAMPLE = int(os.environ.get("BENCH_SAMPLE_TOWNSHIPS", "15"))  # townships timed of the per-township jobs


def _timed(label: str, fn, *args, **kwargs) -> float:  # noqa: ANN001, ANN002, ANN003
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.1f} s ({result!r:.80})", flush=True)
    return seconds


def nightly() -> dict[str, float]:
    """Every job the beat schedules once a day (and one run of the hourly reminders), eagerly, timed."""
    from areas.models import Area
    from assistance.tasks import reminders_raise_township_task
    from core import clock
    from core.models import Job
    from dashboards.models import IncidenceSnapshot
    from dashboards.tasks import incidence_nightly_task
    from exits.tasks import monitoring_overdue_reminders_task
    from funds.tasks import funds_ledger_check_nightly
    from households.services.quality import duplicates_scan
    from households.tasks import households_search_keys_refresh
    from supervision.tasks import overdue_escalate_task

    # a rerun on the same data computes tonight's snapshots again (the job skips a frozen one)
    IncidenceSnapshot.objects.filter(as_of=clock.today(Area.objects.get(code=PROVINCE))).delete()
    print("nightly jobs (the beat schedule's, each run as its task, eagerly):", flush=True)
    from dashboards import services

    # the job's two parts apart: its incidence statements and each county's dashboard sections
    sections = [0.0]
    compute_sections = services.sections_compute_county

    def timed_sections(**kwargs: object) -> object:
        t0 = time.perf_counter()
        result = compute_sections(**kwargs)
        sections[0] += time.perf_counter() - t0
        return result

    services.sections_compute_county = timed_sections
    started = clock.now()
    times = {
        "dashboards.incidence_nightly (incidence + sections, 100 counties)": _timed(
            "dashboards.incidence_nightly", incidence_nightly_task
        ),
    }
    for job in Job.objects.filter(kind="dashboards.incidence", created_at__gte=started):
        assert job.status == "succeeded", (job.status, job.error)
        print(f"    job for {job.area}: {len(job.result['computed'])} counties computed", flush=True)
    services.sections_compute_county = compute_sections
    total = next(iter(times.values()))
    print(
        f"    of which the dashboard sections {sections[0]:.1f} s, the rest (incidence) {total - sections[0]:.1f} s"
    )
    for label, fn in (
        ("households.search_keys_refresh", households_search_keys_refresh),
        ("funds.ledger_check_nightly", funds_ledger_check_nightly),
        ("supervision.overdue_escalate", overdue_escalate_task),
        ("exits.monitoring_overdue_reminders", monitoring_overdue_reminders_task),
    ):
        times[label] = _timed(label, fn)
    # Two jobs run one statement per township (1,500 here) and take hours whole: timed on a sample of
    # townships spread over the province, the total estimated from it (and labelled so).
    townships = list(Area.objects.filter(level="township", code__startswith="52").order_by("code"))
    sample = townships[:: max(1, len(townships) // SAMPLE)]
    day = clock.today(townships[0]).isoformat()
    for label, one in (
        ("households.duplicates_scan_nightly", lambda t: duplicates_scan(area=t)),
        ("assistance.raise_reminders (hourly)", lambda t: reminders_raise_township_task(t.pk, day)),
    ):
        t0 = time.perf_counter()
        for township in sample:
            one(township)
        per = (time.perf_counter() - t0) / len(sample)
        times[label + " (estimated)"] = per * len(townships)
        print(
            f"  {label}: {per:.2f} s per township over {len(sample)} of {len(townships)} townships, "
            f"estimated {per * len(townships):.0f} s for all",
            flush=True,
        )
    print(f"  total {sum(times.values()):.1f} s", flush=True)
    return times


def incidence_chunks() -> None:
    """Today's incidence statements alone for every county, in chunks of each size of BENCH_CHUNKS
    (counties per statement), each in a transaction rolled back; the figures are checked equal."""
    from django.db import transaction

    from areas.models import Area
    from core import clock
    from dashboards.incidence import incidence_compute_counties
    from dashboards.models import IncidenceFigure, IncidenceSnapshot

    counties = list(Area.objects.filter(level="county", code__startswith="52").order_by("code"))
    today = clock.today(counties[0])
    print("incidence statements alone, today, every county (rolled back):", flush=True)
    results = {}
    for size in [int(n) for n in os.environ.get("BENCH_CHUNKS", "20,200").split(",")]:
        with transaction.atomic():
            IncidenceSnapshot.objects.filter(county__in=counties, as_of=today).delete()
            snapshots = [
                IncidenceSnapshot(county=c, as_of=today, population_year=today.year) for c in counties
            ]
            IncidenceSnapshot.objects.bulk_create(snapshots)
            started = time.perf_counter()
            for start in range(0, len(snapshots), size):
                incidence_compute_counties(snapshots=snapshots[start : start + size])
            seconds = time.perf_counter() - started
            results[size] = sorted(
                IncidenceFigure.objects.filter(as_of=today, area__code__startswith="52").values_list(
                    "area_id", "poor_people", "poor_households", "exited_people", "monitored_people"
                )
            )
            transaction.set_rollback(True)
        print(f"  {size} counties per statement: {seconds:.1f} s ({len(results[size]):,} rows)", flush=True)
    assert len({tuple(rows) for rows in results.values()}) == 1, "the chunk sizes disagree"


def dashboards_cold(runs: int = 3) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Sum
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from accounts.models import User
    from accounts.services import user_create
    from areas.models import Area
    from core import clock
    from core.roles import RoleChoices
    from dashboards.models import IncidenceFigure

    setup_test_environment()
    areas = [Area.objects.get(code=county_code(n)) for n in (0, COUNTIES // 2, COUNTIES - 1)]
    areas.append(Area.objects.get(code=PROVINCE))
    print(f"dashboards cold (cache cleared before each request), median of {runs}:", flush=True)
    for area in areas:
        role = RoleChoices.COUNTY_OFFICIAL if area.level == "county" else RoleChoices.OVERSIGHT
        username = f"bench-{area.code}"
        user = User.objects.filter(username=username).first() or user_create(
            username=username,
            password="bench-pw-123456",  # noqa: S106 (a bench account)
            role=role,
            areas=[area],
        )
        client = Client()
        client.force_login(user)
        times, counts = [], set()
        for _ in range(runs + 1):
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(f"/dashboards/{area.code}/")
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
            counts.add(len(queries.captured_queries))
        times = times[1:]  # the first: imports and templates
        # the page shows the area's poor people: the sum of its counties' rows of today's snapshots
        expected = IncidenceFigure.objects.filter(
            level="county", area__code__startswith=area.prefix, as_of=clock.today(area)
        ).aggregate(n=Sum("poor_people"))["n"]
        shown = f'text-danger">{expected}<' in response.content.decode()
        print(
            f"  {area.name} ({area.level}): {statistics.median(times) * 1000:.0f} ms, queries {sorted(counts)}, "
            f"runs {[round(t * 1000) for t in times]}, shows its {expected} poor people: {shown}",
            flush=True,
        )


def _skip_vector_backfill() -> None:
    """The generated households have no search vectors (triggers off while generating), and no nightly
    job or dashboard reads them: on a database generated before households 0011, that migration's
    backfill would compute 4,000,000 of them (about 26 minutes per million here). It is marked applied
    instead, with a line saying so; its new vector function is not installed (the old one keeps working
    for the member triggers)."""
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass('bench_progress') IS NOT NULL")
        generated = cur.fetchone()[0]
    recorder = MigrationRecorder(connection)
    name = ("households", "0011_search_vector_township_keys")
    if generated and name not in recorder.applied_migrations():
        recorder.record_applied(*name)
        print("households 0011 marked applied without its search-vector backfill (see the docstring)")


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    for name in ("axes", "celery.app.trace"):  # a line per sign-in and per eager task otherwise
        logging.getLogger(name).setLevel(logging.WARNING)
    _skip_vector_backfill()
    call_command("migrate", verbosity=0)
    call_command("compiletranslations", verbosity=0)
    if ONLY not in ("run", "dashboards"):
        generate()
    if STOP_AFTER or ONLY == "generate":
        return
    with connection.cursor() as cur:
        for table in (
            "households_household",
            "households_member",
            "households_householdstatuschange",
            "assistance_visit",
            "assistance_followup",
            "areas_area",
        ):
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            print(f"{table}: {cur.fetchone()[0]:,} rows", flush=True)
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size {cur.fetchone()[0]}", flush=True)
    if ONLY == "dashboards":  # the dashboards alone, on what an earlier run computed today
        dashboards_cold()
        return
    nightly()
    dashboards_cold()
    incidence_chunks()


if __name__ == "__main__":
    main()
