"""The history page in a browser: from a household's page, its changes in Chinese, in county time,
the phone masked for a cadre as the household's page masks it."""

from __future__ import annotations

from typing import Any

import pytest

from core.audit import audit_context
from core.masking import masked
from core.services import model_update
from households.choices import HouseholdStatusChoices
from tests.core.pagewalk import english_words
from tests.factories import make_household
from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"


def test_a_cadre_reads_a_households_history_from_its_page(page: Any, county: Any) -> None:
    # given: the township's clerk registered a candidate and then changed its phone and status
    county.staff_a.full_name = "马秀兰"
    county.staff_a.save()
    with audit_context(county.staff_a):
        household = make_household(county.village_a1, status=HouseholdStatusChoices.CANDIDATE)
        model_update(household, fields={"phone": PHONE, "status": HouseholdStatusChoices.REGISTERED})

    # when: the township's cadre opens the household and its change history
    login(page, "cadre_a")
    page.goto(page.base_url + f"/households/{household.pk}/")
    page.locator("[data-testid=audit-link]").click()
    table = page.locator("[data-testid=audit-table]")
    table.wait_for()
    text = table.inner_text()

    # then
    assert "新增" in text
    assert "修改" in text
    assert str(HouseholdStatusChoices.CANDIDATE.label) in text
    assert str(HouseholdStatusChoices.REGISTERED.label) in text
    assert english_words(text) == set(), english_words(text)
    assert masked(household, "phone", PHONE) in text
    assert PHONE not in page.content()
    screenshot(page, "history-household")
