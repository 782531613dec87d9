"""A redirect after a form never leaves the site: `next` and the Referer are checked
(core.views.safe_next, url_has_allowed_host_and_scheme)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_household

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("next", "https://evil.example/phish"),
        ("next", "//evil.example/phish"),
        ("next", "/\\evil.example"),
        ("referer", "https://evil.example/phish"),
    ],
)
def test_an_upload_never_redirects_to_another_host(county: Any, web: Any, field: str, value: str) -> None:
    household = make_household(county.village_a1)
    data: dict[str, Any] = {"file": SimpleUploadedFile("scan.pdf", PDF), "kind": "signed_form"}
    extra: dict[str, Any] = {}
    if field == "next":
        data["next"] = value
    else:
        extra["HTTP_REFERER"] = value
    response = web(county.staff_a).post(
        f"/attachments/households/household/{household.pk}/upload/", data, **extra
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_upload_returns_to_a_page_of_the_site(county: Any, web: Any) -> None:
    household = make_household(county.village_a1)
    back = f"/households/{household.pk}/"
    response = web(county.staff_a).post(
        f"/attachments/households/household/{household.pk}/upload/",
        {"file": SimpleUploadedFile("scan.pdf", PDF), "kind": "signed_form"},
        HTTP_REFERER=f"http://testserver{back}",
    )
    assert response["Location"] == f"http://testserver{back}"
