"""How the reminders job reads on its page (core.job_kinds)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.job_kinds import JobKind, register


def _summary(job: Any) -> str:
    result = job.result or {}
    return _("%(visits)d visit reminders and %(follow_ups)d follow-up reminders raised.") % {
        "visits": result.get("visits", 0),
        "follow_ups": result.get("follow_ups", 0),
    }


def register_job_kinds() -> None:
    register(
        JobKind(
            "assistance.reminders",
            gettext_lazy("Reminders for visits and follow-ups"),
            supervised_by="manage_assistance",
            summary=_summary,
            links=lambda job: [{"label": _("Open the coverage"), "url": reverse("assistance:coverage")}],
            progress=gettext_lazy("Raising the reminders of %(where)s…"),
        )
    )
