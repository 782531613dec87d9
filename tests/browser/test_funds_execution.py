"""A county official records an allocation, a project and a payment, and sees the execution rate
(拨付率) change."""

from __future__ import annotations

from typing import Any

import pytest

from funds.choices import FundKindChoices, FundLevelChoices, UseListChoices
from funds.models import Disbursement, ProjectCategory
from funds.services import fund_source_create
from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_official_records_money_and_sees_the_execution_rate_change(page: Any, county: Any) -> None:
    # given: the county's lists and a fund source
    ProjectCategory.objects.create(
        area=county.county,
        code="infrastructure",
        name="村组道路与基础设施",
        list_kind=UseListChoices.POSITIVE,
    )
    source = fund_source_create(
        area=county.county,
        name="中央财政专项扶贫资金",
        level=FundLevelChoices.CENTRAL,
        kind=FundKindChoices.SPECIAL,
        user=county.county_official,
    )
    login(page, "county_official")
    page.goto(page.base_url + "/funds/")
    assert page.locator("[data-testid=total-rate]").inner_text().strip() == "—"

    # when: an allocation of 200,000 yuan comes down
    page.goto(page.base_url + "/funds/allocations/new/")
    page.select_option("#id_source", str(source.pk))
    page.fill("#id_document_number", "临市财农〔2024〕5号")
    page.fill("#id_document_date", "2024-03-01")
    page.fill("#id_year", "2024")
    page.fill("#id_amount", "200000.00")
    page.click("text=保存")
    page.wait_for_url("**/funds/allocations/*/")

    # and: a county-wide road project is proposed and approved, and gets 100,000 yuan
    page.goto(page.base_url + "/funds/projects/new/")
    page.select_option("#id_area", str(county.county.pk))
    page.fill("#id_name", "王坪村通组道路硬化")
    page.select_option("#id_category", label="村组道路与基础设施")
    page.fill("#id_year", "2024")
    page.fill("#id_budget", "100000.00")
    page.click("text=保存")
    page.wait_for_url("**/funds/projects/*/")
    assert page.locator("[data-testid=project-status]").inner_text() == "已申报"
    page.click("[data-testid=transition-approved]")
    page.locator("[data-testid=project-status]").get_by_text("已批准").wait_for()
    page.select_option("[data-testid=fund-form] #id_allocation", index=1)
    page.fill("[data-testid=fund-form] #id_amount", "100000.00")
    page.click("[data-testid=fund-form] button")
    page.locator("[data-testid=project-allocated]").get_by_text("100,000.00").wait_for()
    assert page.locator("[data-testid=project-rate]").inner_text().strip() == "0.00%"

    # and: a payment of 25,000 yuan is recorded
    page.click("[data-testid=pay-link]")
    page.select_option("#id_funding", index=1)
    page.fill("#id_amount", "25000.00")
    page.fill("#id_paid_on", "2024-06-01")
    page.fill("#id_voucher_number", "记-2024-0031")
    page.fill("#id_payee", "临夏市路桥建设有限公司")
    page.click("text=保存")
    page.wait_for_url("**/funds/projects/*/")

    # then: the project is 25% paid, and the county 12.5% of what came down
    assert page.locator("[data-testid=project-rate]").inner_text().strip() == "25.00%"
    screenshot(page, "funds-project-rate")
    page.goto(page.base_url + "/funds/")
    assert page.locator("[data-testid=total-rate]").inner_text().strip() == "12.50%"
    assert "25.00%" in page.locator("[data-testid=township-table]").inner_text()
    screenshot(page, "funds-overview-rate")
    assert Disbursement.objects.count() == 1


def test_a_household_looks_up_its_subsidies_on_a_phone(phone_page: Any, county: Any) -> None:
    # given: a payment to a household of a funded project
    from tests.funds.conftest import build_money

    money = build_money(county)
    head = money.household.head
    from funds.services import disbursement_record

    disbursement_record(
        funding=money.funding,
        amount="3000.00",
        paid_on=money.today,
        voucher_number="记-2024-0040",
        payee=head.name,
        household=money.household,
        idempotency_key="phone-1",
        user=money.official,
    )

    # when: without signing in
    phone_page.goto(phone_page.base_url + "/funds/public/lookup/")
    phone_page.fill("#id_id_number", head.id_number)
    phone_page.fill("#id_name", head.name)
    phone_page.click("[data-testid=lookup-form] button")

    # then: only the masked record and the subsidy, on a page that fits the screen
    result = phone_page.locator("[data-testid=lookup-result]")
    result.wait_for()
    assert "3,000.00" in result.inner_text()
    assert head.id_number not in phone_page.content()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone_page, "funds-public-lookup-phone")
