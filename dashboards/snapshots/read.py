"""Read the dashboard's sections back from the snapshot's section figures: the area's own row (or its
counties' rows above the county) and one row per village or per stationed team, grouped in the
database. The number of rows read depends on the area's villages and teams, never on its households.

The figures are the same as the live selectors' (assistance.selectors.coverage_for_area,
supervision.selectors.complaint_rates, the monitoring cases by risk) on the snapshot's day; a test
compares them (tests/dashboards/test_sections.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from areas.choices import LEVEL_PREFIX_LENGTH, AreaLevelChoices
from areas.models import Area
from core.money import to_wan
from core.numbers import percent
from exits.choices import RiskChoices

from ..models import SectionFigure, SectionFund, SectionSnapshot
from . import COMPLAINT_COLUMNS, LEDGER_COLUMNS, VILLAGE_COLUMNS

COUNTY_LEN = LEVEL_PREFIX_LENGTH[AreaLevelChoices.COUNTY]
COVERAGE = (
    "assisted_households",
    "without_cadre",
    "without_plan",
    "not_visited",
    "overdue_follow_ups",
)
SUMMED = (*VILLAGE_COLUMNS, *COMPLAINT_COLUMNS, *LEDGER_COLUMNS.values(), "monitored_cases")


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


def _chosen(area: Area, as_of: dt.date | None) -> tuple[list[int], dt.date | None]:
    """The sections snapshots shown with the incidence snapshot of `as_of`: for each county of the
    area, its newest on or before that date, else its newest (figures the job computed on a later day
    than a past snapshot's date); and the oldest of their days, which the page names. Per county, so
    above the county a county whose job has not run yet today still counts with its last figures,
    never silently left out of the sums (one row per county, a query whatever the population)."""
    qs = _snapshots(area)
    if as_of is not None:
        first = ExpressionWrapper(Q(as_of__lte=as_of), output_field=BooleanField())
        qs = qs.annotate(on_or_before=first).order_by("county_id", "-on_or_before", "-as_of")
    else:
        qs = qs.order_by("county_id", "-as_of")
    rows = list(qs.distinct("county_id").values_list("pk", "as_of"))
    return [pk for pk, _day in rows], min((day for _pk, day in rows), default=None)


def sections_stamp(area: Area) -> str:
    """When the area's section figures were last computed (part of the dashboard's cache key)."""
    value = _snapshots(area).aggregate(m=Max("computed_at"))["m"]
    return value.isoformat() if value else "-"


def _total(area: Area, ids: list[int]) -> dict[str, Any]:
    total: dict[str, Any] = {f: 0 for f in SUMMED} | {"risks": {}, "visit_days": 0, "computed_at": None}
    for row in (
        _own_rows(area)
        .filter(snapshot_id__in=ids)
        .values(*SUMMED, "risks", "snapshot__visit_days", "snapshot__computed_at")
    ):
        for f in SUMMED:
            total[f] += row[f]
        for risk, n in row["risks"].items():
            total["risks"][risk] = total["risks"].get(risk, 0) + n
        total["visit_days"] = row["snapshot__visit_days"]
        # above the county: the oldest of its counties' computations, so the page never claims newer
        computed = row["snapshot__computed_at"]
        total["computed_at"] = (
            computed if total["computed_at"] is None else min(total["computed_at"], computed)
        )
    return total


def _per_child(area: Area, ids: list[int], columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Above the county: the area's counties' rows added up per child area (prefecture or county), in
    code order; a row per child, read from one row per county whatever the population."""
    areas = list(Area.objects.filter(parent=area).order_by("code"))
    children: list[dict[str, Any]] = [
        {"code": c.code, "name": c.name, **dict.fromkeys(columns, 0)} for c in areas
    ]
    by_prefix = {c.prefix: child for c, child in zip(areas, children, strict=True)}
    length = len(areas[0].prefix) if areas else 0
    for r in _own_rows(area).filter(snapshot_id__in=ids).values("area__code", *columns):
        child = by_prefix.get(r["area__code"][:length])
        if child is not None:
            for column in columns:
                child[column] += r[column]
    return children


