"""The working copy (only the user's households, masked), devices and their revocation, photos that
resume, logout wiping the phone, and the app shell."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import pytest
from django.contrib.sessions.models import Session

from assistance.models import CadrePairing, Visit
from core import clock
from exits.services import campaign_start
from fieldwork.models import FieldDevice, PhotoUpload
from tests.assistance.conftest import make_cadre
from tests.factories import make_household

from .conftest import Phone, visit_record

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9"


def test_copy_holds_only_the_users_village_masked(field, county, django_assert_max_num_queries):
    # given a household of the other village of her township (visible to staff, not in her care)
    make_household(county.village_a2, members=1)
    with django_assert_max_num_queries(20):
        response = field.phone.copy()
    assert response.status_code == 200
    copy = response.json()
    ids = {h["id"] for h in copy["households"]}
    assert ids == {field.home.pk, field.second.pk}
    home = next(h for h in copy["households"] if h["id"] == field.home.pk)
    member = field.home.members.get()
    assert home["members"][0]["id_number"] != member.id_number
    assert home["members"][0]["id_number"].endswith(member.id_number[-4:])
    assert "*" in home["members"][0]["id_number"]
    assert [f["description"] for f in home["follow_ups"]] == ["送饲草料"]
    assert home["latest_visit"]["findings"] == "缺饲草"
    assert " mgxm" in home["search"]
    assert "马尕西木" in home["search"]
    assert copy["limits"]["COPY_EXPIRES_DAYS"] >= 1
    assert member.id_number not in response.content.decode()


def test_query_count_does_not_grow_with_households(field, county, django_assert_max_num_queries):
    for _ in range(15):
        make_household(county.village_a1, members=3)
    with django_assert_max_num_queries(20):
        assert len(field.phone.copy().json()["households"]) == 17


def test_a_cadre_carries_only_the_paired_households(county):
    cadre = make_cadre(county.town_a, user=county.cadre_a)
    paired = make_household(county.village_a2, members=1)
    make_household(county.village_a2, members=1)  # same village, another cadre's
    CadrePairing.objects.create(household=paired, cadre=cadre, start=dt.date(2024, 1, 1))
    phone = Phone(county.cadre_a)
    assert phone.register().status_code == 200
    assert [h["id"] for h in phone.copy().json()["households"]] == [paired.pk]


def test_open_campaign_checks_are_in_the_copy_and_sync(field, county):
    campaign_start(
        area=county.village_a1,
        title="回头看",
        starts_on=clock.today(),
        due_on=clock.today() + dt.timedelta(days=30),
        user=county.county_official,
    )
    home = next(h for h in field.phone.copy().json()["households"] if h["id"] == field.home.pk)
    task = home["checks"][0]
    record = {
        "uuid": str(uuid.uuid4()),
        "kind": "check",
        "made_at": clock.now().isoformat(),
        "data": {
            "household": field.home.pk,
            "task": task["id"],
            "version": task["version"],
            "state": "confirmed",
        },
    }
    assert field.phone.sync(record).json()["results"][0]["status"] == "accepted"
    again = next(h for h in field.phone.copy().json()["households"] if h["id"] == field.home.pk)
    assert again["checks"] == []


def test_other_roles_cannot_use_the_offline_app(county, web):
    phone = Phone(county.staff_a)
    assert phone.register().status_code == 403
    assert web(county.staff_a).get("/fieldwork/").status_code == 403


def test_county_admin_revokes_a_lost_phone(field, county, web):
    # given the phone's session is known to the server (it registered with it)
    device = FieldDevice.objects.get(pk=field.phone.device)
    assert device.session_key
    assert Session.objects.filter(session_key=device.session_key).exists()
    # when the county administrator revokes it from the device list
    admin = web(county.county_admin)
    page = admin.get("/fieldwork/devices/")
    assert field.phone.device in page.content.decode()
    response = admin.post(f"/fieldwork/devices/{device.pk}/revoke/")
    assert response.status_code == 302
    # then its session is gone and its next sync is refused with the code that wipes the phone
    assert not Session.objects.filter(session_key=device.session_key).exists()
    refused = Phone(county.secretary_a1, device=field.phone.device).sync(visit_record(field.home))
    assert refused.status_code == 403
    assert refused.json()["code"] == "device_revoked"
    assert not Visit.objects.filter(findings="屋顶漏雨").exists()
    assert Phone(county.secretary_a1, device=field.phone.device).register().json()["code"] == "device_revoked"
    # and the phone itself, whose session the revocation ended, is told so (it wipes its copy at once)
    signed_out = field.phone.client.get("/api/fieldwork/households/", HTTP_X_FIELD_DEVICE=field.phone.device)
    assert signed_out.status_code == 403
    assert signed_out.json()["code"] == "device_revoked"


def test_a_township_admin_elsewhere_cannot_see_or_revoke_the_device(field, county, web):
    from accounts.roles import RoleChoices
    from tests.factories import make_user

    other = make_user(RoleChoices.SYSTEM_ADMIN, county.town_b)
    client = web(other)
    assert field.phone.device not in client.get("/fieldwork/devices/").content.decode()
    assert client.post(f"/fieldwork/devices/{field.phone.device}/revoke/").status_code == 404
    assert FieldDevice.objects.get(pk=field.phone.device).revoked_at is None
    assert web(county.secretary_a1).get("/fieldwork/devices/").status_code == 403


def test_a_photo_resumes_after_a_dropped_connection_and_attaches_to_the_visit(field):
    upload = str(uuid.uuid4())
    size = len(JPEG)
    # given the first piece arrived and the connection dropped
    assert field.phone.put_piece(upload, JPEG[:4000], offset=0, size=size).json()["received"] == 4000
    # when the phone asks where to resume and sends a piece at a stale offset, then the rest
    assert (
        field.phone.client.get(
            f"/api/fieldwork/photos/{upload}/", HTTP_X_FIELD_DEVICE=field.phone.device
        ).json()["received"]
        == 4000
    )
    stale = field.phone.put_piece(upload, JPEG[:4000], offset=0, size=size)
    assert stale.status_code == 409
    assert stale.json()["received"] == 4000
    done = field.phone.put_piece(upload, JPEG[4000:], offset=4000, size=size).json()
    assert done["complete"]
    # then the visit naming it gets it as its photo, byte for byte, through the visit service
    answer = field.phone.sync(visit_record(field.home, photos=[upload])).json()["results"][0]
    assert answer["status"] == "accepted", answer
    visit = Visit.objects.get(pk=answer["result"]["visit"])
    from core.models import Attachment

    attachment = Attachment.objects.get(object_id=str(visit.pk))
    assert hashlib.sha256(attachment.file.read()).hexdigest() == hashlib.sha256(JPEG).hexdigest()
    assert not PhotoUpload.objects.get(pk=upload).chunks.exists()


def test_a_visit_whose_photo_is_incomplete_waits_and_is_not_written(field):
    upload = str(uuid.uuid4())
    field.phone.put_piece(upload, JPEG[:100], offset=0, size=len(JPEG))
    answer = field.phone.sync(visit_record(field.home, photos=[upload])).json()["results"][0]
    assert answer["status"] == "refused"
    assert answer["retry"] is True
    assert not Visit.objects.filter(findings="屋顶漏雨").exists()


def test_photo_bounds(field, settings):
    settings.FIELDWORK = {**settings.FIELDWORK, "PHOTO_MAX_BYTES": 1000, "PHOTO_CHUNK_BYTES": 100}
    too_big = field.phone.put_piece(str(uuid.uuid4()), JPEG[:100], offset=0, size=5000)
    assert too_big.status_code == 400
    assert "KB" in too_big.json()["detail"]
    too_long = field.phone.put_piece(str(uuid.uuid4()), JPEG[:200], offset=0, size=500)
    assert too_long.status_code == 400
    assert not PhotoUpload.objects.exists()


def test_a_photo_that_is_not_a_photo_refuses_the_visit(field):
    upload = str(uuid.uuid4())
    data = b"%PDF-1.4 not a photo"
    field.phone.put_piece(upload, data, offset=0, size=len(data))
    answer = field.phone.sync(visit_record(field.home, photos=[upload])).json()["results"][0]
    assert answer["status"] == "refused"
    assert "photos" in answer["errors"]
    assert not Visit.objects.filter(findings="屋顶漏雨").exists()


def test_logout_tells_the_browser_to_wipe_the_local_copy(county, client):
    client.force_login(county.secretary_a1)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_app_shell_service_worker_and_manifest(county, web):
    client = web(county.secretary_a1)
    shell = client.get("/fieldwork/").content.decode()
    assert 'rel="manifest"' in shell
    assert "<script>" not in shell
    sw = client.get("/fieldwork/sw.js")
    assert sw["Content-Type"].startswith("application/javascript")
    body = sw.content.decode()
    assert "/static/fieldwork/app.js" in body
    assert "http" not in body.split("ASSETS")[1][:400]
    manifest = client.get("/fieldwork/manifest.webmanifest").json()
    assert manifest["start_url"] == "/fieldwork/"
    assert manifest["display"] == "standalone"
    assert {i["sizes"] for i in manifest["icons"]} >= {"192x192", "512x512"}


def test_the_user_revokes_their_own_lost_phone_from_my_account(field, county, web):
    # given: the first secretary's phone, seen from their desk
    device = FieldDevice.objects.get(pk=field.phone.device)
    desk = web(county.secretary_a1)
    page = desk.get("/accounts/me/").content.decode()
    assert f"/fieldwork/devices/{device.pk}/revoke/" in page
    # when: they revoke it there
    response = desk.post(f"/fieldwork/devices/{device.pk}/revoke/")
    # then: back on my account, the phone's session is gone and its next sync is refused
    assert response.url == "/accounts/me/"
    assert not Session.objects.filter(session_key=device.session_key).exists()
    refused = Phone(county.secretary_a1, device=field.phone.device).sync(visit_record(field.home))
    assert refused.json()["code"] == "device_revoked"


def test_a_field_user_cannot_revoke_someone_elses_phone(field, county, web):
    from accounts.roles import RoleChoices
    from tests.factories import make_user

    colleague = make_user(RoleChoices.WORK_TEAM, county.village_a1)
    assert web(colleague).post(f"/fieldwork/devices/{field.phone.device}/revoke/").status_code == 403
    assert FieldDevice.objects.get(pk=field.phone.device).revoked_at is None
