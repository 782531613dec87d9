"""Fixtures for the funds tests: a county with lists, a source, an allocation and an approved,
funded project in township A."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache

from funds.choices import FundKindChoices, FundLevelChoices, ProjectStatusChoices, UseListChoices
from funds.models import ProjectCategory
from funds.services import (
    allocation_record,
    fund_source_create,
    project_fund,
    project_propose,
    project_transition,
)
from tests.factories import make_household


@pytest.fixture(autouse=True)
def _english_by_default(settings: Any) -> Any:
    """Assertions on messages read English; tests of the Chinese interface ask for it explicitly."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_throttle_cache() -> Any:
    cache.clear()  # the public lookup's rate limit lives in the cache
    yield
    cache.clear()


def build_money(
    county: Any, *, allocation_amount: str = "100000.00", funded: str = "100000.00"
) -> SimpleNamespace:
    official = county.county_official
    positive = ProjectCategory.objects.create(
        area=county.county, code="industry", name="产业发展", list_kind=UseListChoices.POSITIVE
    )
    negative = ProjectCategory.objects.create(
        area=county.county,
        code="offices",
        name="修建楼堂馆所",
        list_kind=UseListChoices.NEGATIVE,
        keywords="办公楼,楼堂馆所",
    )
    source = fund_source_create(
        area=county.county,
        name="中央财政专项扶贫资金",
        level=FundLevelChoices.CENTRAL,
        kind=FundKindChoices.SPECIAL,
        user=official,
    )
    allocation = allocation_record(
        county=county.county,
        source=source,
        year=2024,
        document_number="临市财农〔2024〕1号",
        document_date=dt.date(2024, 3, 1),
        amount=allocation_amount,
        user=official,
    )
    household = make_household(county.village_a1, members=3)
    household.refresh_from_db()
    project = project_propose(
        area=county.town_a,
        name="折桥村肉牛养殖合作社",
        category=positive,
        year=2024,
        budget=funded,
        user=county.staff_a,
        villages=[county.village_a1],
        households=[household],
    )
    project = project_transition(project=project, to_status=ProjectStatusChoices.APPROVED, user=official)
    funding = project_fund(project=project, allocation=allocation, amount=funded, user=official)
    return SimpleNamespace(
        official=official,
        positive=positive,
        negative=negative,
        source=source,
        allocation=allocation,
        household=household,
        project=project,
        funding=funding,
        today=dt.date(2024, 6, 1),
        zero=Decimal("0.00"),
    )


@pytest.fixture
def money(county: Any) -> SimpleNamespace:
    return build_money(county)
