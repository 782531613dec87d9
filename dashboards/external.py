"""Figures owned by other apps read live through their selectors (the layers put dashboards above
them: it imports them as any caller does, and their failures are errors, not an empty section).

Only fund execution is left here: it is the user's whole scope (execution_report), computed from
live records and cached for a few minutes under a key that carries the user's scope and the area.
Coverage, complaint rates and monitoring come from the snapshot job's section figures
(dashboards.snapshots).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from areas.models import Area
from core import clock
from funds.selectors import execution_report

LIVE_CACHE_SECONDS = 300


# -- sections -------------------------------------------------------------------------------------


def _funds(user: Any, area: Area) -> dict[str, Any]:
    year = clock.today().year
    report = execution_report(user=user, by="source", year=year)
    return {
        "header": [
            # the funds overview adds up all years unless asked for one: say which this is
            _("Fund source (allocations of %(year)s, whole scope)") % {"year": year},
            _("Allocated (10,000 yuan)"),
            _("Paid (10,000 yuan)"),
            _("Execution rate (%)"),
        ],
        "rows": [[r.label, r.allocated_wan, r.paid_wan, r.rate] for r in report],
    }


def figures(*, user: Any, area: Area) -> dict[str, Any]:
    from .selectors import cache_key

    key = cache_key(user, "external", area.code)
    cached = cache.get(key)
    if cached is not None:
        return cached
    data = {"funds": _funds(user, area)}
    cache.set(key, data, LIVE_CACHE_SECONDS)
    return data
