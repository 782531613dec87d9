from typing import Any

import pytest

from core.models import Notification
from core.services import notification_raise

pytestmark = pytest.mark.django_db


def test_raising_the_same_reminder_twice_creates_one(county: Any) -> None:
    first = notification_raise(user=county.staff_a, key="visit:1", title="走访逾期")
    second = notification_raise(user=county.staff_a, key="visit:1", title="走访逾期")
    other_user = notification_raise(user=county.staff_b, key="visit:1", title="走访逾期")

    assert (first, second, other_user) == (True, False, True)
    assert Notification.objects.filter(key="visit:1").count() == 2


def test_reminders_page_lists_own_reminders_and_marks_them_read(county: Any, web: Any) -> None:
    notification_raise(user=county.staff_a, key="k1", title="甲户走访逾期")
    notification_raise(user=county.staff_b, key="k2", title="乙户走访逾期")
    client = web(county.staff_a)

    body = client.get("/notifications/").content.decode()
    assert "甲户走访逾期" in body
    assert "乙户走访逾期" not in body
    client.post("/notifications/")
    assert not Notification.objects.filter(user=county.staff_a, read_at__isnull=True).exists()
