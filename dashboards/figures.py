"""Every figure of an area's dashboard in one dict (pages, API and xlsx exports all read this), and
each chart's table as (title, header, rows) for the exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from areas.models import Area
from core.filtering import FilterRefused
from supervision import selectors as supervision

from .selectors import dashboard_data

TABLES = {
    "children": gettext_lazy("Incidence by area"),
    "trend": gettext_lazy("Trend over time"),
    "classes": gettext_lazy("Village classes"),
    "ledger": gettext_lazy("Rectification ledger by area"),
    "overdue": gettext_lazy("Overdue rectifications"),
    "rates": gettext_lazy("Assessment rates"),
    "coverage": gettext_lazy("Cadre and visit coverage"),
    "monitoring": gettext_lazy("Monitoring objects by risk"),
    "funds": gettext_lazy("Fund execution"),
}


def as_of_param(params: Any) -> dt.date | None:
    """The snapshot date a request asks for (`?as_of=YYYY-MM-DD`), None for the latest. Exports and the
    API refuse a value that is not a date (core.filtering.FilterRefused: a 400 naming it) rather than
    answering with the latest snapshot under a date the caller believes was used."""
    raw = str(params.get("as_of") or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise FilterRefused(
            {"as_of": [_("“%(value)s” is not a date: write it as 2024-12-31.") % {"value": raw[:40]}]},
            {"as_of": _("Snapshot date")},
        ) from None


def dashboard(*, user: Any, area: Area, as_of: dt.date | None = None) -> dict[str, Any]:
    data = dict(dashboard_data(user=user, area=area, as_of=as_of))
    data["area"] = {"code": area.code, "name": area.name, "level": area.level}
    # the ledger's counts and fund execution come with the snapshot's sections (dashboard_data), None
    # until the job has computed them; the overdue problems are a list to act on, read live (at most
    # 50 rows, one query, whatever the households)
    data.setdefault("ledger", None)
    data.setdefault("funds", None)
    data["overdue"] = [
        {
            "id": p.pk,
            "area": p.area.name,
            "description": p.description[:120],
            "responsible_unit": p.responsible_unit,
            "responsible_person": p.responsible_person.display_name,
            "deadline": p.deadline,
            "escalated": p.escalated_at is not None,
        }
        for p in supervision.overdue_problems(user=user, area=area)
    ]
    return data


# The columns of the incidence tables (by area and over time), in the order of their headers.
COUNT_KEYS = (
    "population",
    "poor_households",
    "poor_people",
    "incidence",
    "exited_households",
    "exited_people",
    "exit_share",
    "returned_households",
    "returned_people",
    "monitored_households",
    "monitored_people",
)


def _counts(row: dict[str, Any]) -> list[Any]:
    return [row[key] for key in COUNT_KEYS]


def table(name: str, data: dict[str, Any]) -> tuple[str, list[str], list[list[Any]]]:
    """The table behind a chart, for the xlsx export."""
    title = str(TABLES[name])
    counts = [
        _("Rural population"),
        _("Poor households"),
        _("Poor people"),
        _("Incidence (%)"),
        _("Exited households"),
        _("Exited people"),
        _("Exited share (%)"),
        _("Returned households"),
        _("Returned people"),
        _("Monitored households"),
        _("Monitored people"),
    ]
    if name == "children":
        rows = [[r["code"], r["name"], *_counts(r)] for r in data["children"]]
        return title, [_("Code"), _("Area"), *counts], rows
    if name == "trend":
        return title, [_("As of"), *counts], [[r["as_of"], *_counts(r)] for r in data["trend"]]
    if name == "classes":
        return (
            title,
            [_("Class"), _("Number of villages")],
            [[r["label"], r["villages"]] for r in data.get("village_classes", [])],
        )
    if name == "ledger":
        if not data["ledger"]:
            return title, [_("Not available")], []
        rows = [
            [r["code"], r["name"], r["open"], r["overdue"], r["closed"]] for r in data["ledger"]["children"]
        ]
        return (
            title,
            [_("Code"), _("Area"), _("Not closed"), _("Past deadline"), _("Closed (rectified)")],
            rows,
        )
    if name == "overdue":
        rows = [
            [r["area"], r["description"], r["responsible_unit"], r["responsible_person"], r["deadline"]]
            for r in data["overdue"]
        ]
        return (
            title,
            [
                _("Area"),
                _("Problem description"),
                _("Responsible unit"),
                _("Responsible person"),
                _("Deadline"),
            ],
            rows,
        )
    if name == "rates":
        rates = data.get("rates")
        if not rates:
            return title, [_("Not available")], []
        rows = [
            [
                _("Wrong-inclusion rate (%)"),
                rates["wrong_inclusion"],
                rates["registered_households"],
                rates["wrong_inclusion_rate"],
            ],
            [
                _("Wrong-exit rate (%)"),
                rates["wrong_exit"],
                rates["exited_households"],
                rates["wrong_exit_rate"],
            ],
            [
                _("Left-out rate (%)"),
                rates["left_out"],
                rates["registered_households"] + rates["left_out"],
                rates["left_out_rate"],
            ],
        ]
        return title, [_("Figure"), _("Upheld complaints"), pgettext("count", "Households"), _("Rate")], rows
    section = data.get(name)
    if not section:
        return title, [_("Not available")], []
    return title, section["header"], section["rows"]
