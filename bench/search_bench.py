"""Benchmark: name search at 1,000,000 households. Median latency of the household list endpoint searched
by initials (`zs`), full pinyin (`zhangsan`), characters (`张三`) and the last 6 digits of an ID number,
against the same endpoint searched by an exact household number, in the same run; with each query's
plan (it must read the search indexes) and a check that each returns what it should.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pc_bench_search python bench/search_bench.py

The database is created and migrated if needed and filled once with INSERT ... SELECT generate_series
(audit triggers off while generating): one county of 40 townships x 25 villages, 1,000,000 households
(95% registered village by village, 5% registered late into old villages, so ids and villages do not
follow each other), about 3,000,000 members with valid 18-character ID numbers, names drawn from a
Linxia-like surname distribution (马 first, then 王 张 李 何 ...; 单 曾 解 present) and common given-name
characters, and a status history (registered, then exited for half of them). The pinyin keys are made by
households.search.name_keys, once per distinct name, and written set-based; the households' search vectors
by the one SQL function (households.search_vectors). BENCH_HOUSEHOLDS changes the size. Each measured
query's first page is checked against the same page written by hand on the member table.
The first page without a search (50 rows) is timed too, as a second reference. BENCH_BACKFILL=10 first measures the backfill of migration households 0011 on every 10th household
(their vectors put back as before it, the index in place) and extrapolates to the whole table.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from pathlib import Path

from bench_db import ensure_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertycase.settings.test")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")

HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "1000000"))
TOWNSHIPS, VILLAGES = 40, 25
COUNTY = "622922000000"  # 康乐县, Linxia prefecture: a county code used by nothing else here
# Weighted as in a Linxia county: 马 is by far the most common (Hui), then the Han surnames.
SURNAMES = "马" * 14 + "王" * 6 + "张" * 6 + "李" * 5 + "何" * 3 + "韩" * 3 + "杨" * 3 + "赵" * 2 + "周" * 2
SURNAMES += "祁罗苏魏石孔毛冶白丁刘陈郑朱曾单解康喇妥"
# Given-name characters, most common first (drawn with a skew towards the front, as real names are).
GIVEN = (
    "明华军芳英兰福贵平安小东海成德文秀玉梅花生强伟娟红霞建国志勇尕西木哈麦素珍三四"
    "丽敏静燕艳娜杰涛斌超波辉刚健宁亮林峰磊鹏飞洋勤俊凯浩宇晨阳丹萍慧琴云莲凤霞翠"
    "桂香菊荣忠义礼智信仁孝廉耻勤俭富强民主和谐自由公正法治爱国敬业诚友善元正春夏"
    "秋冬雪梅兰竹菊松柏杨柳桃李杏枣山川河湖江海石金银铜铁锡喜乐福寿禄财旺发达顺利"
    "永长久远广大深厚尔萨伊斯兰穆罕默德阿布都热曼努尔古丽买买提艾力"
)


def generate() -> None:
    from django.db import connection, transaction

    from accounts.roles import RoleChoices
    from accounts.services import user_create
    from areas.models import Area

    if Area.objects.filter(code=COUNTY).exists():
        return
    started = time.perf_counter()
    with transaction.atomic():
        province = Area.objects.create(code="620000000000", name="甘肃省", level="province")
        prefecture = Area.objects.create(
            code="622900000000", name="临夏州", level="prefecture", parent=province
        )
        county = Area.objects.create(code=COUNTY, name="康乐县", level="county", parent=prefecture)
        villages = []
        for t in range(TOWNSHIPS):
            township = Area.objects.create(
                code=f"622922{100 + t:03d}000", name=f"第{t + 1}镇", level="township", parent=county
            )
            villages += [
                Area(
                    code=f"622922{100 + t:03d}{200 + v:03d}",
                    name=f"第{t + 1}镇{v + 1}村",
                    level="village",
                    parent=township,
                )
                for v in range(VILLAGES)
            ]
        Area.objects.bulk_create(villages)
        password = "bench-pass-123"  # noqa: S105 - a throwaway benchmark database
        user_create(
            username="bench_county", password=password, role=RoleChoices.COUNTY_OFFICIAL, areas=[county]
        )
        user_create(
            username="bench_town",
            password=password,
            role=RoleChoices.TOWNSHIP_STAFF,
            areas=[Area.objects.get(code="622922100000")],
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SET statement_timeout = 0"
            )  # generating takes minutes; the app's limit is for requests
            cursor.execute("SET session_replication_role = replica")  # audit triggers off while generating
            _generate_rows(cursor)
            cursor.execute("SET session_replication_role = origin")
    print(f"generated {HOUSEHOLDS:,} households in {time.perf_counter() - started:.0f} s", flush=True)
    _keys()
    _vectors()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("VACUUM ANALYZE")  # the steady state autovacuum keeps (areas included)
    print(f"data ready in {time.perf_counter() - started:.0f} s", flush=True)


def _generate_rows(cursor) -> None:  # noqa: ANN001
    on_time = int(HOUSEHOLDS * 0.95)
    n_villages = TOWNSHIPS * VILLAGES
    cursor.execute("SELECT min(id) FROM areas_area WHERE level = 'village' AND code LIKE '622922%%'")
    first_village = cursor.fetchone()[0]
    # Village by village for the first 95%, then late registrations scattered over old villages.
    cursor.execute(
        f"""
        INSERT INTO households_household (village_id, number, address, phone, phone_key, attribute, main_cause,
            secondary_causes, typology, year_identified, status, status_changed_at, version, created_at, updated_at)
        SELECT v.id, v.code || lpad(g::text, 7, '0'), '第' || (g % 12 + 1) || '社',
               '1389' || lpad((g * 7919 % 10000000)::text, 7, '0'), '1389' || lpad((g * 7919 % 10000000)::text, 7, '0'),
               (ARRAY['ordinary','minimum_allowance','destitute'])[g % 3 + 1],
               (ARRAY['illness','disability','labour','skills','capital'])[g % 5 + 1], '{{}}', '',
               2014 + g % 6, CASE WHEN g % 2 = 0 THEN 'exited' ELSE 'registered' END,
               timestamptz '2020-12-01 10:00+08' + (g % 1000) * interval '1 hour', 1,
               timestamptz '2016-01-01 09:00+08' + g * interval '2 minutes',
               timestamptz '2016-01-01 09:00+08' + g * interval '2 minutes'
        FROM (
            SELECT g,
                   CASE WHEN g <= {on_time} THEN {first_village} + (g - 1) * {n_villages} / {on_time}
                        ELSE {first_village} + (g * 7) % {n_villages} END AS village_id
            FROM generate_series(1::bigint, {HOUSEHOLDS}) g
        ) x JOIN areas_area v ON v.id = x.village_id
        """  # noqa: S608
    )
    surnames = "{" + ",".join(SURNAMES) + "}"
    given = "{" + ",".join(GIVEN) + "}"
    # ID numbers: region 622922, a birth date, a sequence, and the ISO 7064 MOD 11-2 check character.
    cursor.execute(
        f"""
        CREATE TEMP TABLE bench_people AS
        SELECT household_id, k, n,
               -- a birth date and a 3-digit sequence that together never repeat: a valid, unique body
               -- 21,997 (a prime) birth dates x 1,000 sequence numbers: unique by the Chinese remainder theorem,
               -- and a tail of 6 characters shared by ~100 people of the county, as in a real one
               '622922' || to_char(date '1950-01-01' + (n % 21997)::int, 'YYYYMMDD') || lpad((n % 1000)::text, 3, '0')
                   AS body17,
               (('{surnames}'::text[])[1 + (r1 % {len(SURNAMES)})])
               || (('{given}'::text[])[1 + floor({len(GIVEN)} * power((r2 % 10007) / 10007.0, 2))::int])
               || CASE WHEN r3 % 3 = 0 THEN ''
                       ELSE (('{given}'::text[])[1 + floor({len(GIVEN)} * power((r3 / 3 % 10009) / 10009.0, 2))::int])
                  END AS name
        FROM (
            SELECT h.id AS household_id, k, row_number() OVER () - 1 AS n,
                   (h.id * 2654435761 + k * 40503) % 1000003 AS r1,
                   (h.id * 40503 + k * 2654435761) % 999983 AS r2,
                   (h.id * 97 + k * 7919 + h.id * k * 31) % 1000033 AS r3
            FROM households_household h CROSS JOIN generate_series(1, 1 + (h.id * 7) % 6) k
            WHERE h.number LIKE '622922%%'
        ) people
        """  # noqa: S608
    )
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = " + ".join(f"substr(body17, {i + 1}, 1)::int * {w}" for i, w in enumerate(weights))
    cursor.execute(
        f"""
        INSERT INTO households_member (household_id, name, id_number, relation, sex, birth_date, ethnicity,
            education, schooling, health, labour_capacity, work_status, medical_insurance, pension_insurance,
            phone, name_keys, version, created_at, updated_at)
        SELECT household_id, name, body17 || substr('10X98765432', ({total}) % 11 + 1, 1),
               CASE WHEN k = 1 THEN 'head' WHEN k = 2 THEN 'spouse' ELSE 'child' END,
               CASE WHEN k = 2 THEN 'female' ELSE 'male' END, to_date(substr(body17, 7, 8), 'YYYYMMDD'),
               '', '', 'not_in_school', 'healthy', 'ordinary', 'local', true, false, '', '', 1,
               timestamptz '2016-01-01 09:00+08', timestamptz '2016-01-01 09:00+08'
        FROM bench_people
        """  # noqa: S608
    )
    cursor.execute(
        "UPDATE households_household h SET head_id = m.id FROM households_member m "
        "WHERE m.household_id = h.id AND m.relation = 'head' AND h.number LIKE '622922%%'"
    )
    cursor.execute(
        """
        INSERT INTO households_householdstatuschange (household_id, from_status, to_status, changed_at,
            effective_date, reason, source)
        SELECT id, 'candidate', 'registered', created_at, make_date(year_identified, 12, 1), '', 'bench'
        FROM households_household WHERE number LIKE '622922%%'
        UNION ALL
        SELECT id, 'registered', 'exited', status_changed_at, status_changed_at::date, '', 'bench'
        FROM households_household WHERE number LIKE '622922%%' AND status = 'exited'
        """
    )


def _keys() -> None:
    """Keys through the one key function, once per distinct name, written set-based."""
    from django.db import connection

    from households.search import name_keys

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("SELECT DISTINCT name FROM households_member WHERE name_keyed IS NULL")
        names = [row[0] for row in cursor.fetchall()]
        cursor.execute("CREATE TEMP TABLE bench_keys (name text PRIMARY KEY, keys text)")
        for i in range(0, len(names), 2000):
            batch = names[i : i + 2000]
            cursor.execute(
                "INSERT INTO bench_keys VALUES " + ", ".join(["(%s, %s)"] * len(batch)),  # noqa: S608
                [v for n in batch for v in (n, name_keys(n))],
            )
        cursor.execute("SET session_replication_role = replica")
        # As a bulk load would: the trigram index is built once after the keys are in, not row by row.
        cursor.execute("DROP INDEX member_name_keys_trgm")
        cursor.execute(
            "UPDATE households_member m SET name_keys = k.keys, name_keyed = m.name FROM bench_keys k "
            "WHERE k.name = m.name AND m.name_keyed IS NULL"
        )
        cursor.execute(
            "CREATE INDEX member_name_keys_trgm ON households_member USING gin (name_keys gin_trgm_ops)"
        )
        cursor.execute("SET session_replication_role = origin")
    print(f"keys for {len(names):,} distinct names in {time.perf_counter() - started:.0f} s", flush=True)


def _vectors() -> None:
    """The households' search vectors (written by triggers in the app; generated here with triggers
    off), through the one SQL function, with the GIN index built once afterwards."""
    from django.db import connection

    from households.search_vectors import household_search_vectors_refresh

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("DROP INDEX household_search_gin")
        household_search_vectors_refresh("h.number LIKE %s", ["622922%"])
        cursor.execute("CREATE INDEX household_search_gin ON households_household USING gin (search_vector)")
    print(f"search vectors in {time.perf_counter() - started:.0f} s", flush=True)


def _backfill(step: int) -> None:
    """The cost of migration households 0011's backfill on a deployed registry (the index in place, old
    vectors to replace): the township lexemes are taken off every `step`-th household's vector (a vector
    as before 0011), then the migration's batched, resumable backfill runs over the whole table, and
    again (a resumed run: nothing left). The rerun is what reading a million households costs; the
    first run minus it is the recomputation of the stripped ones, which scales with their number."""
    import importlib

    from django.db import connection

    from households.search_vectors import household_search_vectors_backfill

    migration = importlib.import_module("households.migrations.0011_search_vector_township_keys")
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute(
            "UPDATE households_household SET search_vector = array_to_tsvector(ARRAY(SELECT l FROM "
            "unnest(tsvector_to_array(search_vector)) l WHERE l NOT LIKE '@%%/%%')) "
            "WHERE id %% %s = 0 AND search_vector IS NOT NULL",
            [step],
        )
        stripped = cursor.rowcount
        cursor.execute("VACUUM ANALYZE households_household")
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        updated = household_search_vectors_backfill(migration.NOT_DONE)
        runs.append((updated, time.perf_counter() - started))
    (first, first_s), (again, again_s) = runs
    assert first == stripped, (stripped, runs)
    assert again == 0, runs
    per = (first_s - again_s) / max(first, 1)
    print(
        f"backfill (households 0011, index in place): {first:,} of {stripped:,} stripped vectors in "
        f"{first_s:.0f} s; rerun {again} in {again_s:.0f} s (the scan); so about "
        f"{again_s + per * HOUSEHOLDS:.0f} s for all {HOUSEHOLDS:,}",
        flush=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE households_household")  # as autovacuum would after it


def _expected(user, q: str) -> list[int]:  # noqa: ANN001
    """The first page as the member table answers it, written by hand without the household vector:
    households in the user's scope with a member matching, newest first."""
    from django.db import connection

    from households.search import query_key

    if re.search(r"[\u4e00-\u9fff]", q):
        match, param = "m.name LIKE %s", q + "%"
    elif q.isdigit():
        match, param = "reverse(m.id_number) LIKE %s", q[::-1] + "%"
    else:
        match, param = "m.name_keys LIKE %s", "% " + query_key(q) + "%"
    prefixes = list(user.scope_prefixes)
    scope = " OR ".join(["v.code LIKE %s"] * len(prefixes))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT h.id FROM households_household h JOIN areas_area v ON v.id = h.village_id "  # noqa: S608
            f"WHERE ({scope}) AND EXISTS (SELECT 1 FROM households_member m WHERE m.household_id = h.id "
            f"AND {match}) ORDER BY h.id DESC LIMIT 50",
            [p + "%" for p in prefixes] + [param],
        )
        return [row[0] for row in cursor.fetchall()]


