"""The signed-in user of a request, typed as this project's User for the services it is passed to."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from .models import User


def request_user(request: Any) -> User:
    """`request.user` as a User. Pages require a login and the API's permission class refuses anonymous
    requests before any view runs, so an anonymous user here is refused rather than passed on."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
