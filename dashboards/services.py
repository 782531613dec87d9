"""Writes of the dashboards app: computing, freezing and deliberately recomputing incidence snapshots."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Capability
from areas.choices import LEVEL_PREFIX_LENGTH, AreaLevelChoices
from areas.models import Area
from core import clock
from core.inputs import within_column
from core.models import Job
from core.scoping import ensure_can
from core.services import job_create, job_enqueue, job_progress, model_update

from .choices import SnapshotStatusChoices
from .incidence import incidence_compute_counties
from .models import ExitTarget, IncidenceFigure, IncidenceRecompute, IncidenceSnapshot, SectionSnapshot
from .selectors import TOTAL_FIELDS
from .snapshots.compute import sections_compute_county

JOB_KIND = "dashboards.incidence"


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
    """(Re)write one snapshot's figures (dashboards.incidence); returns the number of rows written."""
    return incidence_compute_counties(snapshots=[snapshot])


def _counties_under(area: Area) -> list[Area]:
    if area.level == AreaLevelChoices.COUNTY:
        return [area]
    if LEVEL_PREFIX_LENGTH[AreaLevelChoices(area.level)] > LEVEL_PREFIX_LENGTH[AreaLevelChoices.COUNTY]:
        return []
    return list(
        Area.objects.filter(level=AreaLevelChoices.COUNTY, code__startswith=area.prefix).order_by("code")
    )


def incidence_job_handler(job: Job) -> dict[str, Any]:
    """Compute the job's counties with visible progress: their incidence figures in one statement per
    chunk of counties (settings.INCIDENCE_COUNTIES_PER_STATEMENT, one transaction each), then each
    county's other dashboard sections in a transaction of its own.

    Idempotent and resumable: a county whose snapshot for the date is complete is left alone (it is
    frozen) unless the job is the recompute of that snapshot, which is done once; a chunk is written
    whole or not at all, and a retry redoes what was not committed.
    """
    as_of = dt.date.fromisoformat(job.params["as_of"])
    year = int(job.params.get("population_year") or as_of.year)
    recompute_id = job.params.get("recompute_id")
    counties = list(Area.objects.filter(pk__in=job.params["county_ids"]).order_by("code"))
    job_progress(job, done=0, total=len(counties), message=_("Computing incidence"))
    computed, unchanged = [], []
    size = max(1, settings.INCIDENCE_COUNTIES_PER_STATEMENT)
    done = 0
    for start in range(0, len(counties), size):
        chunk = counties[start : start + size]
        with transaction.atomic():
            pending: list[tuple[IncidenceSnapshot, IncidenceRecompute | None]] = []
            for county in chunk:
                snapshot, _created = IncidenceSnapshot.objects.get_or_create(
                    county=county, as_of=as_of, defaults={"population_year": year}
                )
                snapshot = IncidenceSnapshot.objects.select_for_update().get(pk=snapshot.pk)
                snapshot.county = county
                recompute = (
                    IncidenceRecompute.objects.select_for_update()
                    .filter(pk=recompute_id, snapshot=snapshot, after__isnull=True)
                    .first()
                    if recompute_id
                    else None
                )
                if snapshot.status == SnapshotStatusChoices.COMPLETE and recompute is None:
                    unchanged.append(county.code)
                    continue
                if recompute is not None:
                    snapshot.population_year = year
                pending.append((snapshot, recompute))
            incidence_compute_counties(snapshots=[snapshot for snapshot, _recompute in pending])
            for snapshot, recompute in pending:
                model_update(
                    snapshot,
                    fields={
                        "status": SnapshotStatusChoices.COMPLETE,
                        "computed_at": clock.now(),
                        "computed_by": job.created_by,
                        "population_year": snapshot.population_year,
                        "recompute_count": snapshot.recompute_count + (1 if recompute else 0),
                    },
                    refresh=False,
                )
                if recompute is not None:
                    model_update(recompute, fields={"after": _totals(snapshot)}, refresh=False)
                computed.append(snapshot.county.code)
        for county in chunk:
            # the dashboard's other sections, as of the county's day, on every run (a rerun refreshes them)
            with transaction.atomic():
                sections_compute_county(county=county)
            done += 1
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
    # refused, never cut: the reason is the audit's record of why frozen figures changed
    within_column(IncidenceRecompute, "reason", reason)
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
        snapshot=snapshot, requested_by=user, reason=reason, before=_totals(snapshot), job=job
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
