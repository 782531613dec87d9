"""A township user registers a household with two members on a phone, fixes the ID number the form
rejected, and finds the household in the list."""

from __future__ import annotations

from typing import Any

import pytest

from households.models import Household
from tests.helpers import login, screenshot
from tests.households.conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_two_members_fix_a_rejected_id_and_find_the_household(phone_page: Any, county: Any) -> None:
    # given
    page = phone_page
    head = person(name="马海军")
    wife = person("spouse", name="苏桂英", female=True)
    typo = wife["id_number"][:-1] + ("1" if wife["id_number"][-1] != "1" else "2")
    login(page, "staff_a")

    # when: the form is filled with a mistyped ID number for the second member
    page.goto(page.base_url + "/households/new/")
    page.select_option("#id_village", str(county.village_a1.pk))
    page.select_option("#id_main_cause", "illness")
    page.fill("#id_address", "折桥村三社12号")
    for index, (member, number) in enumerate(((head, head["id_number"]), (wife, typo))):
        prefix = f"#id_members-{index}-"
        page.fill(prefix + "name", member["name"])
        page.fill(prefix + "id_number", number)
        page.select_option(prefix + "relation", member["relation"])
        page.select_option(prefix + "sex", member["sex"])
        page.fill(prefix + "birth_date", member["birth_date"].isoformat())
    page.click("button[type=submit]:has-text('登记')")

    # then: the form says what is wrong, next to the right member, and keeps everything typed
    error = page.locator("[data-testid=member-1] [data-testid=error-id_number]")
    error.wait_for()
    assert "校验位" in error.inner_text()
    assert page.input_value("#id_members-0-name") == "马海军"
    assert Household.objects.count() == 0
    error.scroll_into_view_if_needed()
    page.locator("[data-testid=member-1]").screenshot(
        path=str(screenshot(page, "households-register-error-phone"))
    )

    # when: the number is corrected
    page.fill("#id_members-1-id_number", wife["id_number"])
    page.click("button[type=submit]:has-text('登记')")
    page.wait_for_url(lambda url: "/households/new/" not in url)

    # then: the household page shows both members, masked
    household = Household.objects.get()
    members = page.locator("[data-testid=member-table]").inner_text()
    assert "马海军" in members
    assert "苏桂英" in members
    assert wife["id_number"] not in members
    screenshot(page, "households-detail-phone")

    # and it is found in the list by name
    page.goto(page.base_url + "/households/")
    page.fill("#id_q", "马海")
    page.locator("[data-testid=filter-form] button[type=submit]").click()
    page.wait_for_url(lambda url: "q=" in url)
    table = page.locator("[data-testid=household-table]").inner_text()
    assert household.number in table
    assert "马海军" in table
    screenshot(page, "households-list-phone")


def test_the_id_number_fills_birth_and_sex_and_errors_are_summed_up_with_links(
    page: Any, county: Any
) -> None:
    # given
    head = person(name="马海军")
    wife = person("spouse", name="苏桂英", female=True)
    typo = wife["id_number"][:-1] + ("1" if wife["id_number"][-1] != "1" else "2")
    login(page, "staff_a")
    page.goto(page.base_url + "/households/new/")
    page.select_option("#id_village", str(county.village_a1.pk))
    page.select_option("#id_main_cause", "illness")

    # when: only names, relations and ID numbers are typed
    page.fill("#id_members-0-name", head["name"])
    page.fill("#id_members-0-id_number", head["id_number"])
    page.fill("#id_members-1-name", wife["name"])
    page.select_option("#id_members-1-relation", "spouse")
    page.fill("#id_members-1-id_number", typo)

    # then: the head's birth date and sex come from the number; the typo is flagged at once
    assert page.input_value("#id_members-0-birth_date") == head["birth_date"].isoformat()
    assert page.input_value("#id_members-0-sex") == "male"
    assert "已根据身份证号填写出生日期和性别" in page.locator("[data-testid=member-0]").inner_text()
    assert "校验位" in page.locator("[data-testid=member-1]").inner_text()

    # when: saved anyway
    page.click("button[type=submit]:has-text('登记')")

    # then: one summary at the top links to each field in error, which is outlined
    summary = page.locator("[data-testid=error-summary]")
    summary.wait_for()
    assert "尚未保存任何内容" in summary.inner_text()
    assert "有 2 处需要修改" in summary.inner_text()  # the mistyped number gave no sex or birth date
    summary.get_by_role("link", name="第 2 位成员 · 性别").click()
    assert page.url.endswith("#id_members-1-sex")
    assert "is-invalid" in (page.get_attribute("#id_members-1-sex", "class") or "")
    assert page.get_attribute("#id_members-1-birth_date", "aria-invalid") == "true"
    assert page.input_value("#id_members-0-birth_date") == head["birth_date"].isoformat()  # nothing lost
    assert Household.objects.count() == 0
    screenshot(page, "households-register-error-summary")
