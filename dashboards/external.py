"""Figures owned by other apps (assistance, exits, funds), read through their selectors. Each app is
optional: when its selectors are not installed, its section is None and the page says so.

These figures are computed from live records (not from the incidence snapshot), so each is cached for
a few minutes under a key that carries the user's scope and the area.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from importlib import import_module
from types import ModuleType
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock

LIVE_CACHE_SECONDS = 300
logger = logging.getLogger(__name__)


def _module(name: str) -> ModuleType | None:
    try:
        return import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            return None
        raise


def _has(module: ModuleType | None, *names: str) -> bool:
    return module is not None and all(hasattr(module, n) for n in names)


# -- exit rules (exits) ---------------------------------------------------------------------------


def exit_threshold(area: Area) -> Decimal | None:
    """The county's village exit threshold from exits' settings (2%, 3% in the west); None if absent."""
    exits = _module("exits.selectors")
    return exits.exit_threshold_for(area) if _has(exits, "exit_threshold_for") else None


def village_class_bands(area: Area) -> list[dict] | None:
    exits = _module("exits.selectors")
    if _has(exits, "exit_settings_for"):
        return list(exits.exit_settings_for(area).village_class_bands)
    return None


# -- sections -------------------------------------------------------------------------------------


def _coverage(user: Any, area: Area) -> dict[str, Any] | None:
    assistance = _module("assistance.selectors")
    if not _has(assistance, "coverage_for_area", "default_visit_days"):
        return None
    days = assistance.default_visit_days()
    coverage = assistance.coverage_for_area(area, today=clock.today(), visit_days=days)
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


def _monitoring(user: Any, area: Area) -> dict[str, Any] | None:
    exits = _module("exits.selectors")
    choices = _module("exits.choices")
    if not _has(exits, "monitoring_case_list") or not _has(choices, "RiskChoices", "MonitoringStateChoices"):
        return None
    cases = exits.monitoring_case_list(user=user).filter(
        household__village__code__startswith=area.prefix, state=choices.MonitoringStateChoices.INCLUDED
    )
    counts = {risk: 0 for risk in choices.RiskChoices}
    total = 0
    for risks in cases.values_list("risks", flat=True):
        total += 1
        for risk in risks or []:
            counts[choices.RiskChoices(risk)] = counts.get(choices.RiskChoices(risk), 0) + 1
    rows = [[str(risk.label), n] for risk, n in counts.items()]
    rows.append([_("Monitoring objects (households)"), total])
    return {"header": [_("Risk"), pgettext("count", "Households")], "rows": rows}


def _funds(user: Any, area: Area) -> dict[str, Any] | None:
    funds = _module("funds.selectors")
    if not _has(funds, "execution_report"):
        return None
    report = funds.execution_report(user=user, by="source", year=clock.today().year)
    return {
        "header": [
            _("Fund source (this year, whole scope)"),
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
    data = {}
    for name, section in (("coverage", _coverage), ("monitoring", _monitoring), ("funds", _funds)):
        try:
            data[name] = section(user, area)
        except Exception:
            # Another app's selector failing must not take the whole dashboard down: its section shows
            # as not available and the error goes to the log.
            logger.exception("dashboard section %s failed for area %s", name, area.code)
            data[name] = None
    cache.set(key, data, LIVE_CACHE_SECONDS)
    return data
