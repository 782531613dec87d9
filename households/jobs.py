"""How the registry's jobs read on their pages (core.job_kinds). The import's own page and its links
to the households it wrote are the import's (households/imports.py fills `result["links"]`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.job_kinds import JobKind, register

from .tasks import DUPLICATES_KIND, IMPORT_KIND


def _import_summary(job: Any) -> str:
    result = job.result or {}  # the counts households.imports._write returns
    return _("%(hc)s households added, %(hu)s updated; %(mc)s people added, %(mu)s updated.") % {
        "hc": result.get("households_created", 0),
        "hu": result.get("households_updated", 0),
        "mc": result.get("members_created", 0),
        "mu": result.get("members_updated", 0),
    }


def register_job_kinds() -> None:
    register(
        JobKind(
            IMPORT_KIND,
            gettext_lazy("Household import"),
            supervised_by="import_registry",
            summary=_import_summary,
            messages={
                "validating": gettext_lazy("Checking the file…"),
                "importing": gettext_lazy("Writing the households…"),
            },
        ),
        JobKind(
            DUPLICATES_KIND,
            gettext_lazy("Duplicate scan"),
            supervised_by="run_jobs",
            summary=lambda job: (
                _("%(n)d new possible duplicates found.") % {"n": (job.result or {}).get("pairs_added", 0)}
            ),
            links=lambda job: [
                {"label": _("Review the duplicates"), "url": reverse("households:duplicates")}
            ],
            messages={"scanning": gettext_lazy("Comparing members across the registry…")},
        ),
    )
