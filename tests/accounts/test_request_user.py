"""accounts.requests.request_user: the signed-in User a view passes to the services, never an anonymous one."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from accounts.requests import request_user

pytestmark = pytest.mark.django_db


def test_the_signed_in_user_is_passed_on_and_an_anonymous_one_refused(county: Any) -> None:
    assert request_user(SimpleNamespace(user=county.staff_a)) is county.staff_a
    with pytest.raises(PermissionDenied):
        request_user(SimpleNamespace(user=AnonymousUser()))
