"""Reads for the dashboards: every figure comes from snapshots (precomputed by the snapshot job),
never from the registry at request time. Levels above the county add up their counties' rows for the same date."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Max, QuerySet, Sum
from django.utils import translation

from accounts.models import User
from areas.choices import LEVEL_ORDER, LEVEL_PREFIX_LENGTH, AreaLevelChoices
from areas.models import Area
from core.filtering import filter_rows
from core.numbers import percent
from exits.selectors import exit_settings_for, exit_threshold_for, village_class_for

from .choices import SnapshotStatusChoices, VillageClassChoices
from .filters import ExitTargetFilterSet, IncidenceFigureFilterSet, IncidenceSnapshotFilterSet
from .models import ExitTarget, IncidenceFigure, IncidenceSnapshot
from .snapshots.read import sections, sections_stamp

# The counted columns of an incidence figure (IncidenceFigure), summed up the area tree.
TOTAL_FIELDS = (
    "population",
    "villages",
    "villages_without_population",
    "poor_people",
    "poor_households",
    "exited_people",
    "exited_households",
    "returned_people",
    "returned_households",
    "monitored_people",
    "monitored_households",
)
CACHE_SECONDS = 600
COUNTY_LEN = LEVEL_PREFIX_LENGTH[AreaLevelChoices.COUNTY]


def figure_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[IncidenceFigure]:
    qs = (
        IncidenceFigure.objects.visible_to(user)
        .filter(snapshot__status=SnapshotStatusChoices.COMPLETE)
        .select_related("area", "snapshot")
        .order_by("-as_of", "area__code")
    )
    return filter_rows(IncidenceFigureFilterSet, filters, qs)


def snapshot_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[IncidenceSnapshot]:
    qs = IncidenceSnapshot.objects.visible_to(user).select_related("county", "computed_by")
    return filter_rows(IncidenceSnapshotFilterSet, filters, qs)


def _county_prefix(area: Area) -> str:
    return area.code[:COUNTY_LEN]


def _figures(user: User | None = None) -> QuerySet[IncidenceFigure]:
    """Stored figures, narrowed to the user's scope when a user is given (pages and API always give one;
    tests and jobs reading a known area may not)."""
    return IncidenceFigure.objects.visible_to(user) if user is not None else IncidenceFigure.objects.all()


def snapshot_dates(area: Area) -> list[dt.date]:
    """Dates with a complete snapshot covering the area, newest first."""
    if len(area.prefix) >= COUNTY_LEN:
        qs = IncidenceSnapshot.objects.filter(county__code__startswith=_county_prefix(area))
    else:
        qs = IncidenceSnapshot.objects.filter(county__code__startswith=area.prefix)
    return list(
        qs.filter(status=SnapshotStatusChoices.COMPLETE)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .distinct()
    )


def _with_rates(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    for field in TOTAL_FIELDS:
        row[field] = int(row.get(field) or 0)
    row["incidence"] = percent(row["poor_people"], row["population"])
    # Exit progress: people who left poverty among everyone registered poor (exited + still poor).
    row["exit_share"] = percent(row["exited_people"], row["exited_people"] + row["poor_people"])
    return row


def _aggregate(qs: QuerySet[IncidenceFigure]) -> dict[str, Any]:
    return qs.aggregate(**{f: Sum(f) for f in TOTAL_FIELDS})


def area_figures(area: Area, as_of: dt.date, user: User | None = None) -> dict[str, Any] | None:
    """One area's figures as of a date (None if no snapshot covers it)."""
    if len(area.prefix) >= COUNTY_LEN:
        row = (
            _figures(user)
            .filter(area=area, as_of=as_of, snapshot__status=SnapshotStatusChoices.COMPLETE)
            .values(*TOTAL_FIELDS)
            .first()
        )
        return _with_rates(row) if row else None
    counties = _figures(user).filter(
        as_of=as_of,
        level=AreaLevelChoices.COUNTY,
        area__code__startswith=area.prefix,
        snapshot__status=SnapshotStatusChoices.COMPLETE,
    )
    totals = _aggregate(counties)
    return _with_rates(totals) if totals["population"] is not None else None


