"""Writes of the dashboards app: computing, freezing and deliberately recomputing incidence snapshots."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Capability
from areas.choices import LEVEL_PREFIX_LENGTH, AreaLevelChoices
from areas.models import Area
from core import clock
from core.models import Job
from core.numbers import percent_sql
from core.scoping import ensure_can
from core.services import job_create, job_enqueue, job_progress, model_update
from households.choices import POOR_STATUSES, HouseholdStatusChoices

from .choices import SnapshotStatusChoices
from .models import ExitTarget, IncidenceFigure, IncidenceRecompute, IncidenceSnapshot, SectionSnapshot
from .selectors import TOTAL_FIELDS
from .snapshots import HOUSEHOLDS_SQL, RUNS_SQL
from .snapshots.compute import sections_compute_county

JOB_KIND = "dashboards.incidence"

# One statement per county: villages of the county, their households by status and members per
# household, the year's population, rolled up to township and county with GROUP BY ROLLUP so every
# higher row is exactly the sum of its parts. Incidence is NULL when the population is 0 or unknown.
_COMPUTE_SQL = """
WITH v AS (
    SELECT a.id, a.parent_id AS township_id
    FROM areas_area a
    WHERE a.level = 'village' AND a.code LIKE %(prefix)s
),
/*HOUSEHOLDS*/
hh_counts AS (
    SELECT h.village_id,
        count(*) FILTER (WHERE h.status = ANY(%(poor)s)) AS poor_h,
        count(*) FILTER (WHERE h.status = %(exited)s) AS exited_h,
        count(*) FILTER (WHERE h.status = %(returned)s) AS returned_h,
        count(*) FILTER (WHERE h.status = %(monitoring)s) AS monitored_h
    FROM h GROUP BY h.village_id
),
members AS MATERIALIZED (
    -- the members of the county's households, counted per household through the member(household)
    -- index run by run (below): what is read does not depend on the order households were registered
    -- in, and nothing of another county is read
    SELECT m.household_id, count(*) AS n
    FROM runs CROSS JOIN LATERAL (
        SELECT m.household_id FROM households_member m
        WHERE m.household_id BETWEEN runs.lo AND runs.hi OFFSET 0
    ) m
    GROUP BY m.household_id
),
people AS (
    SELECT h.village_id,
        sum(n) FILTER (WHERE h.status = ANY(%(poor)s)) AS poor_p,
        sum(n) FILTER (WHERE h.status = %(exited)s) AS exited_p,
        sum(n) FILTER (WHERE h.status = %(returned)s) AS returned_p,
        sum(n) FILTER (WHERE h.status = %(monitoring)s) AS monitored_p
    FROM members JOIN h ON h.id = members.household_id
    GROUP BY h.village_id
),
agg AS (
    SELECT c.village_id, c.poor_h, c.exited_h, c.returned_h, c.monitored_h,
        coalesce(p.poor_p, 0) AS poor_p, coalesce(p.exited_p, 0) AS exited_p,
        coalesce(p.returned_p, 0) AS returned_p, coalesce(p.monitored_p, 0) AS monitored_p
    FROM hh_counts c LEFT JOIN people p ON p.village_id = c.village_id
),
vil AS (
    SELECT v.id AS village_id, v.township_id, coalesce(p.rural_population, 0) AS pop,
        coalesce(agg.poor_h, 0) AS poor_h, coalesce(agg.poor_p, 0) AS poor_p,
        coalesce(agg.exited_h, 0) AS exited_h, coalesce(agg.exited_p, 0) AS exited_p,
        coalesce(agg.returned_h, 0) AS returned_h, coalesce(agg.returned_p, 0) AS returned_p,
        coalesce(agg.monitored_h, 0) AS monitored_h, coalesce(agg.monitored_p, 0) AS monitored_p
    FROM v
    LEFT JOIN agg ON agg.village_id = v.id
    LEFT JOIN areas_areapopulation p ON p.area_id = v.id AND p.year = %(year)s
)
INSERT INTO dashboards_incidencefigure (
    snapshot_id, as_of, area_id, parent_id, level, population, villages, villages_without_population,
    poor_people, poor_households, exited_people, exited_households, returned_people,
    returned_households, monitored_people, monitored_households, incidence
)
SELECT %(snapshot)s, %(as_of)s,
    CASE WHEN GROUPING(township_id) = 1 THEN %(county)s
         WHEN GROUPING(village_id) = 1 THEN township_id ELSE village_id END,
    CASE WHEN GROUPING(township_id) = 1 THEN %(county_parent)s
         WHEN GROUPING(village_id) = 1 THEN %(county)s ELSE township_id END,
    CASE WHEN GROUPING(township_id) = 1 THEN 'county'
         WHEN GROUPING(village_id) = 1 THEN 'township' ELSE 'village' END,
    coalesce(sum(pop), 0), count(*), count(*) FILTER (WHERE pop = 0),
    coalesce(sum(poor_p), 0), coalesce(sum(poor_h), 0), coalesce(sum(exited_p), 0),
    coalesce(sum(exited_h), 0), coalesce(sum(returned_p), 0), coalesce(sum(returned_h), 0),
    coalesce(sum(monitored_p), 0), coalesce(sum(monitored_h), 0),
    /*INCIDENCE*/
