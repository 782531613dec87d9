"""The registry's part of the start page: procedure steps to sign, county approvals, duplicates to
review, cross-department matches and the user's imports (core.worklist)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability, RoleChoices
from core.job_kinds import job_message
from core.models import Job
from core.worklist import ITEMS_SHOWN, WorkItem, WorkSection, WorkSource, household_title, register

from .choices import IdentificationStageChoices, ProcedureStatusChoices, ReviewStatusChoices
from .models import CrossCheckMatch, DuplicateCandidate, IdentificationProcedure, Member
from .services import STAGE_CAPABILITY, procedure_notice_ends_on

R = RoleChoices
STAGE = IdentificationStageChoices


def _procedures(user: Any, stages: list[str]) -> Any:
    return (
        IdentificationProcedure.objects.visible_to(user)
        .filter(status=ProcedureStatusChoices.IN_PROGRESS, next_stage__in=stages)
        .select_related("household__head", "household__village__parent")
        .order_by("created_at", "pk")
    )


def _procedure_item(procedure: IdentificationProcedure, user: Any, today: dt.date) -> WorkItem:
    detail = _("Next step: %(stage)s") % {"stage": STAGE(procedure.next_stage).label}
    ends = procedure_notice_ends_on(procedure)
    waiting = False
    if procedure.next_stage == STAGE.PUBLIC_NOTICE and ends is not None:
        waiting = today < ends
        detail += " · " + (
            _("notice runs until %(date)s") % {"date": ends.isoformat()}
            if waiting
            else _("notice period over: close it")
        )
    return WorkItem(
        title=household_title(procedure.household, user),
        url=reverse("households:detail", args=[procedure.household_id]) + "#identification",
        detail=detail,
        when=procedure.created_at.date(),
    )


def identification_steps(user: Any, today: dt.date) -> WorkSection | None:
    stages = [
        stage
        for stage, capability in STAGE_CAPABILITY.items()
        if stage != STAGE.COUNTY_APPROVAL and user.has_capability(capability)
    ]
    if not stages:
        return None
    qs = _procedures(user, stages)
    return WorkSection(
        key="identification-steps",
        title=gettext_lazy("Identification steps to sign"),
        count=qs.count(),
        items=[_procedure_item(p, user, today) for p in qs[:ITEMS_SHOWN]],
        more_url=reverse("households:list") + "?status=candidate",
        empty=gettext_lazy("No identification waits for your signature."),
    )


def identification_approvals(user: Any, today: dt.date) -> WorkSection | None:
    if not user.has_capability(Capability.APPROVE):
        return None
    qs = _procedures(user, [STAGE.COUNTY_APPROVAL])
    return WorkSection(
        key="identification-approvals",
        title=gettext_lazy("Identifications waiting for county approval"),
        count=qs.count(),
        items=[_procedure_item(p, user, today) for p in qs[:ITEMS_SHOWN]],
        more_url=reverse("households:list") + "?status=candidate",
        empty=gettext_lazy("No identification waits for the county."),
        kind="approval",
    )


def _village_of(member: Member) -> str:
    # a pending pair is scoped by its members' households, so both have one
    return member.household.village_label if member.household is not None else ""


def duplicates_to_review(user: Any, today: dt.date) -> WorkSection | None:
    if not user.has_capability(Capability.EDIT_REGISTRY):
        return None
    qs = (
        DuplicateCandidate.objects.visible_to(user)
        .filter(status=ReviewStatusChoices.PENDING)
        .select_related("member_a__household__village__parent", "member_b__household__village__parent")
        .order_by("pk")
    )
    items = [
        WorkItem(
            title=_("%(a)s and %(b)s") % {"a": d.member_a.name, "b": d.member_b.name},
            url=reverse("households:duplicates") + "?status=pending",
            detail=f"{d.get_kind_display()} · {_village_of(d.member_a)} / {_village_of(d.member_b)}",
        )
        for d in qs[:ITEMS_SHOWN]
    ]
    matches = CrossCheckMatch.objects.visible_to(user).filter(status=ReviewStatusChoices.PENDING).count()
    if matches:
        items.append(
            WorkItem(
                title=_("%(n)d cross-department matches to check") % {"n": matches},
                url=reverse("households:cross-checks") + "?status=pending",
            )
        )
    return WorkSection(
        key="duplicates",
        title=gettext_lazy("Possible duplicates to review"),
        count=qs.count() + matches,
        items=items,
        more_url=reverse("households:duplicates") + "?status=pending",
        empty=gettext_lazy("No possible duplicate waits for review."),
    )


def my_imports(user: Any, today: dt.date) -> WorkSection | None:
    if not user.has_capability(Capability.IMPORT_REGISTRY):
        return None
    jobs = list(Job.objects.filter(created_by=user, kind="households.import").order_by("-created_at")[:4])
    return WorkSection(
        key="imports",
        title=gettext_lazy("My imports"),
        count=len(jobs),
        items=[
            WorkItem(
                title=job.created_at.strftime("%Y-%m-%d %H:%M") + " · " + str(job.get_status_display()),
                url=reverse("core:job", args=[job.pk]),
                detail=job_message(job),  # the result once finished, not the last step's words
            )
            for job in jobs
        ],
        more_url=reverse("households:import"),
        more_label=gettext_lazy("Import a spreadsheet"),
        empty=gettext_lazy("No import yet: bring the villages' spreadsheets in here."),
        kind="info",
    )


def register_sources() -> None:
    register(
        WorkSource(
            "households.identification-steps",
            frozenset({R.TOWNSHIP_STAFF, R.WORK_TEAM}),
            identification_steps,
            20,
        ),
        WorkSource(
            "households.identification-approvals",
            frozenset({R.COUNTY_OFFICIAL, R.SYSTEM_ADMIN}),
            identification_approvals,
            10,
        ),
        WorkSource("households.duplicates", frozenset({R.TOWNSHIP_STAFF}), duplicates_to_review, 40),
        WorkSource("households.imports", frozenset({R.TOWNSHIP_STAFF}), my_imports, 90),
    )
