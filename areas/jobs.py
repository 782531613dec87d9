"""How the area import reads on its page (core.job_kinds)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.job_kinds import JobKind, register


def _summary(job: Any) -> str:
    result = job.result or {}
    return _("%(created)d areas added, %(updated)d updated, %(populations)d population figures.") % {
        "created": result.get("created", 0),
        "updated": result.get("updated", 0),
        "populations": result.get("populations", 0),
    }


def register_job_kinds() -> None:
    register(
        JobKind(
            "areas.import",
            gettext_lazy("Area import"),
            supervised_by="administer",
            summary=_summary,
            links=lambda job: [{"label": _("Open the areas"), "url": reverse("areas:list")}],
            messages={"importing": gettext_lazy("Writing the areas…")},
        )
    )
