"""Downloaded files are named in the user's language with the area and the date (issue 14)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from core import clock
from core.downloads import download_name

pytestmark = pytest.mark.django_db


def _filename(response: Any) -> str:
    header = response["Content-Disposition"]
    assert header.startswith("attachment;"), header
    return header


def test_household_list_export_is_named_by_township_and_date(county: Any, web: Any) -> None:
    # when: the township's staff export their household list (in the default language)
    response = web(county.staff_a).get("/households/export/")

    # then: 折桥镇-农户名单-<today>.xlsx, sent as UTF-8 filename*
    assert response.status_code == 200
    expected = f"折桥镇-农户名单-{clock.today().isoformat()}.xlsx"
    assert f"filename*=utf-8''{quote(expected)}" in _filename(response)


def test_import_template_and_dashboard_table_are_named_in_chinese(county: Any, web: Any) -> None:
    template = web(county.staff_a).get("/households/import/template/")
    # the template's village sheet lists the township's villages as of the day: dated like a ledger
    expected = f"折桥镇-农户导入模板-{clock.today().isoformat()}.xlsx"
    assert f"filename*=utf-8''{quote(expected)}" in _filename(template)

    table = web(county.county_official).get(f"/dashboards/{county.county.code}/export/children.xlsx")
    assert table.status_code == 200
    # no snapshot yet: the name has no date rather than a made-up one
    assert f"filename*=utf-8''{quote(county.county.name + '-分地区贫困发生率.xlsx')}" in _filename(table)


def test_unsafe_characters_never_reach_the_name() -> None:
    assert download_name("临夏/市", "a:b", None, "", ext="xlsx") == "临夏_市-a_b.xlsx"
