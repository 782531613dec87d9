"""How the exit screening reads on its page (core.job_kinds)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.job_kinds import JobKind, register

from .tasks import SCREENING_KIND


def _summary(job: Any) -> str:
    result = job.result or {}
    return _(
        "%(checked)d households checked in %(villages)d villages: %(eligible)d meet the exit conditions "
        "but are not proposed, %(proposed)d are proposed without meeting them, %(opened)d monitoring "
        "cases opened."
    ) % {
        "checked": result.get("checked", 0),
        "villages": result.get("villages", 0),
        "eligible": result.get("eligible_not_proposed_count", 0),
        "proposed": result.get("proposed_not_eligible_count", 0),
        "opened": result.get("monitoring_opened", 0),
    }


def register_job_kinds() -> None:
    register(
        JobKind(
            SCREENING_KIND,
            gettext_lazy("Exit screening"),
            supervised_by="run_jobs",
            summary=_summary,
            links=lambda job: [{"label": _("Open the screening"), "url": reverse("exits:screening")}],
            progress=gettext_lazy("Screening %(where)s…"),
        )
    )
