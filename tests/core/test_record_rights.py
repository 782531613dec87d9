"""Attachments need the capability that governs their record; jobs are read by their creator and the
roles that supervise their kind; the audit trail's attribution and the access log cannot be changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction

from accounts.models import User
from core.audit import audit_context
from core.choices import JobStatusChoices
from core.models import Attachment, SensitiveAccess
from core.services import job_create, sensitive_access_log
from households.models import Household
from tests.factories import make_household

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


def _upload(client: Any, label: str, pk: Any) -> Any:
    return client.post(
        f"/attachments/{label}/{pk}/upload/", {"file": SimpleUploadedFile("a.pdf", PDF), "next": "/"}
    )


def test_a_cadre_cannot_attach_files_to_records_they_may_not_change(county: Any, web: Any) -> None:
    # given: records in the cadre's township that a cadre may see but not change
    from core import clock
    from supervision.choices import ComplaintKindChoices
    from supervision.services import complaint_receive

    household = make_household(county.village_a1)
    complaint = complaint_receive(
        user=county.county_official,
        area=county.village_a1,
        kind=ComplaintKindChoices.LEFT_OUT,
        content="反映漏评",
        received_on=clock.today(),
        channel="hotline",
    )
    client = web(county.cadre_a)
    targets = [
        ("households/household", household.pk),
        ("supervision/complaint", complaint.pk),
        ("areas/area", county.village_a1.pk),
    ]
    for label, pk in targets:
        # when
        response = _upload(client, label, pk)
        # then
        assert response.status_code == 403, label
    assert not Attachment.objects.exists()

    # the registry's staff attach to the household; the supervisor to the complaint
    assert _upload(web(county.staff_a), "households/household", household.pk).status_code == 302
    assert _upload(web(county.county_official), "supervision/complaint", complaint.pk).status_code == 302
    assert Attachment.objects.count() == 2


def test_the_upload_form_is_offered_only_to_who_may_attach(county: Any, web: Any) -> None:
    household = make_household(county.village_a1)
    assert 'type="file"' not in web(county.cadre_a).get(f"/households/{household.pk}/").content.decode()
    assert 'type="file"' in web(county.staff_a).get(f"/households/{household.pk}/").content.decode()


def test_a_job_is_read_by_its_creator_and_the_roles_that_supervise_its_kind(county: Any, web: Any) -> None:
    # given: an import by one township's staff, with error rows
    job = job_create(kind="households.import", user=county.staff_a, area=county.town_a)
    job.status = JobStatusChoices.FAILED
    job.result = {"errors": {"3:id_number": ["622901198001011234 重复"]}, "error_count": 1}
    job.save()

    # then: the cadre and the work team of the same township see neither the page nor the API
    for user in (county.cadre_a, county.secretary_a1, county.viewer):
        client = web(user)
        assert client.get(f"/jobs/{job.pk}/").status_code == 404
        assert client.get(f"/jobs/{job.pk}/?format=json").status_code == 404
        assert client.get(f"/households/import/{job.pk}/errors/").status_code == 404
        assert client.get(f"/api/households/households/import/{job.pk}/").status_code in (403, 404)
    assert web(county.staff_a).get(f"/jobs/{job.pk}/").status_code == 200
    assert web(county.county_admin).get(f"/jobs/{job.pk}/").status_code == 200


def test_a_committed_audit_context_cannot_be_changed_or_deleted() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO pghistory_context (id, metadata, created_at, updated_at) "
            "VALUES (gen_random_uuid(), '{\"user\": 1}', '2020-01-01T00:00+00', '2020-01-01T00:00+00') "
            "RETURNING id"
        )
        (context_id,) = cursor.fetchone()
    for statement in (
        "UPDATE pghistory_context SET metadata = '{\"user\": 2}' WHERE id = %s",
        "DELETE FROM pghistory_context WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [context_id])


def test_pghistory_still_records_context_that_grows_within_a_transaction(county: Any) -> None:
    # given: a block whose metadata grows between two audited writes (pghistory upserts the row)
    import pghistory

    from core.audit import audit_events_for

    household = make_household(county.village_a1)
    with audit_context(county.staff_a):
        Household.objects.filter(pk=household.pk).update(address="一")
        pghistory.context(step="two")
        Household.objects.filter(pk=household.pk).update(address="二")
    # then: both writes are recorded, by the staff member
    events = audit_events_for(household)
    assert [e["changes"]["address"][1] for e in events[:2]] == ["二", "一"]
    assert {e["user"] for e in events[:2]} == {county.staff_a}


def test_a_nested_audit_context_does_not_rewrite_the_outer_one(county: Any) -> None:
    from core.audit import audit_events_for

    household = make_household(county.village_a1)
    with audit_context(county.staff_a, url="/outer/"):
        Household.objects.filter(pk=household.pk).update(address="外")
        with audit_context(county.staff_a, claimed_at="2026-01-01T00:00:00+08:00"):
            Household.objects.filter(pk=household.pk).update(address="内")
    inner, outer = audit_events_for(household)[:2]
    assert inner["claimed_at"] is not None
    assert outer["claimed_at"] is None


def test_the_access_log_is_append_only_and_keeps_the_username(county: Any, client: Any) -> None:
    from django.db.models import ProtectedError

    sensitive_access_log(user=county.staff_a, what="full_id_number")
    row = SensitiveAccess.objects.get()
    assert row.username == "staff_a"
    with pytest.raises(DatabaseError), transaction.atomic():
        SensitiveAccess.objects.filter(pk=row.pk).update(detail="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        SensitiveAccess.objects.filter(pk=row.pk).delete()
    # a user who read personal data is kept (deactivated, not deleted)
    with pytest.raises(ProtectedError), transaction.atomic():
        User.objects.get(pk=county.staff_a.pk).delete()

    root = User.objects.create_superuser("root-log", password="pw-123456-test")
    client.force_login(root)
    assert client.get("/admin/core/sensitiveaccess/add/").status_code == 403
    assert client.get("/admin/core/sensitiveaccess/").status_code == 200
