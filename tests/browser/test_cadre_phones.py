"""A township clerk calls a household's responsible cadre from the household page; a prefecture viewer
reading the same page sees the number masked, and the household's printed card carries it in full."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.masking import mask_phone
from core.models import SensitiveAccess
from tests.assistance.conftest import make_cadre, pair
from tests.factories import make_household, make_member
from tests.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_calls_the_cadre_a_viewer_sees_the_number_masked_and_the_card_prints_it(
    page: Any, county: Any
) -> None:
    # given: a household of 折桥村 paired with its responsible cadre
    household = make_household(county.village_a1, members=0)
    make_member(household, relation="head", name="马尕西木")
    cadre = make_cadre(county.town_a, name="何建华")
    pair(household, cadre, start=dt.date(2023, 4, 1))
    pg = page

    # when: the township clerk opens the household's assistance page and then the cadre's page
    login(pg, "staff_a")
    pg.goto(f"{pg.base_url}/assistance/households/{household.pk}/")
    call = pg.locator("[data-testid=assistance-summary] a[href^='tel:']")
    # then: the number is a link to call
    assert call.inner_text() == cadre.phone
    pg.locator("[data-testid=active-cadre]").click()
    assert pg.locator("[data-testid=cadre-phone]").get_attribute("href") == f"tel:{cadre.phone}"
    assert SensitiveAccess.objects.filter(user=county.staff_a, what="full_phone").count() == 2

    # when: the prefecture viewer reads the same pages
    pg.context.clear_cookies()
    login(pg, "viewer")
    pg.goto(f"{pg.base_url}/assistance/cadres/{cadre.pk}/")
    # then: masked, no link; but the household's card prints its cadre's number
    assert pg.locator("[data-testid=cadre-phone]").inner_text() == mask_phone(cadre.phone)
    assert pg.locator("a[href^='tel:']").count() == 0
    pg.goto(f"{pg.base_url}/households/{household.pk}/card/")
    assert pg.locator("[data-testid=card-cadre-phone]").inner_text() == cadre.phone
