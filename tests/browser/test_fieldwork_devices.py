"""A lost phone revoked by the county administrator wipes its copy; a copy left unsynced too long
expires; the household pickers find households by pinyin."""

from __future__ import annotations

from typing import Any

import pytest

from fieldwork.models import FieldDevice
from fieldwork.services import device_revoke
from tests.factories import make_household, make_member
from tests.helpers import login, wait_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATABASES = "indexedDB.databases().then(list => list.map(d => d.name))"
HOUSEHOLDS = """new Promise(resolve => { const r = indexedDB.open('povertycase-fieldwork');
  r.onsuccess = () => { const q = r.result.transaction('households').objectStore('households').count();
  q.onsuccess = () => resolve(q.result); }; })"""


def _open_app(pg: Any) -> None:
    login(pg, "secretary_a1")
    pg.goto(pg.base_url + "/fieldwork/")
    # the worker must control the page (shell cached) before the signal can go
    wait_in_page(
        pg, "() => document.body.dataset.ready === '1' && navigator.serviceWorker.controller !== null"
    )
    wait_in_page(pg, "() => document.querySelectorAll('[data-testid=household]').length === 1")


def test_a_revoked_phone_wipes_its_copy(phone_page: Any, county: Any) -> None:
    household = make_household(county.village_a1, members=0)
    make_member(household, relation="head", name="马尕西木")
    pg = phone_page
    _open_app(pg)
    assert "povertycase-fieldwork" in pg.evaluate(DATABASES)
    # when the county administrator revokes the phone
    device_revoke(device=FieldDevice.objects.get(user=county.secretary_a1), user=county.county_admin)
    pg.get_by_test_id("sync-badge").click()
    # then the app says so and nothing of the copy is left
    wait_in_page(pg, "() => document.body.dataset.wiped === 'revoked'")
    pg.get_by_text("此设备已被县级管理员停用").wait_for()
    assert "povertycase-fieldwork" not in pg.evaluate(DATABASES)


def test_a_copy_not_synced_for_too_long_expires(phone_page: Any, county: Any) -> None:
    household = make_household(county.village_a1, members=0)
    make_member(household, relation="head", name="单雄信")
    pg = phone_page
    _open_app(pg)
    assert pg.evaluate(HOUSEHOLDS) == 1
    # given the phone last synced eight days ago by its own clock (past the 7-day setting), no signal now
    pg.context.set_offline(True)
    pg.evaluate(
        """() => new Promise(resolve => { const r = indexedDB.open('povertycase-fieldwork');
          r.onsuccess = () => { const t = r.result.transaction('meta', 'readwrite');
          t.objectStore('meta').put(new Date(new Date().getTime() - 8 * 86400000).toISOString(), 'lastSync'); t.oncomplete = () => { r.result.close(); resolve(); }; }; })"""
    )
    # when the app opens again
    pg.reload()
    wait_in_page(pg, "() => document.body.dataset.ready === '1'")
    # then the households are gone from the phone
    assert pg.evaluate("document.body.dataset.wiped") == "expired"
    assert pg.evaluate(HOUSEHOLDS) == 0
    pg.get_by_text("已超过 7 天未同步").wait_for()


def test_household_picker_offers_households_by_pinyin(page: Any, county: Any) -> None:
    target = make_household(county.village_a1, members=0)
    make_member(target, relation="head", name="曾国藩")
    moving = make_household(county.village_a1, members=0)
    member = make_member(moving, relation="head", name="马一")
    make_member(moving, name="马二")
    login(page, "staff_a")
    page.goto(page.base_url + f"/households/members/{member.pk}/move/")
    field = page.locator("input[data-household-pick]")
    field.fill("zengguofan")
    wait_in_page(
        page, "n => [...document.querySelectorAll('datalist option')].some(o => o.value === n)", target.number
    )
    label = page.locator(f"datalist option[value='{target.number}']").get_attribute("label")
    assert "曾国藩" in label
