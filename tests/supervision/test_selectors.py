"""Supervision reads: the assessment rates on a known set of complaints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from households.choices import HouseholdStatusChoices as S
from supervision.choices import ComplaintFindingChoices, ComplaintKindChoices, ComplaintStatusChoices
from supervision.models import Complaint
from supervision.selectors import complaint_rates
from supervision.services import complaint_receive
from tests.factories import make_household

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def _complaint(county: Any, kind: str, finding: str, household: Any = None, **extra: Any) -> Complaint:
    complaint = complaint_receive(
        user=county.county_official,
        area=county.village_a1,
        kind=kind,
        content="反映情况",
        received_on=dt.date(2026, 1, 5),
        channel="hotline",
        household=household,
    )
    Complaint.objects.filter(pk=complaint.pk).update(
        finding=finding, status=ComplaintStatusChoices.ANSWERED, **extra
    )
    return complaint


def test_rates_count_each_household_once_and_complaints_without_one_each(county: Any) -> None:
    # given: 3 registered poor households and 1 exited one (4 in the roll), in town A
    poor = [make_household(county.village_a1, status=S.REGISTERED) for _ in range(3)]
    exited = make_household(county.village_a1, status=S.EXITED)
    make_household(county.village_a1, status=S.CANDIDATE)
    upheld, partly = ComplaintFindingChoices.UPHELD, ComplaintFindingChoices.PARTLY
    # two upheld wrong-inclusion complaints about the same household, one naming no household, one
    # about another household that was not upheld
    _complaint(county, ComplaintKindChoices.WRONG_INCLUSION, upheld, poor[0])
    _complaint(county, ComplaintKindChoices.WRONG_INCLUSION, partly, poor[0])
    _complaint(county, ComplaintKindChoices.WRONG_INCLUSION, upheld)
    _complaint(county, ComplaintKindChoices.WRONG_INCLUSION, ComplaintFindingChoices.NOT_UPHELD, poor[1])
    _complaint(county, ComplaintKindChoices.WRONG_EXIT, upheld, exited)
    _complaint(county, ComplaintKindChoices.LEFT_OUT, upheld)

    # when
    rates = complaint_rates(user=county.county_official, area=county.county)

    # then
    assert (rates["registered_households"], rates["exited_households"]) == (4, 1)
    assert (rates["wrong_inclusion"], rates["wrong_exit"], rates["left_out"]) == (2, 1, 1)
    assert rates["wrong_inclusion_rate"] == Decimal("50.00")
    assert rates["wrong_exit_rate"] == Decimal("100.00")
    assert rates["left_out_rate"] == Decimal("20.00")
    assert (rates["complaints"], rates["unanswered"]) == (6, 0)
    assert complaint_rates(user=county.staff_b, area=county.town_b)["wrong_inclusion"] == 0
