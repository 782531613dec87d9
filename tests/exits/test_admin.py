"""The exits admin only reads: the line, the rules and the standards change through the services."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from areas.models import PolicyValue
from exits.models import PovertyLine, VillageStandard
from tests.exits.builders import LINE, set_line

pytestmark = pytest.mark.django_db


def test_the_admin_cannot_delete_or_change_the_line_the_rules_or_a_standard(county: Any, client: Any) -> None:
    # given: a superuser in the admin
    line = set_line(county.county)
    settings_row = PolicyValue.objects.create(area=county.county, key="exits.notice_min_days", value=7)
    standard = VillageStandard.objects.create(county=county.county, title="通村道路硬化", position=1)
    client.force_login(User.objects.create_superuser("root-admin", password="pw-123456-test"))

    # when
    responses = [
        client.post(f"/admin/exits/povertyline/{line.pk}/delete/", {"post": "yes"}),
        client.post(f"/admin/areas/policyvalue/{settings_row.pk}/delete/", {"post": "yes"}),
        client.post(f"/admin/exits/villagestandard/{standard.pk}/delete/", {"post": "yes"}),
        client.post(
            f"/admin/exits/povertyline/{line.pk}/change/",
            {"county": county.county.pk, "year": line.year, "amount": "1.00"},
        ),
    ]

    # then: refused, and everything is still there as it was
    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert PovertyLine.objects.get().amount == LINE
    assert PolicyValue.objects.count() == VillageStandard.objects.count() == 1


def test_the_admin_lists_do_not_query_per_row(
    county: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    # given
    for year in range(2015, 2025):
        set_line(county.county, year=year)
    client.force_login(User.objects.create_superuser("root-admin", password="pw-123456-test"))

    # when / then
    with django_assert_max_num_queries(12):
        assert client.get("/admin/exits/povertyline/").status_code == 200
