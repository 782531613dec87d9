"""The county administrator opens the county's policy page, changes the notice minimum and a village
class, and sees where each value comes from; a township then sets its own notice minimum."""

from __future__ import annotations

from typing import Any

import pytest

from areas.models import PolicyValue
from exits.selectors import exit_settings_for
from households.selectors import policy_for
from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _row(page: Any, key: str) -> Any:
    return page.locator(f"[data-testid=policy-row][data-key='{key}']")


def test_the_county_administrator_edits_the_county_s_policy(page: Any, county: Any) -> None:
    # given
    login(page, "county_admin")
    page.goto(f"{page.base_url}/areas/{county.county.code}/policy/")
    assert (
        _row(page, "households.notice_min_days").locator("[data-testid=policy-source]").inner_text() == "默认"
    )

    # when: the notice minimum becomes 10 days and class 1 starts at 40%
    _row(page, "households.notice_min_days").get_by_role("spinbutton").fill("10")
    _row(page, "exits.village_class_bands").locator("input[name='exits-village_class_bands-0-low']").fill(
        "40"
    )
    with page.expect_navigation():
        page.locator("[data-testid=policy-save]").click()

    # then: saved, shown as the county's own, and in force in its villages
    assert page.locator(".alert-success").count() == 1, page.locator(".alert").all_inner_texts()
    notice = _row(page, "households.notice_min_days")
    assert notice.locator("[data-testid=policy-value]").inner_text() == "10"
    assert notice.locator("[data-testid=policy-source]").inner_text() == "本区域"
    assert "40%" in _row(page, "exits.village_class_bands").locator("[data-testid=policy-value]").inner_text()
    assert policy_for(county.village_a1).notice_min_days == 10
    assert exit_settings_for(county.village_a1).village_class_bands[0]["min"] == "40"
    assert PolicyValue.objects.count() == 2  # only what changed is stored
    screenshot(page, "policy-county")

    # when: the township's page sets its own notice minimum
    page.goto(f"{page.base_url}/areas/{county.town_a.code}/policy/")
    town_notice = _row(page, "households.notice_min_days")
    assert town_notice.locator("[data-testid=policy-source]").inner_text() == county.county.name
    town_notice.get_by_role("spinbutton").fill("12")
    with page.expect_navigation():
        page.locator("[data-testid=policy-save]").click()

    # then: the township's villages follow it, the other township's the county
    assert policy_for(county.village_a1).notice_min_days == 12
    assert policy_for(county.village_b1).notice_min_days == 10
    page.goto(f"{page.base_url}/areas/{county.county.code}/policy/")
    assert county.town_a.name in page.locator("[data-testid=policy-overrides]").inner_text()


def test_the_county_official_sets_the_year_s_poverty_line(page: Any, county: Any) -> None:
    from decimal import Decimal

    from areas.selectors import policy_get
    from exits.policy import POVERTY_LINE
    from tests.factories import set_policy

    # given: the province's line for 2019; the county official on the county's policy page
    set_policy(county.province, {POVERTY_LINE.name: "3747"}, year=2019)
    login(page, "county_official")
    page.goto(f"{page.base_url}/areas/{county.county.code}/policy/")
    lines = page.locator(f"[data-testid=policy-yearly][data-key='{POVERTY_LINE.name}']")
    assert lines.locator(
        "[data-testid=policy-year][data-year='2019'] [data-testid=policy-source]"
    ).inner_text() == (county.province.name)

    # when: the 2020 line, with the document it follows
    form = lines.locator("[data-testid=policy-year-form]")
    form.get_by_label("年度").fill("2020")
    form.get_by_label("扶贫标准（元/人·年）", exact=False).first.fill("4000.5")
    form.get_by_label("依据").fill("国家扶贫标准（现价）")
    with page.expect_navigation():
        form.locator("[data-testid=policy-year-save]").click()
    assert policy_get(POVERTY_LINE, county.village_a1, year=2020) == Decimal("4000.50")
    lines = page.locator(f"[data-testid=policy-yearly][data-key='{POVERTY_LINE.name}']")
    row = lines.locator("[data-testid=policy-year][data-year='2020']")
    assert row.locator("[data-testid=policy-source]").inner_text() == "本区域"
    assert "国家扶贫标准（现价）" in row.inner_text()
    screenshot(page, "policy-yearly")

    # when: the county lets its 2020 line go
    with page.expect_navigation():
        row.locator("[data-testid=policy-year-remove]").click()

    # then: no line for 2020 (not 2019's), and the province's 2019 line still shown
    assert policy_get(POVERTY_LINE, county.village_a1, year=2020) is None
    assert page.locator("[data-testid=policy-year][data-year='2020']").count() == 0
    assert page.locator("[data-testid=policy-year][data-year='2019']").count() == 1
