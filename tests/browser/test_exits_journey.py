"""A first secretary proposes a household's exit, each step is signed by the right people, the county
approves: the household's status and the village's poverty incidence change."""

from __future__ import annotations

from typing import Any

import pytest

from exits.models import ExitProcedure
from households.choices import HouseholdStatusChoices
from tests.exits.builders import YEAR, ready_household, set_line
from tests.factories import set_population
from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign(page: Any, step: str, comment: str = "") -> None:
    form = page.locator(f"[data-testid=sign-{step}]")
    if comment:
        form.locator("input[name=comment]").fill(comment)
    with page.expect_navigation():
        form.locator("button").click()
    assert page.locator(".alert-success").count() == 1, page.locator(".alert").all_inner_texts()


def _switch_user(page: Any, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)


def test_exit_is_proposed_signed_and_approved(page: Any, county: Any, days_pass: Any) -> None:
    # given: a registered household of 4 that meets every exit condition, in a village of 100 people
    set_line(county.county)
    set_population(county.village_a1, YEAR, 100)
    household = ready_household(county.village_a1, members=4)
    login(page, "secretary_a1")

    # when: the first secretary proposes the exit from the household's page
    page.goto(f"{page.base_url}/households/{household.pk}/")
    panel = page.locator("[data-testid=exits-panel]")
    assert "符合" in panel.inner_text()
    with page.expect_navigation():
        panel.get_by_role("button", name="提出退出").click()
    assert page.locator("[data-testid=procedure-state]").inner_text() == "已提出"

    # and signs the village steps in order
    _sign(page, "village_verify")
    _sign(page, "democratic_review", "村民代表大会评议通过")
    _sign(page, "household_consent", "户主签字认可")
    _sign(page, "notice_start")
    assert page.locator("[data-testid=procedure-state]").inner_text() == "村内公示中"
    # the township step is there but not for a first secretary to sign
    procedure = ExitProcedure.objects.get(household=household)

    # given: seven days of public notice pass without objection (the server runs in this process, on
    # this clock)
    days_pass(7)
    page.reload()
    # a week without a request: the session has ended (30 idle minutes), the secretary signs in again
    assert "/login/" in page.url
    login(page, "secretary_a1")
    page.goto(f"{page.base_url}/exits/procedures/{procedure.pk}/")
    _sign(page, "notice_close")

    # when: the township reviews
    _switch_user(page, "staff_a")
    page.goto(f"{page.base_url}/exits/procedures/{procedure.pk}/")
    _sign(page, "township_review", "乡镇联合审核通过")

    # then: before the county approves, the village still counts the 4 people as poor
    _switch_user(page, "county_official")
    page.goto(f"{page.base_url}/exits/villages/?area={county.town_a.code}&year={YEAR}")
    assert page.locator(f"[data-testid=incidence-{county.village_a1.code}]").inner_text() == "4.00"

    # when: the county official approves and announces
    page.goto(f"{page.base_url}/exits/procedures/{procedure.pk}/")
    assert not page.locator("[data-testid=sign-township_review]").count()
    _sign(page, "county_approve", "县扶贫开发领导小组审定，予以公告")

    # then
    assert page.locator("[data-testid=procedure-state]").inner_text() == "县级已批准：已脱贫"
    assert page.locator("[data-testid=household-status]").inner_text() == "已脱贫"
    signoffs = page.locator("[data-testid=signoffs] li").all_inner_texts()
    assert len(signoffs) == 8
    assert "staff_a" in signoffs[6]
    assert "乡镇" in signoffs[6]  # signed in the township role
    assert "county_official" in signoffs[7]
    screenshot(page, "exits-procedure-approved")
    household.refresh_from_db()
    assert household.status == HouseholdStatusChoices.EXITED
    page.goto(f"{page.base_url}/exits/villages/?area={county.town_a.code}&year={YEAR}")
    assert page.locator(f"[data-testid=incidence-{county.village_a1.code}]").inner_text() == "0.00"
    screenshot(page, "exits-villages-after")


def test_phone_layout_of_a_procedure(phone_page: Any, county: Any) -> None:
    # given
    set_line(county.county)
    household = ready_household(county.village_a1)
    login(phone_page, "secretary_a1")

    # when
    phone_page.goto(f"{phone_page.base_url}/households/{household.pk}/")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="提出退出").click()

    # then: the sign button fits the screen
    button = phone_page.locator("[data-testid=sign-village_verify] button")
    box = button.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 390
    screenshot(phone_page, "exits-procedure-phone")
