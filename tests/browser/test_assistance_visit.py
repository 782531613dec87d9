"""A first secretary, on a phone, logs a visit with a follow-up and sees it on the household page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from assistance.choices import FollowUpStatusChoices
from assistance.models import FollowUp, Visit
from core import clock
from tests.assistance.conftest import make_cadre, pair
from tests.factories import make_household, make_member
from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_first_secretary_logs_a_visit_with_a_follow_up_on_a_phone(phone_page: Any, county: Any) -> None:
    # given: a registered household of 折桥村 with its cadre, and an earlier promise still open
    household = make_household(county.village_a1, members=0)
    make_member(household, relation="head", name="马尕西木")
    pair(household, make_cadre(county.town_a, name="何建华"), start=dt.date(2023, 4, 1))
    today = clock.today()
    earlier = Visit.objects.create(
        household=household,
        visited_on=today - dt.timedelta(days=20),
        visitor=county.secretary_a1,
        findings="缺饲草",
    )
    promise = FollowUp.objects.create(
        household=household, visit=earlier, description="送饲草料", due_date=today - dt.timedelta(days=2)
    )
    pg = phone_page

    # when: sign in, open the visit list from the menu, find the household, log the visit
    login(pg, "secretary_a1")
    pg.locator(".navbar-toggler").click()
    pg.locator("#mainnav").get_by_text("帮扶", exact=True).click()
    pg.locator("#mainnav").get_by_text("走访", exact=True).click()
    pg.locator("[data-testid=household-list]").get_by_text("马尕西木").click()
    pg.locator("[data-testid=log-visit]").click()
    form = pg.locator("[data-testid=visit-form]")
    assert "送饲草料" in form.inner_text()  # the open follow-up is offered
    form.get_by_label("送饲草料").check()
    pg.fill("#id_findings", "饲草料已送到，牛羊长势好")
    pg.fill("#id_needs", "想扩大养殖规模")
    pg.fill("#id_follow_up_1", "协助申请扶贫小额信贷")
    pg.fill("#id_follow_up_1_due", (today + dt.timedelta(days=14)).isoformat())
    screenshot(pg, "assistance-phone-visit-form")
    with pg.expect_navigation():
        pg.locator("[data-testid=save-visit]").click()

    # then: the visit and the new promise are on the household's assistance page
    assert "走访记录已保存" in pg.content()
    assert "协助申请扶贫小额信贷" in pg.locator("[data-testid=open-follow-ups]").inner_text()
    assert "饲草料已送到" in pg.locator("[data-testid=recent-visits]").inner_text()
    promise.refresh_from_db()
    assert promise.status == FollowUpStatusChoices.DONE

    # and on the registry's household page, through the assistance panel
    pg.goto(pg.base_url + reverse("households:detail", args=[household.pk]))
    panel = pg.locator("[data-testid=assistance-panel]")
    panel.wait_for()
    assert "何建华" in panel.inner_text()
    assert "协助申请扶贫小额信贷" in panel.locator("[data-testid=open-follow-ups]").inner_text()
    assert "饲草料已送到" in panel.inner_text()
    panel.scroll_into_view_if_needed()
    screenshot(pg, "assistance-phone-household-page")
