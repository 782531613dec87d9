"""Compute the dashboard's sections of one county's snapshot, set-based, never a subquery per
household: one statement for the households with their assistance and monitoring cases (every table
keyed by household read through its household index, run by run), one for the complaints, and one
grouped pass each for the rectification ledger and fund execution. The statements group by village
(or by the area a problem or project belongs to); the township and county rows add up their parts,
except complaint counts, which count distinct households per area and so are grouped per area by the
database (GROUPING SETS)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection
from django.utils import timezone

from areas.choices import AreaLevelChoices
from areas.models import Area
from assistance.choices import FollowUpStatusChoices
from assistance.selectors import visit_days_for
from core import clock
from core.money import ZERO
from exits.choices import MonitoringStateChoices
from funds.models import FundSource
from funds.selectors import execution_by_area
from households.choices import ASSISTED_STATUSES, POOR_STATUSES, HouseholdStatusChoices
from supervision.choices import ComplaintFindingChoices, ComplaintKindChoices, ComplaintStatusChoices
from supervision.selectors import ledger_counts_by_area

from ..models import SectionFigure, SectionFund, SectionSnapshot
from . import COMPLAINT_COLUMNS, HOUSEHOLDS_SQL, LEDGER_COLUMNS, RUNS_SQL, VILLAGE_COLUMNS

# Per village: its households (through the village index, village by village, as the incidence job
# reads them), the assisted ones joined to each assistance table grouped by household, the team
# stationed there, and the cases included in monitoring with how many name each risk. Every table keyed
# by household is read through its household index, one range per run of the county's consecutive
# household ids (RUNS_SQL): what is read is the county's
# rows, not the whole table hashed against them, so a small county costs little in a big province.
# The registered/exited counts are the complaint rates' denominators.
_VILLAGES_SQL = (
    """
WITH v AS (
    SELECT a.id, a.parent_id AS township_id FROM areas_area a
    WHERE a.level = 'village' AND a.code LIKE %(prefix)s
),
/*HOUSEHOLDS*/
ah AS MATERIALIZED (SELECT id, village_id FROM h WHERE status = ANY(%(assisted)s)),
cadre AS (
    SELECT DISTINCT p.household_id FROM runs CROSS JOIN LATERAL (
        SELECT p.household_id FROM assistance_cadrepairing p
        WHERE p.household_id BETWEEN runs.lo AND runs.hi AND p."end" IS NULL OFFSET 0
    ) p
),
plan AS (
    SELECT DISTINCT p.household_id FROM runs CROSS JOIN LATERAL (
        SELECT p.household_id FROM assistance_assistanceplan p
        WHERE p.household_id BETWEEN runs.lo AND runs.hi AND p.year = %(year)s OFFSET 0
    ) p
),
seen AS (
    SELECT DISTINCT s.household_id FROM runs CROSS JOIN LATERAL (
        SELECT s.household_id FROM assistance_visit s
        WHERE s.household_id BETWEEN runs.lo AND runs.hi AND s.visited_on >= %(cutoff)s OFFSET 0
    ) s
),
late AS (
    SELECT f.household_id, count(*) AS n FROM runs CROSS JOIN LATERAL (
        SELECT f.household_id FROM assistance_followup f
        WHERE f.household_id BETWEEN runs.lo AND runs.hi AND f.status = %(open)s
            AND f.due_date < %(today)s OFFSET 0
    ) f
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
),
mc AS MATERIALIZED (
    SELECT h.village_id, c.risks FROM runs CROSS JOIN LATERAL (
        SELECT c.household_id, c.risks FROM exits_monitoringcase c
        WHERE c.household_id BETWEEN runs.lo AND runs.hi AND c.state = %(included)s OFFSET 0
    ) c JOIN h ON h.id = c.household_id
),
mon AS (
    -- per village its included cases, and how many name each risk (a case names several)
    SELECT m.village_id, m.cases, coalesce(r.risks, '{}'::jsonb) AS risks
    FROM (SELECT village_id, count(*) AS cases FROM mc GROUP BY village_id) m
    LEFT JOIN (
        SELECT village_id, jsonb_object_agg(risk, n) AS risks FROM (
            SELECT mc.village_id, r.risk, count(*) AS n FROM mc CROSS JOIN LATERAL unnest(mc.risks) AS r(risk)
            GROUP BY mc.village_id, r.risk
        ) x GROUP BY village_id
    ) r ON r.village_id = m.village_id
)
SELECT v.id, v.township_id, tv.team_id, coalesce(mon.cases, 0), coalesce(mon.risks, '{}'::jsonb),
    coalesce(cov.households, 0), coalesce(cov.without_cadre, 0), coalesce(cov.without_plan, 0),
    coalesce(cov.not_visited, 0), coalesce(cov.overdue, 0), coalesce(cov.with_overdue, 0),
    coalesce(reg.registered, 0), coalesce(reg.exited, 0)
