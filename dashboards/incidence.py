"""The incidence statement: the figures of several counties' snapshots in one set-based INSERT ... SELECT.

Villages come from the area tree (county, township, village), households are joined to them by village
id and members (and a past date's status history) to households by household id, never by an id range,
so what is read does not depend on the order households were registered in and nothing of another
county is counted. A run over a good share of the registry (a province's nightly chunk) reads the
member and history tables whole, one grouped pass each, hash-joined; a narrow one (a county recomputed)
looks up exactly its households' rows through the indexes. Every higher row is exactly the sum of its
parts (GROUPING SETS per county).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import groupby
from typing import Any

from django.db import connection

from core import clock
from core.numbers import percent_sql
from households.choices import POOR_STATUSES, HouseholdStatusChoices

from .models import IncidenceFigure, IncidenceSnapshot
from .snapshots import HOUSEHOLDS_SQL

_COMPUTE_SQL = """
WITH cty AS MATERIALIZED (
    SELECT * FROM unnest(%(counties)s::bigint[], %(snapshots)s::bigint[], %(parents)s::bigint[])
        AS cty(county_id, snapshot_id, parent_id)
),
v AS MATERIALIZED (
    SELECT vi.id, vi.parent_id AS township_id, t.parent_id AS county_id
    FROM areas_area t JOIN areas_area vi ON vi.parent_id = t.id AND vi.level = 'village'
    WHERE t.parent_id = ANY(%(counties)s) AND t.level = 'township'
),
/*HOUSEHOLDS*/
agg AS (
    SELECT h.village_id,
        count(*) FILTER (WHERE h.status = ANY(%(poor)s)) AS poor_h,
        sum(h.n) FILTER (WHERE h.status = ANY(%(poor)s)) AS poor_p,
        count(*) FILTER (WHERE h.status = %(exited)s) AS exited_h,
        sum(h.n) FILTER (WHERE h.status = %(exited)s) AS exited_p,
        count(*) FILTER (WHERE h.status = %(returned)s) AS returned_h,
        sum(h.n) FILTER (WHERE h.status = %(returned)s) AS returned_p,
        count(*) FILTER (WHERE h.status = %(monitoring)s) AS monitored_h,
        sum(h.n) FILTER (WHERE h.status = %(monitoring)s) AS monitored_p
    FROM h GROUP BY h.village_id
),
vil AS (
    -- one row per village; a county without villages keeps one empty row, so it still gets its row
    SELECT cty.county_id, v.township_id, v.id AS village_id, coalesce(p.rural_population, 0) AS pop,
        coalesce(agg.poor_h, 0) AS poor_h, coalesce(agg.poor_p, 0) AS poor_p,
        coalesce(agg.exited_h, 0) AS exited_h, coalesce(agg.exited_p, 0) AS exited_p,
        coalesce(agg.returned_h, 0) AS returned_h, coalesce(agg.returned_p, 0) AS returned_p,
        coalesce(agg.monitored_h, 0) AS monitored_h, coalesce(agg.monitored_p, 0) AS monitored_p
    FROM cty
    LEFT JOIN v ON v.county_id = cty.county_id
    LEFT JOIN agg ON agg.village_id = v.id
    LEFT JOIN areas_areapopulation p ON p.area_id = v.id AND p.year = %(year)s
),
fig AS (
    SELECT county_id, GROUPING(township_id) AS all_townships, GROUPING(village_id) AS all_villages,
        township_id, village_id,
        sum(pop) AS pop, count(village_id) AS villages, count(village_id) FILTER (WHERE pop = 0) AS unknown,
        sum(poor_p) AS poor_p, sum(poor_h) AS poor_h, sum(exited_p) AS exited_p, sum(exited_h) AS exited_h,
        sum(returned_p) AS returned_p, sum(returned_h) AS returned_h,
        sum(monitored_p) AS monitored_p, sum(monitored_h) AS monitored_h
    FROM vil
    GROUP BY GROUPING SETS ((county_id, township_id, village_id), (county_id, township_id), (county_id))
    HAVING GROUPING(township_id) = 1 OR township_id IS NOT NULL
)
INSERT INTO dashboards_incidencefigure (
    snapshot_id, as_of, area_id, parent_id, level, population, villages, villages_without_population,
    poor_people, poor_households, exited_people, exited_households, returned_people,
    returned_households, monitored_people, monitored_households, incidence
)
SELECT cty.snapshot_id, %(as_of)s,
    CASE WHEN all_townships = 1 THEN fig.county_id WHEN all_villages = 1 THEN township_id ELSE village_id END,
    CASE WHEN all_townships = 1 THEN cty.parent_id WHEN all_villages = 1 THEN fig.county_id
         ELSE township_id END,
    CASE WHEN all_townships = 1 THEN 'county' WHEN all_villages = 1 THEN 'township' ELSE 'village' END,
    pop, villages, unknown, poor_p, poor_h, exited_p, exited_h, returned_p, returned_h, monitored_p, monitored_h,
    /*INCIDENCE*/
