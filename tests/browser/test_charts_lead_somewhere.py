"""Charts a user can act on: a township's bars and village names open the village's dashboard, and the
funds chart's legend stays clear of its axis labels (issue 12's last paragraph, issue 14)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core import clock
from dashboards.services import incidence_compute_request
from funds.choices import FundKindChoices, FundLevelChoices
from funds.services import allocation_record, fund_source_create
from households.choices import HouseholdStatusChoices as S
from tests.factories import make_household, set_population
from tests.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _boxes(page: Any, selector: str) -> list[dict[str, float]]:
    return [box for box in (el.bounding_box() for el in page.locator(selector).all()) if box]


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_township_staff_reach_a_village_dashboard_from_its_name_and_from_its_bar(
    page: Any, county: Any
) -> None:
    # given: a snapshot of the county with two villages of 折桥镇 counted
    year = clock.today().year
    set_population(county.village_a1, year, 1200)
    set_population(county.village_a2, year, 800)
    make_household(county.village_a1, status=S.REGISTERED, members=4)
    make_household(county.village_a2, status=S.REGISTERED, members=3)
    incidence_compute_request(user=county.county_official, area=county.county, as_of=clock.today())
    town_url = f"/dashboards/{county.town_a.code}/"

    # when: the township's staff open their dashboard and click a village's name
    login(page, "staff_a")
    page.goto(page.base_url + town_url)
    page.click(f"[data-testid=drill-{county.village_a2.code}]")

    # then: the village's own dashboard
    page.wait_for_url(f"**/dashboards/{county.village_a2.code}/**")
    assert page.locator("[data-testid=dashboard-title]").inner_text().startswith(county.village_a2.name)

    # when: back on the township's dashboard they click the first village's bar in the chart
    page.goto(page.base_url + town_url)
    page.wait_for_selector("#chart-children[data-drawn='1']")
    # (the middle of the first bar, in the chart's own coordinates: half of its 4 poor people)
    x, y = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-children'))"
        ".convertToPixel({seriesIndex: 0}, [0, 2])"
    )
    box = page.locator("#chart-children").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)

    # then: that village's dashboard, at the same snapshot date
    page.wait_for_url(f"**/dashboards/{county.village_a1.code}/?as_of={clock.today().isoformat()}")
    assert county.village_a1.name in page.locator("[data-testid=dashboard-title]").inner_text()


def test_funds_chart_legend_clears_the_axis_labels(page: Any, county: Any) -> None:
    # given: five sources with long names, so the category names are rotated under the axis
    names = [
        "中央财政专项扶贫资金",
        "厦门市东西部扶贫协作资金",
        "州级财政专项扶贫资金",
        "社会帮扶资金",
        "行业扶贫资金（交通、水利）",
    ]
    for index, name in enumerate(names):
        source = fund_source_create(
            area=county.county,
            name=name,
            level=FundLevelChoices.CENTRAL,
            kind=FundKindChoices.SPECIAL,
            user=county.county_official,
        )
        allocation_record(
            county=county.county,
            source=source,
            year=clock.today().year,
            document_number=f"临市财农〔{clock.today().year}〕{index + 1}号",
            document_date=clock.today() - dt.timedelta(days=10),
            amount="100000.00",
            user=county.county_official,
        )

    # when: the county official opens the execution report at desktop width
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, "county_official")
    page.goto(page.base_url + f"/funds/reports/?by=source&year={clock.today().year}")
    page.wait_for_selector("#execution-chart[data-drawn='1']")

    # then: every legend entry and every axis label is drawn, and no legend entry touches a label
    chart = page.locator("#execution-chart")
    texts = chart.locator("svg text")
    legend = [t for t in texts.all() if t.text_content() in {"下达资金（万元）", "已拨付（万元）"}]
    labels = [t for t in texts.all() if t.text_content() in names or t.text_content() == "万元"]
    assert len(legend) == 2
    assert len(labels) == len(names) + 1
    chart_box = chart.bounding_box()
    for item in legend:
        for label in labels:
            assert not _overlap(item.bounding_box(), label.bounding_box()), (
                item.text_content(),
                label.text_content(),
            )
    for label in labels:
        box = label.bounding_box()
        assert box["y"] + box["height"] <= chart_box["y"] + chart_box["height"] + 1, label.text_content()
