"""Values a request cannot mean are a 400 with a message for the field, never a server error, and
nothing is written: an income year past the database's range, a reversal reusing another payment's
key, NUL bytes in any query or form value, JSON nested far too deep (also to the anonymous public
lookup), and letters where a page expects a record id in its address."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from funds.models import Disbursement
from funds.services import disbursement_record
from households.models import IncomeRecord
from tests.factories import make_household
from tests.funds.conftest import build_money

pytestmark = pytest.mark.django_db


# -- years ----------------------------------------------------------------------------------------


def test_an_income_year_of_40000_is_a_field_error_in_the_api(county: Any, api: Any) -> None:
    household = make_household(county.village_a1)

    response = api(county.staff_a).post(
        f"/api/households/households/{household.pk}/income/",
        {"year": 40000, "wage_income": "1000.00"},
        format="json",
    )

    assert response.status_code == 400
    assert "year" in response.json()["errors"]
    assert not IncomeRecord.objects.filter(household=household).exists()


def test_an_income_year_of_40000_is_a_field_error_on_the_page(county: Any, web: Any) -> None:
    household = make_household(county.village_a1)

    response = web(county.staff_a).post(
        f"/households/{household.pk}/income/",
        {
            "year": "40000",
            "wage_income": "1000",
            "production_income": "0",
            "property_income": "0",
            "transfer_income": "0",
            "production_costs": "0",
        },
    )

    assert response.status_code in (200, 400)  # the form again, with the message next to the year
    body = response.content.decode()
    assert "年份" in body
    assert "2013" in body
    assert not IncomeRecord.objects.filter(household=household).exists()


# -- a reversal with another payment's key ----------------------------------------------------------


def test_a_reversal_with_another_payments_key_is_refused_for_the_key(county: Any, api: Any) -> None:
    money = build_money(county)
    first = disbursement_record(
        funding=money.funding,
        amount="100.00",
        paid_on=money.today,
        voucher_number="记-1",
        payee="马建国",
        idempotency_key="key-first",
        user=money.official,
    )
    second = disbursement_record(
        funding=money.funding,
        amount="200.00",
        paid_on=money.today,
        voucher_number="记-2",
        payee="马建国",
        idempotency_key="key-second",
        user=money.official,
    )

    response = api(money.official).post(
        f"/api/funds/disbursements/{second.pk}/reverse/",
        {"reason": "凭证号录错", "idempotency_key": first.idempotency_key},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["idempotency_key"]
    assert Disbursement.objects.count() == 2  # no reversal written


# -- NUL bytes ------------------------------------------------------------------------------------


def test_a_nul_in_the_public_notices_query_is_a_400(db: Any, client: Any) -> None:
    response = client.get("/funds/public/notices/?county=%00")

    assert response.status_code == 400
    body = response.content.decode()
    assert "“county”含有空字符" in body


def test_a_nul_in_any_page_form_value_is_a_400_and_nothing_is_written(county: Any, web: Any) -> None:
    household = make_household(county.village_a1)

    response = web(county.staff_a).post(
        f"/households/{household.pk}/income/",
        {"year": "2024", "wage_income": "1000\x00", "production_income": "0"},
    )

    assert response.status_code == 400
    assert "wage_income" in response.content.decode()
    assert not IncomeRecord.objects.filter(household=household).exists()


def test_a_nul_in_an_api_query_or_json_body_is_a_400_in_the_api_shape(county: Any, api: Any) -> None:
    client = api(county.staff_a)
    household = make_household(county.village_a1)

    query = client.get("/api/households/households/?q=%00")
    body = client.post(
        f"/api/households/households/{household.pk}/income/",
        '{"year": 2024, "wage_income": "1\\u0000"}',
        content_type="application/json",
    )

    assert query.status_code == 400
    assert query.json()["errors"] == {"q": [query.json()["detail"]]}
    assert body.status_code == 400
    assert "空字符" in body.json()["detail"]
    assert not IncomeRecord.objects.filter(household=household).exists()


# -- JSON nesting ---------------------------------------------------------------------------------

DEEP = "[" * 200_000 + "]" * 200_000


def test_json_nested_200000_deep_to_the_anonymous_public_lookup_is_a_400(db: Any) -> None:
    response = APIClient().post("/api/funds/public-lookup/", DEEP, content_type="application/json")

    assert response.status_code == 400
    assert "32" in response.json()["detail"]  # settings.JSON_MAX_DEPTH, named in the message


def test_json_nested_200000_deep_to_any_api_endpoint_is_a_400(county: Any, api: Any) -> None:
    household = make_household(county.village_a1)
    body = '{"year": 2024, "notes": ' + DEEP + "}"

    response = api(county.staff_a).post(
        f"/api/households/households/{household.pk}/income/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert "层" in response.json()["detail"]  # in Chinese: nested more than N levels
    assert not IncomeRecord.objects.filter(household=household).exists()


def test_brackets_inside_strings_do_not_count_and_the_limit_is_a_setting(
    county: Any, api: Any, settings: Any
) -> None:
    household = make_household(county.village_a1)
    client = api(county.staff_a)
    url = f"/api/households/households/{household.pk}/income/"

    quoted = client.post(url, {"year": 2024, "notes": "[" * 1000}, format="json")
    settings.JSON_MAX_DEPTH = 2
    nested = client.post(url, {"year": 2024, "extra": [[["x"]]]}, format="json")

    assert quoted.status_code != 400 or "层" not in quoted.json()["detail"]
    assert nested.status_code == 400
    assert "2" in nested.json()["detail"]


def test_the_offline_sync_refuses_deep_json_before_decoding(county: Any, api: Any) -> None:
    from core.inputs import JSONRefused, json_loads_bounded

    with pytest.raises(JSONRefused):
        json_loads_bounded(DEEP, 6)
    assert json_loads_bounded('{"a": "[[[[[[[["}', 1) == {"a": "[[[[[[[["}
    assert json_loads_bounded('["\\\\u0000"]', 3) == ["\\u0000"]  # an escaped backslash, not a NUL


# -- ids in the address ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "url", "param"),
    [
        ("county_official", "/dashboards/targets/?edit=abc", "edit"),
        ("county_official", "/funds/payments/new/?project=1;drop", "project"),
        ("county_official", "/supervision/problems/new/?inspection=%E4%B8%80", "inspection"),
    ],
)
def test_a_non_numeric_id_in_the_address_is_a_400_naming_it(
    county: Any, web: Any, user: str, url: str, param: str
) -> None:
    response = web(getattr(county, user)).get(url)

    assert response.status_code == 400
    body = response.content.decode()
    assert f"“{param}”" in body
    assert 'data-testid="main-nav"' in body  # the site's layout with its way back


def test_a_numeric_id_outside_the_area_is_still_a_404(county: Any, web: Any) -> None:
    response = web(county.county_official).get("/funds/payments/new/?project=999999")
    assert response.status_code == 404
