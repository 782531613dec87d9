"""How the funds jobs read on their pages (core.job_kinds)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.job_kinds import JobKind, register

if TYPE_CHECKING:
    from core.models import Job


def _ledger_summary(job: Job) -> str:
    result = job.result or {}
    count = len(result.get("mismatches", []))
    if not count:
        return _("%(n)d projects checked: the ledger adds up.") % {"n": result.get("projects_checked", 0)}
    return _("%(n)d projects checked: %(m)d figures do not add up.") % {
        "n": result.get("projects_checked", 0),
        "m": count,
    }


def _ledger_links(job: Job) -> list[dict[str, str]]:
    return [{"label": _("Open the reconciliation"), "url": reverse("funds:reconciliation")}]


def _batch_summary(job: Job) -> str:
    result = job.result or {}
    return _("%(paid)d households paid in %(villages)d villages.") % {
        "paid": result.get("paid", 0),
        "villages": result.get("villages", 0),
    }


def _batch_links(job: Job) -> list[dict[str, str]]:
    from .models import ProjectFunding

    funding_id = (job.params or {}).get("funding_id")
    funding = ProjectFunding.objects.filter(pk=funding_id).first() if funding_id is not None else None
    if funding is None:
        return []
    return [{"label": _("Open the project"), "url": reverse("funds:project", args=[funding.project_id])}]


def register_job_kinds() -> None:
    register(
        JobKind(
            "funds.ledger_check",
            gettext_lazy("Funds ledger check"),
            supervised_by="run_jobs",
            summary=_ledger_summary,
            links=_ledger_links,
            progress=gettext_lazy("Checking the projects of %(where)s…"),
        ),
        JobKind(
            "funds.household_batch",
            gettext_lazy("Payments to households"),
            supervised_by="manage_funds",
            summary=_batch_summary,
            links=_batch_links,
            progress=gettext_lazy("Paying the households of %(where)s…"),
        ),
    )
