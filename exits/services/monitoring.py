"""The monitoring procedure (防返贫监测): reports, signatures, reminders and assistance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core import clock
from core.money import money_parse
from core.procedures.engine import procedure_advance
from core.scoping import ensure_can, user_covers_area
from core.services import notification_raise
from households.choices import POOR_STATUSES, HouseholdStatusChoices
from households.models import Household, IncomeRecord

from ..choices import (
    MONITORING_FINAL_STATES,
    MonitoringCategoryChoices,
    MonitoringSourceChoices,
    RiskChoices,
)
from ..models import (
    MonitoringAssistance,
    MonitoringCase,
)
from ..selectors import (
    exit_settings_for,
    monitoring_overdue_cases,
)
from .transitions import (
    MONITORING_WORKFLOW,
    _ensure_any,
)

if TYPE_CHECKING:
    from accounts.models import User

# -- monitoring -------------------------------------------------------------------------------------


@transaction.atomic
def monitoring_case_report(
    *,
    household: Household,
    category: str,
    source: str,
    risks: list[str],
    user: User,
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
    if essential_spending is not None:
        try:
            essential_spending = money_parse(
                essential_spending,
                field_name="essential_spending",
                allow_zero=True,
                sign_message=_("Spending cannot be negative."),
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
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
            if essential_spending > last_total and RiskChoices.LARGE_SPENDING not in risks:
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


def monitoring_case_sign(
    *, case: MonitoringCase, step: str, user: User, comment: str = "", expected_version: int | None = None
) -> MonitoringCase:
    """Sign the next step of a monitoring case (core.procedures.engine runs MONITORING_WORKFLOW)."""
    advance = procedure_advance(
        MONITORING_WORKFLOW,
        obj=case,
        step=step,
        user=user,
        comment=comment,
        expected_version=expected_version,
    )
    case_: MonitoringCase = advance.obj
    return case_


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
    user: User,
    started_on: dt.date | None = None,
    amount: Decimal | None = None,
) -> MonitoringAssistance:
    ensure_can(user, Capability.MANAGE_ASSISTANCE, case)
    if not case.is_open:
        raise ValidationError({"case": _("This monitoring case is closed.")})
    if not (measure or "").strip():
        raise ValidationError({"measure": _("Describe the measure.")})
    if amount is not None:
        amount = money_parse(amount, allow_zero=True)
    return MonitoringAssistance.objects.create(
        case=case,
        measure=measure.strip()[:200],
        started_on=started_on or clock.today(),
        amount=amount,
        recorded_by=user,
    )