FROM fig JOIN cty ON cty.county_id = fig.county_id
"""
# 贫困发生率 rounds as every other percent does (core.numbers: the Python and SQL forms agree by a test).
_COMPUTE_SQL = _COMPUTE_SQL.replace("/*INCIDENCE*/", percent_sql("poor_p", "pop"))

# The households of the run as h(id, village_id, status, n): their status (today's, or on the date from
# the history) and their number of members.
#
# A wide run reads every household in id order, merged with the member and history tables each grouped
# by household in one pass over its household index (no hashing, no sorting), and keeps its villages'
# rows when they are grouped: the statement's cost is one read of each table, as a hand-written query's.
_WIDE = """
mc AS (SELECT m.household_id, count(*) AS n FROM households_member m GROUP BY m.household_id),
/*HISTORY*/
h AS (
    SELECT x.id, x.village_id, /*STATUS*/ AS status, mc.n
    FROM households_household x /*JOIN*/ LEFT JOIN mc ON mc.household_id = x.id
),
"""

# A narrow run reads its villages' households through the village index and looks up exactly their
# members and history rows through the household index of each table, one lookup per household.
_NARROW = """
/*X*/
mc AS (
    SELECT m.household_id, count(*) AS n
    FROM x JOIN households_member m ON m.household_id = x.id GROUP BY m.household_id
),
/*HISTORY*/
h AS (
    SELECT x.id, x.village_id, /*STATUS*/ AS status, mc.n
    FROM x /*JOIN*/ LEFT JOIN mc ON mc.household_id = x.id
),
"""

# A past date counts each household by its status on that date: the last change in its status history
# effective on or before the date. A household whose history starts after the date was not in the
# registry yet (NULL: not counted); one with no history at all (data loaded without it) is taken at its
# current status.
# A past date counts each household by its status on that date: the last change in its status history
# effective on or before the date (the latest effective date, then the latest change, then the highest
# id). A household whose history starts after the date was not in the registry yet (NULL: not counted);
# one with no history at all (data loaded without it) is taken at its current status. The last change
# is the greatest of the keys [effective day, changed at in microseconds, id, the status's position in
# %(statuses)s]: one hashed max() per household, no sort of the rows per household.
_HISTORY = """
hist AS (
    SELECT c.household_id, (%(statuses)s::text[])[(max(ARRAY[
            c.effective_date - date '2000-01-01', (extract(epoch FROM c.changed_at) * 1000000)::bigint, c.id,
            array_position(%(statuses)s::text[], c.to_status::text)
        ]) FILTER (WHERE c.effective_date <= %(as_of)s))[4]] AS status
    FROM /*FROM*/ households_householdstatuschange c /*ON*/
    GROUP BY c.household_id
),
"""
_HISTORY_STATUS = "CASE WHEN hist.household_id IS NULL THEN x.status ELSE hist.status END"
_HISTORY_JOIN = "LEFT JOIN hist ON hist.household_id = x.id"


def _households(*, wide: bool, history: bool) -> str:
    sql = _WIDE if wide else _NARROW.replace("/*X*/", HOUSEHOLDS_SQL.replace("/*NAME*/", "x"))
    if not history:
        return sql.replace("/*HISTORY*/", "").replace("/*STATUS*/", "x.status").replace("/*JOIN*/", "")
    hist = _HISTORY.replace("/*FROM*/", "" if wide else "x JOIN").replace(
        "/*ON*/", "" if wide else "ON c.household_id = x.id"
    )
    return (
        sql.replace("/*HISTORY*/", hist)
        .replace("/*STATUS*/", _HISTORY_STATUS)
        .replace("/*JOIN*/", _HISTORY_JOIN)
    )


# A run is wide when its counties hold at least this share of the registry's villages.
WIDE_SHARE = 0.25


def _wide(cursor: Any, county_ids: list[int]) -> bool:
    cursor.execute(
        "SELECT count(*) FILTER (WHERE t.parent_id = ANY(%s)), count(*) FROM areas_area v "
        "JOIN areas_area t ON t.id = v.parent_id WHERE v.level = 'village'",
        [county_ids],
    )
    mine, every = cursor.fetchone()
    return bool(every) and mine >= WIDE_SHARE * every


def incidence_compute_counties(*, snapshots: Sequence[IncidenceSnapshot]) -> int:
    """(Re)write the figures of several counties' snapshots; returns the number of rows written.

    One statement per date, population year and way of reading the status (normally one for a whole
    job): today's snapshot reads each household's current status, a past date its status on that date
    from the history, so a snapshot computed (or recomputed) later still describes its date.

    Runs inside the caller's transaction: deleting and inserting together keeps it idempotent.
    """
    if not snapshots:
        return 0
    IncidenceFigure.objects.filter(snapshot__in=[s.pk for s in snapshots]).delete()

    def key(s: IncidenceSnapshot) -> tuple[dt.date, int, bool]:
        return (s.as_of, s.population_year, s.as_of < clock.today(s.county))

    written = 0
    with connection.cursor() as cursor:
        # JIT compilation costs more than it saves here; the hashes of a province's run need the memory.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        for (as_of, year, history), group in groupby(sorted(snapshots, key=key), key=key):
            chosen = list(group)
            wide = _wide(cursor, [s.county_id for s in chosen])
            # Wide, every table comes in household order from its household index: merge joins, where
            # the planner would otherwise hash a million households and their member counts.
            cursor.execute(f"SET LOCAL enable_hashjoin = {'off' if wide else 'on'}")
            # A wide run (a good share of the registry) reads members and history whole, as one grouped
            # pass each, and hash-joins them: the planner, which cannot see through the area tree how
            # many households the counties hold, would otherwise look them up household by household.
            # A narrow one (a county recomputed) reads exactly its households' rows through the indexes.
            cursor.execute(
                _COMPUTE_SQL.replace("/*HOUSEHOLDS*/", _households(wide=wide, history=history)),
                {
                    "counties": [s.county_id for s in chosen],
                    "snapshots": [s.pk for s in chosen],
                    "parents": [s.county.parent_id for s in chosen],
                    "poor": [str(s) for s in POOR_STATUSES],
                    "exited": str(HouseholdStatusChoices.EXITED),
                    "returned": str(HouseholdStatusChoices.RETURNED),
                    "monitoring": str(HouseholdStatusChoices.MONITORING),
                    "statuses": [str(s) for s in HouseholdStatusChoices.values],
                    "year": year,
                    "as_of": as_of,
                },
            )
            written += cursor.rowcount
    return written
