"""The exit screening job: chunked by village, idempotent, with progress and the two lists."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from core.choices import JobStatusChoices
from core.models import Job
from exits.choices import ExitConditionChoices, ExitStepChoices, MonitoringSourceChoices, RiskChoices
from exits.models import ExitFlag, ExitProcedure, MonitoringCase
from exits.services import exit_procedure_propose, exit_procedure_sign, exit_screening_start
from households.choices import HealthChoices, HouseholdStatusChoices, HousingSafetyChoices
from tests.exits.builders import LINE, YEAR, ready_household, set_income, set_line
from tests.factories import make_member
from tests.helpers import wait_for

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def _flags() -> list[tuple]:
    return sorted(ExitFlag.objects.values_list("household_id", "year", "eligible", "failing", "proposed"))


@pytest.fixture
def registry(county: Any) -> dict[str, Any]:
    set_line(county.county)
    eligible = ready_household(county.village_a1)
    proposed = ready_household(county.village_a2)
    exit_procedure_propose(household=proposed, year=YEAR, user=county.staff_a)
    set_income(proposed, LINE)  # corrected after the proposal: no longer eligible
    poor = ready_household(county.village_b1, income=Decimal("2800"), housing_grade=HousingSafetyChoices.D)
    unstable = ready_household(
        county.village_b2, income=Decimal("5999.99"), status=HouseholdStatusChoices.EXITED
    )
    make_member(unstable, health=HealthChoices.SERIOUS)
    stable = ready_household(
        county.village_b2, income=Decimal("6000.00"), status=HouseholdStatusChoices.EXITED
    )
    return {"eligible": eligible, "proposed": proposed, "poor": poor, "unstable": unstable, "stable": stable}


def _run(county: Any, capture: Any, area: Any = None) -> Job:
    with capture(execute=True):
        job = exit_screening_start(area=area or county.county, year=YEAR, user=county.county_official)
    job.refresh_from_db()
    return job


def test_screening_flags_lists_and_opens_monitoring_by_rule(
    county: Any, registry: dict, django_capture_on_commit_callbacks: Any
) -> None:
    # when
    job = _run(county, django_capture_on_commit_callbacks)

    # then
    assert job.status == JobStatusChoices.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (4, 4)  # one step per village
    assert job.result["checked"] == 3
    assert [row["id"] for row in job.result["eligible_not_proposed"]] == [registry["eligible"].pk]
    assert [(row["id"], row["failing"]) for row in job.result["proposed_not_eligible"]] == [
        (registry["proposed"].pk, [ExitConditionChoices.INCOME])
    ]
    flags = {f.household_id: f for f in ExitFlag.objects.all()}
    assert set(flags) == {registry["eligible"].pk, registry["proposed"].pk, registry["poor"].pk}
    assert flags[registry["poor"].pk].failing == [ExitConditionChoices.INCOME, ExitConditionChoices.HOUSING]
    assert flags[registry["proposed"].pk].proposed
    # income below 1.5 x 4000 = 6000 opens a case by rule; exactly 6000 does not
    case = MonitoringCase.objects.get()
    assert case.household == registry["unstable"]
    assert case.source == MonitoringSourceChoices.RULE
    assert case.risks == [RiskChoices.LOW_INCOME, RiskChoices.SERIOUS_ILLNESS]
    assert job.result["monitoring_opened"] == 1


def test_running_twice_gives_the_same_flags_and_opens_nothing_twice(
    county: Any, registry: dict, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    first = _run(county, django_capture_on_commit_callbacks)
    flags = _flags()

    # when
    second = _run(county, django_capture_on_commit_callbacks)

    # then
    assert _flags() == flags
    assert ExitFlag.objects.count() == 3
    assert MonitoringCase.objects.count() == 1
    assert second.result["monitoring_opened"] == 0
    for key in ("checked", "eligible_not_proposed", "proposed_not_eligible"):
        assert second.result[key] == first.result[key]


def test_a_township_on_demand_touches_only_its_villages(
    county: Any, registry: dict, django_capture_on_commit_callbacks: Any
) -> None:
    job = _run(county, django_capture_on_commit_callbacks, area=county.town_a)
    assert job.progress_total == 2
    assert set(ExitFlag.objects.values_list("household_id", flat=True)) == {
        registry["eligible"].pk,
        registry["proposed"].pk,
    }
    assert MonitoringCase.objects.count() == 0


def test_flags_follow_the_registry_on_the_next_run(
    county: Any, registry: dict, django_capture_on_commit_callbacks: Any
) -> None:
    _run(county, django_capture_on_commit_callbacks)
    set_income(registry["poor"], Decimal("4800"))
    exit_procedure_sign(
        procedure=ExitProcedure.objects.get(),
        step=ExitStepChoices.WITHDRAW,
        comment="收入不实",
        user=county.staff_a,
    )
    _run(county, django_capture_on_commit_callbacks)
    flags = {f.household_id: f for f in ExitFlag.objects.all()}
    assert flags[registry["poor"].pk].failing == [ExitConditionChoices.HOUSING]
    assert not flags[registry["proposed"].pk].proposed


def test_screening_needs_the_right_role_and_area(
    county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(PermissionDenied):
        exit_screening_start(area=county.town_a, year=YEAR, user=county.cadre_a)
    with pytest.raises(Http404):
        exit_screening_start(area=county.town_a, year=YEAR, user=county.staff_b)
    with pytest.raises(ValidationError):
        exit_screening_start(area=county.village_a1, year=YEAR, user=county.county_official)
    assert Job.objects.count() == 0


@pytest.mark.worker
def test_screening_runs_on_a_real_worker(county: Any, celery_worker: Any) -> None:
    # given
    set_line(county.county)
    household = ready_household(county.village_a1)

    # when
    job = exit_screening_start(area=county.county, year=YEAR, user=county.county_official)

    # then
    done = wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatusChoices.SUCCEEDED).first())
    assert done.result["eligible_not_proposed"][0]["id"] == household.pk
    assert ExitFlag.objects.get().eligible


def test_edge_households_below_the_multiple_are_opened_by_rule_once(
    county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A household found not poor at identification (边缘易致贫户) whose income is below 1.5 x the
    line is opened as an edge household by rule; exactly at the multiple it is not; a rerun opens
    nothing more."""
    from exits.choices import MonitoringCategoryChoices

    # given: line 4000, multiple 1.5
    set_line(county.county)
    edge = ready_household(
        county.village_a1, income=Decimal("5999.99"), status=HouseholdStatusChoices.REJECTED
    )
    ready_household(county.village_a1, income=Decimal("6000.00"), status=HouseholdStatusChoices.REJECTED)

    # when
    first = _run(county, django_capture_on_commit_callbacks)
    second = _run(county, django_capture_on_commit_callbacks)

    # then
    case = MonitoringCase.objects.get()
    assert (case.household, case.category, case.source) == (
        edge,
        MonitoringCategoryChoices.EDGE,
        MonitoringSourceChoices.RULE,
    )
    assert case.status_before == HouseholdStatusChoices.REJECTED
    assert (first.result["monitoring_opened"], second.result["monitoring_opened"]) == (1, 0)
