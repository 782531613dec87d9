"""Compute the dashboard's sections of one county's snapshot: three set-based statements (households
with their assistance, monitoring risks, complaints), each one grouped pass, never a subquery per
household. The statements group by village; the township and county rows are the sums of their
villages (every household belongs to one village), except complaint counts, which count distinct
households per area and so are grouped per area by the database (GROUPING SETS)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.utils import timezone

from areas.choices import AreaLevelChoices
from areas.models import Area
from assistance.choices import FollowUpStatusChoices
from assistance.selectors import visit_days_for
from core import clock
from exits.choices import MonitoringStateChoices
from households.choices import ASSISTED_STATUSES, POOR_STATUSES, HouseholdStatusChoices
from supervision.choices import ComplaintFindingChoices, ComplaintKindChoices, ComplaintStatusChoices

from ..models import SectionFigure, SectionSnapshot
from . import COMPLAINT_COLUMNS, VILLAGE_COLUMNS

# Per village: its households (through the village index, village by village, as the incidence job
# reads them), the assisted ones joined once to each assistance table grouped by household, and the
# team stationed there. The registered/exited counts are the complaint rates' denominators.
_VILLAGES_SQL = """
WITH v AS (
    SELECT a.id, a.parent_id AS township_id FROM areas_area a
    WHERE a.level = 'village' AND a.code LIKE %(prefix)s
),
h AS MATERIALIZED (
    SELECT hh.id, hh.village_id, hh.status
    FROM v CROSS JOIN LATERAL (
        SELECT x.id, x.village_id, x.status FROM households_household x
        WHERE x.village_id = v.id OFFSET 0
    ) hh
),
ah AS MATERIALIZED (SELECT id, village_id FROM h WHERE status = ANY(%(assisted)s)),
cadre AS (
    SELECT DISTINCT p.household_id FROM assistance_cadrepairing p
    JOIN ah ON ah.id = p.household_id WHERE p."end" IS NULL
),
plan AS (
    SELECT DISTINCT p.household_id FROM assistance_assistanceplan p
    JOIN ah ON ah.id = p.household_id WHERE p.year = %(year)s
),
seen AS (
    SELECT DISTINCT s.household_id FROM assistance_visit s
    JOIN ah ON ah.id = s.household_id WHERE s.visited_on >= %(cutoff)s
),
late AS (
    SELECT f.household_id, count(*) AS n FROM assistance_followup f
    JOIN ah ON ah.id = f.household_id WHERE f.status = %(open)s AND f.due_date < %(today)s
    GROUP BY f.household_id
),
cov AS (
    SELECT ah.village_id, count(*) AS households,
        count(*) FILTER (WHERE cadre.household_id IS NULL) AS without_cadre,
        count(*) FILTER (WHERE plan.household_id IS NULL) AS without_plan,
        count(*) FILTER (WHERE seen.household_id IS NULL) AS not_visited,
        coalesce(sum(late.n), 0) AS overdue, count(late.household_id) AS with_overdue
    FROM ah
    LEFT JOIN cadre ON cadre.household_id = ah.id
    LEFT JOIN plan ON plan.household_id = ah.id
    LEFT JOIN seen ON seen.household_id = ah.id
    LEFT JOIN late ON late.household_id = ah.id
    GROUP BY ah.village_id
),
reg AS (
    SELECT h.village_id,
        count(*) FILTER (WHERE h.status = ANY(%(registered)s)) AS registered,
        count(*) FILTER (WHERE h.status = %(exited)s) AS exited
    FROM h GROUP BY h.village_id
)
SELECT v.id, v.township_id, tv.team_id,
    coalesce(cov.households, 0), coalesce(cov.without_cadre, 0), coalesce(cov.without_plan, 0),
    coalesce(cov.not_visited, 0), coalesce(cov.overdue, 0), coalesce(cov.with_overdue, 0),
    coalesce(reg.registered, 0), coalesce(reg.exited, 0)
FROM v
LEFT JOIN cov ON cov.village_id = v.id
LEFT JOIN reg ON reg.village_id = v.id
LEFT JOIN assistance_teamvillage tv ON tv.village_id = v.id AND tv."end" IS NULL
"""

# Cases included in monitoring per village, and per village and risk (a case names several risks).
_RISKS_SQL = """
SELECT x.village_id, r.risk, count(*)
FROM exits_monitoringcase c
JOIN households_household x ON x.id = c.household_id
JOIN areas_area a ON a.id = x.village_id AND a.code LIKE %(prefix)s
CROSS JOIN LATERAL unnest(array_append(c.risks, NULL)) AS r(risk)
WHERE c.state = %(included)s
GROUP BY x.village_id, r.risk
"""

# Complaints of the county per village, per township and for the county (a complaint filed at the
# township counts there and in the county): upheld ones per kind count each household once, those
# naming no household one each, as supervision.selectors.complaint_rates does.
_COMPLAINTS_SQL = """
WITH c AS (
    SELECT c.household_id, c.kind, c.status, c.answered_at, c.answer_deadline,
        c.finding = ANY(%(upheld)s) AS upheld,
        CASE WHEN a.level = 'village' THEN a.id END AS village_id,
        CASE WHEN a.level = 'village' THEN a.parent_id WHEN a.level = 'township' THEN a.id END
            AS township_id
    FROM supervision_complaint c JOIN areas_area a ON a.id = c.area_id AND a.code LIKE %(prefix)s
)
SELECT GROUPING(c.village_id), GROUPING(c.township_id), c.village_id, c.township_id,
    count(DISTINCT c.household_id) FILTER (WHERE c.upheld AND c.kind = %(wrong_inclusion)s)
        + count(*) FILTER (WHERE c.upheld AND c.kind = %(wrong_inclusion)s AND c.household_id IS NULL),
    count(DISTINCT c.household_id) FILTER (WHERE c.upheld AND c.kind = %(wrong_exit)s)
        + count(*) FILTER (WHERE c.upheld AND c.kind = %(wrong_exit)s AND c.household_id IS NULL),
    count(DISTINCT c.household_id) FILTER (WHERE c.upheld AND c.kind = %(left_out)s)
        + count(*) FILTER (WHERE c.upheld AND c.kind = %(left_out)s AND c.household_id IS NULL),
    count(*), count(*) FILTER (WHERE c.status <> %(answered)s),
    count(*) FILTER (WHERE c.status = %(answered)s
        AND (c.answered_at AT TIME ZONE %(tz)s)::date > c.answer_deadline)
