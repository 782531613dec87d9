"""Benchmark: the household list endpoint and page at 1,000,000 generated households (first page
against a page deep in the list), and the Excel import of 50,000 households against a bulk load of
the same rows, measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pc_bench python bench/households_bench.py

The database is created and migrated if needed and filled once with INSERT ... SELECT
generate_series (audit triggers off while generating; the import and the bulk load run with them
on, as in production). BENCH_HOUSEHOLDS and BENCH_IMPORT change the sizes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertycase.settings.test")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")

HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "1000000"))
IMPORT_HOUSEHOLDS = int(os.environ.get("BENCH_IMPORT", "50000"))
TOWNSHIPS, VILLAGES = 40, 25  # 1,000 villages in one county
COUNTY = "513401000000"  # a county code used by nothing else in the demo data


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
        "SELECT column_name, data_type, is_nullable, column_default, is_identity "
        "FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
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
        columns, values = _filler(
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
        columns, values = _filler(
            cursor,
            "households_member",
            {
                "household_id": "h.id",
                "name": "(ARRAY['马','王','张','李','杨'])[h.id % 5 + 1] || '成员' || k",
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
            assert web.get("/households/", {"q": "王成员2"}).status_code == 200

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


def import_rows(n: int) -> list[list[object]]:
    rows = []
    for h in range(n):
        village = f"513401{100 + h % TOWNSHIPS:03d}{200 + (h // TOWNSHIPS) % VILLAGES:03d}"
        for k in range(2):
            birth = _birth(h)
            rows.append(
                [
                    f"I{h:09d}",
                    village,
                    "一社",
                    "13900000000",
                    "一般贫困户",
                    "因病",
                    "",
                    "",
                    f"导入{h}-{k}",
                    _id(h, k, birth),
                    "户主" if k == 0 else "配偶",
                    "男" if k == 0 else "女",
                    birth,
                    "是",
                ]
            )
    return rows


def _id(h: int, k: int, birth: dt.date) -> str:
    """Unique valid numbers: the 3-digit sequence and a region per block of 1,000 households."""
    from households.id_numbers import id_number_make

    regions = [
        "513401",
        "513422",
        "513423",
        "513424",
        "513425",
        "513426",
        "513427",
        "513428",
        "513429",
        "513430",
        "513431",
        "513432",
        "513433",
        "513434",
        "513435",
        "513436",
    ]
    region = regions[(h // 500) % len(regions)]
    return id_number_make(
        region, birth.replace(year=1985 + (h // 8000) % 20), (h % 500) * 2 + k, female=k == 1
    )


def _birth(h: int) -> dt.date:
    return dt.date(1985 + (h // 8000) % 20, 1 + h % 12, 1 + h % 28)


def _cleanup_imported() -> None:
    """Remove what an import run added (numbers starting with I), so every run starts equal."""
    from django.db import connection, transaction

    from households.models import Household, HouseholdStatusChange, ImportLedger, Member, MembershipPeriod

    with transaction.atomic():
        ids = list(Household.objects.filter(number__startswith="I").values_list("id", flat=True))
        if not ids:
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")  # no audit rows for the cleanup
        ImportLedger.objects.filter(household_id__in=ids).delete()
        HouseholdStatusChange.objects.filter(household_id__in=ids).delete()
        Household.objects.filter(id__in=ids).update(head=None)
        MembershipPeriod.objects.filter(household_id__in=ids).delete()
        Member.objects.filter(household_id__in=ids).delete()
        Household.objects.filter(id__in=ids).delete()


def bench_import() -> tuple[float, float, int]:
    from django.db import transaction
    from openpyxl import Workbook

    from accounts.models import User
    from core.audit import audit_context
    from households import imports
    from households.models import Household, Member, MembershipPeriod

    _cleanup_imported()
    user = User.objects.filter(username="bench_admin").first()
    if user is None:
        from accounts.roles import RoleChoices
        from accounts.services import user_create
        from areas.models import Area as AreaModel

        user = user_create(
            username="bench_admin",
            password="bench-pass-123",  # noqa: S106 - a throwaway benchmark database
            role=RoleChoices.SYSTEM_ADMIN,
            areas=[AreaModel.objects.get(code=COUNTY)],
        )
    rows = import_rows(IMPORT_HOUSEHOLDS)
    headers = [
        "户编号",
        "村代码",
        "家庭住址",
        "联系电话",
        "户属性",
        "主要致贫原因",
        "其他致贫原因",
        "状态",
        "姓名",
        "身份证号",
        "与户主关系",
        "性别",
        "出生日期",
        "医疗保险",
    ]
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    content = out.getvalue()

    # Baseline: bulk_create of exactly these households, members and periods, then rolled back.
    from areas.models import Area

    villages = {a.code: a for a in Area.objects.filter(code__startswith="513401", level="village")}
    start = time.perf_counter()
    with transaction.atomic(), audit_context(user):
        households = [
            Household(
                village=villages[r[1]],
                number=r[0],
                address=r[2],
                phone=r[3],
                phone_key=r[3],
                main_cause="illness",
            )
            for r in rows[::2]
        ]
        Household.objects.bulk_create(households, batch_size=2000)
        by_number = {h.number: h for h in households}
        members = [
            Member(
                household=by_number[r[0]],
                name=r[8],
                id_number=r[9],
                relation="head" if r[10] == "户主" else "spouse",
                sex="male" if r[11] == "男" else "female",
                birth_date=r[12],
            )
            for r in rows
        ]
        Member.objects.bulk_create(members, batch_size=5000)
        MembershipPeriod.objects.bulk_create(
            [
                MembershipPeriod(
                    member=m,
                    household=m.household,
                    relation=m.relation,
                    joined_on=dt.date(2025, 1, 1),
                    join_reason="registration",
                )
                for m in members
            ],
            batch_size=5000,
        )
        bulk = time.perf_counter() - start
        transaction.set_rollback(True)

    # The import: validate every row, then write in chunks with the ledger (what the Celery job runs).
    start = time.perf_counter()
    with audit_context(user):
        plan = imports.validate(content, user=user)
        assert not plan.errors, list(plan.errors.items())[:5]
        result = imports.apply(plan, user=user)
    imported = time.perf_counter() - start
    assert result["households_created"] == IMPORT_HOUSEHOLDS, result
    _cleanup_imported()
    return bulk, imported, len(rows)


def main() -> None:
    _ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    generate()
    print(f"{'measurement':<66} {'baseline':>10} {'measured':>10} {'ratio':>7}")
    for label, base, measured in bench_list():
        print(f"{label:<66} {base * 1000:>8.1f}ms {measured * 1000:>8.1f}ms {measured / base:>6.2f}x")
    bulk, imported, n = bench_import()
    label = f"import {IMPORT_HOUSEHOLDS:,} households ({n:,} rows) vs bulk_create of the same rows"
    print(f"{label:<66} {bulk:>9.1f}s {imported:>9.1f}s {imported / bulk:>6.2f}x")


if __name__ == "__main__":
    main()
