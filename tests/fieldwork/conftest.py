"""Builders for the offline app's tests: a first secretary's phone and the households in her care."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIClient

from assistance.models import FollowUp, Visit
from core import clock
from tests.factories import make_household, make_member


class Phone:
    """The offline app as the server sees it: a signed-in session and a device id on every call."""

    def __init__(self, user: Any, device: str | None = None) -> None:
        self.user = user
        self.device = device or str(uuid.uuid4())
        self.client = APIClient()
        self.client.force_login(user)

    def register(self) -> Any:
        return self.client.post(
            "/api/fieldwork/devices/", {"device": self.device, "label": "test phone"}, format="json"
        )

    def copy(self) -> Any:
        return self.client.get("/api/fieldwork/households/", HTTP_X_FIELD_DEVICE=self.device)

    def sync(self, *records: dict, raw: bytes | None = None) -> Any:
        body = raw if raw is not None else __import__("json").dumps({"records": list(records)}).encode()
        return self.client.generic(
            "POST",
            "/api/fieldwork/sync/",
            body,
            content_type="application/json",
            HTTP_X_FIELD_DEVICE=self.device,
        )

    def put_piece(self, upload: str, data: bytes, *, offset: int, size: int) -> Any:
        return self.client.generic(
            "PUT",
            f"/api/fieldwork/photos/{upload}/",
            data,
            content_type="application/octet-stream",
            HTTP_X_FIELD_DEVICE=self.device,
            HTTP_X_UPLOAD_OFFSET=str(offset),
            HTTP_X_UPLOAD_SIZE=str(size),
            HTTP_X_UPLOAD_NAME=f"{upload}.jpg",
        )


def visit_record(household: Any, **data: Any) -> dict:
    return {
        "uuid": str(uuid.uuid4()),
        "kind": "visit",
        "made_at": clock.now().isoformat(),
        "data": {
            "household": household.pk,
            "visited_on": clock.today().isoformat(),
            "findings": "屋顶漏雨",
            "seen_status": household.status,
            **data,
        },
    }


@pytest.fixture
def field(county: Any) -> SimpleNamespace:
    """折桥村's first secretary (secretary_a1) with a registered phone, two households of her village with
    an open follow-up, and a household of another township."""
    home = make_household(county.village_a1, members=0)
    make_member(home, relation="head", name="马尕西木")
    second = make_household(county.village_a1, members=0)
    make_member(second, relation="head", name="单雄信")
    earlier = Visit.objects.create(
        household=home,
        visited_on=clock.today() - dt.timedelta(days=20),
        visitor=county.staff_a,
        findings="缺饲草",
    )
    promise = FollowUp.objects.create(
        household=home, visit=earlier, description="送饲草料", due_date=clock.today() + dt.timedelta(days=3)
    )
    elsewhere = make_household(county.village_b1, members=1)
    phone = Phone(county.secretary_a1)
    assert phone.register().status_code == 200
    return SimpleNamespace(home=home, second=second, promise=promise, elsewhere=elsewhere, phone=phone)
