"""The exit and monitoring part of the start page (core.worklist): procedure steps to sign, what waits
for the county, and the re-verification checks due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability, RoleChoices
from core.worklist import ITEMS_SHOWN, WorkItem, WorkSection, WorkSource, household_title, register

from .choices import (
    CampaignStateChoices,
    CheckTaskStateChoices,
    ExitProcedureStateChoices,
    ExitStepChoices,
    MonitoringStateChoices,
    MonitoringStepChoices,
)
from .models import CheckTask, ExitProcedure, MonitoringCase
from .services import EXIT_TRANSITIONS, MONITORING_TRANSITIONS

R = RoleChoices
# Steps that move a procedure on (sending back and withdrawing are not work waiting for anyone).
_FORWARD_EXIT = {
    step: rule for step, rule in EXIT_TRANSITIONS.items() if step not in ("send_back", "withdraw")
}
_FORWARD_MONITORING = {step: rule for step, rule in MONITORING_TRANSITIONS.items() if "reject" not in step}


def _states_for(user: Any, transitions: dict, *, county: bool) -> set[str]:
    states: set[str] = set()
    for rule in transitions.values():
        if (rule.capability == Capability.APPROVE) == county and user.has_capability(rule.capability):
            states |= set(rule.sources)
    return states


def _next_step(user: Any, record: Any, transitions: dict, labels: Any) -> str:
    for step, rule in transitions.items():
        if record.state in rule.sources and user.has_capability(rule.capability):
            return _("Next step: %(step)s") % {"step": labels(step).label}
    return str(record.get_state_display())


def _exit_section(user: Any, today: dt.date, *, county: bool) -> WorkSection | None:
    states = _states_for(user, _FORWARD_EXIT, county=county)
    if not states:
        return None
    qs = (
        ExitProcedure.objects.visible_to(user)
        .filter(state__in=states)
        .select_related("household__head", "household__village__parent")
        .order_by("updated_at", "pk")
    )
    return WorkSection(
        key="exit-approvals" if county else "exit-steps",
        title=gettext_lazy("Exits waiting for county approval")
        if county
        else gettext_lazy("Exit procedure steps to sign"),
        count=qs.count(),
        items=[
            WorkItem(
                title=household_title(p.household, user),
                url=reverse("exits:procedure", args=[p.pk]),
                detail=_next_step(user, p, _FORWARD_EXIT, ExitStepChoices),
                when=p.updated_at.date(),
            )
            for p in qs[:ITEMS_SHOWN]
        ],
        more_url=reverse("exits:procedures")
        + (f"?state={ExitProcedureStateChoices.TOWNSHIP_REVIEWED}" if county else ""),
        empty=gettext_lazy("No exit procedure waits for you."),
        kind="approval" if county else "task",
    )


def exit_steps(user: Any, today: dt.date) -> WorkSection | None:
    return _exit_section(user, today, county=False)


def exit_approvals(user: Any, today: dt.date) -> WorkSection | None:
    return _exit_section(user, today, county=True)


def _monitoring_section(user: Any, today: dt.date, *, county: bool) -> WorkSection | None:
    states = _states_for(user, _FORWARD_MONITORING, county=county)
    if county:
        states &= {MonitoringStateChoices.TOWNSHIP_REVIEWED}
    if not states:
        return None
    qs = (
        MonitoringCase.objects.visible_to(user)
        .filter(state__in=states)
        .select_related("household__head", "household__village__parent")
        .order_by("decision_due", "pk")
    )
    return WorkSection(
        key="monitoring-approvals" if county else "monitoring-steps",
        title=gettext_lazy("Monitoring cases waiting for the county")
        if county
        else gettext_lazy("Monitoring cases to take forward"),
        count=qs.count(),
        items=[
            WorkItem(
                title=household_title(c.household, user),
                url=reverse("exits:monitoring-detail", args=[c.pk]),
                detail=_("%(step)s · decide by %(date)s")
                % {
                    "step": _next_step(user, c, _FORWARD_MONITORING, MonitoringStepChoices),
                    "date": c.decision_due.isoformat(),
                },
                when=c.decision_due,
                overdue=c.decision_due < today,
            )
            for c in qs[:ITEMS_SHOWN]
        ],
        more_url=reverse("exits:monitoring")
        + (f"?state={MonitoringStateChoices.TOWNSHIP_REVIEWED}" if county else ""),
        empty=gettext_lazy("No monitoring case waits for you."),
        kind="approval" if county else "task",
    )


def monitoring_steps(user: Any, today: dt.date) -> WorkSection | None:
    return _monitoring_section(user, today, county=False)


def monitoring_approvals(user: Any, today: dt.date) -> WorkSection | None:
    return _monitoring_section(user, today, county=True)


def checks_due(user: Any, today: dt.date) -> WorkSection | None:
    """Re-verification (回头看) households still to check in the campaigns that are open."""
    if not user.has_capability(Capability.LOG_VISIT):
        return None
    qs = CheckTask.objects.visible_to(user).filter(
        state=CheckTaskStateChoices.PENDING, campaign__state=CampaignStateChoices.OPEN
    )
    if user.role == R.CADRE:
        qs = qs.filter(Q(cadre__user=user))
    qs = qs.select_related("campaign", "household__head", "household__village__parent").order_by(
        "campaign__due_on", "household__village__code", "household__number"
    )
    first = qs.first()
    return WorkSection(
        key="checks-due",
        title=gettext_lazy("Re-verification checks due"),
        count=qs.count(),
        items=[
            WorkItem(
                title=household_title(t.household, user),
                url=reverse("exits:campaign", args=[t.campaign_id]) + f"?q={t.household.number}",
                detail=_("%(campaign)s, by %(date)s")
                % {"campaign": t.campaign.title, "date": t.campaign.due_on.isoformat()},
                when=t.campaign.due_on,
                overdue=t.campaign.due_on < today,
            )
            for t in qs[:ITEMS_SHOWN]
        ],
        more_url=reverse("exits:campaign", args=[first.campaign_id]) if first else reverse("exits:campaigns"),
        empty=gettext_lazy("No re-verification check is due."),
    )


def register_sources() -> None:
    register(
        WorkSource(
            "exits.exit-approvals", frozenset({R.COUNTY_OFFICIAL, R.SYSTEM_ADMIN}), exit_approvals, 11
        ),
        WorkSource(
            "exits.monitoring-approvals",
            frozenset({R.COUNTY_OFFICIAL, R.SYSTEM_ADMIN}),
            monitoring_approvals,
            13,
        ),
        WorkSource("exits.exit-steps", frozenset({R.TOWNSHIP_STAFF, R.WORK_TEAM}), exit_steps, 22),
        WorkSource(
            "exits.monitoring-steps", frozenset({R.TOWNSHIP_STAFF, R.WORK_TEAM}), monitoring_steps, 24
        ),
        WorkSource("exits.checks-due", frozenset({R.WORK_TEAM, R.CADRE}), checks_due, 15),
    )
