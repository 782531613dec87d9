"""Screening jobs: exit flags per village and monitoring cases opened by rule."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.models import Job
from core.scoping import ensure_can
from core.services import job_create, job_enqueue
from households.choices import POOR_STATUSES, HouseholdStatusChoices
from households.models import Household, IncomeRecord

from ..choices import (
    EXIT_FINAL_STATES,
    MONITORING_FINAL_STATES,
    MonitoringCategoryChoices,
    MonitoringSourceChoices,
    RiskChoices,
)
from ..models import (
    ExitFlag,
    ExitProcedure,
    MonitoringCase,
)
from ..selectors import (
    exit_eligibility_many,
    exit_settings_for,
    member_health_by_household,
    monitoring_rule_signals,
    poverty_line_for,
)
from .transitions import M, _check_year

if TYPE_CHECKING:
    from accounts.models import User

# -- screening job ----------------------------------------------------------------------------------


def exit_flags_refresh_village(*, village: Area, year: int, opened_by: User | None = None) -> dict[str, Any]:
    """Recompute the exit flags of one village's poor households, and open monitoring cases by rule for
    its exited households. Running it twice gives the same flags and opens nothing twice."""
    now = clock.now()
    poor = list(
        Household.objects.filter(village=village, status__in=POOR_STATUSES).select_related("village", "head")
    )
    results = exit_eligibility_many(poor, year)
    proposed_ids = set(
        ExitProcedure.objects.filter(household__in=poor)
        .exclude(state__in=EXIT_FINAL_STATES)
        .values_list("household_id", flat=True)
    )
    flags = [
        ExitFlag(
            household=h,
            year=year,
            eligible=results[h.pk].eligible,
            failing=[c.code for c in results[h.pk].failing],
            proposed=h.pk in proposed_ids,
            computed_at=now,
        )
        for h in poor
    ]
    with transaction.atomic():
        ExitFlag.objects.bulk_create(
            flags,
            update_conflicts=True,
            unique_fields=["household", "year"],
            update_fields=["eligible", "failing", "proposed", "computed_at"],
        )
        # A household that left the poor statuses keeps no stale flag for the year.
        ExitFlag.objects.filter(household__village=village, year=year).exclude(
            household__status__in=POOR_STATUSES
        ).delete()
        opened = monitoring_open_by_rule_village(village=village, year=year, user=opened_by)
    by_id = {h.pk: h for h in poor}
    return {
        "checked": len(poor),
        "eligible_not_proposed": [
            {"id": hid, "number": by_id[hid].number}
            for hid, r in results.items()
            if r.eligible and hid not in proposed_ids
        ],
        "proposed_not_eligible": [
            {"id": hid, "number": by_id[hid].number, "failing": [c.code for c in r.failing]}
            for hid, r in results.items()
            if not r.eligible and hid in proposed_ids
        ],
        "monitoring_opened": opened,
    }


# Who the rule looks at, and as what: exited households (脱贫不稳定户) and households found not poor
# at identification (边缘易致贫户, in the registry but not registered as poor).
RULE_CATEGORIES = {
    HouseholdStatusChoices.EXITED: MonitoringCategoryChoices.UNSTABLE_EXITED,
    HouseholdStatusChoices.REJECTED: MonitoringCategoryChoices.EDGE,
}


def monitoring_open_by_rule_village(*, village: Area, year: int, user: User | None = None) -> int:
    """Open a monitoring case for each exited or edge household of the village whose income is below
    the configured multiple of the line (with any serious-illness or disability signal added)."""
    settings_row = exit_settings_for(village)
    line = poverty_line_for(village, year)
    if line is None:
        return 0
    exited = list(
        Household.objects.filter(village=village, status__in=list(RULE_CATEGORIES)).exclude(
            monitoring_cases__state__in=set(M.values) - set(MONITORING_FINAL_STATES)
        )
    )
    incomes = dict(
        IncomeRecord.objects.filter(household__in=exited, year=year).values_list(
            "household_id", "per_capita_net_income"
        )
    )
    health = member_health_by_household(h.pk for h in exited)
    today = clock.today()
    cases = []
    for household in exited:
        risks = monitoring_rule_signals(
            income=incomes.get(household.pk),
            line=line,
            multiple=settings_row.monitoring_income_multiple,
            member_health=health.get(household.pk, ()),
        )
        if RiskChoices.LOW_INCOME not in risks:
            continue
        cases.append(
            MonitoringCase(
                household=household,
                category=RULE_CATEGORIES[HouseholdStatusChoices(household.status)],
                source=MonitoringSourceChoices.RULE,
                risks=risks,
                description=_("Per-capita net income %(income)s yuan is below %(multiple)s times the line.")
                % {"income": incomes[household.pk], "multiple": settings_row.monitoring_income_multiple},
                reported_on=today,
                decision_due=today + dt.timedelta(days=settings_row.monitoring_deadline_days),
                status_before=household.status,
                reported_by=user if getattr(user, "pk", None) else None,
            )
        )
    created = MonitoringCase.objects.bulk_create(cases, ignore_conflicts=True)
    return len(created)


@transaction.atomic
def exit_screening_start(*, area: Area, year: int, user: User) -> Job:
    """Queue the exit screening over a county (or, on demand, a township); runs after commit."""
    from ..tasks import SCREENING_KIND, exits_screening_task

    ensure_can(user, Capability.RUN_JOBS, area=area)
    if area.level not in (AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP):
        raise ValidationError({"area": _("Screen a county or a township.")})
    _check_year(int(year))
    job = job_create(kind=SCREENING_KIND, user=user, area=area, params={"year": int(year)})
    job_enqueue(job, exits_screening_task)
    return job
