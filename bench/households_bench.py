"""Benchmark, each figure against its baseline in the same run:
- the household list endpoint and page at 1,000,000 generated households (first page against a page
  90% deep; a name search and a filter against the unfiltered page);
- audited inserts: µs per row at 40,000 rows per transaction against 2,500 (flat when no audit trigger
  raises and catches, core.audit);
- the import of a 50,000-household xlsx (what the Celery job runs: read, check, write) against a raw
  COPY of the same rows into the same tables, audit triggers on for both;
- the peak memory of a worker process importing a 500,000-household file, against 300 MB.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pc_bench .venv/bin/python bench/households_bench.py

The database is created, migrated and filled once with INSERT ... SELECT generate_series (audit
triggers off while generating). BENCH_HOUSEHOLDS, BENCH_IMPORT and BENCH_MEMORY_HOUSEHOLDS change the
sizes; BENCH_ONLY=list,audit,import,memory runs some of the parts.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from bench_db import ensure_database, filler

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertycase.settings.test")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")

HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "1000000"))
IMPORT_HOUSEHOLDS = int(os.environ.get("BENCH_IMPORT", "50000"))
MEMORY_HOUSEHOLDS = int(os.environ.get("BENCH_MEMORY_HOUSEHOLDS", "500000"))
TOWNSHIPS, VILLAGES = 40, 25  # 1,000 villages in one county
COUNTY = "513401000000"  # a county code used by nothing else in the demo data


def generate() -> None:
    from django.db import connection, transaction

    from accounts.roles import RoleChoices
    from accounts.services import user_create
    from areas.models import Area

    if Area.objects.filter(code=COUNTY).exists():
        return
    with transaction.atomic():
        _generate(connection, Area, user_create, RoleChoices)


def _generate(connection, Area, user_create, RoleChoices) -> None:  # noqa: ANN001, N803
    started = time.perf_counter()
    province = Area.objects.create(code="510000000000", name="四川省", level="province")
    prefecture = Area.objects.create(code="513400000000", name="凉山州", level="prefecture", parent=province)
    county = Area.objects.create(code=COUNTY, name="西昌市", level="county", parent=prefecture)
    villages = []
    for t in range(TOWNSHIPS):
        township = Area.objects.create(
            code=f"513401{100 + t:03d}000", name=f"第{t + 1}乡", level="township", parent=county
        )
        villages += [
            Area(
                code=f"513401{100 + t:03d}{200 + v:03d}",
                name=f"第{t + 1}乡{v + 1}村",
                level="village",
                parent=township,
            )
            for v in range(VILLAGES)
        ]
    Area.objects.bulk_create(villages)
    password = "bench-pass-123"  # noqa: S105 - a throwaway benchmark database
    user_create(username="bench_county", password=password, role=RoleChoices.COUNTY_OFFICIAL, areas=[county])
    first_township = Area.objects.get(code="513401100000")
    user_create(
        username="bench_town", password=password, role=RoleChoices.TOWNSHIP_STAFF, areas=[first_township]
    )
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # audit triggers off while generating
        cursor.execute(
            "SELECT min(id), count(*) FROM areas_area WHERE level = 'village' AND code LIKE '513401%%'"
        )
        first_village, n_villages = cursor.fetchone()
        columns, values = filler(
            cursor,
            "households_household",
            {
                "village_id": f"{first_village} + (g % {n_villages})",
                "number": "'B' || lpad(g::text, 10, '0')",
                "address": "'第' || (g % 12 + 1) || '社'",
                "phone": "'1380931' || lpad((g % 10000)::text, 4, '0')",
                "phone_key": "'1380931' || lpad((g % 10000)::text, 4, '0')",
                "attribute": "(ARRAY['ordinary','minimum_allowance','destitute'])[g % 3 + 1]",
                "main_cause": "(ARRAY['illness','disability','labour','skills','capital'])[g % 5 + 1]",
                "status": "(ARRAY['registered','exited','exited','monitoring','candidate'])[g % 5 + 1]",
                "year_identified": "2014 + g % 5",
                "version": "1",
                "created_at": "now()",
                "updated_at": "now()",
            },
        )
        cursor.execute(
            f"INSERT INTO households_household ({columns}) SELECT {values} "  # noqa: S608
            f"FROM generate_series(1, {int(HOUSEHOLDS)}) g"
        )
        columns, values = filler(
            cursor,
            "households_member",
            {
                "household_id": "h.id",
                "name": "(ARRAY['马','王','张','李','杨'])[h.id % 5 + 1] || (ARRAY['建国','秀英','成','玉兰'])[k]",
                "id_number": "'5134' || lpad(h.id::text, 10, '0') || lpad(k::text, 4, '0')",
                "relation": "CASE WHEN k = 1 THEN 'head' WHEN k = 2 THEN 'spouse' ELSE 'child' END",
                "sex": "CASE WHEN k = 2 THEN 'female' ELSE 'male' END",
                "birth_date": "date '1960-01-01' + ((h.id * 7 + k * 3000) % 15000)::int",
                "schooling": "'not_in_school'",
                "health": "'healthy'",
                "labour_capacity": "'ordinary'",
                "work_status": "'local'",
                "medical_insurance": "true",
                "version": "1",
                "created_at": "now()",
                "updated_at": "now()",
            },
        )
        cursor.execute(
            f"INSERT INTO households_member ({columns}) SELECT {values} FROM households_household h "  # noqa: S608
            "CROSS JOIN generate_series(1, 1 + h.id % 3) k WHERE h.number LIKE 'B%%'"
        )
        cursor.execute(
            "UPDATE households_household h SET head_id = m.id FROM households_member m "
            "WHERE m.household_id = h.id AND m.relation = 'head' AND h.number LIKE 'B%%'"
        )
        from households.search_vectors import household_search_vectors_refresh

        household_search_vectors_refresh("h.number LIKE %s", ["B%"])  # the triggers' work, set-based
        cursor.execute("SET session_replication_role = origin")
        cursor.execute("ANALYZE")
    print(f"generated {HOUSEHOLDS:,} households in {time.perf_counter() - started:.1f} s")


def timed(fn, repeat: int = 7) -> float:  # noqa: ANN001
    fn()  # warm caches
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def bench_list() -> list[tuple[str, float, float]]:
    from base64 import b64encode
    from urllib.parse import urlencode

    from django.test import Client
    from rest_framework.test import APIClient

    from accounts.models import User
    from households.models import Household

    results = []
    for username in ("bench_county", "bench_town"):
        user = User.objects.get(username=username)
        visible = Household.objects.visible_to(user)
        total = visible.count()
        deep_id = visible.order_by("-id").values_list("id", flat=True)[int(total * 0.9)]
        web = Client()
        web.force_login(user)
        api = APIClient()
        api.force_authenticate(user)
        # A cursor as DRF encodes it: position = the last id of the previous page.
        cursor = b64encode(urlencode({"p": deep_id}).encode()).decode()

        def page_first(web=web) -> None:  # noqa: ANN001
            assert web.get("/households/").status_code == 200

        def page_deep(web=web, deep_id=deep_id) -> None:  # noqa: ANN001
            assert web.get(f"/households/?before={deep_id}").status_code == 200

        def api_first(api=api) -> None:  # noqa: ANN001
            assert api.get("/api/households/households/").status_code == 200

        def api_deep(api=api, cursor=cursor) -> None:  # noqa: ANN001
            response = api.get("/api/households/households/", {"cursor": cursor})
            assert response.status_code == 200
            assert response.json()["results"], "deep cursor page is empty"

        def page_filtered(web=web) -> None:  # noqa: ANN001
            assert web.get("/households/", {"status": "registered", "cause": "illness"}).status_code == 200

        first, deep = timed(page_first), timed(page_deep)
        results.append((f"page  {username:<13} ({total:,} visible) first vs 90% deep", first, deep))
        first, deep = timed(api_first), timed(api_deep)
        results.append((f"api   {username:<13} ({total:,} visible) first vs 90% deep", first, deep))

        def page_search(web=web) -> None:  # noqa: ANN001
            # a name (no digit: a digit makes it a household-number or ID search)
            assert web.get("/households/", {"q": "王秀英"}).status_code == 200

        results.append(
            (f"page  {username:<13} name search vs unfiltered", timed(page_first), timed(page_search))
        )
        results.append(
            (
                f"page  {username:<13} filtered (status+cause) vs unfiltered",
                timed(page_first),
                timed(page_filtered),
            )
        )
    return results


def import_rows(n: int) -> Iterator[list[object]]:
    """The rows of an n-household roster (two people each), generated as they are written."""
    for h in range(n):
        village = f"513401{100 + h % TOWNSHIPS:03d}{200 + (h // TOWNSHIPS) % VILLAGES:03d}"
        for k in range(2):
            birth = _birth(h)
            yield [
                f"I{h:09d}",
                village,
                "一社",
                "13900000000",
                "一般贫困户",
                "因病",
                "",
                _name(h, k),
                _id(h, k, birth),
                "户主" if k == 0 else "配偶",
                "男" if k == 0 else "女",
                birth,
                "是",
            ]


IMPORT_HEADERS = [
    "户编号",
    "村代码",
    "家庭住址",
    "联系电话",
    "户属性",
    "主要致贫原因",
    "其他致贫原因",
    "姓名",
    "身份证号",
    "与户主关系",
    "性别",
    "出生日期",
    "医疗保险",
]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN_FIRST = "建秀国玉志春丽桂明海金永文红小德淑晓成俊"
GIVEN_SECOND = "英华军芳兰平强梅林生民荣珍霞伟"


def _name(h: int, k: int) -> str:
    """Names as a county's roster has them: 30 surnames x 300 given names (9,000 distinct, so names
    repeat as they do in a real roster)."""
    n = h * 2 + k
    return SURNAMES[n % 30] + GIVEN_FIRST[(n // 30) % 20] + GIVEN_SECOND[(n // 600) % 15]


def _id(h: int, k: int, birth: dt.date) -> str:
    """Unique valid numbers: the 3-digit sequence and a region per block of 500 households."""
    from households.id_numbers import id_number_make

    regions = ["513401", *(f"5134{n}" for n in range(22, 37))]
    region = regions[(h // 500) % len(regions)]
    year = 1940 + (h // 8000) % 60  # people of every age: most born before their code existed
    return id_number_make(region, birth.replace(year=year), (h % 500) * 2 + k, female=k == 1)


def _birth(h: int) -> dt.date:
    return dt.date(1940 + (h // 8000) % 60, 1 + h % 12, 1 + h % 28)


def _write_roster(path: Path, n: int) -> None:
    """The roster as a clerk's xlsx (openpyxl's streaming writer, shared strings as Excel writes them)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet()
    sheet.append(IMPORT_HEADERS)
    for row in import_rows(n):
        sheet.append(row)
    wb.save(path)