def child_level(area: Area) -> str | None:
    index = LEVEL_ORDER.index(AreaLevelChoices(area.level))
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


def children_figures(area: Area, as_of: dt.date, user: User | None = None) -> list[dict[str, Any]]:
    """The figures of each child area (townships of a county, villages of a township, ...)."""
    level = child_level(area)
    if level is None:
        return []
    children = {a.pk: a for a in Area.objects.filter(parent=area).order_by("code")}
    base = _figures(user).filter(as_of=as_of, snapshot__status=SnapshotStatusChoices.COMPLETE)
    if len(area.prefix) >= COUNTY_LEN:
        rows = {r["area_id"]: r for r in base.filter(parent=area).values("area_id", *TOTAL_FIELDS)}
    else:
        # Above the county: add up county rows per child prefix (a handful of rows).
        length = LEVEL_PREFIX_LENGTH[AreaLevelChoices(level)]
        by_prefix = {a.code[:length]: a.pk for a in children.values()}
        rows = {}
        for county_row in base.filter(
            level=AreaLevelChoices.COUNTY, area__code__startswith=area.prefix
        ).values("area__code", *TOTAL_FIELDS):
            child_id = by_prefix.get(county_row["area__code"][:length])
            if child_id is None:
                continue
            acc = rows.setdefault(child_id, {f: 0 for f in TOTAL_FIELDS})
            for f in TOTAL_FIELDS:
                acc[f] += county_row[f]
    result = []
    for pk, child in children.items():
        if pk not in rows:
            continue
        row = _with_rates(rows[pk])
        row.update({"code": child.code, "name": child.name, "level": child.level, "area_id": pk})
        result.append(row)
    return result


def trend(area: Area, user: User | None = None) -> list[dict[str, Any]]:
    """The area's figures at every snapshot date, oldest first."""
    if len(area.prefix) >= COUNTY_LEN:
        rows = (
            _figures(user)
            .filter(area=area, snapshot__status=SnapshotStatusChoices.COMPLETE)
            .order_by("as_of")
            .values("as_of", *TOTAL_FIELDS)
        )
    else:
        rows = (
            _figures(user)
            .filter(
                level=AreaLevelChoices.COUNTY,
                area__code__startswith=area.prefix,
                snapshot__status=SnapshotStatusChoices.COMPLETE,
            )
            .values("as_of")
            .annotate(**{f: Sum(f) for f in TOTAL_FIELDS})
            .order_by("as_of")
        )
    return [_with_rates(r) | {"as_of": r["as_of"]} for r in rows]


def exit_threshold(area: Area) -> Decimal:
    """The incidence below which the area's villages may exit: exits' rule (the county's settings)."""
    return exit_threshold_for(area)


_CLASSES = {1: VillageClassChoices.CLASS_1, 2: VillageClassChoices.CLASS_2}


def village_class(rate: Decimal | None, bands: list[dict[str, Any]]) -> str:
    """The class of a village by incidence under the county's bands (exits' rule, seed 004)."""
    if rate is None:
        return VillageClassChoices.UNKNOWN
    number = village_class_for(rate, bands)
    if number is None:
        return VillageClassChoices.OTHER
    return _CLASSES.get(number, VillageClassChoices.CLASS_3)


def _village_rates(area: Area, as_of: dt.date, user: User | None = None) -> dict[int, Decimal | None]:
    return dict(
        _figures(user)
        .filter(
            as_of=as_of,
            level=AreaLevelChoices.VILLAGE,
            area__code__startswith=area.prefix,
            snapshot__status=SnapshotStatusChoices.COMPLETE,
        )
        .values_list("area_id", "incidence")
    )


def village_classes(area: Area, as_of: dt.date, user: User | None = None) -> list[dict[str, Any]]:
    bands = list(exit_settings_for(area).village_class_bands)
    counts = {choice: 0 for choice in VillageClassChoices}
    for rate in _village_rates(area, as_of, user).values():
        counts[VillageClassChoices(village_class(rate, bands))] += 1
    return [{"class": str(c), "label": str(c.label), "villages": n} for c, n in counts.items()]


