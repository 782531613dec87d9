from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Attachment
from tests.factories import make_household

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


def _upload(web_client: Any, household: Any, name: str, content: bytes) -> Any:
    return web_client.post(
        f"/attachments/households/household/{household.pk}/upload/",
        {"file": SimpleUploadedFile(name, content), "kind": "signed_form", "next": "/"},
        follow=True,
    )


def test_valid_scan_is_stored_and_served_only_in_scope(county: Any, web: Any, client: Any) -> None:
    household = make_household(county.village_a1)

    response = _upload(web(county.staff_a), household, "签字表.pdf", PDF)

    assert "File uploaded" in response.content.decode() or "文件已上传" in response.content.decode()
    attachment = Attachment.objects.get()
    assert attachment.original_name == "签字表.pdf"
    assert attachment.mime_type == "application/pdf"
    assert len(attachment.sha256) == 64
    assert b"".join(client.get(f"/attachments/{attachment.pk}/").streaming_content) == PDF
    client.force_login(county.staff_b)
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("virus.exe", b"MZ\x90\x00", "exe"),
        ("photo.png", b"<html>not a png</html>", "png"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_bad_files_are_refused_with_a_reason_and_nothing_is_stored(
    county: Any, web: Any, name: str, content: bytes, expected: str, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    household = make_household(county.village_a1)

    response = _upload(web(county.staff_a), household, name, content)

    body = response.content.decode()
    assert "alert-danger" in body
    assert expected in body.lower() or "empty" in body.lower() or "空" in body
    assert Attachment.objects.count() == 0


def test_oversized_file_is_refused(county: Any, web: Any, settings: Any) -> None:
    settings.ATTACHMENT_MAX_BYTES = 100
    household = make_household(county.village_a1)

    _upload(web(county.staff_a), household, "big.png", PNG + b"\x00" * 200)

    assert Attachment.objects.count() == 0


def test_upload_to_another_townships_record_is_404(county: Any, web: Any) -> None:
    household = make_household(county.village_a1)
    response = web(county.staff_b).post(
        f"/attachments/households/household/{household.pk}/upload/",
        {"file": SimpleUploadedFile("a.png", PNG)},
    )
    assert response.status_code == 404
    assert Attachment.objects.count() == 0


def test_read_only_viewer_cannot_upload(county: Any, web: Any) -> None:
    household = make_household(county.village_a1)
    response = web(county.viewer).post(
        f"/attachments/households/household/{household.pk}/upload/",
        {"file": SimpleUploadedFile("a.png", PNG)},
    )
    assert response.status_code == 403
    assert Attachment.objects.count() == 0


def test_overlong_description_is_a_form_error_not_a_server_error(
    county: Any, web: Any, settings: Any
) -> None:
    # The description column holds 200 characters: a longer one is refused with a message naming the
    # limit, nothing stored (not a database error and a 500).
    settings.LANGUAGE_CODE = "en"
    household = make_household(county.village_a1)

    response = web(county.staff_a).post(
        f"/attachments/households/household/{household.pk}/upload/",
        {"file": SimpleUploadedFile("a.png", PNG), "description": "说" * 201, "next": "/"},
        follow=True,
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "alert-danger" in body
    assert "200" in body
    assert Attachment.objects.count() == 0
