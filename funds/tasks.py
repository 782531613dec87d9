"""Jobs on the money ledger: the ledger check (township by township) and paying every benefiting
household of a project (village by village). Both are idempotent: a rerun finds the same mismatches
and pays nobody twice (each household payment has the key `<batch>:<household>`)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import ROLE_CAPABILITIES, Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.models import Job
from core.money import money_parse
from core.services import job_create, job_enqueue, job_progress, job_run, notification_raise

from .models import Allocation, Project, ProjectFunding
from .selectors import allocation_mismatches, ledger_mismatches
from .services import household_batch_pay_village, household_batch_pending

BEAT_SCHEDULE = {
    "funds-ledger-check-nightly": {
        "task": "funds.ledger_check_nightly",
        "schedule": 60 * 60 * 24,
        "options": {"expires": 60 * 60 * 6},
    },
}


def _ledger_check_handler(job: Job) -> dict:
    county = job.area
    townships = list(Area.objects.filter(parent=county, level=AreaLevelChoices.TOWNSHIP).order_by("code"))
    # One chunk for the county-wide projects, one per township, then the allocations.
    chunks = [(county.name, list(Project.objects.filter(area=county).values_list("pk", flat=True)))]
    chunks += [
        (t.name, list(Project.objects.filter(area__code__startswith=t.prefix).values_list("pk", flat=True)))
        for t in townships
    ]
    job_progress(job, done=0, total=len(chunks) + 1, message=_("checking projects"))
    found = []
    for index, (name, ids) in enumerate(chunks, start=1):
        found.extend(ledger_mismatches(area_prefix=county.prefix, project_ids=ids, include_allocations=False))
        job_progress(job, done=index, message=name)
    found.extend(allocation_mismatches(county_prefix=county.prefix))
    rows = [
        {
            "what": str(m.what),
            "record": str(m.record),
            "stated": str(m.stated),
            "computed": str(m.computed),
            "difference": str(m.difference),
        }
        for m in found
    ]
    if rows:
        _notify_county(county, len(rows))
    checked = sum(len(ids) for _name, ids in chunks)
    return {
        "mismatches": rows,
        "projects_checked": checked,
        "message": _("%(n)d mismatches") % {"n": len(rows)},
    }


def _notify_county(county: Area, count: int) -> None:
    from django.urls import reverse

    from accounts.models import User

    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.MANAGE_FUNDS in caps]
    today = clock.today().isoformat()
    for user in User.objects.filter(is_active=True, role__in=roles, areas=county).distinct():
        notification_raise(
            user=user,
            key=f"funds.ledger:{county.code}:{today}",
            title=_("The funds ledger has %(n)d totals that do not add up") % {"n": count},
            url=reverse("funds:reconciliation"),
        )


@shared_task(name="funds.ledger_check", acks_late=True, soft_time_limit=600, time_limit=660)
def funds_ledger_check_task(job_id: str) -> None:
    """Compare every maintained total of a county's ledger with the entries it summarises."""
    job_run(job_id, _ledger_check_handler)


@shared_task(name="funds.ledger_check_nightly", acks_late=True, soft_time_limit=120, time_limit=180)
def funds_ledger_check_nightly() -> int:
    """Queue one ledger check per county with allocations, at most one per county per day."""
    queued = 0
    county_ids = set(Allocation.objects.values_list("county_id", flat=True).distinct())
    for county in Area.objects.filter(pk__in=county_ids).order_by("code"):
        # The county's day, not UTC's: 00:00 in Shanghai is 16:00 UTC the day before.
        today_start = clock.day_start(clock.today(county), county)
        if Job.objects.filter(kind="funds.ledger_check", area=county, created_at__gte=today_start).exists():
            continue
        with transaction.atomic():
            job = job_create(kind="funds.ledger_check", user=None, area=county)
            job_enqueue(job, funds_ledger_check_task)
        queued += 1
    return queued


def _household_batch_handler(job: Job) -> dict:
    params = job.params
    funding = ProjectFunding.objects.select_related("project").get(pk=params["funding_id"])
    amount_each = money_parse(params["amount_each"], field_name="amount_each")  # checked when queued
    paid_on = dt.date.fromisoformat(params["paid_on"])
    batch_key = params["batch_key"]
    village_ids = (
        household_batch_pending(project=funding.project, batch_key=batch_key)
        .values_list("village_id", flat=True)
        .distinct()
    )
    villages = list(Area.objects.filter(pk__in=village_ids).order_by("code"))
    job_progress(job, done=0, total=len(villages), message=_("paying households"))
    paid = 0
    for index, village in enumerate(villages, start=1):
        done, _skipped = household_batch_pay_village(
            funding=funding,
            village=village,
            amount_each=amount_each,
            paid_on=paid_on,
            voucher_number=params["voucher_number"],
            batch_key=batch_key,
            user=job.created_by,
        )
        paid += done
        job_progress(job, done=index, message=village.name)
    return {"paid": paid, "villages": len(villages), "amount": str(amount_each * paid)}


@shared_task(name="funds.household_batch", acks_late=True, soft_time_limit=1200, time_limit=1300)
def funds_household_batch_task(job_id: str) -> None:
    """Pay each benefiting household of a project the same amount, one village per transaction."""
    job_run(job_id, _household_batch_handler)
