"""One scoping mechanism, failing closed, for every list and detail endpoint and page."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.http import Http404
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import User
from accounts.roles import Capability, RoleChoices
from areas.models import Area
from core.scoping import ensure_can, object_area
from households.models import Household
from tests.factories import make_household, make_user

pytestmark = pytest.mark.django_db


def test_users_without_areas_and_anonymous_users_see_nothing(county: Any) -> None:
    # given
    nobody = make_user(RoleChoices.COUNTY_OFFICIAL)
    from django.contrib.auth.models import AnonymousUser

    # then
    assert Area.objects.visible_to(nobody).count() == 0
    assert Area.objects.visible_to(AnonymousUser()).count() == 0
    assert Area.objects.visible_to(User(is_superuser=True, is_active=True)).count() == Area.objects.count()


def test_township_user_sees_only_their_township(county: Any) -> None:
    # given
    make_household(county.village_a1)
    make_household(county.village_b1)

    # when
    areas = set(Area.objects.visible_to(county.staff_b).values_list("name", flat=True))
    households = Household.objects.visible_to(county.staff_b)

    # then
    assert areas == {"枹罕镇", "王坪村", "江牌村"}
    assert [h.village.name for h in households] == ["王坪村"]


def test_inactive_user_sees_nothing(county: Any) -> None:
    county.staff_a.is_active = False
    assert Area.objects.visible_to(county.staff_a).count() == 0


def test_writes_outside_the_area_are_404_and_wrong_role_is_403(county: Any) -> None:
    household = make_household(county.village_a1)

    with pytest.raises(Http404):
        ensure_can(county.staff_b, Capability.EDIT_REGISTRY, household)
    with pytest.raises(PermissionDenied):
        ensure_can(county.viewer, Capability.EDIT_REGISTRY, household)
    ensure_can(county.staff_a, Capability.EDIT_REGISTRY, household)  # allowed: no exception


def test_area_api_and_pages_hide_other_townships(county: Any, api: Any, web: Any) -> None:
    # when
    listed = api(county.staff_b).get("/api/areas/areas/").json()["results"]
    other = api(county.staff_b).get(f"/api/areas/areas/{county.village_a1.code}/")
    page_other = web(county.staff_b).get(f"/areas/{county.village_a1.code}/")
    page_own = web(county.staff_b).get(f"/areas/{county.village_b1.code}/")

    # then
    assert {row["code"] for row in listed} == {
        county.town_b.code,
        county.village_b1.code,
        county.village_b2.code,
    }
    assert other.status_code == 404
    assert page_other.status_code == 404
    assert page_own.status_code == 200


def _list_endpoints() -> list[tuple[str, Any]]:
    """Every DRF list route in the URLconf, with its viewset class."""
    found: list[tuple[str, Any]] = []

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                actions = getattr(pattern.callback, "actions", None) or {}
                route = prefix + str(pattern.pattern)
                if actions.get("get") == "list" and "<" not in route and "format" not in route:
                    found.append(("/" + route.replace("^", "").replace("$", ""), pattern.callback.cls))

    walk(get_resolver().url_patterns, "")
    return found


def test_every_api_endpoint_and_detail_page_is_scoped(api: Any, client: Any) -> None:
    """Across the demo county, a township user gets only their township's rows from every list
    endpoint, and 404 for another township's row on every detail endpoint and detail page."""
    # given: the demo county with data in every module
    call_command("seed_demo", "--households", "300", "--seed", "7", verbosity=0)
    user = User.objects.get(username="fuhan")
    prefix = user.scope_prefixes[0]
    client = api(user)
    endpoints = _list_endpoints()
    assert len(endpoints) >= 1
    checked_models = []

    for url, viewset in endpoints:
        model = viewset.queryset.model
        lookup = getattr(viewset, "lookup_field", "pk")
        lookup = "id" if lookup == "pk" else lookup
        # when
        response = client.get(url, {"page_size": 500})
        # then
        assert response.status_code == 200, url
        rows = response.json()["results"]
        keys = [row[lookup] for row in rows]
        objects = model._default_manager.filter(**{f"{lookup}__in": keys})
        for obj in objects:
            area = object_area(obj)
            assert area is not None, (url, obj)
            assert area.code.startswith(prefix), (url, obj)
        outside = model._default_manager.exclude(pk__in=model.objects.visible_to(user).values("pk")).first()
        if outside is not None:
            detail = client.get(f"{url}{getattr(outside, lookup)}/")
            assert detail.status_code == 404, (url, detail.status_code)
            checked_models.append(model.__name__)
    assert "Area" in checked_models

    # Detail pages are found through get_absolute_url on every scoped model.
    client.force_login(user)
    pages_checked = []
    for model in _scoped_models_with_pages():
        visible = model._default_manager.visible_to(user)
        inside = visible.first()
        outside = model._default_manager.exclude(pk__in=visible.values("pk")).first()
        if inside is not None:
            assert client.get(inside.get_absolute_url()).status_code == 200, inside.get_absolute_url()
        if outside is not None:
            assert client.get(outside.get_absolute_url()).status_code == 404, outside.get_absolute_url()
            pages_checked.append(model._meta.label)
    assert "areas.Area" in pages_checked


OUR_APPS = set(settings.PROJECT_APPS)


def _scoped_models_with_pages() -> list[Any]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
        and hasattr(model, "scope_path")
        and hasattr(model._default_manager, "visible_to")
        and hasattr(model, "get_absolute_url")
    ]
