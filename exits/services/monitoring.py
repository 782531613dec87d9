"""The monitoring procedure (防返贫监测): reports, signatures, reminders and assistance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core import clock
from core.exceptions import ConflictError
from core.scoping import ensure_can, user_covers_area
from core.services import notification_raise, versioned_update
from households.choices import POOR_STATUSES, HouseholdStatusChoices
from households.models import Household, IncomeRecord
from households.services import household_can_transition, household_status_change

from ..choices import (
    MONITORING_FINAL_STATES,
    MonitoringCategoryChoices,
    MonitoringSourceChoices,
    RiskChoices,
)
from ..models import (
    MonitoringAssistance,
    MonitoringCase,
    MonitoringSignoff,
)
from ..selectors import (
    exit_settings_for,
    monitoring_overdue_cases,
    poverty_line_for,
)
from .transitions import (
    MONITORING_TRANSITIONS,
    MS,
    M,
    _ensure_any,
    _step_refused,
    monitoring_can_transition,
    monitoring_next_steps,
)

# -- monitoring -------------------------------------------------------------------------------------


@transaction.atomic
def monitoring_case_report(
    *,
    household: Household,
    category: str,
    source: str,
    risks: list[str],
    user: Any,
    description: str = "",
    essential_spending: Decimal | None = None,
) -> MonitoringCase:
    """Report a household at risk (self-report, cadre visit or department alert)."""
    _ensure_any(user, (Capability.LOG_VISIT, Capability.PROPOSE), household)
    errors: dict[str, Any] = {}
    if category not in MonitoringCategoryChoices.values:
        errors["category"] = _("Choose a category.")
    if source not in MonitoringSourceChoices.values or source == MonitoringSourceChoices.RULE:
        errors["source"] = _("Choose how the risk was reported.")
    risks = list(dict.fromkeys(risks or []))
    if not risks or any(r not in RiskChoices.values for r in risks):
        errors["risks"] = _("Choose at least one risk.")
    if essential_spending is not None and Decimal(essential_spending) < 0:
        errors["essential_spending"] = _("Spending cannot be negative.")
    if errors:
        raise ValidationError(errors)
    household = Household.objects.select_for_update().select_related("village").get(pk=household.pk)
    if household.monitoring_cases.exclude(state__in=MONITORING_FINAL_STATES).exists():
        raise ValidationError({"household": _("This household already has an open monitoring case.")})
    if (
        category == MonitoringCategoryChoices.UNSTABLE_EXITED
        and household.status != HouseholdStatusChoices.EXITED
    ):
        raise ValidationError(
            {"category": _("Only an exited household can be an unstable exited household.")}
        )
    if category != MonitoringCategoryChoices.UNSTABLE_EXITED and household.status in POOR_STATUSES:
        raise ValidationError(
            {"category": _("A registered poor household is assisted already, not monitored.")}
        )
    if essential_spending is not None:
        last = IncomeRecord.objects.filter(household=household).order_by("-year").first()
        if last is not None:
            last_total = last.per_capita_net_income * last.member_count
            if Decimal(essential_spending) > last_total and RiskChoices.LARGE_SPENDING not in risks:
                risks.append(RiskChoices.LARGE_SPENDING)
    settings_row = exit_settings_for(household.village)
    today = clock.today()
    try:
        with transaction.atomic():
            case = MonitoringCase.objects.create(
                household=household,
                category=category,
                source=source,
                risks=risks,
                description=description,
                essential_spending=essential_spending,
                reported_on=today,
                decision_due=today + dt.timedelta(days=settings_row.monitoring_deadline_days),
                status_before=household.status,
                reported_by=user,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"household": _("This household already has an open monitoring case.")}
        ) from exc
    return case


@transaction.atomic
def monitoring_case_sign(
    *, case: MonitoringCase, step: str, user: Any, comment: str = "", expected_version: int | None = None
) -> MonitoringCase:
    rule = MONITORING_TRANSITIONS.get(step)
    if rule is None:
        raise ValidationError({"step": _("Unknown step.")})
    ensure_can(user, rule.capability, case)
    locked = MonitoringCase.objects.select_for_update().select_related("household__village").get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError()
    if not monitoring_can_transition(locked, step):
        raise _step_refused(M(locked.state).label, MS(step).label, monitoring_next_steps(locked), MS)
    comment = (comment or "").strip()
    if rule.comment_required and not comment:
        message = (
            _("Name who signed the consent form (and attach the scan).")
            if step == MS.VERIFY
            else _("Give the reason.")
        )
        raise ValidationError({"comment": message})
    settings_row = exit_settings_for(locked.household.village)
    today = clock.today()
    fields: dict[str, Any] = {"state": rule.target}
    household = locked.household
    if step == MS.NOTICE_START:
        fields["notice_started_on"] = today
    elif step == MS.TOWNSHIP_REVIEW:
        minimum = settings_row.monitoring_notice_min_days
        shown = (today - locked.notice_started_on).days if locked.notice_started_on else 0
        if shown < minimum:
            raise ValidationError(
                {
                    "step": _("The notice has been up %(shown)d days; it must stay up at least %(min)d days.")
                    % {"shown": shown, "min": minimum}
                }
            )
    elif step == MS.COUNTY_INCLUDE:
        fields["included_on"] = today
        if household_can_transition(household, HouseholdStatusChoices.MONITORING):
            household_status_change(
                household=household,
                to_status=HouseholdStatusChoices.MONITORING,
                user=user,
                reason=_("Included as a monitoring object"),
                source=f"monitoring:{locked.pk}",
            )
    elif step == MS.REMOVE_RISK:
        months = settings_row.risk_stable_months
        earliest = clock.add_months(locked.included_on or today, months)
        if today < earliest:
            raise ValidationError(
                {
                    "step": _(
                        "Risk can be removed after %(months)d stable months, on %(date)s at the earliest."
                    )
                    % {"months": months, "date": earliest.isoformat()}
                }
            )
        income = IncomeRecord.objects.filter(household=household).order_by("-year").first()
        line = poverty_line_for(household.village, income.year) if income else None
        if income is None or line is None or income.per_capita_net_income <= line:
            raise ValidationError(
                {"step": _("Risk can be removed only when the latest per-capita income is above the line.")}
            )
        fields["removed_on"] = today
        back = locked.status_before
        if (
            household.status == HouseholdStatusChoices.MONITORING
            and back
            and household_can_transition(household, back)
        ):
            household_status_change(
                household=household,
                to_status=back,
                user=user,
                reason=comment,
                source=f"monitoring:{locked.pk}",
            )
    MonitoringSignoff.objects.create(
        case=locked,
        step=step,
        from_state=locked.state,
        to_state=rule.target,
        signed_by=user,
        role=user.role,
        signed_at=clock.now(),
        comment=comment,
    )
    return versioned_update(locked, expected_version=locked.version, fields=fields)


def monitoring_overdue_remind(*, today: dt.date) -> int:
    """Remind the county officials covering each overdue monitoring case (one notification key per
    case, so each official gets one reminder however often this runs). Returns how many are overdue."""
    from accounts.models import User
    from accounts.roles import RoleChoices

    officials = list(
        User.objects.filter(role=RoleChoices.COUNTY_OFFICIAL, is_active=True).prefetch_related("areas")
    )
    overdue = monitoring_overdue_cases(today).select_related("household", "household__village")
    count = 0
    for case in overdue.iterator(chunk_size=500):
        count += 1
        for official in officials:
            if not user_covers_area(official, case.household.village):
                continue
            notification_raise(
                user=official,
                key=f"exits.monitoring_overdue:{case.pk}",
                title=_("Monitoring decision overdue: household %(number)s")
                % {"number": case.household.number},
                body=_("Decision was due on %(date)s.") % {"date": case.decision_due.isoformat()},
                url=reverse("exits:monitoring-detail", args=[case.pk]),
            )
    return count


@transaction.atomic
def monitoring_assistance_add(
    *,
    case: MonitoringCase,
    measure: str,
    user: Any,
    started_on: dt.date | None = None,
    amount: Decimal | None = None,
) -> MonitoringAssistance:
    ensure_can(user, Capability.MANAGE_ASSISTANCE, case)
    if not case.is_open:
        raise ValidationError({"case": _("This monitoring case is closed.")})
    if not (measure or "").strip():
        raise ValidationError({"measure": _("Describe the measure.")})
    if amount is not None and Decimal(amount) < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    return MonitoringAssistance.objects.create(
        case=case,
        measure=measure.strip()[:200],
        started_on=started_on or clock.today(),
        amount=amount,
        recorded_by=user,
    )