def village_exit_progress(
    area: Area, as_of: dt.date, baseline: dt.date, user: User | None = None
) -> dict[str, Any]:
    """Poor villages at the baseline date (incidence at or above the exit threshold) and how many of
    them are below it now: the "182 of 200 poor villages exited" figure."""
    threshold = exit_threshold(area)
    before = _village_rates(area, baseline, user)
    now = _village_rates(area, as_of, user)
    poor = [pk for pk, rate in before.items() if rate is not None and rate >= threshold]
    exited = [pk for pk in poor if (rate := now.get(pk)) is not None and rate < threshold]
    return {
        "baseline": baseline,
        "as_of": as_of,
        "threshold": threshold,
        "poor_villages": len(poor),
        "exited_villages": len(exited),
        "exited_share": percent(len(exited), len(poor)),
    }


def exit_target_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[ExitTarget]:
    filtered: QuerySet[ExitTarget] = ExitTargetFilterSet(
        filters or {}, queryset=ExitTarget.objects.visible_to(user).select_related("area", "set_by")
    ).qs
    return filtered


def exit_progress(
    area: Area, as_of: dt.date, dates: list[dt.date], user: User | None = None
) -> dict[str, Any]:
    """People exited during the year of `as_of` against the area's target for that year: exited now
    minus exited at the last snapshot of the previous year (None without such a snapshot)."""
    target = ExitTarget.objects.filter(area=area, year=as_of.year).first()
    before = [d for d in dates if d.year < as_of.year]
    now = area_figures(area, as_of, user)
    exited = None
    if before and now is not None:
        previous = area_figures(area, max(before), user)
        exited = now["exited_people"] - (previous["exited_people"] if previous else 0)
    return {
        "year": as_of.year,
        "target_people": target.people if target else None,
        "target_households": target.households if target else None,
        "exited_people": exited,
        "since": max(before) if before else None,
        "progress": percent(exited, target.people) if target and exited is not None else None,
    }


def area_cache_key(*parts: Any) -> str:
    """Cache keys of an area's figures: the area's figures are the same for everyone who may see the
    area (a scope that covers an area covers everything under it), so every official of a county
    shares one cached dashboard; the language is in it as cached figures hold translated labels."""
    raw = "|".join([translation.get_language() or "", *(str(p) for p in parts)])
    return "dashboards:" + hashlib.sha256(raw.encode()).hexdigest()


def _stamp(area: Area) -> str:
    prefix = _county_prefix(area) if len(area.prefix) >= COUNTY_LEN else area.prefix
    value = IncidenceSnapshot.objects.filter(county__code__startswith=prefix).aggregate(m=Max("computed_at"))[
        "m"
    ]
    return value.isoformat() if value else "-"


def dashboard_data(*, user: User, area: Area, as_of: dt.date | None = None) -> dict[str, Any]:
    """Every snapshot figure of an area's dashboard (incidence and the sections the snapshot job
    computes), cached per area, date and the last computation time (a recompute invalidates it), not
    per user: the scope is checked before the cache is read, so a user outside the area gets nothing."""
    if not Area.objects.visible_to(user).filter(pk=area.pk).exists():
        return {
            "as_of": None,
            "dates": [],
            "summary": None,
            "children": [],
            "trend": [],
            "sections_as_of": None,
        }
    dates = snapshot_dates(area)
    if as_of is None or as_of not in dates:
        as_of = dates[0] if dates else None
    target_stamp = ExitTarget.objects.filter(area=area).aggregate(m=Max("updated_at"))["m"]
    key = area_cache_key("area", area.code, as_of, _stamp(area), sections_stamp(area), target_stamp)
    cached: dict[str, Any] | None = cache.get(key)
    if cached is not None:
        return cached
    data: dict[str, Any] = {"as_of": as_of, "dates": dates, "summary": None, "children": [], "trend": []}
    if as_of is not None:
        baseline = dates[-1]
        data.update(
            summary=area_figures(area, as_of),
            children=children_figures(area, as_of),
            trend=trend(area),
            village_classes=village_classes(area, as_of),
            village_exits=village_exit_progress(area, as_of, baseline),
            exit_target=exit_progress(area, as_of, dates),
        )
    data.update(sections(area, as_of))
    cache.set(key, data, CACHE_SECONDS)
    return data
