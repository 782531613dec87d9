"""Admin, for a staff user granted the funds permissions: lists stay in the user's area without a
query per row, and the list keeper's area select box offers only areas in scope."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from areas.models import Area
from funds.models import Disbursement
from funds.services import disbursement_record

pytestmark = pytest.mark.django_db


def _admin_client(county: Any, web: Any) -> Any:
    user = county.county_admin
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="funds"))
    return web(user)


def test_the_category_area_box_offers_only_areas_in_scope(county: Any, money: Any, web: Any) -> None:
    # given: areas outside the admin's county exist (the prefecture and province above it)
    client = _admin_client(county, web)
    outside = Area.objects.exclude(pk__in=Area.objects.visible_to(county.county_admin).values("pk"))
    assert outside.exists()
    # when
    page = client.get("/admin/funds/projectcategory/add/").content.decode()
    # then
    box = re.search(r'<select name="area".*?</select>', page, re.S).group(0)
    offered = {int(pk) for pk in re.findall(r'<option value="(\d+)"', box)}
    assert offered
    assert offered <= set(Area.objects.visible_to(county.county_admin).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "url",
    [
        "/admin/funds/disbursement/",
        "/admin/funds/project/",
        "/admin/funds/projectfunding/",
        "/admin/funds/allocation/",
        "/admin/funds/declaredtotal/",
        "/admin/funds/projectcategory/",
        "/admin/funds/notice/",
        "/admin/funds/fundsource/",
    ],
)
def test_admin_lists_do_not_query_per_row(
    county: Any, money: Any, web: Any, url: str, django_assert_max_num_queries: Any
) -> None:
    # given: thirty payments
    for i in range(30):
        disbursement_record(
            funding=money.funding,
            amount="10.00",
            paid_on=money.today,
            voucher_number=f"v{i}",
            payee="p",
            household=money.household,
            idempotency_key=f"adm-{i}",
            user=money.official,
        )
    client = _admin_client(county, web)
    # when / then
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    assert Disbursement.objects.count() == 30
