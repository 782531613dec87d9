"""Every response carries the Content-Security-Policy and Permissions-Policy of the settings
(core.headers.SecurityHeadersMiddleware): pages, the API, error pages; Redoc's page its narrower
exception."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from core.headers import policy_with

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, str]:
    parts = (part.strip().partition(" ") for part in header.split(";"))
    return {name: value for name, _, value in parts if name}


def _assert_default_headers(response: Any) -> None:
    csp = _directives(response.headers["Content-Security-Policy"])
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["default-src"] == "'self'"
    permissions = response.headers["Permissions-Policy"]
    assert "camera=(self)" in permissions  # the offline app's photos
    assert "geolocation=()" in permissions
    assert "microphone=()" in permissions


def test_a_page_carries_both_policies(county: Any, web: Any) -> None:
    response = web(county.staff_a).get("/")
    assert response.status_code == 200
    _assert_default_headers(response)


def test_the_login_page_and_the_api_carry_both_policies(client: Any, api: Any, county: Any) -> None:
    login = client.get("/login/")
    assert login.status_code == 200
    _assert_default_headers(login)
    api_response = api(county.staff_a).get("/api/areas/areas/")
    assert api_response.status_code == 200
    _assert_default_headers(api_response)
    refused = client.get("/api/areas/areas/")  # a 401/403 from DRF too
    assert refused.status_code in (401, 403)
    _assert_default_headers(refused)


def test_the_404_page_carries_both_policies(county: Any, web: Any) -> None:
    response = web(county.staff_a).get("/no-such-page/")
    assert response.status_code == 404
    assert b"error-page" in response.content or b"404" in response.content
    _assert_default_headers(response)


def test_a_county_adjusts_the_policies_in_settings(county: Any, web: Any, settings: Any) -> None:
    settings.CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' https://tiles.example.gov.cn"
    settings.PERMISSIONS_POLICY = "camera=(), geolocation=(self)"
    response = web(county.staff_a).get("/")
    assert response.headers["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert response.headers["Permissions-Policy"] == "camera=(), geolocation=(self)"
    settings.CONTENT_SECURITY_POLICY = ""
    assert "Content-Security-Policy" not in web(county.staff_a).get("/").headers


def test_redoc_narrows_only_what_its_library_needs(county: Any, web: Any) -> None:
    response = web(county.staff_a).get("/api/redoc/")
    assert response.status_code == 200
    csp = _directives(response.headers["Content-Security-Policy"])
    assert csp["style-src"] == "'self' 'unsafe-inline'"
    assert csp["worker-src"] == "'self' blob:"
    assert csp["script-src"] == "'self'"  # still no inline script
    assert {k: v for k, v in csp.items() if k not in ("style-src", "worker-src")} == {
        k: v
        for k, v in _directives(settings.CONTENT_SECURITY_POLICY).items()
        if k not in ("style-src", "worker-src")
    }


def test_swagger_ui_runs_without_inline_script(county: Any, web: Any) -> None:
    response = web(county.staff_a).get("/api/docs/")
    assert response.status_code == 200
    _assert_default_headers(response)
    body = response.content.decode()
    assert "<script>" not in body.replace(" ", "")


def test_policy_with_replaces_and_adds_directives() -> None:
    assert (
        policy_with(
            "default-src 'self'; style-src 'self'", style_src="'self' 'unsafe-inline'", worker_src="blob:"
        )
        == "default-src 'self'; style-src 'self' 'unsafe-inline'; worker-src blob:"
    )


def test_django_rest_frameworks_own_pages_may_hold_styles_but_no_inline_script(
    client: Any, county: Any, web: Any
) -> None:
    # The browsable API (HTML of an API endpoint) and its login page set style="" (floats, widths).
    browsable = web(county.staff_a).get("/api/areas/areas/", HTTP_ACCEPT="text/html")
    assert browsable.status_code == 200
    assert b"<html" in browsable.content
    client.logout()
    login = client.get("/api/auth/login/")
    assert login.status_code == 200
    for response in (browsable, login):
        csp = _directives(response.headers["Content-Security-Policy"])
        assert csp["style-src"] == "'self' 'unsafe-inline'"
        assert csp["script-src"] == "'self'"
    # the JSON of the same endpoint keeps the site's policy
    assert web(county.staff_a).get("/api/areas/areas/").headers["Content-Security-Policy"] == (
        settings.CONTENT_SECURITY_POLICY
    )
