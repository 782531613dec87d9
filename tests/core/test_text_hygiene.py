"""Names, payees and other person fields refuse control characters, direction overrides (U+202E) and
names with nothing visible in them, through one cleaner (core.text) used by the services, so the API,
the pages and the import refuse the same values; business dates refuse years before
settings.EARLIEST_YEAR (core.dates), with a message in Chinese."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from assistance.models import Cadre
from funds.models import Disbursement
from households.cleaners import clean_name
from households.models import Household, Member
from supervision.models import Complaint
from tests.factories import make_household
from tests.funds.conftest import build_money
from tests.households.conftest import person

pytestmark = pytest.mark.django_db

BAD_NAMES = [
    ("马建\u202e国", "方向控制字符"),  # RIGHT-TO-LEFT OVERRIDE: 马建国 would read 马建 + reversed text
    ("\u2066马建国\u2069", "方向控制字符"),  # isolates
    ("马建\x1b国", "控制字符"),
    ("马建国\n王五", "控制字符"),
    ("\u3164\u3164", "不可见字符"),  # Hangul filler: looks like a blank name
    ("\u200b\u200d ", "不可见字符"),
]


@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_the_one_cleaner_refuses_hidden_and_reordering_characters(name: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_name(name)
    assert message in caught.value.messages[0]


def test_ordinary_names_pass_the_cleaner() -> None:
    assert clean_name("  马建国 ") == "马建国"
    assert clean_name("阿卜杜拉·买买提") == "阿卜杜拉·买买提"
    assert clean_name("ئابدۇ\u200cللا") == "ئابدۇ\u200cللا"  # a joiner inside a visible name is writing


@pytest.mark.parametrize(("name", "message"), BAD_NAMES[:1] + BAD_NAMES[4:5])
def test_registering_through_the_api_refuses_the_name_and_writes_nothing(
    county: Any, api: Any, name: str, message: str
) -> None:
    member = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in person(name=name).items()}

    response = api(county.staff_a).post(
        "/api/households/households/",
        {"village": county.village_a1.pk, "main_cause": "illness", "members": [member]},
        format="json",
    )

    assert response.status_code == 400
    assert any(message in text for texts in response.json()["errors"].values() for text in texts)
    assert not Household.objects.exists()
    assert not Member.objects.exists()


def test_a_payee_with_an_override_is_refused_for_the_payee(county: Any, api: Any) -> None:
    money = build_money(county)

    response = api(money.official).post(
        "/api/funds/disbursements/",
        {
            "funding": money.funding.pk,
            "amount": "100.00",
            "paid_on": "2024-06-01",
            "voucher_number": "记-1",
            "payee": "临夏\u202e司公限有",
            "idempotency_key": "k-bidi",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "方向控制字符" in response.json()["errors"]["payee"][0]
    assert not Disbursement.objects.exists()


def test_a_payment_dated_before_2000_is_refused_with_a_chinese_message(county: Any, api: Any) -> None:
    money = build_money(county)

    response = api(money.official).post(
        "/api/funds/disbursements/",
        {
            "funding": money.funding.pk,
            "amount": "100.00",
            "paid_on": "0224-06-01",
            "voucher_number": "记-1",
            "payee": "马建国",
            "idempotency_key": "k-year",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "2000" in response.json()["errors"]["paid_on"][0]
    assert "输入错误" in response.json()["errors"]["paid_on"][0]
    assert not Disbursement.objects.exists()


def test_the_earliest_year_is_a_setting(county: Any, api: Any, settings: Any) -> None:
    money = build_money(county)
    settings.EARLIEST_YEAR = 2025

    response = api(money.official).post(
        "/api/funds/disbursements/",
        {
            "funding": money.funding.pk,
            "amount": "100.00",
            "paid_on": "2024-06-01",
            "voucher_number": "记-1",
            "payee": "马建国",
            "idempotency_key": "k-setting",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "2025" in response.json()["errors"]["paid_on"][0]


def test_a_complainant_and_a_visit_date_on_the_pages_and_api(county: Any, api: Any) -> None:
    client = api(county.county_official)

    response = client.post(
        "/api/supervision/complaints/",
        {
            "area": county.village_a1.code,
            "kind": "wrong_inclusion",
            "content": "反映某户家有轿车仍为贫困户",
            "received_on": "1999-12-31",
            "channel": "online",
            "complainant": "张\u202e三",
        },
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "方向控制字符" in errors["complainant"][0]
    assert "2000" in errors["received_on"][0]
    assert not Complaint.objects.exists()


def test_a_cadre_name_of_fillers_is_refused(county: Any, api: Any) -> None:
    response = api(county.staff_a).post(
        "/api/assistance/cadres/",
        {"name": "\u3164", "unit": "县农业农村局", "area": county.town_a.code},
        format="json",
    )

    assert response.status_code == 400
    assert "不可见字符" in response.json()["errors"]["name"][0]
    assert not Cadre.objects.exists()


def test_a_payment_before_2000_and_a_bidi_payee_on_the_page(county: Any, web: Any) -> None:
    money = build_money(county)

    response = web(money.official).post(
        f"/funds/payments/new/?project={money.project.pk}",
        {
            "funding": money.funding.pk,
            "amount": "100.00",
            "paid_on": "1999-12-31",
            "voucher_number": "记-1",
            "payee": "马\u202e建国",
            "idempotency_key": "page-key",
        },
    )

    body = response.content.decode()
    assert "1999-12-31 像是输入错误" in body
    assert "方向控制字符" in body
    assert not Disbursement.objects.exists()


def test_an_income_year_past_the_bound_names_the_bound(county: Any, api: Any) -> None:
    household = make_household(county.village_a1)

    response = api(county.staff_a).post(
        f"/api/households/households/{household.pk}/income/", {"year": 40000}, format="json"
    )

    assert response.status_code == 400
    assert "2100" in response.json()["errors"]["year"][0]
