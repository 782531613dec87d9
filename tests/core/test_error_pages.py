"""403 and 404 with DEBUG off: the site's layout, Chinese by default, the reason and a way back; and
breadcrumbs that never link above the user's scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from tests.factories import make_household

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_the_sites_404_in_chinese(county: Any, web: Any) -> None:
    assert settings.DEBUG is False

    response = web(county.staff_a).get("/no-such-page/", HTTP_REFERER="http://testserver/households/")

    body = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="main-nav"' in body  # the menu: the user is still in the application
    assert "页面不存在，或不在您的管辖范围内" in body
    assert '<a class="btn btn-primary" href="/">返回我的工作</a>' in body
    assert 'href="http://testserver/households/">返回上一页</a>' in body
    assert "URLconf" not in body
    assert "Page not found" not in body


def test_a_record_outside_the_area_is_the_same_404(county: Any, web: Any) -> None:
    elsewhere = make_household(county.village_b1)
    response = web(county.staff_a).get(f"/households/{elsewhere.pk}/")
    assert response.status_code == 404
    assert "页面不存在，或不在您的管辖范围内" in response.content.decode()


def test_a_forbidden_page_says_why(county: Any, web: Any) -> None:
    # a prefecture viewer has no county whose rules to edit
    response = web(county.viewer).get("/exits/settings/", HTTP_REFERER="https://elsewhere.example/")

    body = response.content.decode()
    assert response.status_code == 403
    assert "您的角色无法打开此页面" in body
    reason = body[body.index('data-testid="error-reason">') :].split("<", 1)[0]
    assert "县" in reason
    assert "州/省督查人员" in body
    assert "elsewhere.example" not in body  # only this site's pages are offered as the way back
    assert 'data-testid="main-nav"' in body


def test_error_pages_in_english(county: Any, web: Any) -> None:
    client = web(county.staff_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/no-such-page/").content.decode()
    assert "This page does not exist, or it is outside your area" in body
    assert "Back to my work" in body


def test_signed_out_visitors_are_offered_the_sign_in(client: Any, db: Any) -> None:
    body = client.get("/no-such-page/").content.decode()
    assert '<a class="btn btn-primary" href="/login/">登录</a>' in body


@pytest.mark.parametrize("url", ["/areas/{county}/", "/dashboards/{county}/"])
def test_breadcrumbs_do_not_link_above_the_users_scope(county: Any, web: Any, url: str) -> None:
    body = web(county.county_official).get(url.format(county=county.county.code)).content.decode()
    crumbs = body[
        body.index('data-testid="breadcrumbs"') : body.index("</ol>", body.index('data-testid="breadcrumbs"'))
    ]
    assert "甘肃省" in crumbs
    assert "临夏回族自治州" in crumbs
    assert f"/{county.province.code}/" not in crumbs
    assert f"/{county.prefecture.code}/" not in crumbs
    assert 'aria-current="page">临夏市' in crumbs

    town = web(county.county_official).get(url.format(county=county.town_a.code)).content.decode()
    assert f'href="{url.format(county=county.county.code)}">临夏市</a>' in town
