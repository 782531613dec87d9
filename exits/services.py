"""Writes for exits and monitoring: every procedure step, flag, decision and campaign goes through
these functions. Procedures are explicit transition maps with one `can_transition` check each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from assistance.selectors import active_cadre_ids_for
from core import clock
from core.exceptions import ConflictError
from core.models import Job
from core.scoping import ensure_can, user_covers_area
from core.services import job_create, job_enqueue, notification_raise, versioned_update
from households.choices import ASSISTED_STATUSES, POOR_STATUSES, HouseholdStatusChoices
from households.models import Household, IncomeRecord
from households.services import household_can_transition, household_status_change

from .choices import (
    EXIT_FINAL_STATES,
    MONITORING_FINAL_STATES,
    AreaExitStateChoices,
    CheckTaskStateChoices,
    ExitProcedureStateChoices,
    ExitStepChoices,
    MonitoringCategoryChoices,
    MonitoringSourceChoices,
    MonitoringStateChoices,
    MonitoringStepChoices,
    ObjectionStatusChoices,
    RiskChoices,
)
from .models import (
    Campaign,
    CheckTask,
    CountyExit,
    ExitFlag,
    ExitObjection,
    ExitProcedure,
    ExitSettings,
    ExitSignoff,
    MonitoringAssistance,
    MonitoringCase,
    MonitoringSignoff,
    PovertyLine,
    VillageExit,
    VillageStandard,
    VillageStandardCheck,
)
from .selectors import (
    area_exit_check,
    county_of,
    exit_eligibility,
    exit_eligibility_many,
    exit_settings_for,
    member_health_by_household,
    monitoring_overdue_cases,
    monitoring_rule_signals,
    poverty_line_for,
    village_standards_for,
)

S = ExitProcedureStateChoices
E = ExitStepChoices
M = MonitoringStateChoices
MS = MonitoringStepChoices


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    capability: str
    comment_required: bool = False


_OPEN_EXIT = frozenset(set(S.values) - set(EXIT_FINAL_STATES))

# The household exit procedure: which step may follow which state, and who signs it.
EXIT_TRANSITIONS: dict[str, Transition] = {
    E.VILLAGE_VERIFY: Transition(
        frozenset({S.PROPOSED, S.SENT_BACK}), S.VERIFIED, Capability.SIGN_VILLAGE_STEP
    ),
    E.DEMOCRATIC_REVIEW: Transition(frozenset({S.VERIFIED}), S.REVIEWED, Capability.SIGN_VILLAGE_STEP),
    E.HOUSEHOLD_CONSENT: Transition(
        frozenset({S.REVIEWED}), S.CONSENTED, Capability.SIGN_VILLAGE_STEP, comment_required=True
    ),
    E.NOTICE_START: Transition(frozenset({S.CONSENTED}), S.IN_NOTICE, Capability.SIGN_VILLAGE_STEP),
    E.NOTICE_CLOSE: Transition(frozenset({S.IN_NOTICE}), S.NOTICE_CLOSED, Capability.SIGN_VILLAGE_STEP),
    E.TOWNSHIP_REVIEW: Transition(
        frozenset({S.NOTICE_CLOSED}), S.TOWNSHIP_REVIEWED, Capability.SIGN_TOWNSHIP_STEP
    ),
    E.COUNTY_APPROVE: Transition(frozenset({S.TOWNSHIP_REVIEWED}), S.APPROVED, Capability.APPROVE),
    E.COUNTY_REFUSE: Transition(
        frozenset({S.TOWNSHIP_REVIEWED}), S.SENT_BACK, Capability.APPROVE, comment_required=True
    ),
    E.SEND_BACK: Transition(
        frozenset({S.IN_NOTICE, S.NOTICE_CLOSED, S.TOWNSHIP_REVIEWED}),
        S.SENT_BACK,
        Capability.SIGN_TOWNSHIP_STEP,
        comment_required=True,
    ),
    E.WITHDRAW: Transition(_OPEN_EXIT, S.WITHDRAWN, Capability.PROPOSE, comment_required=True),
}

# The monitoring procedure (防返贫监测): verification with consent, review, notice, township and county.
MONITORING_TRANSITIONS: dict[str, Transition] = {
    MS.VERIFY: Transition(
        frozenset({M.REPORTED}), M.VERIFIED, Capability.SIGN_VILLAGE_STEP, comment_required=True
    ),
    MS.VILLAGE_REVIEW: Transition(frozenset({M.VERIFIED}), M.REVIEWED, Capability.SIGN_VILLAGE_STEP),
    MS.NOTICE_START: Transition(frozenset({M.REVIEWED}), M.IN_NOTICE, Capability.SIGN_VILLAGE_STEP),
    MS.TOWNSHIP_REVIEW: Transition(
        frozenset({M.IN_NOTICE}), M.TOWNSHIP_REVIEWED, Capability.SIGN_TOWNSHIP_STEP
    ),
    MS.COUNTY_INCLUDE: Transition(frozenset({M.TOWNSHIP_REVIEWED}), M.INCLUDED, Capability.APPROVE),
    MS.COUNTY_REJECT: Transition(
        frozenset({M.REPORTED, M.VERIFIED, M.REVIEWED, M.IN_NOTICE, M.TOWNSHIP_REVIEWED}),
        M.NOT_INCLUDED,
        Capability.APPROVE,
        comment_required=True,
    ),
    MS.REMOVE_RISK: Transition(
        frozenset({M.INCLUDED}), M.RISK_REMOVED, Capability.APPROVE, comment_required=True
    ),
}


def exit_can_transition(procedure: ExitProcedure, step: str) -> bool:
    rule = EXIT_TRANSITIONS.get(step)
    return rule is not None and procedure.state in rule.sources


def monitoring_can_transition(case: MonitoringCase, step: str) -> bool:
    rule = MONITORING_TRANSITIONS.get(step)
    return rule is not None and case.state in rule.sources


def exit_next_steps(procedure: ExitProcedure) -> list[str]:
    return [step for step in EXIT_TRANSITIONS if exit_can_transition(procedure, step)]


def monitoring_next_steps(case: MonitoringCase) -> list[str]:
    return [step for step in MONITORING_TRANSITIONS if monitoring_can_transition(case, step)]


def _step_refused(state_label: str, step_label: str, allowed: list[str], labels: Any) -> ValidationError:
    return ValidationError(
        {
            "step": _("“%(step)s” cannot be signed while the procedure is “%(state)s”. Next: %(next)s.")
            % {
                "step": step_label,
                "state": state_label,
                "next": "、".join(str(labels(s).label) for s in allowed) or _("nothing"),
            }
        }
    )


def _ensure_any(user: Any, capabilities: tuple[str, ...], obj: Any) -> None:
    ensure_can(user, Capability.VIEW, obj)  # scope first: 404 out of area
    if not any(user.has_capability(c) for c in capabilities):
        raise PermissionDenied(_("Your role does not allow this action."))


def _check_year(year: Any) -> None:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})


# -- configuration ----------------------------------------------------------------------------------


@transaction.atomic
def poverty_line_set(*, county: Area, year: int, amount: Decimal, user: Any, basis: str = "") -> PovertyLine:
    """Set (or correct) the county's poverty line for a year."""
    ensure_can(user, Capability.APPROVE, area=county)
    if county.level != AreaLevelChoices.COUNTY:
        raise ValidationError({"county": _("The poverty line is set by a county.")})
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The poverty line must be more than zero.")})
    _check_year(int(year))
    line, _created = PovertyLine.objects.update_or_create(
        county=county, year=year, defaults={"amount": amount, "basis": basis[:200], "set_by": user}
    )
    return line


