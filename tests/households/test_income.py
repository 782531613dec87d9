"""A household's yearly income: amounts read by core.money.money_parse (errors in Chinese next to the
field, nothing written), per-capita net income to the fen, half up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core import clock
from households.models import IncomeRecord
from households.services import income_record_save
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def test_bad_income_amounts_are_refused_per_field_and_nothing_is_written(county: Any) -> None:
    # given
    household = make_household(county.village_a1)

    # when: a float, text that is no number (was a server error), half a fen, a negative cost
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        income_record_save(
            household=household,
            year=clock.today().year,
            user=county.staff_a,
            wage_income=1200.5,  # type: ignore[arg-type]
            production_income="一千",
            transfer_income="300.005",
            production_costs="-10",
        )

    # then
    assert exc.value.message_dict == {
        "wage_income": ["金额请以精确的十进制文本发送，例如“1234.50”，不要用浮点数。"],
        "production_income": ["请输入以元为单位的金额，例如 1234.50。"],
        "transfer_income": ["金额以元为单位，最多保留两位小数（到分）。"],
        "production_costs": ["金额不能为负数。"],
    }
    assert not IncomeRecord.objects.filter(household=household).exists()


def test_income_in_text_is_kept_and_per_capita_rounds_half_up(county: Any) -> None:
    # given
    household = make_household(county.village_a1)

    # when: 100.01 yuan for two people, a production loss
    record = income_record_save(
        household=household,
        year=clock.today().year,
        user=county.staff_a,
        member_count=2,
        wage_income=" 300.01 ",
        production_income="-200",
    )

    # then
    saved = IncomeRecord.objects.get(pk=record.pk)
    assert (saved.wage_income, saved.production_income) == (Decimal("300.01"), Decimal("-200.00"))
    assert saved.per_capita_net_income == Decimal("50.01")  # 50.005, half up
