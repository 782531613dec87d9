"""A county official opens the dashboard, drills into a township and downloads its table."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from dashboards.services import incidence_compute_request
from households.choices import HouseholdStatusChoices as S
from tests.factories import make_household, set_population
from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_official_drills_into_a_township_and_downloads_its_table(page: Any, county: Any) -> None:
    # given: two snapshots of the county
    for year, extra in ((2023, 0), (2024, 2)):
        for village, population in (
            (county.village_a1, 1200),
            (county.village_a2, 800),
            (county.village_b1, 500),
        ):
            set_population(village, year, population)
        for _ in range(extra):
            make_household(county.village_a2, status=S.RETURNED, members=3)
        make_household(county.village_a1, status=S.REGISTERED, members=4)
        make_household(county.village_b1, status=S.EXITED, members=2)
        incidence_compute_request(
            user=county.county_official, area=county.county, as_of=dt.date(year, 12, 31)
        )

    # when: the official opens the dashboard from the menu
    login(page, "county_official")
    page.click("#mainnav >> text=数据看板")
    page.wait_for_selector("[data-testid=children-table]")
    page.wait_for_selector("#chart-children[data-drawn='1']")
    assert "临夏市" in page.locator("[data-testid=dashboard-title]").inner_text()
    screenshot(page, "dashboards-county")

    # and drills into a township
    page.click(f"[data-testid=drill-{county.town_a.code}]")
    page.wait_for_url(f"**/dashboards/{county.town_a.code}/**")
    table = page.locator("[data-testid=children-table]").inner_text()
    assert "折桥村" in table
    assert "王坪村" not in table
    screenshot(page, "dashboards-township")

    # and downloads its table
    with page.expect_download() as info:
        page.click("[data-testid=export-children]")
    download = info.value
    assert download.suggested_filename == f"{county.town_a.name}-分地区贫困发生率-2024-12-31.xlsx"

    # then: the file holds the township's villages and their figures
    rows = list(load_workbook(BytesIO(Path(download.path()).read_bytes())).active.iter_rows(values_only=True))
    assert rows[0][2:5] == ("农村户籍人口", "贫困户数", "贫困人口")
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"折桥村", "大庄村"}
    assert by_name["折桥村"][2:5] == (1200, 2, 8)
    assert by_name["大庄村"][2:5] == (800, 2, 6)
    assert str(by_name["大庄村"][5]) == "0.75"