def _coverage(area: Area, ids: list[int], day: dt.date, total: dict[str, Any]) -> dict[str, Any]:
    villages = SectionFigure.objects.filter(
        snapshot_id__in=ids,
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
    elif len(area.prefix) > COUNTY_LEN:
        parts = [
            [r["area__name"], *(r[f] for f in COVERAGE)]
            for r in villages.order_by("area__name", "area__code").values("area__name", *COVERAGE)
        ]
    else:  # above the county: a row per child area (a province lists 18,000 villages otherwise)
        parts = [[c["name"], *(c[f] for f in COVERAGE)] for c in _per_child(area, ids, COVERAGE)]
    first_column = {
        AreaLevelChoices.PROVINCE: _("Prefecture"),
        AreaLevelChoices.PREFECTURE: _("County"),
        AreaLevelChoices.COUNTY: _("Work team"),
    }.get(AreaLevelChoices(area.level), _("Village"))
    return {
        "header": [
            first_column,
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


def _ledger(area: Area, ids: list[int], total: dict[str, Any]) -> dict[str, Any]:
    """The rectification ledger's counts under the area and per child area (as ledger_summary)."""
    per_child = {k: LEDGER_COLUMNS[k] for k in ("open", "overdue", "closed")}
    if len(area.prefix) >= COUNTY_LEN:
        rows = SectionFigure.objects.filter(snapshot_id__in=ids, parent=area).order_by("area__code")
        children = [
            {"code": r["area__code"], "name": r["area__name"], **{k: r[c] for k, c in per_child.items()}}
            for r in rows.values("area__code", "area__name", *per_child.values())
        ]
    else:
        children = [
            {"code": c["code"], "name": c["name"], **{k: c[col] for k, col in per_child.items()}}
            for c in _per_child(area, ids, tuple(per_child.values()))
        ]
    return {**{name: total[column] for name, column in LEDGER_COLUMNS.items()}, "children": children}


def _funds(area: Area, ids: list[int], day: dt.date) -> dict[str, Any]:
    """Fund execution by source for the year of the day (as execution_report by source)."""
    if len(area.prefix) >= COUNTY_LEN:
        qs = SectionFund.objects.filter(area=area, snapshot_id__in=ids)
    else:
        qs = SectionFund.objects.filter(
            snapshot_id__in=ids, area__level=AreaLevelChoices.COUNTY, area__code__startswith=area.prefix
        )
    rows = qs.values("source_id", "source_name").annotate(allocated=Sum("allocated"), paid=Sum("paid"))
    return {
        "header": [
            _("Fund source (allocations of %(year)s)") % {"year": day.year},
            _("Allocated (10,000 yuan)"),
            _("Paid (10,000 yuan)"),
            _("Execution rate (%)"),
        ],
        "rows": [
            [r["source_name"], to_wan(r["allocated"]), to_wan(r["paid"]), percent(r["paid"], r["allocated"])]
            for r in sorted(rows, key=lambda r: r["source_name"])
        ],
    }


def sections(area: Area, as_of: dt.date | None) -> dict[str, Any]:
    """The coverage, complaint-rates, monitoring, rectification-ledger and funds sections of an area's
    dashboard from the sections snapshots `_chosen` picks, with when they were computed; none when no
    job has computed them (the page says so).
    Callers check the user's scope first: the figures depend on the area alone."""
    ids, day = _chosen(area, as_of)
    if day is None:
        return {"sections_as_of": None}
    total = _total(area, ids)
    return {
        "sections_as_of": day,
        "sections_computed_at": total["computed_at"],
        "coverage": _coverage(area, ids, day, total),
        "rates": _rates(total),
        "monitoring": _monitoring(total),
        "ledger": _ledger(area, ids, total),
        "funds": _funds(area, ids, day),
    }