SETTINGS_FIELDS = (
    "notice_min_days",
    "village_exit_threshold",
    "western_exit_threshold",
    "village_class_bands",
    "monitoring_income_multiple",
    "monitoring_notice_min_days",
    "monitoring_deadline_days",
    "risk_stable_months",
)


def _validate_bands(bands: Any) -> list[dict]:
    error = ValidationError(
        {
            "village_class_bands": _(
                "Each band needs a class number, a lower bound and an upper bound or none."
            )
        }
    )
    if not isinstance(bands, list) or not bands:
        raise error
    cleaned = []
    for band in bands:
        try:
            low = Decimal(str(band["min"]))
            high = None if band.get("max") in (None, "") else Decimal(str(band["max"]))
            number = int(band["class"])
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise error from exc
        if high is not None and high <= low:
            raise ValidationError(
                {"village_class_bands": _("A band's upper bound must be above its lower bound.")}
            )
        cleaned.append({"class": number, "min": str(low), "max": None if high is None else str(high)})
    return cleaned


@transaction.atomic
def exit_settings_update(
    *, county: Area, user: Any, expected_version: int | None = None, **fields: Any
) -> ExitSettings:
    ensure_can(user, Capability.APPROVE, area=county)
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown settings: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    if "village_class_bands" in fields:
        fields["village_class_bands"] = _validate_bands(fields["village_class_bands"])
    settings_row, created = ExitSettings.objects.get_or_create(county=county)
    candidate = ExitSettings(county=county, **{f: getattr(settings_row, f) for f in SETTINGS_FIELDS})
    for name, value in fields.items():
        setattr(candidate, name, value)
    candidate.full_clean(exclude=["county"], validate_unique=False)
    version = settings_row.version if created or expected_version is None else expected_version
    return versioned_update(settings_row, expected_version=version, fields=fields)


