"""The admin site serves system administrators with the same area scope as every other page."""

from typing import Any

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import RoleChoices
from areas.models import Area
from core.admin import ScopedAdmin
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_every_admin_list_loads_and_scoped_lists_show_only_the_admins_area(client: Any) -> None:
    # given: the demo county and a system administrator of one township (枹罕镇)
    call_command("seed_demo", "--households", "120", "--seed", "5", verbosity=0)
    township_admin = make_user(RoleChoices.SYSTEM_ADMIN, Area.objects.get(code="622901101000"))
    client.force_login(township_admin)
    scoped = 0

    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        # when
        response = client.get(url)
        # then: a list the role may open renders, and a scoped one holds only rows inside the township
        if response.status_code == 403:
            continue
        assert response.status_code == 200, url
        if isinstance(model_admin, ScopedAdmin):
            shown = set(response.context["cl"].queryset.values_list("pk", flat=True))
            allowed = set(model._default_manager.visible_to(township_admin).values_list("pk", flat=True))
            assert shown <= allowed, url
            scoped += 1
    assert scoped >= 10


def test_the_job_list_names_jobs_in_words_and_offers_no_job_form(county: Any, web: Any) -> None:
    from core.services import job_create

    job_create(kind="households.import", user=county.staff_a, area=county.town_a)
    superuser = make_user(RoleChoices.COUNTY_OFFICIAL, county.county, username="root")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    client = web(superuser)

    body = client.get("/admin/core/job/").content.decode()
    assert "农户导入" in body
    assert "households.import" not in body
    assert client.get("/admin/core/job/add/").status_code == 403
