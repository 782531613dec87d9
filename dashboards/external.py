"""Figures owned by other apps (assistance, exits, funds), read through their selectors (the layers
put dashboards above them: it imports them as any caller does, and their failures are errors, not an
empty section).

These figures are computed from live records (not from the incidence snapshot), so each is cached for
a few minutes under a key that carries the user's scope and the area.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from areas.choices import AreaLevelChoices
from areas.models import Area
from assistance.selectors import coverage_for_area, default_visit_days
from core import clock
from exits.choices import MonitoringStateChoices, RiskChoices
from exits.selectors import monitoring_case_list
from funds.selectors import execution_report

LIVE_CACHE_SECONDS = 300


# -- sections -------------------------------------------------------------------------------------


def _coverage(user: Any, area: Area) -> dict[str, Any]:
    days = default_visit_days()
    coverage = coverage_for_area(area, today=clock.today(), visit_days=days)
    rows = [
        coverage.total,
        *(coverage.by_village if area.level != AreaLevelChoices.COUNTY else coverage.by_team),
    ]
    return {
        "header": [
            _("Village") if area.level != AreaLevelChoices.COUNTY else _("Work team"),
            _("Assisted households"),
            _("Without an active cadre"),
            _("Without a plan this year"),
            _("Not visited in %(days)d days") % {"days": days},
            _("Overdue follow-ups"),
        ],
        "rows": [
            [
                r.label or (_("Total") if i == 0 else _("No team")),
                r.households,
                r.without_cadre,
                r.without_plan,
                r.not_visited,
                r.overdue_follow_ups,
            ]
            for i, r in enumerate(rows)
        ],
    }


def _monitoring(user: Any, area: Area) -> dict[str, Any]:
    cases = monitoring_case_list(user=user).filter(
        household__village__code__startswith=area.prefix, state=MonitoringStateChoices.INCLUDED
    )
    counts = {risk: 0 for risk in RiskChoices}
    total = 0
    for risks in cases.values_list("risks", flat=True):
        total += 1
        for risk in risks or []:
            counts[RiskChoices(risk)] = counts.get(RiskChoices(risk), 0) + 1
    rows = [[str(risk.label), n] for risk, n in counts.items()]
    rows.append([_("Monitoring objects (households)"), total])
    return {"header": [_("Risk"), pgettext("count", "Households")], "rows": rows}


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
    data = {
        "coverage": _coverage(user, area),
        "monitoring": _monitoring(user, area),
        "funds": _funds(user, area),
    }
    cache.set(key, data, LIVE_CACHE_SECONDS)
    return data