def timed(fn, repeat: int = 15) -> float:  # noqa: ANN001
    fn()  # warm caches
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _plan(user, q: str) -> str:  # noqa: ANN001
    """The plan of the statement a first page runs (core.paging.keys_first_query): the page's 51 ids
    in a subquery, the village, township and head joined for those ids."""
    from django.db import connection

    from core.paging import keys_first_query
    from households.selectors import household_list

    qs = keys_first_query(household_list(user=user, filters={"q": q}).order_by("-id")[:51])
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    print(f"load average at start: {_load()}", flush=True)
    started = time.perf_counter()
    # On data generated before a migration that changes the vectors (households 0011: the township
    # lexemes), this runs that migration's backfill over a million households (BENCH_BACKFILL below
    # measures it on data that already has them).
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)
    generate()
    from django.db import connection

    with connection.cursor() as cursor:  # the statistics autovacuum keeps, after a migration's backfill too
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("VACUUM ANALYZE households_household")
        cursor.execute(
            "SELECT pg_size_pretty(pg_relation_size('household_search_gin')), "
            "pg_size_pretty(pg_relation_size('households_household')), "
            "avg(length(search_vector)) FROM households_household"
        )
        gin, table, lexemes = cursor.fetchone()
    print(
        f"household_search_gin {gin}, households table {table}, {lexemes:.1f} lexemes per vector", flush=True
    )

    if os.environ.get("BENCH_BACKFILL"):  # every Nth household's vector as before 0011, then the backfill
        _backfill(int(os.environ["BENCH_BACKFILL"]))

    from rest_framework.test import APIClient

    from accounts.models import User
    from households.models import Household, Member
    from households.selectors import household_list

    # The measured values, taken from the data (and checked below).
    zhang_san = Member.objects.filter(name="张三", household__number__startswith="622922").first()
    assert zhang_san is not None, "the generated names include 张三"
    target = Member.objects.filter(household__village__code="622922100200").order_by("id")[7]
    tail = target.id_number[-6:]
    queries = {"zs": "zs", "zhangsan": "zhangsan", "张三": "张三", f"ID …{tail}": tail}

    print(f"\nhouseholds: {Household.objects.count():,}; members: {Member.objects.count():,}")
    rows = []
    for username in ("bench_county", "bench_town"):
        user = User.objects.get(username=username)
        api = APIClient()
        api.force_authenticate(user)

        def get(q: str, api=api) -> dict:  # noqa: ANN001
            response = api.get("/api/households/households/", {"q": q})
            assert response.status_code == 200, response.content[:300]
            return response.json()

        # The baseline: an exact household number inside the user's area (the 1,235th newest there),
        # which must answer exactly that household.
        # (or the oldest there, at a size too small to have 1,235)
        number = list(household_list(user=user).order_by("-id").values_list("number", flat=True)[:1235])[-1]
        # Each query returns what it should.
        by_number = get(number)["results"]
        assert [h["number"] for h in by_number] == [number], (username, number, by_number)
        found_zs = get("zs")["results"]
        assert found_zs, "zs finds households"
        for h in found_zs:
            keys = Member.objects.filter(household_id=h["id"]).values_list("name_keys", flat=True)
            assert any(" zs" in k for k in keys), h
        found_full = get("zhangsan")["results"]
        assert found_full
        for h in found_full:
            assert Member.objects.filter(household_id=h["id"], name_keys__contains=" zhangsan").exists()
        found_cjk = get("张三")["results"]
        assert found_cjk
        for h in found_cjk:
            assert Member.objects.filter(household_id=h["id"], name__startswith="张三").exists()
        found_tail = get(tail)["results"]
        assert found_tail
        if (
            username == "bench_county"
        ):  # a tail is shared by ~100 people in a county: beyond the first page too
            assert household_list(user=user, filters={"q": tail}).filter(pk=target.household_id).exists()
        for h in found_tail:
            assert Member.objects.filter(household_id=h["id"], id_number__endswith=tail).exists()

        # And the page is exactly the one the member table gives, written by hand.
        for q in queries.values():
            got = [h["id"] for h in get(q)["results"]]
            assert got == _expected(user, q), (username, q)

        baseline = timed(lambda number=number: get(number))
        base_rows = len(by_number)
        # A second reference: the first page without a search, 50 rows like a name search's page, so
        # that what a search costs is told apart from what answering 50 rows instead of 1 costs.
        unfiltered = get("")["results"]
        assert len(unfiltered) == 50, len(unfiltered)
        rows.append((username, "(no q)", 50, base_rows, baseline, timed(lambda: get(""))))
        for label, q in queries.items():
            rows.append(
                (username, label, len(get(q)["results"]), base_rows, baseline, timed(lambda q=q: get(q)))
            )
        for label, q in {**queries, "number": number}.items():
            plan = _plan(user, q)
            # "Index Scan using x" and "Bitmap Index Scan on x" (the GIN index is read by a bitmap)
            indexes = sorted(set(re.findall(r"(?:using|Index Scan on) (\w+)", plan)))
            took = re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)
            print(f"\nplan for {username} {label!r}: {took} ms, indexes: {', '.join(indexes)}")
            if os.environ.get("BENCH_PLANS"):
                print(plan)
    # Every match of each query, as the search indexes find them (what a count or a later page reads):
    # households by their search vector (names), members by the ID tail index.
    from django.db import connection

    from households.search import household_search_q, household_vector_query, search_scope

    # The county's (no area in the index) and the township user's (its township's range of the index).
    township = User.objects.get(username="bench_town")
    for who, scope in (("county", ()), ("township", search_scope(township))):
        for label, q in queries.items():
            if scope and household_vector_query(q, scope) is None:
                continue  # an ID tail reads the member index, whoever searches: its county figure above
            qs = (
                Household.objects.filter(household_search_q(q, user=township, scope=scope))
                .order_by()
                .values("pk")
            )
            sql, params = qs.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE) SELECT count(*) FROM (" + sql + ") x", params)  # noqa: S608
                plan = "\n".join(row[0] for row in cursor.fetchall())
            indexes = sorted(set(re.findall(r"(?:on|using) (\w+_(?:idx|gin))", plan)))
            took = re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)
            count = qs.count()
            if scope:  # the index query alone keeps to the township: exactly the township's matches
                assert count == household_list(user=township, filters={"q": q}).count(), (label, count)
            print(
                f"all matches of {label!r}, {who}: {count:,} households, {took} ms, index: {', '.join(indexes)}"
            )

    print("\nuser           query          rows   exact number (rows)   search     ratio")
    for username, label, count, base_rows, base, value in rows:
        print(
            f"{username:<14} {label:<13} {count:>5}   {base * 1000:8.1f} ms ({base_rows:>3})  "
            f"{value * 1000:7.1f} ms  {value / base:5.2f}x"
        )
    print(f"load average at the end: {_load()}")


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
