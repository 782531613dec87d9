"""Read the dashboard's sections back from the snapshot's section figures: the area's own row (or its
counties' rows above the county) and one row per village or per stationed team, grouped in the
database. The number of rows read depends on the area's villages and teams, never on its households.

The figures are the same as the live selectors' (assistance.selectors.coverage_for_area,
supervision.selectors.complaint_rates, the monitoring cases by risk) on the snapshot's day; a test
compares them (tests/dashboards/test_sections.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from areas.choices import LEVEL_PREFIX_LENGTH, AreaLevelChoices
from areas.models import Area
from core.numbers import percent
from exits.choices import RiskChoices

from ..models import SectionFigure, SectionSnapshot
from . import COMPLAINT_COLUMNS, VILLAGE_COLUMNS

COUNTY_LEN = LEVEL_PREFIX_LENGTH[AreaLevelChoices.COUNTY]
COVERAGE = (
    "assisted_households",
    "without_cadre",
    "without_plan",
    "not_visited",
    "overdue_follow_ups",
)
SUMMED = (*VILLAGE_COLUMNS, *COMPLAINT_COLUMNS, "monitored_cases")


def _snapshots(area: Area) -> QuerySet[SectionSnapshot]:
    """The sections snapshots of the county (or counties) the area lies in."""
    if len(area.prefix) >= COUNTY_LEN:
        return SectionSnapshot.objects.filter(county__code=area.code_at(AreaLevelChoices.COUNTY))
    return SectionSnapshot.objects.filter(county__code__startswith=area.prefix)


def _own_rows(area: Area) -> QuerySet[SectionFigure]:
    """The rows that add up to the area: its own, or its counties' above the county."""
    if len(area.prefix) >= COUNTY_LEN:
        return SectionFigure.objects.filter(area=area)
    return SectionFigure.objects.filter(level=AreaLevelChoices.COUNTY, area__code__startswith=area.prefix)


def sections_date(area: Area, as_of: dt.date | None) -> dt.date | None:
    """The day of the section figures shown with the snapshot of `as_of`: the newest on or before it,
    else the newest (figures the job computed on a later day than a past snapshot's date; the page
    names the day either way)."""
    days = _snapshots(area).order_by("-as_of").values_list("as_of", flat=True)
    if as_of is not None:
        before: dt.date | None = days.filter(as_of__lte=as_of).first()
        if before is not None:
            return before
    newest: dt.date | None = days.first()
    return newest


def sections_stamp(area: Area) -> str:
    """When the area's section figures were last computed (part of the dashboard's cache key)."""
    value = _snapshots(area).aggregate(m=Max("computed_at"))["m"]
    return value.isoformat() if value else "-"


def _total(area: Area, day: dt.date) -> dict[str, Any]:
    total: dict[str, Any] = {f: 0 for f in SUMMED} | {"risks": {}, "visit_days": 0}
    for row in _own_rows(area).filter(as_of=day).values(*SUMMED, "risks", "snapshot__visit_days"):
        for f in SUMMED:
            total[f] += row[f]
        for risk, n in row["risks"].items():
            total["risks"][risk] = total["risks"].get(risk, 0) + n
        total["visit_days"] = row["snapshot__visit_days"]
    return total


def _coverage(area: Area, day: dt.date, total: dict[str, Any]) -> dict[str, Any]:
    villages = SectionFigure.objects.filter(
        as_of=day,
        level=AreaLevelChoices.VILLAGE,
        area__code__startswith=area.prefix,
        assisted_households__gt=0,
    )
    if area.level == AreaLevelChoices.COUNTY:
        # per stationed team: the villages' rows added up in the database (a row per team)
        teams = [
            dict(r)
            for r in villages.values("team_id", "team__name")
            .annotate(**{f: Sum(f) for f in COVERAGE})
            .order_by()
        ]
        teams.sort(key=lambda r: (r["team_id"] is None, r["team__name"] or ""))
        parts = [[r["team__name"] or _("No team"), *(r[f] for f in COVERAGE)] for r in teams]
    else:
        parts = [
            [r["area__name"], *(r[f] for f in COVERAGE)]
            for r in villages.order_by("area__name", "area__code").values("area__name", *COVERAGE)
        ]
    return {
        "header": [
            _("Village") if area.level != AreaLevelChoices.COUNTY else _("Work team"),
            _("Assisted households"),
            _("Without an active cadre"),
            _("Without a plan this year"),
            _("Not visited in %(days)d days") % {"days": total["visit_days"]},
            _("Overdue follow-ups"),
        ],
        "rows": [[area.name, *(total[f] for f in COVERAGE)], *parts],
        "as_of": day,
    }


def _rates(total: dict[str, Any]) -> dict[str, Any]:
    registered, exited, left_out = (
        total["registered_households"],
        total["exited_households"],
        total["left_out"],
    )
    return {
        "registered_households": registered,
        "exited_households": exited,
        "left_out": left_out,
        "wrong_inclusion": total["wrong_inclusion"],
        "wrong_exit": total["wrong_exit"],
        "left_out_rate": percent(left_out, registered + left_out),
        "wrong_inclusion_rate": percent(total["wrong_inclusion"], registered),
        "wrong_exit_rate": percent(total["wrong_exit"], exited),
        "complaints": total["complaints"],
        "unanswered": total["unanswered"],
        "answered_late": total["answered_late"],
    }


def _monitoring(total: dict[str, Any]) -> dict[str, Any]:
    rows: list[list[Any]] = [[str(risk.label), total["risks"].get(risk.value, 0)] for risk in RiskChoices]
    rows.append([_("Monitoring objects (households)"), total["monitored_cases"]])
    return {"header": [_("Risk"), pgettext("count", "Households")], "rows": rows}


def sections(area: Area, as_of: dt.date | None) -> dict[str, Any]:
    """The coverage, complaint-rates and monitoring sections of an area's dashboard from the section
    figures of `sections_date`; none when no job has computed them (the page says so).
    Callers check the user's scope first: the figures depend on the area alone."""
    day = sections_date(area, as_of)
    if day is None:
        return {"sections_as_of": None}
    total = _total(area, day)
    return {
        "sections_as_of": day,
        "coverage": _coverage(area, day, total),
        "rates": _rates(total),
        "monitoring": _monitoring(total),
    }
