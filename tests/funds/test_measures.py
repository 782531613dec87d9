"""A household's assistance measure paid by a project: link, pay, and the rules around both."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from assistance.choices import MeasureCategoryChoices, MeasureKindChoices
from assistance.models import Measure
from funds.models import Disbursement, ProjectBeneficiary, ProjectMeasure
from funds.services import disbursement_record, project_measure_link, project_propose
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def _measure(household: Any, amount: str = "20000.00") -> Measure:
    return Measure.objects.create(
        household=household,
        category=MeasureCategoryChoices.SOCIAL_SECURITY,
        kind=MeasureKindChoices.HOUSING_RENOVATION,
        start_date=dt.date(2024, 4, 1),
        amount=Decimal(amount),
    )


def test_a_linked_measure_is_paid_to_its_household(county: Any, money: Any) -> None:
    # given: a measure of a household that was not yet a beneficiary
    household = make_household(county.village_a2)
    measure = _measure(household)
    # when
    project_measure_link(project=money.project, measure=measure, user=county.staff_a)
    payment = disbursement_record(
        funding=money.funding,
        amount="20000.00",
        paid_on=money.today,
        voucher_number="危改-1",
        payee="户主",
        measure=measure,
        idempotency_key="m1",
        user=money.official,
    )
    # then
    assert payment.household == household
    assert payment.measure == measure
    assert ProjectBeneficiary.objects.filter(project=money.project, household=household).exists()


def test_an_unlinked_measure_cannot_be_paid(county: Any, money: Any) -> None:
    measure = _measure(money.household)
    with pytest.raises(ValidationError) as exc:
        disbursement_record(
            funding=money.funding,
            amount="1.00",
            paid_on=money.today,
            voucher_number="v",
            payee="p",
            measure=measure,
            idempotency_key="m2",
            user=money.official,
        )
    assert "measure" in exc.value.message_dict
    assert Disbursement.objects.count() == 0


def test_a_measure_is_paid_by_one_project_only(county: Any, money: Any) -> None:
    measure = _measure(money.household)
    other = project_propose(
        area=county.town_a,
        name="另一项目",
        category=money.positive,
        year=2024,
        budget="10.00",
        user=county.staff_a,
    )
    project_measure_link(project=money.project, measure=measure, user=county.staff_a)
    assert (
        project_measure_link(project=money.project, measure=measure, user=county.staff_a).project
        == money.project
    )
    with pytest.raises(ValidationError) as exc:
        project_measure_link(project=other, measure=measure, user=county.staff_a)
    assert money.project.name in exc.value.message_dict["measure"][0]
    assert ProjectMeasure.objects.count() == 1


def test_a_measure_outside_the_project_area_is_refused(county: Any, money: Any) -> None:
    measure = _measure(make_household(county.village_b1))
    with pytest.raises(ValidationError):
        project_measure_link(project=money.project, measure=measure, user=county.county_official)
    assert ProjectMeasure.objects.count() == 0


def test_measures_are_linked_and_paid_through_the_api(county: Any, money: Any, api: Any) -> None:
    measure = _measure(money.household, "15000.00")
    linked = api(county.staff_a).post(
        f"/api/funds/projects/{money.project.pk}/measures/", {"measure": measure.pk}
    )
    paid = api(money.official).post(
        "/api/funds/disbursements/",
        {
            "funding": money.funding.pk,
            "amount": "15000.00",
            "paid_on": "2024-06-01",
            "voucher_number": "危改-2",
            "payee": "户主",
            "measure": measure.pk,
            "idempotency_key": "m3",
        },
        format="json",
    )
    assert linked.status_code == 201
    assert paid.status_code == 201, paid.json()
    assert paid.json()["measure"] == measure.pk
    assert paid.json()["household"] == money.household.pk


def test_measures_are_linked_from_the_project_page(county: Any, money: Any, web: Any) -> None:
    first, second = _measure(money.household), _measure(make_household(county.village_a2))
    outside = _measure(make_household(county.village_b1))
    client = web(county.staff_a)
    page = client.get(f"/funds/projects/{money.project.pk}/measures/").content.decode()
    assert f'value="{first.pk}"' in page
    assert f'value="{outside.pk}"' not in page
    client.post(
        f"/funds/projects/{money.project.pk}/measures/", {"measure": [first.pk, second.pk, outside.pk]}
    )
    assert set(ProjectMeasure.objects.values_list("measure_id", flat=True)) == {first.pk, second.pk}
    form = web(money.official).get(f"/funds/payments/new/?project={money.project.pk}").content.decode()
    assert f'<option value="{second.pk}">' in form


def test_a_measure_paid_by_a_project_outside_the_users_area_is_refused_without_naming_it(
    county: Any, money: Any
) -> None:
    # given: a county-wide project (outside township A's scope) already pays the measure
    measure = _measure(money.household)
    wide = project_propose(
        area=county.county,
        name="全县住房安全保障",
        category=money.positive,
        year=2024,
        budget="10.00",
        user=county.county_official,
    )
    project_measure_link(project=wide, measure=measure, user=county.county_official)
    # when: township A's staff try to link it to their project
    with pytest.raises(ValidationError) as exc:
        project_measure_link(project=money.project, measure=measure, user=county.staff_a)
    # then
    message = exc.value.message_dict["measure"][0]
    assert message == "This measure is already paid by another project."
    assert wide.name not in message
    assert ProjectMeasure.objects.get().project == wide