FROM c
GROUP BY GROUPING SETS ((c.village_id), (c.township_id), ())
"""


def _blank(**keys: Any) -> dict[str, Any]:
    return {
        **keys,
        **{c: 0 for c in (*VILLAGE_COLUMNS, *COMPLAINT_COLUMNS, "monitored_cases")},
        "risks": {},
    }


def sections_compute_county(*, county: Area) -> SectionSnapshot:
    """(Re)write the county's section figures as of its day (clock.today(county)).

    Runs inside the caller's transaction (the incidence job's county chunk): replacing the day's rows
    together keeps it idempotent, and a rerun the same day shows the registry as it is then."""
    today = clock.today(county)
    visit_days = visit_days_for(county)
    params: dict[str, Any] = {
        "prefix": county.prefix + "%",
        "assisted": [str(s) for s in ASSISTED_STATUSES],
        "registered": [str(s) for s in (*POOR_STATUSES, HouseholdStatusChoices.EXITED)],
        "exited": str(HouseholdStatusChoices.EXITED),
        "year": today.year,
        "today": today,
        "cutoff": today - dt.timedelta(days=visit_days),
        "open": str(FollowUpStatusChoices.OPEN),
        "included": str(MonitoringStateChoices.INCLUDED),
        "upheld": [str(ComplaintFindingChoices.UPHELD), str(ComplaintFindingChoices.PARTLY)],
        "wrong_inclusion": str(ComplaintKindChoices.WRONG_INCLUSION),
        "wrong_exit": str(ComplaintKindChoices.WRONG_EXIT),
        "left_out": str(ComplaintKindChoices.LEFT_OUT),
        "answered": str(ComplaintStatusChoices.ANSWERED),
        # the live rate reads answered_at__date in the current zone: the same day here
        "tz": timezone.get_current_timezone_name(),
    }
    rows: dict[int, dict[str, Any]] = {}
    county_row = rows.setdefault(
        county.pk, _blank(area_id=county.pk, parent_id=county.parent_id, level=AreaLevelChoices.COUNTY)
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # one county's statement: compiling costs more than it saves
        cursor.execute(_VILLAGES_SQL, params)
        for village_id, township_id, team_id, *counts in cursor.fetchall():
            village = rows[village_id] = _blank(
                area_id=village_id, parent_id=township_id, level=AreaLevelChoices.VILLAGE, team_id=team_id
            )
            township = rows.setdefault(
                township_id, _blank(area_id=township_id, parent_id=county.pk, level=AreaLevelChoices.TOWNSHIP)
            )
            for column, n in zip(VILLAGE_COLUMNS, counts, strict=True):
                village[column] = n
                township[column] += n
                county_row[column] += n
        cursor.execute(_RISKS_SQL, params)
        for village_id, risk, n in cursor.fetchall():
            township_id = rows[village_id]["parent_id"]
            for row in (rows[village_id], rows[township_id], county_row):
                if risk is None:  # the NULL appended to every case's risks: one row per case
                    row["monitored_cases"] += n
                else:
                    row["risks"][risk] = row["risks"].get(risk, 0) + n
        cursor.execute(_COMPLAINTS_SQL, params)
        # GROUPING(x) is 0 in the grouping set that groups by x
        for all_villages, all_townships, village_id, township_id, *counts in cursor.fetchall():
            if not all_villages:
                area_id = village_id
            elif not all_townships:
                area_id = township_id
            else:
                area_id = county.pk
            if area_id not in rows:  # complaints filed above a village (or township) in its grouping set
                continue
            rows[area_id].update(zip(COMPLAINT_COLUMNS, counts, strict=True))
    SectionSnapshot.objects.filter(county=county, as_of=today).delete()
    snapshot = SectionSnapshot.objects.create(
        county=county, as_of=today, computed_at=clock.now(), visit_days=visit_days
    )
    SectionFigure.objects.bulk_create(
        SectionFigure(snapshot=snapshot, as_of=today, **row) for row in rows.values()
    )
    return snapshot
