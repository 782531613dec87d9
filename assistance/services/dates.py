"""Date checks shared by the assistance writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from core import clock


def _today() -> dt.date:
    return clock.today()


def _not_future(value: dt.date | None, field: str, errors: dict[str, Any]) -> None:
    if value is not None and value > _today():
        errors[field] = _("The date %(date)s is in the future.") % {"date": value.isoformat()}
