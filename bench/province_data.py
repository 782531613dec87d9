"""The province of bench/province_run.py: its areas, registry, history and assistance, generated with
INSERT ... SELECT generate_series (audit triggers off), ten counties per transaction so an interrupted
generation goes on where it stopped (see province_run.py for the shape of the data)."""

from __future__ import annotations

import os
import time

from bench_db import NOW, fill_assistance, insert

COUNTIES = int(os.environ.get("BENCH_COUNTIES", "100"))
PER_COUNTY = int(os.environ.get("BENCH_HOUSEHOLDS_PER_COUNTY", "40000"))
STOP_AFTER = int(os.environ.get("BENCH_STOP_AFTER", "0"))
ONLY = os.environ.get("BENCH_ONLY", "")
SLICE = 10  # counties per generating transaction
TOWNSHIPS, VILLAGES = 15, 12  # 180 villages a county
LATE_PERCENT = 20
PROVINCE = "520000000000"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN_FIRST = "建秀国玉志春丽桂明海金永文红小德淑晓成俊"
GIVEN_SECOND = "英华军芳兰平强梅林生民荣珍霞伟"


def county_code(n: int) -> str:
    """The n-th county (0-based): prefecture 5201..5205, county 01..20."""
    return f"52{1 + n // 20:02d}{1 + n % 20:02d}000000"