FROM v
LEFT JOIN cov ON cov.village_id = v.id
LEFT JOIN reg ON reg.village_id = v.id
LEFT JOIN mon ON mon.village_id = v.id
LEFT JOIN assistance_teamvillage tv ON tv.village_id = v.id AND tv."end" IS NULL
"""
).replace("/*HOUSEHOLDS*/", (HOUSEHOLDS_SQL + RUNS_SQL).replace("/*NAME*/", "h"))

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
        **{c: 0 for c in (*VILLAGE_COLUMNS, *COMPLAINT_COLUMNS, *LEDGER_COLUMNS.values(), "monitored_cases")},
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
    # every township, also one without villages (a street office): its own problems, complaints and
    # projects count there and up to the county
    for township_id in Area.objects.filter(parent=county, level=AreaLevelChoices.TOWNSHIP).values_list(
        "pk", flat=True
    ):
        rows[township_id] = _blank(area_id=township_id, parent_id=county.pk, level=AreaLevelChoices.TOWNSHIP)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # one county's statement: compiling costs more than it saves
        cursor.execute(_VILLAGES_SQL, params)
        for village_id, township_id, team_id, cases, risks, *counts in cursor.fetchall():
            village = rows[village_id] = _blank(
                area_id=village_id, parent_id=township_id, level=AreaLevelChoices.VILLAGE, team_id=team_id
            )
            township = rows.setdefault(
                township_id, _blank(area_id=township_id, parent_id=county.pk, level=AreaLevelChoices.TOWNSHIP)
            )
            risks = json.loads(risks)  # Django's cursor hands jsonb over as text
            for row in (village, township, county_row):
                row["monitored_cases"] += cases
                for risk, n in risks.items():
                    row["risks"][risk] = row["risks"].get(risk, 0) + n
                for column, n in zip(VILLAGE_COLUMNS, counts, strict=True):
                    row[column] += n
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
    for area_id, counts in ledger_counts_by_area(area=county).items():
        for row in _up(rows, area_id, county):
            for column, n in counts.items():
                row[LEDGER_COLUMNS[column]] += n
    funds = _funds(rows, county, today.year)
    SectionSnapshot.objects.filter(county=county, as_of=today).delete()
    snapshot = SectionSnapshot.objects.create(
        county=county, as_of=today, computed_at=clock.now(), visit_days=visit_days
    )
    SectionFigure.objects.bulk_create(
        SectionFigure(snapshot=snapshot, as_of=today, **row) for row in rows.values()
    )
    SectionFund.objects.bulk_create(
        SectionFund(snapshot=snapshot, as_of=today, year=today.year, **row) for row in funds
    )
    return snapshot


def _up(rows: dict[int, dict[str, Any]], area_id: int, county: Area) -> list[dict[str, Any]]:
    """The rows an area's own records count in: its own and its parents' up to the county (none for an
    area the county's rows do not hold)."""
    chain = []
    while area_id in rows:
        chain.append(rows[area_id])
        if area_id == county.pk:
            break
        area_id = rows[area_id]["parent_id"]
    return chain


def _funds(rows: dict[int, dict[str, Any]], county: Area, year: int) -> list[dict[str, Any]]:
    """Fund execution by source per area of the county: the county's allocations of the year, and
    what was paid from them on each area's projects, added up to the township and county."""
    allocated, paid = execution_by_area(county=county, year=year)
    figures: dict[tuple[int, int], dict[str, Any]] = {}

    def figure(area_id: int, source_id: int) -> dict[str, Any]:
        return figures.setdefault(
            (area_id, source_id),
            {"area_id": area_id, "source_id": source_id, "allocated": ZERO, "paid": ZERO},
        )

    for source_id, amount in allocated.items():
        figure(county.pk, source_id)["allocated"] += amount
    for (area_id, source_id), amount in paid.items():
        for row in _up(rows, area_id, county):
            figure(row["area_id"], source_id)["paid"] += amount
    names = dict(FundSource.objects.filter(pk__in={k[1] for k in figures}).values_list("pk", "name"))
    return [f | {"source_name": names.get(f["source_id"], "")} for f in figures.values()]