@transaction.atomic
def village_standard_add(*, county: Area, title: str, user: Any) -> VillageStandard:
    """Add a village exit standard to the county's checklist (at the end)."""
    ensure_can(user, Capability.APPROVE, area=county)
    if county.level != AreaLevelChoices.COUNTY:
        raise ValidationError({"county": _("Choose a county.")})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Write the standard.")})
    if VillageStandard.objects.filter(county=county, title=title, active=True).exists():
        raise ValidationError({"title": _("This standard is already on the checklist.")})
    last = (
        VillageStandard.objects.filter(county=county)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return VillageStandard.objects.create(county=county, title=title[:200], position=(last or 0) + 1)


@transaction.atomic
def village_standard_retire(*, standard: VillageStandard, user: Any) -> VillageStandard:
    """Take a standard off the checklist; village exits already checked against it keep their record."""
    ensure_can(user, Capability.APPROVE, standard)
    return versioned_update(standard, expected_version=standard.version, fields={"active": False})


# -- household exit ---------------------------------------------------------------------------------


def _signoff(
    procedure: ExitProcedure, *, step: str, from_state: str, to_state: str, user: Any, comment: str
) -> ExitSignoff:
    return ExitSignoff.objects.create(
        procedure=procedure,
        step=step,
        from_state=from_state,
        to_state=to_state,
        signed_by=user,
        role=user.role,
        signed_at=clock.now(),
        comment=comment,
    )


def _eligibility_error(household: Household, year: int) -> ValidationError | None:
    result = exit_eligibility(household, year)
    if result.eligible:
        return None
    return ValidationError({"household": [f"{c.label}: {c.message}" for c in result.failing]})


@transaction.atomic
def exit_procedure_propose(*, household: Household, year: int, user: Any, comment: str = "") -> ExitProcedure:
    """Propose a registered household's exit (village first secretary or township). It must meet the
    exit rule now; every failing condition is named."""
    ensure_can(user, Capability.PROPOSE, household)
    _check_year(year)
    household = Household.objects.select_for_update().select_related("village").get(pk=household.pk)
    if household.status not in POOR_STATUSES:
        raise ValidationError(
            {
                "household": _("Only a registered poor household can exit; this one is “%(status)s”.")
                % {"status": HouseholdStatusChoices(household.status).label}
            }
        )
    if household.exit_procedures.exclude(state__in=EXIT_FINAL_STATES).exists():
        raise ValidationError({"household": _("This household already has an exit procedure under way.")})
    error = _eligibility_error(household, year)
    if error is not None:
        raise error
    try:
        with transaction.atomic():
            procedure = ExitProcedure.objects.create(household=household, year=year, proposed_by=user)
    except IntegrityError as exc:  # a concurrent proposal won
        raise ValidationError(
            {"household": _("This household already has an exit procedure under way.")}
        ) from exc
    _signoff(procedure, step=E.PROPOSE, from_state="", to_state=S.PROPOSED, user=user, comment=comment)
    return procedure


@transaction.atomic
def exit_procedure_sign(
    *, procedure: ExitProcedure, step: str, user: Any, comment: str = "", expected_version: int | None = None
) -> ExitProcedure:
    """Sign the next step of an exit procedure. Refuses a step that does not follow the current state
    (no skipping), a signer whose role lacks the step's capability, and a stale version."""
    rule = EXIT_TRANSITIONS.get(step)
    if rule is None:
        raise ValidationError({"step": _("Unknown step.")})
    ensure_can(user, rule.capability, procedure)
    locked = (
        ExitProcedure.objects.select_for_update().select_related("household__village").get(pk=procedure.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError()
    if not exit_can_transition(locked, step):
        raise _step_refused(S(locked.state).label, E(step).label, exit_next_steps(locked), E)
    comment = (comment or "").strip()
    if rule.comment_required and not comment:
        message = (
            _("Name who signed the consent form (and attach the scan).")
            if step == E.HOUSEHOLD_CONSENT
            else _("Give the reason.")
        )
        raise ValidationError({"comment": message})
    today = clock.today()
    fields: dict[str, Any] = {"state": rule.target}
    if step == E.NOTICE_START:
        fields["notice_started_on"] = today
    elif step == E.NOTICE_CLOSE:
        minimum = exit_settings_for(locked.household.village).notice_min_days
        shown = (today - locked.notice_started_on).days if locked.notice_started_on else 0
        if shown < minimum:
            raise ValidationError(
                {
                    "step": _(
                        "The public notice has been up %(shown)d days; it must stay up at least %(min)d days "
                        "(until %(until)s)."
                    )
                    % {
                        "shown": shown,
                        "min": minimum,
                        "until": (locked.notice_started_on or today) + dt.timedelta(days=minimum),
                    }
                }
            )
        if locked.objections.filter(status=ObjectionStatusChoices.OPEN).exists():
            raise ValidationError({"step": _("Decide the open objections before closing the notice.")})
    elif step in (E.SEND_BACK, E.COUNTY_REFUSE):
        fields["sent_back_reason"] = comment
        fields["notice_started_on"] = None
    elif step == E.COUNTY_APPROVE:
        error = _eligibility_error(locked.household, locked.year)
        if error is not None:
            raise error
        fields["approved_on"] = today
        household_status_change(
            household=locked.household,
            to_status=HouseholdStatusChoices.EXITED,
            user=user,
            reason=_("Exit approved by the county"),
            source=f"exit:{locked.pk}",
        )
    _signoff(locked, step=step, from_state=locked.state, to_state=rule.target, user=user, comment=comment)
    return versioned_update(locked, expected_version=locked.version, fields=fields)


@transaction.atomic
def exit_objection_record(
    *, procedure: ExitProcedure, content: str, user: Any, raised_by: str = ""
) -> ExitObjection:
    """Record an objection raised against a household's exit during the public notice."""
    ensure_can(user, Capability.SIGN_VILLAGE_STEP, procedure)
    locked = ExitProcedure.objects.select_for_update().get(pk=procedure.pk)
    if locked.state != S.IN_NOTICE:
        raise ValidationError({"procedure": _("Objections are recorded while the public notice is up.")})
    if not (content or "").strip():
        raise ValidationError({"content": _("Write down the objection.")})
    return ExitObjection.objects.create(
        procedure=locked,
        received_on=clock.today(),
        raised_by=raised_by[:60],
        content=content.strip(),
        recorded_by=user,
    )


@transaction.atomic
def exit_objection_decide(*, objection: ExitObjection, upheld: bool, reason: str, user: Any) -> ExitObjection:
    """The township decides an objection; an upheld one sends the procedure back with the reason."""
    ensure_can(user, Capability.SIGN_TOWNSHIP_STEP, objection)
    locked = ExitObjection.objects.select_for_update().get(pk=objection.pk)
    if locked.status != ObjectionStatusChoices.OPEN:
        raise ValidationError({"objection": _("This objection has already been decided.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    status = ObjectionStatusChoices.UPHELD if upheld else ObjectionStatusChoices.DISMISSED
    locked = versioned_update(
        locked,
        expected_version=locked.version,
        fields={
            "status": status,
            "decided_by": user,
            "decided_at": clock.now(),
            "decision_reason": reason,
        },
    )
    if upheld:
        exit_procedure_sign(
            procedure=locked.procedure,
            step=E.SEND_BACK,
            user=user,
            comment=_("Objection upheld: %(reason)s") % {"reason": reason},
        )
    return locked


@transaction.atomic
def household_return_to_poverty(*, household: Household, reason: str, user: Any) -> Household:
    """Return an exited (or monitored) household to poverty (返贫); the status history keeps the exit."""
    ensure_can(user, Capability.APPROVE, household)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason.")})
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status not in (HouseholdStatusChoices.EXITED, HouseholdStatusChoices.MONITORING):
        raise ValidationError(
            {"household": _("Only an exited or monitored household can return to poverty.")}
        )
    return household_status_change(
        household=household,
        to_status=HouseholdStatusChoices.RETURNED,
        user=user,
        reason=reason.strip(),
        source="exits:return",
    )


# -- screening job ----------------------------------------------------------------------------------


def exit_flags_refresh_village(*, village: Area, year: int, opened_by: Any = None) -> dict[str, Any]:
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


def monitoring_open_by_rule_village(*, village: Area, year: int, user: Any = None) -> int:
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
                category=RULE_CATEGORIES[household.status],
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
def exit_screening_start(*, area: Area, year: int, user: Any) -> Job:
    """Queue the exit screening over a county (or, on demand, a township); runs after commit."""
    from .tasks import SCREENING_KIND, exits_screening_task

    ensure_can(user, Capability.RUN_JOBS, area=area)
    if area.level not in (AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP):
        raise ValidationError({"area": _("Screen a county or a township.")})
    _check_year(int(year))
    job = job_create(kind=SCREENING_KIND, user=user, area=area, params={"year": int(year)})
    job_enqueue(job, exits_screening_task)
    return job


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


# -- village and county exit ------------------------------------------------------------------------


@transaction.atomic
def village_exit_propose(
    *, village: Area, year: int, checks: dict[int, tuple[bool, str]], user: Any
) -> VillageExit:
    """Propose a village's exit with its standards checked; the live incidence is stored with it."""
    ensure_can(user, Capability.PROPOSE, area=village)
    if village.level != AreaLevelChoices.VILLAGE:
        raise ValidationError({"village": _("Choose a village.")})
    _check_year(year)
    standards = list(village_standards_for(village))
    missing = [s.title for s in standards if s.pk not in checks]
    if missing:
        raise ValidationError(
            {"checks": _("Check every standard: %(missing)s.") % {"missing": "、".join(missing)}}
        )
    if VillageExit.objects.filter(village=village, year=year).exists():
        raise ValidationError(
            {"village": _("This village's exit for %(year)d is already recorded.") % {"year": year}}
        )
    check = area_exit_check(village, year)
    incidence = check["incidence"]
    row = VillageExit.objects.create(
        village=village,
        year=year,
        poor_people=incidence.poor_people,
        population=incidence.population,
        incidence=incidence.rate,
        threshold=check["threshold"],
        proposed_by=user,
    )
    VillageStandardCheck.objects.bulk_create(
        [
            VillageStandardCheck(
                village_exit=row, standard=s, met=bool(checks[s.pk][0]), note=checks[s.pk][1][:300]
            )
            for s in standards
        ]
    )
    return row


@transaction.atomic
def village_exit_decide(
    *, village_exit: VillageExit, approve: bool, user: Any, note: str = ""
) -> VillageExit:
    """The county approves a village exit only if incidence is below the threshold now and every standard
    is met; a refusal needs a note."""
    ensure_can(user, Capability.APPROVE, village_exit)
    locked = VillageExit.objects.select_for_update().select_related("village").get(pk=village_exit.pk)
    if locked.state != AreaExitStateChoices.PROPOSED:
        raise ValidationError({"state": _("This village exit has already been decided.")})
    check = area_exit_check(locked.village, locked.year)
    incidence = check["incidence"]
    if approve:
        problems = []
        if not check["below_threshold"]:
            problems.append(
                _("Incidence %(rate)s%% is not below the threshold of %(threshold)s%%.")
                % {
                    "rate": incidence.rate if incidence.rate is not None else "—",
                    "threshold": check["threshold"],
                }
            )
        unmet = [c.standard.title for c in locked.checks.select_related("standard") if not c.met]
        if unmet:
            problems.append(_("Standards not met: %(list)s.") % {"list": "、".join(unmet)})
        if problems:
            raise ValidationError({"village": problems})
    elif not (note or "").strip():
        raise ValidationError({"note": _("Give the reason.")})
    return versioned_update(
        locked,
        expected_version=locked.version,
        fields={
            "state": AreaExitStateChoices.APPROVED if approve else AreaExitStateChoices.REFUSED,
            "poor_people": incidence.poor_people,
            "population": incidence.population,
            "incidence": incidence.rate,
            "threshold": check["threshold"],
            "decided_by": user,
            "decided_at": clock.now(),
            "decision_note": note,
        },
    )


@transaction.atomic
def county_exit_record(
    *,
    county: Area,
    year: int,
    user: Any,
    province_check_passed: bool | None = None,
    province_check_on: dt.date | None = None,
    province_check_note: str = "",
    assessor: str = "",
    assessment_on: dt.date | None = None,
    assessment_passed: bool | None = None,
    wrong_exit_rate: Decimal | None = None,
    missed_rate: Decimal | None = None,
    satisfaction_rate: Decimal | None = None,
) -> CountyExit:
    """Record a county's exit (摘帽) check: live incidence against the threshold, the province's check and
    the third-party assessment. It is approved when all three pass, refused when one fails."""
    ensure_can(user, Capability.APPROVE, area=county)
    if county.level != AreaLevelChoices.COUNTY:
        raise ValidationError({"county": _("Choose a county.")})
    _check_year(year)
    today = clock.today()
    errors = {}
    for name, day in (("province_check_on", province_check_on), ("assessment_on", assessment_on)):
        if day is not None and day > today:
            errors[name] = _("The date cannot be in the future.")
    for name, rate in (
        ("wrong_exit_rate", wrong_exit_rate),
        ("missed_rate", missed_rate),
        ("satisfaction_rate", satisfaction_rate),
    ):
        if rate is not None and not Decimal(0) <= Decimal(rate) <= Decimal(100):
            errors[name] = _("Enter a percentage between 0 and 100.")
    if errors:
        raise ValidationError(errors)
    check = area_exit_check(county, year)
    incidence = check["incidence"]
    passed = [check["below_threshold"], province_check_passed, assessment_passed]
    state = (
        AreaExitStateChoices.APPROVED
        if all(p is True for p in passed)
        else AreaExitStateChoices.REFUSED
        if any(p is False for p in passed)
        else AreaExitStateChoices.PROPOSED
    )
    row, _created = CountyExit.objects.update_or_create(
        county=county,
        year=year,
        defaults={
            "state": state,
            "poor_people": incidence.poor_people,
            "population": incidence.population,
            "incidence": incidence.rate,
            "threshold": check["threshold"],
            "province_check_passed": province_check_passed,
            "province_check_on": province_check_on,
            "province_check_note": province_check_note,
            "assessor": assessor,
            "assessment_on": assessment_on,
            "assessment_passed": assessment_passed,
            "wrong_exit_rate": wrong_exit_rate,
            "missed_rate": missed_rate,
            "satisfaction_rate": satisfaction_rate,
            "recorded_by": user,
            "decided_at": clock.now() if state != AreaExitStateChoices.PROPOSED else None,
        },
    )
    return row


# -- re-verification campaigns ----------------------------------------------------------------------


@transaction.atomic
def campaign_start(*, area: Area, title: str, starts_on: dt.date, due_on: dt.date, user: Any) -> Campaign:
    """Start a re-verification campaign (回头看) over an area: one check task per household in scope."""
    ensure_can(user, Capability.APPROVE, area=area)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the campaign a title.")
    if due_on < starts_on:
        errors["due_on"] = _("The due date cannot be before the start.")
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(
        area=area, title=title.strip()[:200], starts_on=starts_on, due_on=due_on, started_by=user
    )
    ids = list(
        Household.objects.filter(village__code__startswith=area.prefix, status__in=ASSISTED_STATUSES)
        .order_by("village__code", "number")
        .values_list("pk", flat=True)
    )
    cadres = active_cadre_ids_for(ids)
    CheckTask.objects.bulk_create(
        [CheckTask(campaign=campaign, household_id=hid, cadre_id=cadres.get(hid)) for hid in ids],
        batch_size=2000,
    )
    Campaign.objects.filter(pk=campaign.pk).update(task_count=len(ids))
    campaign.refresh_from_db()
    return campaign


@transaction.atomic
def check_task_complete(
    *, task: CheckTask, state: str, user: Any, findings: str = "", expected_version: int | None = None
) -> CheckTask:
    ensure_can(user, Capability.LOG_VISIT, task)
    if state not in (CheckTaskStateChoices.CONFIRMED, CheckTaskStateChoices.PROBLEM):
        raise ValidationError({"state": _("Confirm the record or report a problem.")})
    if state == CheckTaskStateChoices.PROBLEM and not (findings or "").strip():
        raise ValidationError({"findings": _("Describe the problem found.")})
    return versioned_update(
        task,
        expected_version=task.version if expected_version is None else expected_version,
        fields={"state": state, "findings": findings.strip(), "done_by": user, "done_at": clock.now()},
    )


__all__ = [
    "EXIT_TRANSITIONS",
    "MONITORING_TRANSITIONS",
    "county_of",
    "exit_can_transition",
    "exit_procedure_propose",
    "exit_procedure_sign",
]
