"""The funds API: decimals as strings in and out, idempotent payments, insert-only ledger, scope and
roles, query counts, and the public lookup."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from core.models import SensitiveAccess
from funds.models import Allocation, Disbursement, Notice, Project
from funds.services import disbursement_record

pytestmark = pytest.mark.django_db


def _payment_body(money: Any, **overrides: Any) -> dict:
    body = {
        "funding": money.funding.pk,
        "amount": "1234.56",
        "paid_on": "2024-06-01",
        "voucher_number": "记-2024-0001",
        "payee": "临夏市路桥建设有限公司",
        "idempotency_key": "api-key-1",
    }
    body.update(overrides)
    return body


def test_amounts_are_decimal_strings_in_and_out(county: Any, money: Any, api: Any) -> None:
    # when
    response = api(money.official).post(
        "/api/funds/allocations/",
        {
            "source": money.source.pk,
            "year": 2024,
            "document_number": "临市财农〔2024〕2号",
            "document_date": "2024-04-01",
            "amount": "1234567.89",
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "1234567.89"
    assert response.json()["amount_wan"] == "123.46"
    assert Allocation.objects.get(pk=response.json()["id"]).amount == Decimal("1234567.89")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (1234.56, "JSON number"),
        (100, "JSON number"),
        ("12.345", "two decimal places"),
        ("1,234", "such as"),
        ("-5", "greater than zero"),
    ],
)
def test_floats_and_garbage_are_refused_clearly_and_nothing_is_recorded(
    money: Any, api: Any, amount: Any, message: str
) -> None:
    # when
    response = api(money.official).post(
        "/api/funds/disbursements/", _payment_body(money, amount=amount), format="json"
    )
    # then
    assert response.status_code == 400
    assert message in response.json()["errors"]["amount"][0]
    assert Disbursement.objects.count() == 0
    assert Project.objects.get(pk=money.project.pk).paid_total == Decimal("0.00")


def test_errors_come_in_chinese_by_default(money: Any, api: Any) -> None:
    response = api(money.official).post(
        "/api/funds/disbursements/",
        _payment_body(money, amount=12.5),
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.json()["errors"]["amount"] == [
        "金额请以十进制文本发送，例如“1234.50”，不要用 JSON 数字。"
    ]


def test_a_double_submit_records_one_payment(money: Any, api: Any) -> None:
    client = api(money.official)
    # when
    first = client.post("/api/funds/disbursements/", _payment_body(money), format="json")
    second = client.post("/api/funds/disbursements/", _payment_body(money), format="json")
    # then
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["amount"] == "1234.56"
    assert Disbursement.objects.count() == 1
    assert Project.objects.get(pk=money.project.pk).paid_total == Decimal("1234.56")


def test_the_key_can_come_in_a_header(money: Any, api: Any) -> None:
    client = api(money.official)
    body = _payment_body(money)
    body.pop("idempotency_key")
    client.post("/api/funds/disbursements/", body, format="json", HTTP_IDEMPOTENCY_KEY="hdr-1")
    again = client.post("/api/funds/disbursements/", body, format="json", HTTP_IDEMPOTENCY_KEY="hdr-1")
    assert again.status_code == 200
    assert Disbursement.objects.count() == 1


def test_overpaying_is_refused_with_the_balance(money: Any, api: Any) -> None:
    response = api(money.official).post(
        "/api/funds/disbursements/", _payment_body(money, amount="100000.01"), format="json"
    )
    assert response.status_code == 400
    assert "100,000.00" in response.json()["errors"]["amount"][0]
    assert Disbursement.objects.count() == 0


def test_payments_cannot_be_edited_or_deleted_only_reversed(money: Any, api: Any) -> None:
    # given
    client = api(money.official)
    payment = client.post("/api/funds/disbursements/", _payment_body(money), format="json").json()
    url = f"/api/funds/disbursements/{payment['id']}/"
    # when
    put = client.put(url, _payment_body(money, amount="1.00"), format="json")
    patch = client.patch(url, {"amount": "1.00"}, format="json")
    delete = client.delete(url)
    reverse = client.post(f"{url}reverse/", {"reason": "凭证号录错"}, format="json")
    # then
    assert (put.status_code, patch.status_code, delete.status_code) == (405, 405, 405)
    assert reverse.status_code == 201
    assert reverse.json()["amount"] == "-1234.56"
    assert reverse.json()["reverses"] == payment["id"]
    assert client.get(url).json()["reversed_by"] == reverse.json()["id"]
    assert Project.objects.get(pk=money.project.pk).paid_total == Decimal("0.00")


def test_a_reversal_under_another_payments_key_is_a_400_not_a_server_error(money: Any, api: Any) -> None:
    # given: two payments
    client = api(money.official)
    first, second = (
        client.post(
            "/api/funds/disbursements/", _payment_body(money, idempotency_key=k), format="json"
        ).json()
        for k in ("pay-a", "pay-b")
    )
    # when: the second is reversed under the first payment's key
    response = client.post(
        f"/api/funds/disbursements/{second['id']}/reverse/",
        {"reason": "录错", "idempotency_key": "pay-a"},
        format="json",
    )
    # then: a clear refusal on the key, nothing written
    assert response.status_code == 400
    assert "already used for a different payment" in response.json()["errors"]["idempotency_key"][0]
    assert not Disbursement.objects.filter(reverses__in=[first["id"], second["id"]]).exists()


def test_a_repeated_reversal_answers_200_with_the_same_reversal(money: Any, api: Any) -> None:
    client = api(money.official)
    payment = client.post("/api/funds/disbursements/", _payment_body(money), format="json").json()
    url = f"/api/funds/disbursements/{payment['id']}/reverse/"
    first = client.post(url, {"reason": "录错"}, format="json", HTTP_IDEMPOTENCY_KEY="rev-h")
    again = client.post(url, {"reason": "录错"}, format="json", HTTP_IDEMPOTENCY_KEY="rev-h")
    other = client.post(url, {"reason": "录错"}, format="json", HTTP_IDEMPOTENCY_KEY="rev-other")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.content == again.content
    assert other.status_code == 400
    assert "already been reversed" in str(other.json())
    assert Disbursement.objects.filter(reverses_id=payment["id"]).count() == 1


def test_township_staff_propose_but_cannot_approve_or_pay(county: Any, money: Any, api: Any) -> None:
    client = api(county.staff_a)
    created = client.post(
        "/api/funds/projects/",
        {
            "area": county.town_a.pk,
            "name": "折桥村道路",
            "category": money.positive.pk,
            "year": 2024,
            "budget": "5000.00",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "proposed"
    approve = client.post(
        f"/api/funds/projects/{created.json()['id']}/transition/", {"status": "approved"}, format="json"
    )
    assert approve.status_code == 403
    pay = client.post("/api/funds/disbursements/", _payment_body(money), format="json")
    assert pay.status_code == 403
    approved = api(county.county_official).post(
        f"/api/funds/projects/{created.json()['id']}/transition/", {"status": "approved"}, format="json"
    )
    assert approved.json()["status"] == "approved"


def test_other_townships_see_nothing_of_the_project(county: Any, money: Any, api: Any) -> None:
    client = api(county.staff_b)
    assert client.get(f"/api/funds/projects/{money.project.pk}/").status_code == 404
    assert client.get("/api/funds/projects/").json()["results"] == []
    assert client.get(f"/api/funds/households/{money.household.pk}/receipts/").status_code == 404


def test_notice_with_a_phone_number_is_refused(county: Any, money: Any, api: Any) -> None:
    response = api(county.staff_a).post(
        "/api/funds/notices/",
        {
            "project": money.project.pk,
            "kind": "payment",
            "title": "资金公示",
            "body": "马建国 13912345678 3000元",
            "starts_on": "2024-06-01",
            "ends_on": "2024-06-07",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "phone" in response.json()["errors"]["body"][0]
    assert Notice.objects.count() == 0


def test_reports_answer_in_yuan_and_wan_as_strings(money: Any, api: Any) -> None:
    api(money.official).post(
        "/api/funds/disbursements/", _payment_body(money, amount="12345.00"), format="json"
    )
    body = api(money.official).get("/api/funds/reports/execution/", {"by": "source"}).json()
    assert body["total"] == {
        "key": "total",
        "label": body["total"]["label"],
        "allocated": "100000.00",
        "allocated_wan": "10.00",
        "paid": "12345.00",
        "paid_wan": "1.23",
        "balance": "87655.00",
        "rate": "12.35",
    }


def test_household_receipts_endpoint(county: Any, money: Any, api: Any) -> None:
    disbursement_record(
        funding=money.funding,
        amount="800.00",
        paid_on=money.today,
        voucher_number="v",
        payee="p",
        household=money.household,
        idempotency_key="h1",
        user=money.official,
    )
    body = api(county.staff_a).get(f"/api/funds/households/{money.household.pk}/receipts/").json()
    assert body["total"] == "800.00"
    assert [p["amount"] for p in body["payments"]] == ["800.00"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/funds/disbursements/",
        "/api/funds/projects/",
        "/api/funds/allocations/",
        "/api/funds/fundings/",
        "/api/funds/notices/",
        "/api/funds/declared-totals/",
        "/api/funds/sources/",
        "/api/funds/projects/categories/",
        "/api/funds/reports/execution/?by=project",
        "/api/funds/reports/execution/?by=township",
        "/api/funds/reports/reconciliation/",
        "/api/funds/households/{household}/receipts/",
    ],
)
def test_list_endpoints_do_not_query_per_row(
    county: Any, money: Any, api: Any, django_assert_max_num_queries: Any, url: str
) -> None:
    # given: many rows
    for i in range(15):
        disbursement_record(
            funding=money.funding,
            amount="10.00",
            paid_on=money.today,
            voucher_number=f"v{i}",
            payee="p",
            household=money.household,
            idempotency_key=f"q{i}",
            user=money.official,
        )
    client = api(money.official)
    url = url.format(household=money.household.pk)
    # then
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200


def test_public_lookup_shows_only_a_masked_record_and_is_logged(money: Any) -> None:
    # given
    head = money.household.head
    disbursement_record(
        funding=money.funding,
        amount="2000.00",
        paid_on=money.today,
        voucher_number="v",
        payee=head.name,
        household=money.household,
        idempotency_key="pl1",
        user=money.official,
    )
    client = APIClient()
    # when
    found = client.post(
        "/api/funds/public-lookup/", {"id_number": head.id_number, "name": head.name}, format="json"
    )
    wrong = client.post(
        "/api/funds/public-lookup/", {"id_number": head.id_number, "name": "别人"}, format="json"
    )
    # then
    body = found.json()
    assert found.status_code == 200
    assert body["total"] == "2000.00"
    assert head.id_number not in found.content.decode()
    assert body["head"] != head.name
    assert body["head"][0] == head.name[0]
    assert wrong.status_code == 404
    # and: both attempts logged with the county of issue only (core.masking.mask_id_region)
    region = head.id_number[:6] + "*" * (len(head.id_number) - 6)
    assert sorted(
        SensitiveAccess.objects.filter(what="funds.public_lookup").values_list("detail", flat=True)
    ) == [f"found {region}", f"not found {region}"]


def test_public_lookup_is_rate_limited(money: Any) -> None:
    client = APIClient()
    statuses = [
        client.post("/api/funds/public-lookup/", {"id_number": "x", "name": "y"}, format="json").status_code
        for _ in range(7)
    ]
    assert statuses[:5] == [404] * 5
    assert statuses[5:] == [429, 429]


def test_a_made_up_forwarded_address_does_not_escape_the_limit_and_refusals_are_logged(money: Any) -> None:
    # given: one client that sends a new X-Forwarded-For with every request (no proxy is configured)
    client = APIClient()
    # when: seven lookups, the last two on the page instead of the API (one shared budget)
    statuses = [
        client.post(
            "/api/funds/public-lookup/",
            {"id_number": "x", "name": "y"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}",
        ).status_code
        for i in range(6)
    ]
    page = Client().post(
        "/funds/public/lookup/", {"id_number": "x", "name": "y"}, HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    # then: still limited after five, and each refusal is logged like a lookup
    assert statuses == [404] * 5 + [429]
    assert page.status_code == 429
    logged = SensitiveAccess.objects.filter(what="funds.public_lookup")
    assert logged.count() == 7
    assert logged.filter(detail__startswith="refused").count() == 2


def test_a_garbled_version_or_year_gets_a_clear_400_and_changes_nothing(money: Any, api: Any) -> None:
    client = api(money.official)
    # when
    patched = client.patch(
        f"/api/funds/allocations/{money.allocation.pk}/", {"note": "改", "version": "abc"}, format="json"
    )
    report = client.get("/api/funds/reports/execution/?by=year&year=20x4")
    # then
    assert patched.status_code == 400
    assert "whole number" in patched.json()["errors"]["version"][0]
    assert report.status_code == 400
    assert "2024" in report.json()["errors"]["year"][0]
    assert Allocation.objects.get(pk=money.allocation.pk).note == ""


def test_an_allocation_is_corrected_with_its_version_and_never_below_what_is_assigned(
    money: Any, api: Any
) -> None:
    client = api(money.official)
    url = f"/api/funds/allocations/{money.allocation.pk}/"
    version = client.get(url).json()["version"]
    # when
    too_low = client.patch(url, {"amount": "99999.99", "version": version}, format="json")
    corrected = client.patch(url, {"amount": "150000.00", "note": "追加", "version": version}, format="json")
    stale = client.patch(url, {"note": "旧版本", "version": version}, format="json")
    # then
    assert too_low.status_code == 400
    assert corrected.status_code == 200
    assert corrected.json()["amount"] == "150000.00"
    assert stale.status_code == 409
    assert Allocation.objects.get(pk=money.allocation.pk).note == "追加"


def test_correcting_an_allocation_to_a_document_number_already_recorded_is_refused(
    money: Any, api: Any
) -> None:
    # given: a second allocation of the same source
    client = api(money.official)
    second = client.post(
        "/api/funds/allocations/",
        {
            "source": money.source.pk,
            "year": 2024,
            "document_number": "临市财农〔2024〕2号",
            "document_date": "2024-04-01",
            "amount": "10.00",
        },
        format="json",
    ).json()
    # when: it is corrected to the first one's document number, or to a future date
    clash = client.patch(
        f"/api/funds/allocations/{second['id']}/",
        {"document_number": money.allocation.document_number, "version": second["version"]},
        format="json",
    )
    future = client.patch(
        f"/api/funds/allocations/{second['id']}/",
        {"document_date": "2999-01-01", "version": second["version"]},
        format="json",
    )
    # then: clear 400s (not a server error), and the allocation is as it was
    assert clash.status_code == 400
    assert "already recorded" in clash.json()["errors"]["document_number"][0]
    assert future.status_code == 400
    assert "future" in future.json()["errors"]["document_date"][0]
    stored = Allocation.objects.get(pk=second["id"])
    assert (stored.document_number, stored.version) == ("临市财农〔2024〕2号", second["version"])