def _cleanup_imported() -> None:
    """Remove what an import run added (numbers starting with I), so every run starts equal."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no audit rows for the cleanup
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_gone ON COMMIT DROP AS SELECT id FROM households_household WHERE number LIKE 'I%%'"
        )
        for table in (
            "households_importledger",
            "households_householdstatuschange",
            "households_membershipperiod",
        ):
            cursor.execute(f"DELETE FROM {table} WHERE household_id IN (SELECT id FROM bench_gone)")  # noqa: S608
        cursor.execute(
            "UPDATE households_household SET head_id = NULL WHERE id IN (SELECT id FROM bench_gone)"
        )
        cursor.execute("DELETE FROM households_member WHERE household_id IN (SELECT id FROM bench_gone)")
        cursor.execute("DELETE FROM households_household WHERE id IN (SELECT id FROM bench_gone)")


def _bench_user():  # noqa: ANN202
    from accounts.models import User

    user = User.objects.filter(username="bench_admin").first()
    if user is None:
        from accounts.roles import RoleChoices
        from accounts.services import user_create
        from areas.models import Area

        user = user_create(
            username="bench_admin",
            password="bench-pass-123",  # noqa: S106 - a throwaway benchmark database
            role=RoleChoices.SYSTEM_ADMIN,
            areas=[Area.objects.get(code=COUNTY)],
        )
    return user


def _run_import(path: Path, user) -> dict:  # noqa: ANN001
    """What the Celery job runs: the whole import of the stored file (read, check, write)."""
    from django.core.files import File
    from django.core.files.storage import default_storage

    from core.models import Job
    from core.services import job_create, job_run
    from households.tasks import _import_handler

    with path.open("rb") as source:
        stored = default_storage.save("imports/households/bench.xlsx", File(source))
    job = job_create(kind="households.import", user=user, params={"file": stored})
    job_run(str(job.pk), _import_handler)
    job = Job.objects.get(pk=job.pk)
    assert job.status == "succeeded", (job.error, str(job.result)[:2000])
    return job.result


def _copy_baseline(n: int, user) -> float:  # noqa: ANN001
    """A raw COPY of the same rows into the same tables (households, members, membership periods,
    ledger), audit triggers on, in one transaction rolled back: the floor an import can approach."""
    from django.db import connection, transaction

    from areas.models import Area
    from core.audit import audit_context, audit_context_apply

    villages = dict(Area.objects.filter(code__startswith="513401", level="village").values_list("code", "id"))
    start = time.perf_counter()
    with transaction.atomic(), audit_context(user), connection.cursor() as cursor:
        audit_context_apply(cursor)
        raw = cursor.cursor
        with raw.copy(
            "COPY households_household (village_id, number, address, phone, phone_key, attribute, main_cause, "
            "secondary_causes, typology, status, status_changed_at, version, created_at, updated_at) FROM STDIN"
        ) as copy:
            now = dt.datetime.now(dt.UTC)
            for row in import_rows(n):
                if row[9] == "户主":
                    copy.write_row(
                        [
                            villages[row[1]],
                            row[0],
                            row[2],
                            row[3],
                            row[3],
                            "ordinary",
                            "illness",
                            "{}",
                            "",
                            "candidate",
                            now,
                            1,
                            now,
                            now,
                        ]
                    )
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_ids ON COMMIT DROP AS SELECT id, number FROM households_household WHERE number LIKE 'I%%'"
        )
        ids = dict(cursor.execute("SELECT number, id FROM bench_ids").fetchall())
        with raw.copy(
            "COPY households_member (household_id, name, id_number, relation, sex, birth_date, ethnicity, "
            "education, schooling, health, labour_capacity, work_status, medical_insurance, pension_insurance, "
            "phone, version, created_at, updated_at) FROM STDIN"
        ) as copy:
            for row in import_rows(n):
                copy.write_row(
                    [
                        ids[row[0]],
                        row[7],
                        row[8],
                        "head" if row[9] == "户主" else "spouse",
                        "male" if row[10] == "男" else "female",
                        row[11],
                        "",
                        "",
                        "not_in_school",
                        "healthy",
                        "ordinary",
                        "none",
                        True,
                        False,
                        "",
                        1,
                        now,
                        now,
                    ]
                )
        cursor.execute(
            "INSERT INTO households_membershipperiod (member_id, household_id, relation, joined_on, join_reason, "
            "leave_reason) SELECT m.id, m.household_id, m.relation, current_date, 'registration', '' "
            "FROM households_member m JOIN bench_ids b ON b.id = m.household_id"
        )
        cursor.execute(
            "INSERT INTO households_importledger (file_sha256, row_key, household_id, job_id, imported_at) "
            "SELECT 'bench', b.number || '/' || m.id_number, b.id, NULL, now() "
            "FROM households_member m JOIN bench_ids b ON b.id = m.household_id"
        )
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed


def bench_import() -> list[tuple[str, float, float]]:
    import tempfile

    _cleanup_imported()
    user = _bench_user()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.xlsx"
        _write_roster(path, IMPORT_HOUSEHOLDS)
        copy = _copy_baseline(IMPORT_HOUSEHOLDS, user)
        start = time.perf_counter()
        result = _run_import(path, user)
        imported = time.perf_counter() - start
        assert result["households_created"] == IMPORT_HOUSEHOLDS, result
        _cleanup_imported()
    label = f"import {IMPORT_HOUSEHOLDS:,} households from xlsx vs raw COPY of the same rows"
    return [(label, copy, imported)]


def bench_audit() -> list[tuple[str, float, float]]:
    """µs per audited row (households bulk-inserted, triggers on) at 2,500 and 40,000 rows per
    transaction: flat when no trigger raises and catches (core.audit)."""
    from django.db import transaction

    from areas.models import Area
    from core.audit import audit_context
    from households.models import Household

    village = Area.objects.filter(code__startswith="513401", level="village").first()

    def per_row(n: int, *, unset: bool = False) -> float:
        from django.db import connection

        start = time.perf_counter()
        with transaction.atomic(), audit_context(_bench_user()):
            if unset:  # the state before core.audit's session defaults: the triggers raise and catch
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('pgtrigger.ignore', '', true)")
            Household.objects.bulk_create(
                [Household(village=village, number=f"A{n}-{i}", main_cause="illness") for i in range(n)],
                batch_size=2500,
            )
            elapsed = time.perf_counter() - start
            transaction.set_rollback(True)
        return elapsed / n * 1e6

    small = statistics.median(per_row(2_500) for _ in range(5))
    large = statistics.median(per_row(40_000) for _ in range(3))
    results = [("audited insert µs/row: 40,000 vs 2,500 rows per transaction", small / 1e6, large / 1e6)]
    if os.environ.get("BENCH_AUDIT_CONTROL"):
        small, large = per_row(2_500, unset=True), per_row(40_000, unset=True)
        results.append(
            ("(control, trigger settings unset as before) 40,000 vs 2,500", small / 1e6, large / 1e6)
        )
    return results


def bench_memory() -> tuple[int, float, float]:
    """Peak memory of a worker process importing a MEMORY_HOUSEHOLDS-household file (a child process
    runs the job; its ru_maxrss is the figure)."""
    import subprocess
    import tempfile

    _cleanup_imported()
    _bench_user()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.xlsx"
        _write_roster(path, MEMORY_HOUSEHOLDS)
        size = path.stat().st_size / 1048576
        env = {
            **os.environ,
            "IMPORT_MAX_ROWS": str(2 * MEMORY_HOUSEHOLDS + 10),
            "IMPORT_MAX_UPLOAD_BYTES": str(1 << 31),
            "IMPORT_MAX_UNCOMPRESSED_BYTES": str(1 << 33),
        }
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--import-child", str(path)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - start
        assert done.returncode == 0, done.stderr[-3000:]
        peak = float(done.stdout.strip().splitlines()[-1])
    _cleanup_imported()
    print(f"  ({MEMORY_HOUSEHOLDS:,}-household file: {size:.0f} MB xlsx, imported in {elapsed:.0f} s)")
    return MEMORY_HOUSEHOLDS, peak, elapsed


def _import_child(path: str) -> None:
    import resource

    import django

    django.setup()
    result = _run_import(Path(path), _bench_user())
    assert result["households_created"] == MEMORY_HOUSEHOLDS, result
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main() -> None:
    if sys.argv[1:2] == ["--import-child"]:
        _import_child(sys.argv[2])
        return
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("compiletranslations", verbosity=0)  # a fresh clone has no compiled catalogues
    call_command("migrate", verbosity=0)
    only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))  # list,import,audit,memory
    print(f"{'measurement':<70} {'baseline':>10} {'measured':>10} {'ratio':>7}")
    if not only or "list" in only:
        generate()
        for label, base, measured in bench_list():
            print(f"{label:<70} {base * 1000:>8.1f}ms {measured * 1000:>8.1f}ms {measured / base:>6.2f}x")
    if not only or "audit" in only:
        generate()
        for label, base, measured in bench_audit():
            print(f"{label:<70} {base * 1e6:>8.1f}µs {measured * 1e6:>8.1f}µs {measured / base:>6.2f}x")
    if not only or "import" in only:
        generate()
        for label, base, measured in bench_import():
            print(f"{label:<70} {base:>9.1f}s {measured:>9.1f}s {measured / base:>6.2f}x")
    if not only or "memory" in only:
        generate()
        households, peak, _elapsed = bench_memory()
        label = f"worker peak memory importing {households:,} households (limit 300 MB)"
        print(f"{label:<70} {300:>8.0f}MB {peak:>8.0f}MB {peak / 300:>6.2f}x")


if __name__ == "__main__":
    main()
