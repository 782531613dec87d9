"""A first secretary on a phone without a signal: visits, a photo, a follow-up closed, all kept on the
phone across a reload, sent once when the signal returns."""

from __future__ import annotations

import datetime as dt
import json
import struct
import zlib
from typing import Any

import pytest

from assistance.choices import FollowUpStatusChoices
from assistance.models import FollowUp, Visit
from core import clock
from core.models import Attachment
from fieldwork.models import SyncRecord
from tests.factories import make_household, make_member
from tests.helpers import login, screenshot, wait_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png(width: int = 640, height: int = 480) -> bytes:
    """A photo as the phone's camera would hand it over (here a plain PNG, compressed to JPEG by the app)."""
    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (x % 256, y % 256, 90)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_first_secretary_works_offline_and_syncs_once(phone_page: Any, county: Any, tmp_path: Any) -> None:
    # given: two households of 折桥村 in her care, one with a follow-up promised at an earlier visit
    first = make_household(county.village_a1, members=0)
    make_member(first, relation="head", name="马尕西木")
    second = make_household(county.village_a1, members=0)
    make_member(second, relation="head", name="单雄信")
    earlier = Visit.objects.create(
        household=first,
        visited_on=clock.today() - dt.timedelta(days=20),
        visitor=county.staff_a,
        findings="缺饲草",
    )
    promise = FollowUp.objects.create(
        household=first, visit=earlier, description="送饲草料", due_date=clock.today() + dt.timedelta(days=5)
    )
    photo = tmp_path / "roof.png"
    photo.write_bytes(_png())
    pg = phone_page
    context = pg.context
    sync_posts: list[dict] = []
    pg.on(
        "request",
        lambda r: (
            sync_posts.append(json.loads(r.post_data or "{}"))
            if r.method == "POST" and r.url.endswith("/api/fieldwork/sync/")
            else None
        ),
    )

    # when: she opens the app with a signal (it installs its worker and takes her households)
    login(pg, "secretary_a1")
    pg.goto(pg.base_url + "/fieldwork/")
    wait_in_page(
        pg, "() => document.body.dataset.ready === '1' && navigator.serviceWorker.controller !== null"
    )
    wait_in_page(pg, "() => document.querySelectorAll('[data-testid=household]').length === 2")
    pg.get_by_text("最近同步").wait_for()
    # and the signal goes
    context.set_offline(True)
    wait_in_page(pg, "() => !navigator.onLine")

    # a visit with a photo and a promised follow-up to the first household (found by pinyin)
    pg.get_by_test_id("search").fill("mgxm")
    pg.get_by_test_id("household").click()
    pg.get_by_test_id("log-visit").click()
    pg.get_by_test_id("findings").fill("屋顶漏雨，需维修")
    pg.get_by_test_id("add-follow-up").click()
    pg.get_by_test_id("follow-up-description").fill("联系危房改造")
    pg.get_by_test_id("photos").set_input_files(str(photo))
    pg.get_by_test_id("save-visit").click()
    pg.get_by_test_id("queued-visit").wait_for()
    # the earlier follow-up closed
    pg.get_by_test_id("close-follow-up").click()
    pg.get_by_test_id("follow-up").get_by_text("待同步").wait_for()
    # a visit to the second household
    pg.goto(pg.base_url + f"/fieldwork/#/h/{second.pk}/visit")
    pg.get_by_test_id("findings").fill("家中无人，邻居告知外出务工")
    pg.get_by_test_id("save-visit").click()
    pg.get_by_test_id("queued-visit").wait_for()
    assert pg.get_by_test_id("pending-count").text_content() == "3"
    screenshot(pg, "fieldwork_offline_queued")

    # then: reloaded without a signal, the app opens and the records still wait
    pg.reload()
    wait_in_page(pg, "() => document.body.dataset.ready === '1'")
    assert pg.get_by_test_id("pending-count").text_content() == "3"
    assert pg.get_by_test_id("net-state").text_content() == "离线"
    pg.get_by_test_id("queue-link").click()
    pg.get_by_test_id("queued").nth(2).wait_for()  # the queue page reads IndexedDB before it lists them
    assert pg.get_by_test_id("queued").count() == 3
    assert not sync_posts
    assert Visit.objects.count() == 1

    # when the signal returns, the records go by themselves
    context.set_offline(False)
    wait_in_page(
        pg, "() => document.querySelector('[data-testid=pending-count]').textContent === '0'", timeout=30
    )
    pg.get_by_text("同步完成").wait_for()
    screenshot(pg, "fieldwork_synced")

    # then: each visit is on the server once, with the photo, the new follow-up and the closed one
    visit = Visit.objects.get(household=first, findings="屋顶漏雨，需维修")
    assert Visit.objects.filter(household=second, findings="家中无人，邻居告知外出务工").count() == 1
    assert Attachment.objects.filter(object_id=str(visit.pk)).count() == 1
    assert list(visit.follow_ups.values_list("description", flat=True)) == ["联系危房改造"]
    promise.refresh_from_db()
    assert promise.status == FollowUpStatusChoices.DONE
    assert promise.closed_by == county.secretary_a1
    assert visit.captured_at is not None
    # and the household page shows each visit once
    pg.goto(pg.base_url + f"/households/{first.pk}/")
    assert pg.content().count("屋顶漏雨，需维修") == 1
    pg.goto(pg.base_url + f"/households/{second.pk}/")
    assert pg.content().count("家中无人，邻居告知外出务工") == 1

    # a second sync sends nothing new
    records_before = SyncRecord.objects.count()
    posts_before = sum(len(p.get("records", [])) for p in sync_posts)
    pg.goto(pg.base_url + "/fieldwork/")
    wait_in_page(pg, "() => document.body.dataset.ready === '1'")
    pg.get_by_test_id("sync-badge").click()
    pg.get_by_text("没有新的记录需要发送").wait_for()
    assert sum(len(p.get("records", [])) for p in sync_posts) == posts_before == 3
    assert SyncRecord.objects.count() == records_before == 3
    assert Visit.objects.filter(household=first).count() == 2

    # logging out wipes the phone's copy (IndexedDB and the app's caches)
    pg.get_by_test_id("logout").click()
    pg.wait_for_url(lambda url: "/login/" in url)
    names = pg.evaluate("indexedDB.databases().then(list => list.map(d => d.name))")
    caches = pg.evaluate("caches.keys()")
    assert "povertycase-fieldwork" not in names
    assert not [c for c in caches if c.startswith("fieldwork-")]
