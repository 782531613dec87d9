"""On a phone, the person responsible finds an overdue problem in the ledger and records progress."""

from __future__ import annotations

from typing import Any

import pytest

from core import clock
from supervision.choices import ProblemCategoryChoices, ProblemStatusChoices
from supervision.models import Problem
from supervision.services import problem_create
from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_person_responsible_records_progress_on_a_phone(phone_page: Any, county: Any, days_pass: Any) -> None:
    # given: a problem for 折桥镇's staff member, due today; five days go by
    problem = problem_create(
        user=county.county_official,
        area=county.village_a1,
        category=ProblemCategoryChoices.ASSISTANCE,
        description="折桥村部分贫困户明白卡信息与系统不一致",
        responsible_unit="折桥镇人民政府",
        responsible_person=county.staff_a,
        deadline=clock.today(),
    )
    days_pass(5)

    # when
    login(phone_page, "staff_a")
    phone_page.goto(phone_page.base_url + "/supervision/")
    row = phone_page.locator("[data-testid=problem-table] tr.table-danger")
    assert "已逾期" in row.inner_text()
    row.get_by_role("link").click()
    phone_page.fill("textarea[name=note]", "已逐户核对并更新明白卡")
    phone_page.click("text=记录整改进展")

    # then
    phone_page.wait_for_selector("[data-testid=follow-ups] >> text=已逐户核对并更新明白卡")
    assert "整改中" in phone_page.locator("[data-testid=problem-status]").inner_text()
    screenshot(phone_page, "supervision-phone-problem")
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatusChoices.RECTIFYING
