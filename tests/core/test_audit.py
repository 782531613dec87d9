"""Every change of domain data is recorded by the database: who, when, old and new value."""

from typing import Any

import pytest

from areas.models import Area
from core.audit import audit_context, audit_events_for
from households.models import Household
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def test_bulk_update_is_audited_with_old_and_new_values(county: Any) -> None:
    # given
    first = make_household(county.village_a1, address="旧地址1")
    second = make_household(county.village_a1, address="旧地址2")

    # when: a queryset.update(), which model signals never see
    with audit_context(county.staff_a):
        Household.objects.filter(pk__in=[first.pk, second.pk]).update(address="新地址")

    # then
    for household, old in ((first, "旧地址1"), (second, "旧地址2")):
        latest = audit_events_for(household)[0]
        assert latest["action"] == "update"
        assert latest["changes"]["address"] == [old, "新地址"]
        assert latest["user"] == county.staff_a


def test_delete_is_audited(county: Any) -> None:
    area = Area.objects.create(code="622901103299", name="临时村", level="village", parent=county.town_a)
    pk = area.pk
    with audit_context(county.county_admin):
        Area.objects.filter(pk=pk).delete()
    from pghistory.models import Events

    deleted = Events.objects.filter(pgh_obj_model="areas.Area", pgh_obj_id=str(pk), pgh_label="delete")
    assert deleted.count() == 1


def test_changes_made_through_a_page_record_the_signed_in_user(county: Any, client: Any) -> None:
    # given: a superuser edits an area in the admin
    from accounts.models import User

    admin = User.objects.create_superuser("root-admin", password="pw-123456-test")
    client.force_login(admin)

    # when
    response = client.post(
        f"/admin/areas/area/{county.village_a1.pk}/change/",
        {"code": county.village_a1.code, "name": "折桥新村", "level": "village", "parent": county.town_a.pk},
    )

    # then
    assert response.status_code == 302
    event = audit_events_for(county.village_a1)[0]
    assert event["changes"]["name"] == ["折桥村", "折桥新村"]
    assert event["user"] == admin
    assert event["url"].startswith("/admin/")


def test_audit_page_shows_history_in_scope_and_404_outside(county: Any, web: Any) -> None:
    with audit_context(county.staff_a):
        Household.objects.filter(pk=make_household(county.village_a1, address="甲").pk).update(address="乙")
    household = Household.objects.get(address="乙")
    url = f"/audit/households/household/{household.pk}/"

    own = web(county.staff_a).get(url)
    assert own.status_code == 200
    assert "乙" in own.content.decode()
    assert web(county.staff_b).get(url).status_code == 404


def test_audit_tables_are_append_only(county: Any) -> None:
    from django.apps import apps
    from django.db import DatabaseError, transaction

    event_model = apps.get_model("areas", "AreaEvent")
    assert event_model.objects.exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        event_model.objects.all().update(name="篡改")