def _areas(cur) -> None:  # noqa: ANN001
    cur.execute(
        "INSERT INTO areas_area (code, name, level, parent_id, is_western, time_zone) "
        "VALUES (%s, '贵州省', 'province', NULL, true, '')",
        [PROVINCE],
    )
    cur.execute(
        "INSERT INTO areas_area (code, name, level, parent_id, is_western, time_zone) "
        "SELECT '52' || lpad(p::text, 2, '0') || '00000000', '州' || p, 'prefecture', a.id, true, '' "
        "FROM areas_area a, generate_series(1, %s) p WHERE a.code = %s",
        [(COUNTIES + 19) // 20, PROVINCE],
    )
    cur.execute(
        "INSERT INTO areas_area (code, name, level, parent_id, is_western, time_zone) "
        "SELECT substr(p.code, 1, 4) || lpad(c::text, 2, '0') || '000000', p.name || '县' || c, 'county', "
        "p.id, true, '' FROM areas_area p, generate_series(1, 20) c "
        "WHERE p.level = 'prefecture' AND p.code LIKE '52%%' "
        "AND (substr(p.code, 3, 2)::int - 1) * 20 + c <= %s",
        [COUNTIES],
    )
    cur.execute(
        "INSERT INTO areas_area (code, name, level, parent_id, is_western, time_zone) "
        "SELECT substr(p.code, 1, 6) || lpad((100 + t)::text, 3, '0') || '000', p.name || t || '镇', "
        "'township', p.id, true, '' FROM areas_area p, generate_series(1, %s) t "
        "WHERE p.level = 'county' AND p.code LIKE '52%%'",
        [TOWNSHIPS],
    )
    cur.execute(
        "INSERT INTO areas_area (code, name, level, parent_id, is_western, time_zone) "
        "SELECT substr(p.code, 1, 9) || lpad((200 + v)::text, 3, '0'), p.name || v || '村', 'village', "
        "p.id, true, '' FROM areas_area p, generate_series(1, %s) v "
        "WHERE p.level = 'township' AND p.code LIKE '52%%'",
        [VILLAGES],
    )
    insert(
        cur,
        "areas_areapopulation",
        {
            "area_id": "a.id",
            "year": "extract(year from current_date)::int",
            "rural_population": "CASE WHEN a.id % 97 = 0 THEN 0 ELSE 1200 + (a.id * 7919) % 1800 END",
            "source": "'bench'",
        },
        "FROM areas_area a WHERE a.level = 'village' AND a.code LIKE '52%'",
    )
    # the roster's 9,000 names with their pinyin keys, computed once as the import computes them
    from households.search import name_keys

    cur.execute("CREATE TABLE IF NOT EXISTS bench_names (n int PRIMARY KEY, name text, keys text)")
    names = [
        SURNAMES[n % 30] + GIVEN_FIRST[(n // 30) % 20] + GIVEN_SECOND[(n // 600) % 15] for n in range(9000)
    ]
    cur.executemany(
        "INSERT INTO bench_names VALUES (%s, %s, %s)", [(n, s, name_keys(s)) for n, s in enumerate(names)]
    )


def _fill(cur, households_from: str) -> None:  # noqa: ANN001
    """Members, history and assistance of the households `households_from` selects (FROM ... h)."""
    insert(
        cur,
        "households_member",
        {
            "household_id": "h.id",
            "name": "nm.name",
            "name_keys": "CASE WHEN (h.id + k) % 1000 = 0 THEN '' ELSE nm.keys END",
            "name_keyed": "CASE WHEN (h.id + k) % 1000 = 0 THEN NULL ELSE nm.name END",
            "relation": "CASE WHEN k = 1 THEN 'head' ELSE 'child' END",
            "sex": "CASE WHEN k % 2 = 0 THEN 'female' ELSE 'male' END",
            # name and birth date from two independent hashes of the member: as in a real roster, few
            # people share both (a linear formula made about 11 members share each pair)
            "birth_date": "date '1950-01-01' + (((hashint8(h.id * 4 + k) % 21900) + 21900) % 21900)::int",
            "schooling": "'not_in_school'",
            "health": "'healthy'",
            "labour_capacity": "'ordinary'",
            "work_status": "'none'",
            "medical_insurance": "true",
            **NOW,
        },
        f"{households_from} CROSS JOIN generate_series(1, 1 + ((h.id * 7) % 4)::int) k "
        "JOIN bench_names nm ON nm.n = ((hashint8(h.id * 4 + k + 1000000007) % 9000) + 9000) % 9000 ORDER BY h.id, k",
    )
    insert(
        cur,
        "households_householdstatuschange",
        {
            "household_id": "h.id",
            "from_status": "CASE WHEN k = 1 THEN '' ELSE 'candidate' END",
            "to_status": "CASE WHEN k = 1 THEN 'candidate' ELSE h.status END",
            "effective_date": "CASE WHEN k = 1 THEN date '2016-01-01' + (h.id % 2000)::int "
            "ELSE date '2021-06-01' + (h.id % 1600)::int END",
            "changed_at": "(CASE WHEN k = 1 THEN date '2016-01-01' + (h.id % 2000)::int "
            "ELSE date '2021-06-01' + (h.id % 1600)::int END)::timestamptz",
            "reason": "'bench'",
        },
        f"{households_from} CROSS JOIN generate_series(1, 2) k ORDER BY h.id, k",
    )
    fill_assistance(
        cur,
        f"{households_from} JOIN bench_cadres cr ON cr.county_id = h.county_id",
        "TRUE",
        "cr.lo + h.id % cr.n",
    )


_STATUS = (
    "(ARRAY['registered','exited','exited','monitoring','returned','candidate','exited','registered',"
    "'exited','rejected'])[(g * 7) % 10 + 1]"
)
_VILLAGES = (
    "SELECT v.id, c.id AS county_id, row_number() OVER (ORDER BY v.code) - 1 AS rn FROM areas_area v "
    "JOIN areas_area t ON t.id = v.parent_id JOIN areas_area c ON c.id = t.parent_id "
    "WHERE v.level = 'village' AND v.code LIKE '52%' /*WHERE*/"
)


def _households(cur, first: int, count: int, villages_where: str, spread: bool) -> tuple[int, int]:  # noqa: ANN001
    """Insert `count` households over the villages chosen; returns their id range."""
    cur.execute("SELECT count(*) FROM (" + _VILLAGES.replace("/*WHERE*/", villages_where) + ") x")  # noqa: S608
    n_villages = cur.fetchone()[0]
    pick = (
        f"(g::bigint * 7919) % {n_villages}" if spread else f"(g - {first})::bigint * {n_villages} / {count}"
    )
    cur.execute("SELECT coalesce(max(id), 0) FROM households_household")
    before = cur.fetchone()[0]
    insert(
        cur,
        "households_household",
        {
            "village_id": "v.id",
            "number": "'G' || lpad(g::text, 10, '0')",
            "status": _STATUS,
            "attribute": "'ordinary'",
            "main_cause": "'illness'",
            "year_identified": "2016",
            **NOW,
        },
        f"FROM generate_series({first}, {first + count - 1}) g JOIN ("  # noqa: S608 (integers of this file)
        + _VILLAGES.replace("/*WHERE*/", villages_where)
        + f") v ON v.rn = {pick} ORDER BY g",
    )
    cur.execute("SELECT min(id), max(id) FROM households_household WHERE id > %s", [before])
    return cur.fetchone()


def _assistance_staff(cur) -> None:  # noqa: ANN001
    """A cadre per 5 households of each county, a work team per township stationed in its villages."""
    insert(
        cur,
        "assistance_cadre",
        {"name": "'干部' || g", "unit": "'县直单位'", "area_id": "c.id", "is_active": "true", **NOW},
        f"FROM areas_area c, generate_series(1, {max(PER_COUNTY // 5, 1)}) g "
        "WHERE c.level = 'county' AND c.code LIKE '52%' ORDER BY c.code, g",
    )
    cur.execute(
        "CREATE TABLE bench_cadres AS SELECT area_id AS county_id, min(id) AS lo, count(*) AS n "
        "FROM assistance_cadre GROUP BY area_id"
    )
    insert(
        cur,
        "assistance_workteam",
        {
            "name": "t.name || '工作队'",
            "sending_unit": "'州直单位'",
            "area_id": "t.parent_id",
            "term_start": "'2024-01-01'",
            "status": "'active'",
            **NOW,
        },
        "FROM areas_area t WHERE t.level = 'township' AND t.code LIKE '52%'",
    )
    insert(
        cur,
        "assistance_teamvillage",
        {"team_id": "w.id", "village_id": "v.id", "start": "'2024-01-01'"},
        "FROM areas_area v JOIN areas_area t ON t.id = v.parent_id "
        "JOIN assistance_workteam w ON w.area_id = t.parent_id AND w.name = t.name || '工作队' "
        "WHERE v.level = 'village' AND v.code LIKE '52%'",
    )


def _with_county(lo: int, hi: int) -> str:
    where = f"WHERE x.id BETWEEN {int(lo)} AND {int(hi)}"
    return (
        "FROM (SELECT x.id, x.status, x.village_id, t.parent_id AS county_id FROM households_household x "  # noqa: S608 (integers)
        "JOIN areas_area v ON v.id = x.village_id JOIN areas_area t ON t.id = v.parent_id " + where + ") h"
    )


def generate() -> None:
    from django.db import connection, transaction

    started = time.perf_counter()
    first_round = PER_COUNTY * (100 - LATE_PERCENT) // 100
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT 1 FROM areas_area WHERE code = %s", [PROVINCE])
        if not cur.fetchone():
            # no audit triggers for generated data
            cur.execute("SET LOCAL session_replication_role = replica")
            _areas(cur)
            _assistance_staff(cur)
            cur.execute("CREATE TABLE bench_progress (slice int PRIMARY KEY, seconds float)")
            # the trigram index of the search keys is built once at the end (faster than row by row)
            cur.execute("DROP INDEX IF EXISTS member_name_keys_trgm")
            print(f"areas and staff in {time.perf_counter() - started:.1f} s", flush=True)
    slices = (COUNTIES + SLICE - 1) // SLICE
    for s in [*range(slices), slices]:  # the last one: the late registrations over every county
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SELECT 1 FROM bench_progress WHERE slice = %s", [s])
            if cur.fetchone():
                continue
            if STOP_AFTER and s * SLICE >= STOP_AFTER:
                print("stopping as asked (BENCH_STOP_AFTER)", flush=True)
                return
            t0 = time.perf_counter()
            cur.execute("SET LOCAL session_replication_role = replica")
            if s < slices:
                codes = [county_code(n)[:6] for n in range(s * SLICE, min((s + 1) * SLICE, COUNTIES))]
                where = "AND substr(v.code, 1, 6) = ANY(ARRAY[" + ", ".join(f"'{c}'" for c in codes) + "])"
                count = first_round * len(codes)
                lo, hi = _households(cur, s * SLICE * first_round, count, where, spread=False)
            else:
                count = (PER_COUNTY - first_round) * COUNTIES
                lo, hi = _households(cur, COUNTIES * first_round, count, "", spread=True)
            _fill(cur, _with_county(lo, hi))
            seconds = time.perf_counter() - t0
            cur.execute("INSERT INTO bench_progress VALUES (%s, %s)", [s, seconds])
            label = f"counties {s * SLICE + 1}-{min((s + 1) * SLICE, COUNTIES)}" if s < slices else "late"
            print(f"slice {label}: {count:,} households in {seconds:.1f} s", flush=True)
    with connection.cursor() as cur:
        t0 = time.perf_counter()
        cur.execute(
            "CREATE INDEX IF NOT EXISTS member_name_keys_trgm ON households_member USING gin (name_keys gin_trgm_ops)"
        )
        print(f"search keys index built in {time.perf_counter() - t0:.1f} s", flush=True)
        cur.execute("VACUUM ANALYZE")
    print(f"generated (this run) in {time.perf_counter() - started:.1f} s", flush=True)
