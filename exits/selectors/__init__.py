"""Reads for exits and monitoring. `exit_eligibility` is the one rule for household exit: the
screening job, the pages, the API and the dashboards all ask it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from areas.choices import AreaLevelChoices
from areas.models import Area, AreaPopulation
from areas.selectors import policy_for_areas, policy_get, policy_values
from core import clock
from core.filtering import filter_rows
from core.money import to_yuan
from core.numbers import exact_decimal
from households.choices import POOR_STATUSES, HealthChoices, HouseholdStatusChoices
from households.models import Household, IncomeRecord, LivingConditions, Member
from households.selectors import Incidence, incidence_live

from ..choices import (
    EXIT_FINAL_STATES,
    MONITORING_FINAL_STATES,
    ExitConditionChoices,
    ExitProcedureStateChoices,
    MonitoringStateChoices,
    RiskChoices,
)
from ..filters import (
    ExitFlagFilterSet,
    ExitProcedureFilterSet,
    MonitoringCaseFilterSet,
    VillageExitFilterSet,
)
from ..models import (
    CountyExit,
    ExitFlag,
    ExitProcedure,
    MonitoringCase,
    VillageExit,
    VillageStandard,
)
from ..policy import EXIT_KEYS, POVERTY_LINE
from .campaigns import campaign_for, campaign_list, campaign_progress, check_task_list

__all__ = ["campaign_for", "campaign_list", "campaign_progress", "check_task_list"]

if TYPE_CHECKING:
    from accounts.models import User

C = ExitConditionChoices

# -- configuration ----------------------------------------------------------------------------------


def county_code_of(area: Area) -> str:
    return area.county_code


def county_of(area: Area) -> Area | None:
    return area.enclosing(AreaLevelChoices.COUNTY)


def home_county(user: User) -> Area | None:
    """The county whose rules the user works under (None above the county: a prefecture viewer)."""
    for area in user.areas.all().order_by("code"):
        county = county_of(area)
        if county is not None:
            return county
    return None


@dataclass(frozen=True)
class ExitRules:
    """The exit and monitoring rules in force for an area (exits.policy, read with the one rule of
    areas.selectors: the county's values, else its province's, else the declared defaults)."""

    notice_min_days: int
    village_exit_threshold: Decimal
    western_exit_threshold: Decimal
    village_class_bands: list[dict[str, Any]]
    monitoring_income_multiple: Decimal
    monitoring_notice_min_days: int
    monitoring_deadline_days: int
    risk_stable_months: int


def exit_settings_for(area: Area | None) -> ExitRules:
    """The exit and monitoring rules in force for `area` (one query)."""
    values = policy_values(area, EXIT_KEYS.values())
    return ExitRules(**{attribute: values[key.name] for attribute, key in EXIT_KEYS.items()})


def poverty_line_for(area: Area, year: int) -> Decimal | None:
    """The poverty line of `year` in force for `area` (exits.policy.POVERTY_LINE); None: not set."""
    return policy_get(POVERTY_LINE, area, year=year)


def is_western(area: Area) -> bool:
    return Area.objects.filter(code=area.province_code, is_western=True).exists()


def exit_threshold_for(area: Area) -> Decimal:
    """Incidence below which a village or county may exit: 2%, or 3% in western provinces (data)."""
    settings = exit_settings_for(area)
    return settings.western_exit_threshold if is_western(area) else settings.village_exit_threshold


def village_class_for(rate: Decimal | None, bands: list[dict[str, Any]]) -> int | None:
    """The class whose band holds `rate` (min inclusive, max exclusive); None when in no band."""
    if rate is None:
        return None
    for band in bands:
        low = exact_decimal(band["min"])
        high = exact_decimal(band["max"]) if band.get("max") not in (None, "") else None
        if low is None:
            continue  # stored bands are checked when set (exits.policy); an unreadable one holds nothing
        if rate >= low and (high is None or rate < high):
            return int(band["class"])
    return None


# -- household exit eligibility ----------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionCheck:
    code: str
    passed: bool
    message: str

    @property
    def label(self) -> str:
        return str(C(self.code).label)


@dataclass(frozen=True)
class Eligibility:
    """Whether a household may exit in `year`, with every condition and why it fails."""

    household_id: int
    year: int
    line: Decimal | None
    income: Decimal | None
    checks: tuple[ConditionCheck, ...] = field(default_factory=tuple)

    @property
    def eligible(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failing(self) -> list[ConditionCheck]:
        return [check for check in self.checks if not check.passed]

    def as_dict(self) -> dict[str, Any]:
        return {
            "household": self.household_id,
            "year": self.year,
            "eligible": self.eligible,
            "poverty_line": None if self.line is None else str(self.line),
            "per_capita_net_income": None if self.income is None else str(self.income),
            "checks": [
                {"code": c.code, "label": c.label, "passed": c.passed, "message": c.message}
                for c in self.checks
            ],
        }


def _evaluate(
    household_id: int, year: int, line: Decimal | None, income: Decimal | None, cond: LivingConditions | None
) -> Eligibility:
    checks: list[ConditionCheck] = []
    if line is None:
        checks.append(
            ConditionCheck(C.INCOME, False, _("No poverty line is set for %(year)d.") % {"year": year})
        )
    elif income is None:
        checks.append(
            ConditionCheck(C.INCOME, False, _("No income is recorded for %(year)d.") % {"year": year})
        )
    elif income > line:
        checks.append(
            ConditionCheck(
                C.INCOME,
                True,
                _("Per-capita net income %(income)s yuan is above the line of %(line)s yuan.")
                % {"income": income, "line": line},
            )
        )
    else:
        checks.append(
            ConditionCheck(
                C.INCOME,
                False,
                _("Per-capita net income %(income)s yuan is not above the %(year)d line of %(line)s yuan.")
                % {"income": income, "year": year, "line": line},
            )
        )
    if cond is None:
        missing = _("No living conditions assessment is recorded.")
        checks.extend(ConditionCheck(code, False, missing) for code in C.values if code != C.INCOME)
        return Eligibility(household_id, year, line, income, tuple(checks))
    on = cond.assessed_on.isoformat()
    for code, passed, failing in (
        (C.FOOD, cond.food_secure, _("Food is not secure (assessed %(on)s).")),
        (C.CLOTHING, cond.clothing_secure, _("Clothing is not secure (assessed %(on)s).")),
        (
            C.EDUCATION,
            cond.compulsory_education_secured,
            _("Compulsory education is not secured (assessed %(on)s)."),
        ),
        (
            C.MEDICAL,
            cond.medical_insured and cond.medical_access,
            _("Basic medical care is not secured: insurance or access missing (assessed %(on)s)."),
        ),
        (
            C.HOUSING,
            cond.housing_safe,
            _("Housing is grade %(grade)s, which is unsafe (assessed %(on)s)."),
        ),
        (C.WATER, cond.safe_drinking_water, _("No safe drinking water (assessed %(on)s).")),
    ):
        message = (
            _("Met (assessed %(on)s).") % {"on": on}
            if passed
            else failing % {"on": on, "grade": cond.housing_grade}
        )
        checks.append(ConditionCheck(code, bool(passed), message))
    return Eligibility(household_id, year, line, income, tuple(checks))


def latest_conditions(household_ids: Iterable[int]) -> dict[int, LivingConditions]:
    """The latest assessment (by assessed_on) of each household, in one query."""
    rows = (
        LivingConditions.objects.filter(household_id__in=list(household_ids))
        .order_by("household_id", "-assessed_on", "-id")
        .distinct("household_id")
    )
    return {row.household_id: row for row in rows}


def exit_eligibility(household: Household, year: int) -> Eligibility:
    """Household exit rule: per-capita net income of `year` above that year's poverty line (strictly),
    and 两不愁三保障 (food, clothing, compulsory education, basic medical care, safe housing) and safe
    drinking water all met in the latest assessment."""
    return exit_eligibility_many([household], year)[household.pk]


def exit_eligibility_many(households: Iterable[Household], year: int) -> dict[int, Eligibility]:
    """exit_eligibility for many households in a fixed number of queries (the screening job)."""
    households = list(households)
    ids = [h.pk for h in households]
    lines = policy_for_areas(POVERTY_LINE, {h.village for h in households}, year=year)
    incomes = dict(
        IncomeRecord.objects.filter(household_id__in=ids, year=year).values_list(
            "household_id", "per_capita_net_income"
        )
    )
    conditions = latest_conditions(ids)
    return {
        h.pk: _evaluate(h.pk, year, lines.get(h.village.code), incomes.get(h.pk), conditions.get(h.pk))
        for h in households
    }


# -- monitoring rules --------------------------------------------------------------------------------


def monitoring_rule_signals(
    *, income: Decimal | None, line: Decimal | None, multiple: Decimal, member_health: Iterable[str]
) -> list[str]:
    """Risks the registry shows by rule: income below `multiple` x the line, serious illness, disability."""
    risks: list[str] = []
    if income is not None and line is not None and income < to_yuan(line * multiple):
        risks.append(RiskChoices.LOW_INCOME)
    health = set(member_health)
    if HealthChoices.SERIOUS in health:
        risks.append(RiskChoices.SERIOUS_ILLNESS)
    if HealthChoices.DISABLED in health:
        risks.append(RiskChoices.DISABILITY)
    return risks


def member_health_by_household(household_ids: Iterable[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for hid, health in Member.objects.filter(household_id__in=list(household_ids)).values_list(
        "household_id", "health"
    ):
        found.setdefault(hid, set()).add(health)
    return found


# A case in one of these has had the county's decision; the others are waiting for it.
MONITORING_DECIDED_STATES = (*MONITORING_FINAL_STATES, MonitoringStateChoices.INCLUDED)


def monitoring_overdue(case: MonitoringCase, today: dt.date | None = None) -> bool:
    """Still waiting for the township and county decision after the deadline."""
    today = today or clock.today()
    return case.state not in MONITORING_DECIDED_STATES and today > case.decision_due


def monitoring_overdue_cases(today: dt.date) -> QuerySet[MonitoringCase]:
    """Every case `monitoring_overdue` on `today` (for jobs: not scoped to a user)."""
    return MonitoringCase.objects.filter(decision_due__lt=today).exclude(state__in=MONITORING_DECIDED_STATES)


# -- incidence ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VillageRow:
    village: Area
    incidence: Incidence
    threshold: Decimal
    village_class: int | None
    latest_exit: VillageExit | None

    @property
    def below_threshold(self) -> bool:
        rate = self.incidence.rate
        return rate is not None and rate < self.threshold


def village_rows(*, user: User, area: Area, year: int) -> list[VillageRow]:
    """Every village under `area` the user may see, with its live incidence and class, in a fixed number
    of queries (the same definition as households.selectors.incidence_live)."""
    villages = list(
        Area.objects.visible_to(user)
        .filter(level=AreaLevelChoices.VILLAGE, code__startswith=area.prefix)
        .select_related("parent")
        .order_by("code")
    )
    ids = [v.pk for v in villages]
    poor = dict(
        Member.objects.filter(household__village_id__in=ids, household__status__in=POOR_STATUSES)
        .values("household__village_id")
        .annotate(n=Count("id"))
        .values_list("household__village_id", "n")
    )
    population = dict(
        AreaPopulation.objects.filter(area_id__in=ids, year=year).values_list("area_id", "rural_population")
    )
    settings = exit_settings_for(area)
    threshold = exit_threshold_for(area)
    exits: dict[int, VillageExit] = {}
    for row in VillageExit.objects.filter(village_id__in=ids).order_by("village_id", "-year"):
        exits.setdefault(row.village_id, row)
    rows = []
    for village in villages:
        incidence = Incidence(poor_people=poor.get(village.pk, 0), population=population.get(village.pk, 0))
        rows.append(
            VillageRow(
                village=village,
                incidence=incidence,
                threshold=threshold,
                village_class=village_class_for(incidence.rate, settings.village_class_bands),
                latest_exit=exits.get(village.pk),
            )
        )
    return rows


def area_exit_check(area: Area, year: int) -> dict[str, Any]:
    """Live incidence against the threshold for a village or county exit."""
    incidence = incidence_live(area, year)
    threshold = exit_threshold_for(area)
    rate = incidence.rate
    return {
        "incidence": incidence,
        "threshold": threshold,
        "below_threshold": rate is not None and rate < threshold,
    }


def village_standards_for(area: Area) -> QuerySet[VillageStandard]:
    return VillageStandard.objects.filter(county__code=county_code_of(area), active=True).order_by(
        "position", "id"
    )


# -- lists -------------------------------------------------------------------------------------------


def exit_procedure_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[ExitProcedure]:
    qs = ExitProcedure.objects.visible_to(user).select_related(
        "household", "household__village", "household__village__parent", "household__head", "proposed_by"
    )
    return filter_rows(ExitProcedureFilterSet, filters, qs)


def exit_procedure_open_for(household: Household) -> ExitProcedure | None:
    return household.exit_procedures.exclude(state__in=EXIT_FINAL_STATES).first()


def exit_flag_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[ExitFlag]:
    qs = ExitFlag.objects.visible_to(user).select_related(
        "household", "household__village", "household__head"
    )
    return filter_rows(ExitFlagFilterSet, filters, qs)


def monitoring_case_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[MonitoringCase]:
    qs = MonitoringCase.objects.visible_to(user).select_related(
        "household", "household__village", "household__head"
    )
    return filter_rows(MonitoringCaseFilterSet, filters, qs)


def village_exit_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[VillageExit]:
    qs = VillageExit.objects.visible_to(user).select_related("village", "village__parent", "proposed_by")
    return filter_rows(VillageExitFilterSet, filters, qs)


def county_exit_list(*, user: User) -> QuerySet[CountyExit]:
    return CountyExit.objects.visible_to(user).select_related("county", "recorded_by")


def public_notice_rows(*, user: User, village: Area) -> dict[str, list[dict[str, Any]]]:
    """What a village notice board shows: household number, head's name, village and what is proposed.
    Never ID numbers, phones, bank accounts or health details (only these fields are selected)."""
    exits = (
        ExitProcedure.objects.visible_to(user)
        .filter(household__village=village, state=ExitProcedureStateChoices.IN_NOTICE)
        .values("household__number", "household__head__name", "notice_started_on", "year")
        .order_by("household__number")
    )
    monitoring = (
        MonitoringCase.objects.visible_to(user)
        .filter(household__village=village, state=MonitoringStateChoices.IN_NOTICE)
        .values("household__number", "household__head__name", "notice_started_on", "category")
        .order_by("household__number")
    )
    return {"exits": [dict(row) for row in exits], "monitoring": [dict(row) for row in monitoring]}


def households_status(household_ids: list[int]) -> dict[int, str]:
    return dict(Household.objects.filter(pk__in=household_ids).values_list("pk", "status"))


__all__ = [
    "ConditionCheck",
    "Eligibility",
    "HouseholdStatusChoices",
    "exit_eligibility",
    "exit_eligibility_many",
]
