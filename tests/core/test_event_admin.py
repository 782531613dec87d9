"""The admin's change events (pghistory's events admin) mask personal fields through core.masking."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.urls import reverse
from pghistory.models import Events

from accounts.models import User
from core.audit import audit_context
from core.history_admin import MaskedEventsAdmin
from core.masking import mask_id_number, mask_phone
from households.models import Member
from tests.factories import make_household

pytestmark = pytest.mark.django_db

OLD_PHONE = "13912345678"
NEW_PHONE = "13787654321"


@pytest.fixture
def member(county: Any) -> Member:
    household = make_household(county.village_a1)
    head = household.members.get()
    with audit_context(county.staff_a):
        Member.objects.filter(pk=head.pk).update(phone=OLD_PHONE)
        Member.objects.filter(pk=head.pk).update(phone=NEW_PHONE)
    head.refresh_from_db()
    return head


def test_the_events_admin_is_the_masked_one() -> None:
    assert isinstance(admin.site._registry[Events], MaskedEventsAdmin)


def test_a_superuser_reads_member_events_in_the_admin_without_full_id_numbers_or_phones(
    member: Member, client: Any
) -> None:
    # given: a member whose phone changed twice, and a superuser in the admin
    client.force_login(User.objects.create_superuser("root-admin", password="pw-123456-test"))
    events = list(Events.objects.tracks(member).order_by("pgh_created_at"))
    assert len(events) == 3  # the insert and the two updates
    changelist = reverse("admin:pghistory_events_changelist")
    pages = [changelist, f"{changelist}?obj=households.Member:{member.pk}"]
    pages += [reverse("admin:pghistory_events_change", args=[quote(e.pgh_slug)]) for e in events]

    for url in pages:
        # when
        response = client.get(url)
        # then: every page renders, with the values masked as the record page masks them
        assert response.status_code == 200, url
        text = response.content.decode()
        for full in (member.id_number, OLD_PHONE, NEW_PHONE):
            assert full not in text, (url, full)
    insert_page = client.get(pages[2]).content.decode()
    assert mask_id_number(member.id_number) in insert_page
    update_page = client.get(pages[-1]).content.decode()
    assert mask_phone(OLD_PHONE) in update_page
    assert mask_phone(NEW_PHONE) in update_page
    assert "个人信息已遮蔽" in update_page  # the masked columns are labelled in Chinese
