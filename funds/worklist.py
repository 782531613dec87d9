"""Projects waiting for the county's approval, on the county's start page (core.worklist)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability, RoleChoices
from core.templatetags.povertycase import wan_yuan
from core.worklist import ITEMS_SHOWN, WorkItem, WorkSection, WorkSource, register

from .choices import ProjectStatusChoices
from .models import Project


def project_approvals(user: Any, today: dt.date) -> WorkSection | None:
    if not user.has_capability(Capability.APPROVE):
        return None
    qs = (
        Project.objects.visible_to(user)
        .filter(status=ProjectStatusChoices.PROPOSED)
        .select_related("area")
        .order_by("created_at", "pk")
    )
    return WorkSection(
        key="project-approvals",
        title=gettext_lazy("Projects waiting for approval"),
        count=qs.count(),
        items=[
            WorkItem(
                title=p.name,
                url=reverse("funds:project", args=[p.pk]),
                detail=f"{p.area.name} · {p.year} · "
                + _("budget %(wan)s 10k yuan") % {"wan": wan_yuan(p.budget)},
                when=p.created_at.date(),
            )
            for p in qs[:ITEMS_SHOWN]
        ],
        more_url=reverse("funds:projects") + f"?status={ProjectStatusChoices.PROPOSED}",
        empty=gettext_lazy("No project waits for approval."),
        kind="approval",
    )


def register_sources() -> None:
    register(
        WorkSource(
            "funds.project-approvals",
            frozenset({RoleChoices.COUNTY_OFFICIAL, RoleChoices.SYSTEM_ADMIN}),
            project_approvals,
            12,
        )
    )
