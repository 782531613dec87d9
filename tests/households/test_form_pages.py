"""The household's form pages (edit, members, records): scoped, refusals on the form, done on the
household's page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from core import clock
from households.choices import RelationChoices

pytestmark = pytest.mark.django_db


def test_household_and_member_form_pages(county: Any, web: Any, register: Any) -> None:
    household = register()
    spouse = household.members.get(relation=RelationChoices.SPOUSE)
    outsider = Client()
    outsider.force_login(county.staff_b)
    client = web(county.staff_a)
    for url in (
        f"/households/{household.pk}/edit/",
        f"/households/{household.pk}/members/new/",
        f"/households/{household.pk}/income/",
        f"/households/{household.pk}/conditions/",
        f"/households/{household.pk}/four-looks/",
        f"/households/members/{spouse.pk}/edit/",
        f"/households/members/{spouse.pk}/leave/",
        f"/households/members/{spouse.pk}/move/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert page.context["household"] == household, url
        assert outsider.get(url).status_code == 404, url

    today = clock.today().isoformat()
    unknown = client.post(
        f"/households/members/{spouse.pk}/move/",
        {"to_number": "no-such-number", "reason": "marriage", "relation": "spouse", "moved_on": today},
    )
    assert unknown.status_code == 200
    assert 'data-testid="error-to_number"' in unknown.content.decode()
    left = client.post(f"/households/members/{spouse.pk}/leave/", {"reason": "death", "left_on": today})
    assert left.status_code == 302
    assert left["Location"] == f"/households/{household.pk}/"
    page = client.get(left["Location"]).content.decode()
    assert "该成员已减员，变动记录已保留。" in page
    assert not household.membership_periods.filter(member=spouse, left_on__isnull=True).exists()
