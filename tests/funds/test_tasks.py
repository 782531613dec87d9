"""Jobs: the ledger check (township by township) and paying every benefiting household of a project
(village by village), eagerly and with a real worker."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from core.choices import JobStatusChoices
from core.models import Job, Notification
from funds.models import Disbursement, Project, ProjectBeneficiary
from funds.services import disbursement_record
from funds.tasks import funds_ledger_check_nightly
from tests.factories import make_household
from tests.funds.conftest import build_money
from tests.helpers import county_time, wait_for


def _add_beneficiaries(county: Any, money: Any) -> list:
    extra = [
        make_household(county.village_a1),
        make_household(county.village_a2),
        make_household(county.village_a2),
    ]
    ProjectBeneficiary.objects.bulk_create(
        [ProjectBeneficiary(project=money.project, household=h) for h in extra]
    )
    return extra


def _start_batch(web: Any, money: Any, amount_each: str, batch_key: str) -> Any:
    return web(money.official).post(
        f"/funds/projects/{money.project.pk}/pay-households/",
        {
            "funding": money.funding.pk,
            "amount_each": amount_each,
            "paid_on": "2024-06-01",
            "voucher_number": "记-2024-0100",
            "batch_key": batch_key,
        },
    )


@pytest.mark.django_db
def test_household_batch_pays_each_household_once_village_by_village(
    county: Any, money: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: four benefiting households in two villages
    _add_beneficiaries(county, money)
    # when: the batch runs, then the same batch is submitted again
    with django_capture_on_commit_callbacks(execute=True):
        response = _start_batch(web, money, "1000.00", "batch-1")
    job = Job.objects.get(kind="funds.household_batch")
    with django_capture_on_commit_callbacks(execute=True):
        again = _start_batch(web, money, "1000.00", "batch-1")
    # then
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatusChoices.SUCCEEDED
    assert job.result == {"paid": 4, "villages": 2, "amount": "4000.00"}
    assert job.progress_total == 2
    assert again.status_code == 200
    assert "already been paid" in again.content.decode()
    assert Disbursement.objects.filter(idempotency_key__startswith="batch-1:").count() == 4
    assert Project.objects.get(pk=money.project.pk).paid_total == Decimal("4000.00")


@pytest.mark.django_db
def test_household_batch_that_cannot_be_paid_in_full_is_refused_before_anything_is_paid(
    county: Any, money: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _add_beneficiaries(county, money)
    with django_capture_on_commit_callbacks(execute=True):
        response = _start_batch(web, money, "25000.01", "batch-2")
    assert response.status_code == 200
    assert 'data-testid="error-amount_each"' in response.content.decode()
    assert not Job.objects.filter(kind="funds.household_batch").exists()
    assert Disbursement.objects.count() == 0


@pytest.mark.django_db
def test_ledger_check_job_reports_a_tampered_total_and_reminds_the_county(
    county: Any, money: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    disbursement_record(
        funding=money.funding,
        amount="10.00",
        paid_on=money.today,
        voucher_number="v",
        payee="p",
        idempotency_key="t1",
        user=money.official,
    )
    Project.objects.filter(pk=money.project.pk).update(paid_total=Decimal("0.00"))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = web(money.official).post("/funds/reconciliation/check/")
    # then
    job = Job.objects.get(kind="funds.ledger_check")
    assert response.status_code == 302
    assert job.status == JobStatusChoices.SUCCEEDED
    assert job.progress_total == 4  # county-wide, two townships, allocations
    assert [(m["stated"], m["computed"]) for m in job.result["mismatches"]] == [("0.00", "10.00")]
    assert Notification.objects.filter(user=money.official, key__startswith="funds.ledger:").count() == 1


@pytest.mark.django_db
def test_nightly_ledger_check_queues_one_job_per_county_per_day(
    county: Any, money: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = funds_ledger_check_nightly()
        second = funds_ledger_check_nightly()
    assert (first, second) == (1, 0)
    job = Job.objects.get(kind="funds.ledger_check")
    assert job.status == JobStatusChoices.SUCCEEDED
    assert job.result["mismatches"] == []


@pytest.mark.worker
def test_household_batch_runs_on_a_real_worker(county: Any, web: Any, celery_worker: Any) -> None:
    # given
    money = build_money(county)
    _add_beneficiaries(county, money)
    # when
    response = _start_batch(web, money, "500.00", "batch-w")
    job = Job.objects.get(kind="funds.household_batch")
    # then
    assert response.status_code == 302
    wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, timeout=60)
    job.refresh_from_db()
    assert job.status == JobStatusChoices.SUCCEEDED, job.error
    assert job.result["paid"] == 4
    assert Project.objects.get(pk=money.project.pk).paid_total == Decimal("2000.00")


@pytest.mark.django_db
@pytest.mark.dates
@pytest.mark.parametrize(
    ("earlier_check", "queued_again"),
    [
        (county_time(2026, 12, 1, 0, 0), 0),  # 00:00 in the county (16:00 UTC on 30 November): today's
        (county_time(2026, 11, 30, 23, 59), 1),  # 23:59 the day before: a new county day, a new check
    ],
    ids=["same-county-day", "previous-county-day"],
)
def test_the_nightly_ledger_check_counts_the_countys_day(
    county: Any,
    money: Any,
    django_capture_on_commit_callbacks: Any,
    time_machine: Any,
    earlier_check: Any,
    queued_again: int,
) -> None:
    from core.services import job_create

    # given: a check at `earlier_check`
    time_machine.move_to(earlier_check, tick=False)
    job_create(kind="funds.ledger_check", user=None, area=county.county)

    # when: the nightly run at 00:05 on 1 December in the county (still 30 November in UTC)
    time_machine.move_to(county_time(2026, 12, 1, 0, 5))
    with django_capture_on_commit_callbacks(execute=True):
        queued = funds_ledger_check_nightly()

    # then: at most one check per county day
    assert queued == queued_again
    assert Job.objects.filter(kind="funds.ledger_check").count() == 1 + queued_again