FROM vil
GROUP BY ROLLUP (township_id, village_id)
"""
# 贫困发生率 rounds as every other percent does (core.numbers: the Python and SQL forms agree by a test).
_COMPUTE_SQL = _COMPUTE_SQL.replace("/*INCIDENCE*/", percent_sql("sum(poor_p)", "sum(pop)"))


_HOUSEHOLDS_NOW = (HOUSEHOLDS_SQL + RUNS_SQL).replace("/*NAME*/", "h")

# A past date counts each household by its status on that date: the last change in its status history
# effective on or before the date (one grouped pass over the county's history rows, read run by run). A
# household whose history starts after the date was not in the registry yet and is not counted; one
# with no history at all (data loaded without it) is taken at its current status.
_HOUSEHOLDS_AS_OF = """
/*HOUSEHOLDS*/
hist AS (
    -- per household its last change effective on or before the date, from one sort of its rows (the
    -- status is NULL when every change is later: the history starts after the date)
    SELECT DISTINCT ON (c.household_id) c.household_id,
        CASE WHEN c.effective_date <= %(as_of)s THEN c.to_status END AS status
    FROM runs CROSS JOIN LATERAL (
        SELECT c.household_id, c.to_status, c.effective_date, c.changed_at, c.id
        FROM households_householdstatuschange c
        WHERE c.household_id BETWEEN runs.lo AND runs.hi OFFSET 0
    ) c
    ORDER BY c.household_id, c.effective_date <= %(as_of)s DESC, c.effective_date DESC, c.changed_at DESC,
        c.id DESC
),
h AS MATERIALIZED (
    SELECT hh.id, hh.village_id,
        CASE WHEN hist.household_id IS NULL THEN hh.status ELSE hist.status END AS status
    FROM hh LEFT JOIN hist ON hist.household_id = hh.id
),
""".replace("/*HOUSEHOLDS*/", (HOUSEHOLDS_SQL + RUNS_SQL).replace("/*NAME*/", "hh"))


def _totals(snapshot: IncidenceSnapshot) -> dict[str, Any]:
    row = IncidenceFigure.objects.filter(snapshot=snapshot, area=snapshot.county).values(
        *TOTAL_FIELDS, "incidence"
    )
    first: dict[str, Any] | None = row.first()
    if not first:
        return {}
    first["incidence"] = None if first["incidence"] is None else str(first["incidence"])
    return first


def incidence_compute_county(*, snapshot: IncidenceSnapshot) -> int:
    """(Re)write a snapshot's figures in one statement; returns the number of rows written.

    Today's snapshot reads each household's current status; a past date reads its status on that date
    from the status history, so a snapshot computed (or recomputed) later still describes its date.

    Runs inside the caller's transaction: deleting and inserting together keeps it idempotent.
    """
    county = snapshot.county
    IncidenceFigure.objects.filter(snapshot=snapshot).delete()
    with connection.cursor() as cursor:
        # JIT compilation costs more than it saves on a statement that reads one county.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        households = _HOUSEHOLDS_AS_OF if snapshot.as_of < clock.today(county) else _HOUSEHOLDS_NOW
        cursor.execute(
            _COMPUTE_SQL.replace("/*HOUSEHOLDS*/", households),
            {
                "prefix": county.prefix + "%",
                "poor": [str(s) for s in POOR_STATUSES],
                "exited": str(HouseholdStatusChoices.EXITED),
                "returned": str(HouseholdStatusChoices.RETURNED),
                "monitoring": str(HouseholdStatusChoices.MONITORING),
                "year": snapshot.population_year,
                "snapshot": snapshot.pk,
                "as_of": snapshot.as_of,
                "county": county.pk,
                "county_parent": county.parent_id,
            },
        )
        count: int = cursor.rowcount
        return count


def _counties_under(area: Area) -> list[Area]:
    if area.level == AreaLevelChoices.COUNTY:
        return [area]
    if LEVEL_PREFIX_LENGTH[AreaLevelChoices(area.level)] > LEVEL_PREFIX_LENGTH[AreaLevelChoices.COUNTY]:
        return []
    return list(
        Area.objects.filter(level=AreaLevelChoices.COUNTY, code__startswith=area.prefix).order_by("code")
    )


def incidence_job_handler(job: Job) -> dict[str, Any]:
    """Compute each county of the job in its own transaction, with visible progress.

    Idempotent and resumable: a county whose snapshot for the date is complete is left alone (it is
    frozen) unless the job is the recompute of that snapshot, which is done once.
    """
    as_of = dt.date.fromisoformat(job.params["as_of"])
    year = int(job.params.get("population_year") or as_of.year)
    recompute_id = job.params.get("recompute_id")
    counties = list(Area.objects.filter(pk__in=job.params["county_ids"]).order_by("code"))
    job_progress(job, done=0, total=len(counties), message=_("Computing incidence"))
    computed, unchanged = [], []
    for done, county in enumerate(counties, start=1):
        with transaction.atomic():
            snapshot, _created = IncidenceSnapshot.objects.get_or_create(
                county=county, as_of=as_of, defaults={"population_year": year}
            )
            snapshot = IncidenceSnapshot.objects.select_for_update().get(pk=snapshot.pk)
            recompute = (
                IncidenceRecompute.objects.select_for_update()
                .filter(pk=recompute_id, snapshot=snapshot, after__isnull=True)
                .first()
                if recompute_id
                else None
            )
            if snapshot.status == SnapshotStatusChoices.COMPLETE and recompute is None:
                unchanged.append(county.code)
            else:
                if recompute is not None:
                    snapshot.population_year = year
                incidence_compute_county(snapshot=snapshot)
                model_update(
                    snapshot,
                    fields={
                        "status": SnapshotStatusChoices.COMPLETE,
                        "computed_at": clock.now(),
                        "computed_by": job.created_by,
                        "population_year": snapshot.population_year,
                        "recompute_count": snapshot.recompute_count + (1 if recompute else 0),
                    },
                )
                if recompute is not None:
                    model_update(recompute, fields={"after": _totals(snapshot)}, refresh=False)
                computed.append(county.code)
            # the dashboard's other sections, as of the county's day, on every run (a rerun refreshes them)
            sections_compute_county(county=county)
        job_progress(job, done=done, message=county.name)
    return {"as_of": as_of.isoformat(), "computed": computed, "unchanged": unchanged}


def _sections_missing(counties: list[Area]) -> bool:
    return any(not SectionSnapshot.objects.filter(county=c, as_of=clock.today(c)).exists() for c in counties)


def _validate_as_of(as_of: dt.date) -> None:
    if as_of > clock.today():
        raise ValidationError({"as_of": _("A snapshot cannot be dated in the future.")})


@transaction.atomic
def incidence_compute_request(
    *, user: User, area: Area, as_of: dt.date | None = None, population_year: int | None = None
) -> Job:
    """Start the incidence job for the counties under `area` (a county or above) as of a date."""
    from .tasks import incidence_compute_task

    ensure_can(user, Capability.RUN_JOBS, area=area)
    as_of = as_of or clock.today()
    _validate_as_of(as_of)
    counties = _counties_under(area)
    if not counties:
        raise ValidationError(
            {"area": _("Choose a county or a higher level: incidence is computed per county.")}
        )
    frozen = set(
        IncidenceSnapshot.objects.filter(
            county__in=counties, as_of=as_of, status=SnapshotStatusChoices.COMPLETE
        ).values_list("county_id", flat=True)
    )
    # a frozen date is refused, unless a county's dashboard sections of its day are missing: the job
    # then leaves the snapshot alone and writes only those
    if len(frozen) == len(counties) and not _sections_missing(counties):
        raise ValidationError(
            {
                "as_of": _(
                    "The snapshot as of %(date)s already exists and is frozen. To recompute it on "
                    "purpose, use “Recompute” on the snapshot and give a reason."
                )
                % {"date": as_of.isoformat()}
            }
        )
    job = job_create(
        kind=JOB_KIND,
        user=user,
        area=area,
        params={
            "as_of": as_of.isoformat(),
            "population_year": population_year or as_of.year,
            "county_ids": [c.pk for c in counties],
        },
    )
    job_enqueue(job, incidence_compute_task)
    return job


@transaction.atomic
def incidence_snapshot_recompute(
    *, snapshot: IncidenceSnapshot, reason: str, user: User, population_year: int | None = None
) -> IncidenceRecompute:
    """Recompute a frozen snapshot on purpose; the reason and the figures before and after are kept."""
    from .tasks import incidence_compute_task

    ensure_can(user, Capability.RUN_JOBS, snapshot)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("Say why the snapshot is recomputed (at least 4 characters).")})
    snapshot = IncidenceSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.recomputes.filter(after__isnull=True).exists():
        raise ValidationError({"reason": _("A recomputation of this snapshot is already under way.")})
    job = job_create(
        kind=JOB_KIND,
        user=user,
        area=snapshot.county,
        params={
            "as_of": snapshot.as_of.isoformat(),
            "population_year": population_year or snapshot.population_year,
            "county_ids": [snapshot.county_id],
        },
    )
    recompute = IncidenceRecompute.objects.create(
        snapshot=snapshot, requested_by=user, reason=reason[:300], before=_totals(snapshot), job=job
    )
    job.params["recompute_id"] = recompute.pk
    Job.objects.filter(pk=job.pk).update(params=job.params)
    job_enqueue(job, incidence_compute_task)
    return recompute


def incidence_nightly_jobs(*, as_of: dt.date | None = None) -> list[Job]:
    """The nightly run: one job per province (or top area), chunked by county inside."""
    from .tasks import incidence_compute_task

    jobs = []
    for top in Area.objects.filter(parent__isnull=True).order_by("code"):
        day = as_of or clock.today(top)  # the province's day: the run starts after its midnight
        counties = _counties_under(top)
        pending = [
            c.pk
            for c in counties
            if not IncidenceSnapshot.objects.filter(
                county=c, as_of=day, status=SnapshotStatusChoices.COMPLETE
            ).exists()
        ]
        if not pending:
            continue
        with transaction.atomic():
            job = job_create(
                kind=JOB_KIND,
                user=None,
                area=top,
                params={"as_of": day.isoformat(), "population_year": day.year, "county_ids": pending},
            )
            job_enqueue(job, incidence_compute_task)
        jobs.append(job)
    return jobs


@transaction.atomic
def exit_target_set(
    *,
    user: User,
    area: Area,
    year: int,
    people: int,
    households: int = 0,
    source: str = "",
    expected_version: int | None = None,
) -> ExitTarget:
    """Set an area's exit target for a year; changing an existing one names the version it read."""
    from core.services import model_update

    ensure_can(user, Capability.APPROVE, area=area)
    errors = {}
    if area.level not in (AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP):
        errors["area"] = _("Exit targets are set for a county or a township.")
    if people is None or people < 0:
        errors["people"] = _("Enter the number of people to exit (0 or more).")
    if households is None or households < 0:
        errors["households"] = _("Enter the number of households to exit (0 or more).")
    elif people is not None and households > people:
        errors["households"] = _("There cannot be more households than people.")
    if not 2000 <= year <= clock.today().year + 5:
        errors["year"] = _("Enter a year between 2000 and five years from now.")
    if errors:
        raise ValidationError(errors)
    existing = ExitTarget.objects.filter(area=area, year=year).first()
    fields = {"people": people, "households": households, "source": source.strip(), "set_by": user}
    if existing is None:
        return ExitTarget.objects.create(area=area, year=year, **fields)
    if expected_version is None:
        raise ValidationError(
            {
                "year": _("%(area)s already has a target for %(year)d; edit that one.")
                % {"area": area.name, "year": year}
            }
        )
    return model_update(existing, expected_version=expected_version, fields=fields)
