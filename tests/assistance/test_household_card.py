"""The printed household card (明白卡) names the responsible cadre with a phone, lists this year's
measures and says when it was printed (issue 14: the cadre lines printed blank)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from assistance.choices import MeasureCategoryChoices, MeasureKindChoices, MeasureStatusChoices
from assistance.models import Measure
from core import clock
from tests.assistance.conftest import make_cadre, pair
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def _text(html: str, testid: str) -> str:
    """The text inside the element marked data-testid (its first closing tag of the same name)."""
    match = re.search(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, testid
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(2)).split())


def _measure(household: Any, description: str, start: dt.date, end: dt.date | None = None) -> Measure:
    return Measure.objects.create(
        household=household,
        category=MeasureCategoryChoices.PRODUCTION,
        kind=MeasureKindChoices.INDUSTRY,
        description=description,
        start_date=start,
        end_date=end,
        status=MeasureStatusChoices.IN_PROGRESS,
        amount=Decimal("3000.00"),
    )


def test_card_prints_the_cadre_phone_this_years_measures_and_the_date(county: Any, web: Any) -> None:
    # given: a household paired with a cadre; measures of this year, of last year, and one still running
    household = make_household(county.village_a1, members=2)
    year = clock.today().year
    pair(
        household,
        make_cadre(county.town_a, name="何建华", unit="县农业农村局"),
        start=dt.date(year - 2, 3, 1),
    )
    _measure(household, "养羊10只", dt.date(year, 3, 1))
    _measure(household, "光伏分红", dt.date(year - 2, 5, 1))  # no end: runs this year too
    _measure(household, "务工补贴", dt.date(year - 1, 2, 1), dt.date(year - 1, 12, 1))  # ended last year

    # when
    response = web(county.staff_a).get(f"/households/{household.pk}/card/")

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert _text(page, "card-cadre") == "何建华（县农业农村局）"
    assert _text(page, "card-cadre-phone").startswith("1390000")
    measures = _text(page, "card-measures")
    assert "养羊10只" in measures
    assert "光伏分红" in measures
    assert "务工补贴" not in measures
    assert f"{year}年帮扶措施" in _text(page, "card-assistance")
    assert _text(page, "printed-on") == f"打印日期 {clock.today():%Y-%m-%d}"


def test_card_of_a_household_without_cadre_says_so(county: Any, web: Any) -> None:
    household = make_household(county.village_a1, members=1)

    page = web(county.staff_a).get(f"/households/{household.pk}/card/").content.decode()

    assert _text(page, "card-cadre") == "—"
    assert "今年尚无帮扶措施" in _text(page, "card-measures")
