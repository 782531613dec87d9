"""How the incidence job reads on its page (core.job_kinds): a finished snapshot leads to its dashboard."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from areas.models import Area
from core.job_kinds import JobKind, register

from .services import JOB_KIND


def _counties(job: Any) -> list[Area]:
    result = job.result or {}
    codes = [*result.get("computed", []), *result.get("unchanged", [])]
    return list(Area.objects.filter(code__in=codes).order_by("code"))


def _summary(job: Any) -> str:
    result = job.result or {}
    return _("Snapshot as of %(date)s: %(computed)d counties computed, %(unchanged)d already complete.") % {
        "date": result.get("as_of", ""),
        "computed": len(result.get("computed", [])),
        "unchanged": len(result.get("unchanged", [])),
    }


def _links(job: Any) -> list[dict[str, str]]:
    as_of = (job.result or {}).get("as_of", "")
    return [
        {
            "label": _("Dashboard of %(area)s") % {"area": county.name},
            "url": reverse("dashboards:area", args=[county.code]) + (f"?as_of={as_of}" if as_of else ""),
        }
        for county in _counties(job)
    ]


def register_job_kinds() -> None:
    register(
        JobKind(
            JOB_KIND,
            gettext_lazy("Poverty incidence snapshot"),
            supervised_by="run_jobs",
            summary=_summary,
            links=_links,
            progress=gettext_lazy("Computing %(where)s…"),
        )
    )
