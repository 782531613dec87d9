"""Errors inside nested lists come back as field paths (`members[0].sex`) with the message in the caller's
language, in the one API error format, never as a Python repr of the nested structure."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from core.api.errors import error_paths
from funds.models import DeclaredTotal
from households.models import Household
from tests.households.conftest import person

pytestmark = pytest.mark.django_db

URL = "/api/households/households/"


def _member(**changes: Any) -> dict[str, Any]:
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in person().items()}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _register(client: Any, members: list[dict[str, Any]], language: str | None = None) -> Any:
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    body = {"village": client.village, "main_cause": "illness", "members": members}
    return client.post(URL, body, format="json", **headers)


@pytest.fixture
def staff(county: Any, api: Any) -> Any:
    client = api(county.staff_a)
    client.village = county.village_a1.pk
    return client


def assert_no_repr(body: dict[str, Any]) -> None:
    messages = [m for ms in body["errors"].values() for m in ms] + [body["detail"]]
    for message in messages:
        assert "ErrorDetail" not in message
        assert "{" not in message


def test_a_member_without_sex_and_birth_date_is_named_by_path_in_chinese(staff: Any) -> None:
    # given a second member with neither sex nor birth date
    members = [_member(), _member(relation="spouse", sex=None, birth_date=None)]
    members[1].pop("sex", None)
    members[1].pop("birth_date", None)

    # when
    response = _register(staff, members)

    # then
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == "invalid"
    assert body["errors"]["members[1].sex"] == ["该字段是必填项。"]
    assert body["errors"]["members[1].birth_date"] == ["该字段是必填项。"]
    assert not any(key.startswith("members[0]") for key in body["errors"])
    assert body["detail"] == "该字段是必填项。"
    assert_no_repr(body)
    assert not Household.objects.exists()


def test_the_same_error_in_english(staff: Any) -> None:
    member = _member()
    member.pop("sex")
    response = _register(staff, [member], language="en")

    body = response.json()
    assert response.status_code == 400
    assert body["errors"] == {"members[0].sex": ["This field is required."]}
    assert body["detail"] == "This field is required."
    assert not Household.objects.exists()


def test_a_bad_choice_in_a_member_names_the_value(staff: Any) -> None:
    response = _register(staff, [_member(health="not-a-health")], language="zh-hans")

    body = response.json()
    assert list(body["errors"]) == ["members[0].health"]
    assert "not-a-health" in body["errors"]["members[0].health"][0]
    assert "不是合法选项" in body["errors"]["members[0].health"][0]
    assert_no_repr(body)


def test_a_declared_total_with_a_bad_part(county: Any, api: Any) -> None:
    client = api(county.county_official)
    body_in = {
        "area": county.county.pk,
        "year": 2018,
        "title": "专项扶贫资金",
        "declared_amount": "398568400.00",
        "parts": [{"label": "中央和省级", "amount": "235710400.00"}, {"label": "", "amount": "12,5"}],
    }

    for language, required, invalid in (("zh-hans", "该字段不能为空。", "金额"), ("en", "blank", "amount")):
        response = client.post(
            "/api/funds/declared-totals/", body_in, format="json", HTTP_ACCEPT_LANGUAGE=language
        )
        body = response.json()
        assert response.status_code == 400, body
        assert set(body["errors"]) == {"parts[1].label", "parts[1].amount"}
        assert required in body["errors"]["parts[1].label"][0]
        assert invalid in body["errors"]["parts[1].amount"][0].lower()
        assert_no_repr(body)
    assert not DeclaredTotal.objects.exists()


def test_paths_from_every_nesting_shape() -> None:
    # DRF many=True: one entry per item; DRF ListField and Django: a dict keyed by index
    assert error_paths({"members": [{}, {"sex": ["required"]}]}) == {"members[1].sex": ["required"]}
    assert error_paths({"members": {0: {"sex": ["required"]}}}) == {"members[0].sex": ["required"]}
    assert error_paths({"a": {"b": [{"c": ["x", "y"]}]}}) == {"a.b[0].c": ["x", "y"]}
    assert error_paths(["whole"]) == {"non_field_errors": ["whole"]}
    django = ValidationError({"members[0].id_number": ["bad"], "village": ValidationError("choose")})
    assert error_paths(django) == {"members[0].id_number": ["bad"], "village": ["choose"]}
    assert error_paths(ValidationError(["one", "two"])) == {"non_field_errors": ["one", "two"]}
