"""Names of downloaded files: in the user's language, with the area and the date, so a folder of
downloads reads like a shelf of ledgers (折桥镇-农户名单-2026-12-03.xlsx), not households-20261203.xlsx."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

if TYPE_CHECKING:
    from core.users import User

# Characters that file systems (Windows above all) refuse in a name.
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def download_name(*parts: Any, ext: str) -> str:
    """Parts joined by '-', each part's unsafe characters replaced; dates written as YYYY-MM-DD."""
    words = []
    for part in parts:
        if part is None or part == "":
            continue
        text = part.isoformat() if isinstance(part, dt.date) else str(part)
        words.append(_UNSAFE.sub("_", text).strip("_"))
    return "-".join(w for w in words if w) + "." + ext


def scope_name(user: User, limit: int = 2) -> str:
    """The user's areas by name (折桥镇, or 折桥镇、枹罕镇 …); empty for a user without areas."""
    names = [area.name for area in user.areas.order_by("code")[: limit + 1]]
    if len(names) > limit:
        return "、".join(names[:limit]) + "等"
    return "、".join(names)


def as_download(response: HttpResponse, filename: str) -> HttpResponse:
    """Mark the response as an attachment; non-ASCII names are sent as RFC 6266 filename*."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
