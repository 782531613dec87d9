"""The exits admin only reads: the line, the rules and the standards change through the services."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from areas.models import PolicyValue
from exits.models import VillageStandard
from exits.policy import POVERTY_LINE
from tests.exits.builders import LINE, set_line

pytestmark = pytest.mark.django_db


def test_the_admin_cannot_delete_or_change_the_line_the_rules_or_a_standard(county: Any, client: Any) -> None:
    # given: a superuser in the admin
    set_line(county.county)
    line = PolicyValue.objects.get(key=POVERTY_LINE.name)
    settings_row = PolicyValue.objects.create(area=county.county, key="exits.notice_min_days", value=7)
    standard = VillageStandard.objects.create(county=county.county, title="通村道路硬化", position=1)
    client.force_login(User.objects.create_superuser("root-admin", password="pw-123456-test"))

    # when
    responses = [
        client.post(f"/admin/areas/policyvalue/{line.pk}/delete/", {"post": "yes"}),
        client.post(f"/admin/areas/policyvalue/{settings_row.pk}/delete/", {"post": "yes"}),
        client.post(f"/admin/exits/villagestandard/{standard.pk}/delete/", {"post": "yes"}),
        client.post(
            f"/admin/areas/policyvalue/{line.pk}/change/",
            {"area": county.county.pk, "key": line.key, "year": line.year, "value": '"1.00"'},
        ),
    ]

    # then: refused, and everything is still there as it was
    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert PolicyValue.objects.get(pk=line.pk).value == str(LINE)
    assert PolicyValue.objects.count() == 2
    assert VillageStandard.objects.count() == 1


def test_the_admin_lists_do_not_query_per_row(
    county: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    # given
    for year in range(2015, 2025):
        set_line(county.county, year=year)
    client.force_login(User.objects.create_superuser("root-admin", password="pw-123456-test"))

    # when / then
    with django_assert_max_num_queries(12):
        assert client.get("/admin/areas/policyvalue/").status_code == 200
