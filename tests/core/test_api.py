from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_valid_openapi_3(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    # --validate checks the document against the OpenAPI 3 JSON schema; --fail-on-warn makes any
    # endpoint drf-spectacular cannot describe a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    assert "/api/areas/areas/" in schema["paths"]


def test_swagger_ui_is_served_from_local_assets(county: Any, web: Any) -> None:
    body = web(county.staff_a).get("/api/docs/").content.decode()
    assert "swagger-ui" in body.lower()
    assert "cdn" not in body.lower()
    assert "https://" not in body


def test_anonymous_requests_are_refused(county: Any) -> None:
    response = APIClient().get("/api/areas/areas/")
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"detail", "code", "errors"}


def test_token_authentication(county: Any) -> None:
    from accounts.services import token_create

    _instance, token = token_create(user=county.staff_a)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/accounts/me/").json()["username"] == "staff_a"


def test_errors_come_in_the_callers_language(county: Any) -> None:
    client = APIClient()
    zh = client.get("/api/areas/areas/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["detail"]
    en = client.get("/api/areas/areas/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert en.startswith("Authentication credentials")
    assert zh != en
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)


def test_list_is_cursor_paginated(county: Any, api: Any) -> None:
    body = api(county.county_official).get("/api/areas/areas/", {"page_size": 2}).json()
    assert len(body["results"]) == 2
    assert "cursor=" in body["next"]
    second = api(county.county_official).get(body["next"]).json()
    assert not {r["code"] for r in second["results"]} & {r["code"] for r in body["results"]}


def test_a_page_holds_at_most_the_api_max_page_size(county: Any, api: Any, settings: Any) -> None:
    # given: the county's 9 areas visible to the county official, and a smaller cap
    settings.API_MAX_PAGE_SIZE = 3
    client = api(county.county_official)

    # when: a client asks for 100 rows a page
    asked = client.get("/api/areas/areas/", {"page_size": 100}).json()
    default = client.get("/api/areas/areas/").json()

    # then: it gets the cap, and the next page link; without asking, the usual page (all of them here)
    assert len(asked["results"]) == 3
    assert asked["next"]
    assert len(default["results"]) > 3
