"""Cadres' and users' phones are declared personal fields (core.masking): in full for those who
organise the work (manage_assistance; administer for user accounts) and for the person themselves,
logged; masked on every output path for a colleague cadre and the oversight roles; printed in full on
the household's own card, which exists to give the household its cadre's number."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.admin.utils import quote
from django.urls import reverse
from pghistory.models import Events

from accounts.models import User
from assistance.models import Cadre
from core.audit import audit_context
from core.masking import mask_phone
from core.models import SensitiveAccess
from tests.assistance.conftest import make_cadre, pair
from tests.factories import make_household
from tests.helpers import pages_hiding

CADRE_PHONE = "13955556666"
USER_PHONE = "13811112222"

pytestmark = pytest.mark.django_db


@pytest.fixture
def phones(county: Any) -> SimpleNamespace:
    cadre = make_cadre(county.town_a, name="王二")
    household = make_household(county.village_a1)
    with audit_context(county.staff_a):
        Cadre.objects.filter(pk=cadre.pk).update(phone=CADRE_PHONE)
        User.objects.filter(pk=county.staff_a.pk).update(phone=USER_PHONE)
    cadre.refresh_from_db()
    pair(household, cadre)
    return SimpleNamespace(household=household, cadre=cadre, account=county.staff_a)


def _paths(p: Any) -> list[str]:
    return [
        "/assistance/cadres/",
        f"/assistance/cadres/{p.cadre.pk}/",
        f"/assistance/households/{p.household.pk}/",
        f"/households/{p.household.pk}/",
        f"/audit/assistance/cadre/{p.cadre.pk}/",
        f"/audit/accounts/user/{p.account.pk}/",
        "/api/assistance/cadres/",
        f"/api/assistance/cadres/{p.cadre.pk}/",
    ]


@pytest.mark.parametrize("role", ["cadre_a", "viewer"])
def test_a_colleague_cadre_and_an_oversight_viewer_never_see_a_work_phone_in_full(
    county: Any, phones: Any, client: Any, role: str
) -> None:
    # given: a cadre of the township (not the one paired) and a prefecture viewer
    user = getattr(county, role)
    client.force_login(user)

    # when / then
    seen = pages_hiding(client, _paths(phones), [CADRE_PHONE, USER_PHONE])
    assert seen >= 6
    assert not SensitiveAccess.objects.filter(user=user).exists()
    cadre_page = client.get(f"/assistance/cadres/{phones.cadre.pk}/").content.decode()
    assert mask_phone(CADRE_PHONE) in cadre_page


def test_township_staff_see_a_cadres_phone_in_full_on_its_page_and_api_and_it_is_logged(
    county: Any, phones: Any, web: Any, api: Any
) -> None:
    page = web(county.staff_a).get(f"/assistance/cadres/{phones.cadre.pk}/").content.decode()
    served = api(county.staff_a).get(f"/api/assistance/cadres/{phones.cadre.pk}/").json()

    assert f'href="tel:{CADRE_PHONE}"' in page
    assert served["phone"] == CADRE_PHONE
    logged = SensitiveAccess.objects.filter(
        user=county.staff_a, what="full_phone", object_id=str(phones.cadre.pk)
    )
    assert sorted(r.detail.split()[0] for r in logged) == ["api", "page"]
    # the list masks for everyone (each full view is a logged read of one record)
    listed = web(county.staff_a).get("/assistance/cadres/").content.decode()
    assert CADRE_PHONE not in listed
    assert mask_phone(CADRE_PHONE) in listed


def test_a_cadre_sees_their_own_phone(county: Any, web: Any) -> None:
    own = make_cadre(county.town_a, name="马一", user=county.cadre_a)
    page = web(county.cadre_a).get(f"/assistance/cadres/{own.pk}/").content.decode()
    assert own.phone in page


def test_the_household_card_prints_its_cadres_phone_for_whoever_prints_it_and_logs_it(
    county: Any, phones: Any, web: Any
) -> None:
    # given: a colleague cadre, who sees the number masked everywhere else
    card = web(county.cadre_a).get(f"/households/{phones.household.pk}/card/").content.decode()

    assert CADRE_PHONE in card
    row = SensitiveAccess.objects.get(user=county.cadre_a)
    assert (row.what, row.detail, row.object_id) == ("full_phone", "household_card", str(phones.cadre.pk))


def test_the_admin_masks_cadre_phones_and_administrators_keep_user_phones_logged(
    county: Any, phones: Any, client: Any
) -> None:
    root = User.objects.create_superuser("root-admin", password="pw-123456-test")
    client.force_login(root)
    events = list(Events.objects.tracks(phones.cadre)) + list(Events.objects.tracks(phones.account))
    changelist = reverse("admin:pghistory_events_changelist")
    masked_pages = [
        "/admin/assistance/cadre/",
        f"/admin/assistance/cadre/{phones.cadre.pk}/change/",
        changelist,
        f"{changelist}?obj=assistance.Cadre:{phones.cadre.pk}",
        f"{changelist}?obj=accounts.User:{phones.account.pk}",
        *[reverse("admin:pghistory_events_change", args=[quote(e.pgh_slug)]) for e in events],
    ]
    for url in masked_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert CADRE_PHONE not in text, url
        assert USER_PHONE not in text, url
    assert mask_phone(CADRE_PHONE) in client.get("/admin/assistance/cadre/").content.decode()

    # the account's own admin page is where administrators keep the number: shown, and logged
    account_page = client.get(f"/admin/accounts/user/{phones.account.pk}/change/").content.decode()
    assert f'value="{USER_PHONE}"' in account_page
    row = SensitiveAccess.objects.get(user=root)
    assert (row.what, row.object_id) == ("full_phone", str(phones.account.pk))


def test_the_cadre_api_logs_each_phone_a_list_serves_once(county: Any, phones: Any, api: Any) -> None:
    response = api(county.staff_a).get("/api/assistance/cadres/")
    body = json.loads(response.content)
    rows = body["results"] if isinstance(body, dict) else body
    assert CADRE_PHONE in [r["phone"] for r in rows]
    logged = SensitiveAccess.objects.filter(user=county.staff_a, what="full_phone")
    assert logged.count() == len([r for r in rows if r["phone"]])


@pytest.mark.parametrize("role", ["cadre_a", "viewer"])
def test_a_masked_phone_cannot_be_read_back_by_searching_its_digits(
    county: Any, phones: Any, api: Any, web: Any, role: str
) -> None:
    # given: the masked number's first seven digits (its head and the hidden middle)
    prefix = CADRE_PHONE[:7]
    user = getattr(county, role)

    # when: searching the cadres by them, on the API and the list page
    found = api(user).get("/api/assistance/cadres/", {"q": prefix}).json()
    listed = web(user).get("/assistance/cadres/", {"q": prefix}).content.decode()

    # then: nothing matches, while a role that sees the phone finds the cadre by it
    rows = found["results"] if isinstance(found, dict) else found
    assert rows == []
    assert "王二" not in listed
    staff = api(county.staff_a).get("/api/assistance/cadres/", {"q": prefix}).json()
    assert [r["name"] for r in (staff["results"] if isinstance(staff, dict) else staff)] == ["王二"]


@pytest.mark.parametrize("role", ["cadre_a", "viewer"])
def test_the_history_pages_mask_old_and_new_work_phones(
    county: Any, phones: Any, web: Any, role: str
) -> None:
    # given: both phones changed once more (the history holds old and new values)
    with audit_context(county.staff_a):
        Cadre.objects.filter(pk=phones.cadre.pk).update(phone="13700001234")
        User.objects.filter(pk=phones.account.pk).update(phone="13600004321")
    client = web(getattr(county, role))
    cadre_history = client.get(f"/audit/assistance/cadre/{phones.cadre.pk}/")
    user_history = client.get(f"/audit/accounts/user/{phones.account.pk}/")

    assert cadre_history.status_code == 200
    text = cadre_history.content.decode()
    assert CADRE_PHONE not in text
    assert "13700001234" not in text
    assert mask_phone(CADRE_PHONE) in text
    if user_history.status_code == 200:  # a user's history is the administrators' to read
        assert USER_PHONE not in user_history.content.decode()
        assert "13600004321" not in user_history.content.decode()
