"""Masking of personal identifiers: lists and notices show 622901********1234, never the number."""

from typing import Any

from django.conf import settings


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    head, tail = settings.POVERTYCASE["ID_NUMBER_VISIBLE_DIGITS"]
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = value.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def id_number_for(user: Any, value: str | None) -> str:
    """The number as this user may see it: full for roles that need it, masked otherwise."""
    if user is not None and getattr(user, "is_authenticated", False) and user.has_capability("view_full_id"):
        return value or ""
    return mask_id_number(value)
