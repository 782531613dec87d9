"""User management in the admin: a scoped administrator grants nothing they do not hold, never to
themselves, and only areas inside their own scope; users are deactivated, never deleted."""

from typing import Any

import pytest

from accounts.models import User
from accounts.roles import RoleChoices
from areas.choices import AreaLevelChoices
from tests.factories import make_area, make_household, make_user

pytestmark = pytest.mark.django_db


def _change(client: Any, user: User, **overrides: Any) -> Any:
    data = {
        "username": user.username,
        "is_active": "on",
        "full_name": user.full_name,
        "phone": user.phone,
        "unit": user.unit,
        "role": user.role,
        "areas_kept": [a.pk for a in user.areas.all()],
        "area_added": "",
    }
    data.update(overrides)
    return client.post(
        f"/admin/accounts/user/{user.pk}/change/", {k: v for k, v in data.items() if v is not None}
    )


@pytest.fixture
def other_county(county: Any) -> Any:
    other = make_area("622902000000", "东乡县", AreaLevelChoices.COUNTY, county.prefecture)
    town = make_area("622902101000", "锁南镇", AreaLevelChoices.TOWNSHIP, other)
    return make_area("622902101201", "锁南村", AreaLevelChoices.VILLAGE, town)


def test_a_scoped_administrator_cannot_make_themselves_superuser_or_change_their_role_or_areas(
    county: Any, web: Any, other_county: Any
) -> None:
    # given: the county's system administrator
    admin_user = county.county_admin
    client = web(admin_user)

    # when: they post superuser status, another role and a foreign area for themselves
    response = _change(
        client,
        admin_user,
        is_superuser="on",
        is_staff="on",
        role=RoleChoices.COUNTY_OFFICIAL,
        area_added=other_county.code,
        user_permissions=["1"],
        groups=["1"],
    )

    # then: none of it took
    assert response.status_code in (200, 302)
    admin_user.refresh_from_db()
    assert not admin_user.is_superuser
    assert admin_user.role == RoleChoices.SYSTEM_ADMIN
    assert list(admin_user.areas.all()) == [county.county]
    assert not admin_user.user_permissions.exists()


def test_a_scoped_administrator_grants_no_area_outside_their_scope_and_no_superuser(
    county: Any, web: Any, other_county: Any
) -> None:
    client = web(county.county_admin)
    staff = county.staff_a

    foreign = _change(client, staff, area_added=other_county.code)
    assert foreign.status_code == 200  # the form again, with the error
    assert other_county not in staff.areas.all()

    # superuser status is not a field they get: posting it changes nothing
    _change(client, staff, is_superuser="on")
    staff.refresh_from_db()
    assert not staff.is_superuser

    # a village of their own county is granted, through the service (an audited UserArea row)
    granted = _change(client, staff, area_added=county.village_b1.code)
    assert granted.status_code == 302
    assert set(staff.areas.all()) == {county.town_a, county.village_b1}


def test_the_user_page_uses_the_area_tree_and_chinese_words(county: Any, web: Any) -> None:
    client = web(county.county_admin)
    add = client.get("/admin/accounts/user/add/").content.decode()
    assert "First, enter a username" not in add
    assert "After you’ve created a user" not in add
    assert "保存后即可登录" in add
    assert "data-area-picker" in add
    assert "vForeignKeyRawIdAdminField" not in add
    change = client.get(f"/admin/accounts/user/{county.staff_a.pk}/change/").content.decode()
    assert "data-area-picker" in change
    assert "vForeignKeyRawIdAdminField" not in change
    assert 'name="user_permissions"' not in change
    assert 'name="is_superuser"' not in change


def test_a_user_is_created_with_role_and_scope_in_one_step(county: Any, web: Any, other_county: Any) -> None:
    client = web(county.county_admin)
    data = {
        "username": "new-cadre",
        "usable_password": "true",
        "password1": "Long-pass-2026-x",
        "password2": "Long-pass-2026-x",
        "full_name": "马新",
        "role": RoleChoices.CADRE,
        "area_added": county.town_b.code,
    }
    assert (
        client.post("/admin/accounts/user/add/", {**data, "area_added": other_county.code}).status_code == 200
    )
    assert not User.objects.filter(username="new-cadre").exists()

    response = client.post("/admin/accounts/user/add/", data)
    assert response.status_code == 302
    user = User.objects.get(username="new-cadre")
    assert list(user.areas.all()) == [county.town_b]
    assert not user.is_staff
    assert not user.is_superuser


def test_users_are_deactivated_not_deleted(county: Any, web: Any) -> None:
    client = web(county.county_admin)
    staff = county.staff_a
    assert client.get(f"/admin/accounts/user/{staff.pk}/delete/").status_code in (302, 403)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "deactivate", "_selected_action": [staff.pk, county.county_admin.pk]},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    county.county_admin.refresh_from_db()
    assert User.objects.filter(pk=staff.pk).exists()
    assert not staff.is_active
    assert county.county_admin.is_active  # nobody deactivates themselves


def test_a_township_administrator_does_not_see_users_who_reach_beyond_their_township(
    county: Any, web: Any
) -> None:
    township_admin = make_user(RoleChoices.SYSTEM_ADMIN, county.town_a)
    response = web(township_admin).get("/admin/accounts/user/")
    shown = set(response.context["cl"].queryset)
    assert county.staff_a in shown
    assert county.county_admin not in shown  # the county's administrator is above them
    assert county.staff_b not in shown


def test_a_scoped_administrator_cannot_widen_their_scope_through_the_area_admin(
    county: Any, web: Any, api: Any, other_county: Any
) -> None:
    # given: a household in another county, out of the county administrator's sight
    household = make_household(other_county)
    admin_user = county.county_admin
    client = web(admin_user)
    assert client.get(f"/households/{household.pk}/").status_code == 404

    # when: they make their county a province through the area admin
    client.post(
        f"/admin/areas/area/{county.county.pk}/change/",
        {"code": "620000000000", "name": county.county.name, "level": "province", "parent": ""},
    )

    # then: the area is what it was, and the other county's household is still out of sight
    county.county.refresh_from_db()
    assert (county.county.code, county.county.level) == ("622901000000", "county")
    fresh = User.objects.get(pk=admin_user.pk)
    assert web(fresh).get(f"/households/{household.pk}/").status_code == 404
    assert api(fresh).get(f"/api/households/{household.pk}/").status_code == 404
    assert client.get("/admin/areas/area/add/").status_code == 403


def test_an_area_level_must_fit_its_code(county: Any) -> None:
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from areas.models import Area

    county.county.level = AreaLevelChoices.PROVINCE
    with pytest.raises(ValidationError):
        county.county.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.filter(pk=county.county.pk).update(level=AreaLevelChoices.PROVINCE)


def test_a_raw_id_outside_the_scope_is_refused(county: Any, web: Any, other_county: Any) -> None:
    from areas.models import AreaPopulation

    response = web(county.county_admin).post(
        "/admin/areas/areapopulation/add/", {"area": other_county.pk, "year": 2025, "rural_population": 100}
    )
    assert response.status_code == 200
    assert not AreaPopulation.objects.filter(area=other_county).exists()


def test_the_change_history_admin_is_named_in_chinese(county: Any, client: Any) -> None:
    root = User.objects.create_superuser("root-x", password="pw-123456-test")
    client.force_login(root)
    page = client.get("/admin/").content.decode()
    assert "Pghistory" not in page
    assert "修改记录" in page
    assert ">Events<" not in page
