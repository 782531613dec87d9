"""Writes on the registry. Views, serializers, imports and jobs all go through these functions."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.scoping import ensure_can
from core.services import sensitive_access_log, versioned_update

from .choices import (
    DuplicateKindChoices,
    HouseholdStatusChoices,
    IdentificationStageChoices,
    MembershipChangeReasonChoices,
    ObjectionStatusChoices,
    ProcedureStatusChoices,
    RelationChoices,
    ReviewStatusChoices,
    StepDecisionChoices,
)
from .cleaners import (
    clean_id_number,
    clean_main_cause,
    clean_name,
    clean_person,
    clean_phone,
    clean_secondary_causes,
    clean_year_identified,
    phone_key,
)
from .id_numbers import id_number_normalize
from .models import (
    CrossCheckBatch,
    CrossCheckMatch,
    DuplicateCandidate,
    FourLooksAssessment,
    Household,
    HouseholdStatusChange,
    IdentificationProcedure,
    IdentificationStep,
    IncomeRecord,
    LivingConditions,
    Member,
    MembershipPeriod,
    NoticeObjection,
)
from .search import member_key_fields
from .selectors import policy_for

S = HouseholdStatusChoices

# Which status may follow which; every status change goes through household_status_change.
STATUS_TRANSITIONS: dict[str, set[str]] = {
    S.CANDIDATE: {S.REGISTERED, S.REJECTED, S.MONITORING, S.CANCELLED},
    S.REJECTED: {S.CANDIDATE, S.MONITORING},
    S.REGISTERED: {S.EXITED, S.CANCELLED},
    S.EXITED: {S.RETURNED, S.MONITORING},
    S.RETURNED: {S.EXITED, S.CANCELLED},
    S.MONITORING: {S.EXITED, S.RETURNED, S.REGISTERED, S.CANDIDATE, S.REJECTED},
    S.CANCELLED: set(),
}


def household_can_transition(household: Household, to_status: str) -> bool:
    return to_status in STATUS_TRANSITIONS.get(household.status, set())


@transaction.atomic
def household_status_change(
    *,
    household: Household,
    to_status: str,
    user: Any = None,
    reason: str = "",
    source: str = "",
    effective_date: dt.date | None = None,
) -> Household:
    """Move a household to a new status and keep the history row; refuses transitions not in the map.

    Callers (identification and exit procedures, monitoring) have checked their own rules; this
    function guards the status itself, with the row locked so two procedures cannot race.
    """
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if not household_can_transition(locked, to_status):
        raise ValidationError(
            _("A household that is “%(from)s” cannot become “%(to)s”.")
            % {"from": S(locked.status).label, "to": S(to_status).label}
        )
    now = clock.now()
    HouseholdStatusChange.objects.create(
        household=locked,
        from_status=locked.status,
        to_status=to_status,
        changed_at=now,
        effective_date=effective_date or clock.today(),
        changed_by=user if getattr(user, "pk", None) else None,
        reason=reason[:300],
        source=source[:60],
    )
    Household.objects.filter(pk=locked.pk).update(status=to_status, status_changed_at=now)
    locked.refresh_from_db()
    return locked


def _member_clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    number = data.get("id_number")
    if number:
        try:
            data["id_number"] = clean_id_number(number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            errors.update(
                clean_person(data["id_number"], birth_date=data.get("birth_date"), sex=data.get("sex"))
            )
    else:
        data["id_number"] = None
    try:
        data["name"] = clean_name(data.get("name"))
    except ValidationError as exc:
        errors["name"] = exc.messages
    if "phone" in data:
        try:
            data["phone"] = clean_phone(data.get("phone"))
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return data


def _duplicate_error(number: str) -> ValidationError:
    # Says that the person exists without saying where: the other household may be in another area.
    return ValidationError(
        {
            "id_number": _(
                "A person with ID number %(id)s is already registered in another household. "
                "Ask the township office to move them instead of registering them twice."
            )
            % {"id": number[:6] + "********" + number[-4:]}
        }
    )


@transaction.atomic
def member_add(
    *,
    household: Household,
    user: Any,
    join_reason: str = MembershipChangeReasonChoices.REGISTRATION,
    joined_on: dt.date | None = None,
    **data: Any,
) -> Member:
    """Add a person to a household. The same ID number can never be added twice anywhere."""
    ensure_can(user, Capability.EDIT_REGISTRY, household)
    data = _member_clean(data)
    joined_on = joined_on or clock.today()
    if joined_on > clock.today():
        raise ValidationError({"joined_on": _("The date cannot be in the future.")})
    if data.get("birth_date") and joined_on < data["birth_date"]:
        raise ValidationError({"joined_on": _("The date cannot be before the birth date.")})
    if data["id_number"] and Member.objects.filter(id_number=data["id_number"]).exists():
        raise _duplicate_error(data["id_number"])
    try:
        with transaction.atomic():
            member = Member.objects.create(household=household, **data, **member_key_fields(data["name"]))
    except IntegrityError as exc:  # a concurrent registration of the same person won the race
        raise _duplicate_error(data["id_number"]) from exc
    MembershipPeriod.objects.create(
        member=member,
        household=household,
        relation=member.relation,
        joined_on=joined_on,
        join_reason=join_reason,
    )
    if member.relation == RelationChoices.HEAD:
        Household.objects.filter(pk=household.pk).update(head=member)
        household.head = member
    return member


def per_capita_net_income(
    *, wage: Decimal, production: Decimal, property_: Decimal, transfer: Decimal, costs: Decimal, members: int
) -> Decimal:
    """(wages + net production + property + transfer − costs) / members, to the fen."""
    if members <= 0:
        raise ValidationError(_("A household has at least one member."))
    total = wage + production + property_ + transfer - costs
    return (total / members).quantize(Decimal("0.01"))


@transaction.atomic
def income_record_save(
    *, household: Household, year: int, user: Any, member_count: int | None = None, **amounts: Decimal
) -> IncomeRecord:
    ensure_can(user, Capability.EDIT_REGISTRY, household)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter the year as a number.")}) from None
    this_year = clock.today(household.village).year
    if not 2013 <= year <= this_year:
        # an income is recorded for a year that has begun in the county, never ahead of it
        raise ValidationError(
            {"year": _("The income year must be between 2013 and %(year)d.") % {"year": this_year}}
        )
    count = member_count or household.members.count()
    values = {
        "wage_income": Decimal(amounts.get("wage_income", 0)),
        "production_income": Decimal(amounts.get("production_income", 0)),
        "property_income": Decimal(amounts.get("property_income", 0)),
        "transfer_income": Decimal(amounts.get("transfer_income", 0)),
        "production_costs": Decimal(amounts.get("production_costs", 0)),
    }
    values["per_capita_net_income"] = per_capita_net_income(
        wage=values["wage_income"],
        production=values["production_income"],
        property_=values["property_income"],
        transfer=values["transfer_income"],
        costs=values["production_costs"],
        members=count,
    )
    record, _created = IncomeRecord.objects.update_or_create(
        household=household, year=year, defaults={**values, "member_count": count}
    )
    return record


# -- households ------------------------------------------------------------------------------------

HOUSEHOLD_FIELDS = (
    "address",
    "phone",
    "attribute",
    "main_cause",
    "secondary_causes",
    "typology",
    "year_identified",
)
MEMBER_FIELDS = (
    "name",
    "id_number",
    "relation",
    "sex",
    "birth_date",
    "ethnicity",
    "education",
    "schooling",
    "health",
    "labour_capacity",
    "work_status",
    "medical_insurance",
    "pension_insurance",
    "phone",
)


def _household_clean(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    cleaners: dict[str, Any] = {
        "phone": clean_phone,
        "year_identified": clean_year_identified,
        "main_cause": clean_main_cause,
    }
    for name, cleaner in cleaners.items():
        if name in fields:
            try:
                fields[name] = cleaner(fields[name])
            except ValidationError as exc:
                errors[name] = exc.messages
    if "secondary_causes" in fields or "main_cause" in fields:
        fields["secondary_causes"] = clean_secondary_causes(
            fields.get("secondary_causes"), fields.get("main_cause")
        )
    if errors:
        raise ValidationError(errors)
    if "phone" in fields:
        fields["phone_key"] = phone_key(fields["phone"])
    return fields


def household_number_next(village: Area) -> str:
    """The village code followed by a five-digit sequence: 62290110320100042."""
    last = (
        Household.objects.filter(number__startswith=village.code, number__regex=r"^\d{17}$")
        .aggregate(m=Max("number"))
        .get("m")
    )
    sequence = int(last[12:]) + 1 if last else 1
    return f"{village.code}{sequence:05d}"


@transaction.atomic
def household_register(
    *,
    user: Any,
    village: Area,
    members: list[dict[str, Any]],
    number: str = "",
    joined_on: dt.date | None = None,
    **fields: Any,
) -> Household:
    """Register a household (as a candidate) with its members in one step: all or nothing.

    Member errors come back keyed `members[<index>].<field>` so a form or API caller can show them
    next to the right person.
    """
    ensure_can(user, Capability.EDIT_REGISTRY, area=village)
    if village.level != AreaLevelChoices.VILLAGE:
        raise ValidationError({"village": _("Choose a village.")})
    errors: dict[str, Any] = {}
    try:
        fields = _household_clean(
            {"main_cause": "", **{k: v for k, v in fields.items() if k in HOUSEHOLD_FIELDS}}
        )
    except ValidationError as exc:  # reported together with the members' errors
        errors.update(exc.message_dict)
    if not members:
        errors["members"] = _("A household has at least one member.")
    heads = [m for m in members if m.get("relation") == RelationChoices.HEAD]
    if members and len(heads) != 1:
        errors["members"] = _("Exactly one member must be the head of household.")
    seen: dict[str, int] = {}
    cleaned: list[dict[str, Any]] = []
    for index, data in enumerate(members):
        try:
            item = _member_clean({k: v for k, v in data.items() if k in MEMBER_FIELDS})
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"members[{index}].{field}"] = messages
            continue
        number_ = item.get("id_number")
        if number_ and number_ in seen:
            errors[f"members[{index}].id_number"] = _(
                "The same ID number is entered twice in this household."
            )
        elif number_:
            seen[number_] = index
        cleaned.append(item)
    taken = set(Member.objects.filter(id_number__in=list(seen)).values_list("id_number", flat=True))
    for number_ in taken:
        errors[f"members[{seen[number_]}].id_number"] = _duplicate_error(number_).messages
    number = (number or "").strip()
    if number and Household.objects.filter(number=number).exists():
        errors["number"] = _("This household number is already in use.")
    if errors:
        raise ValidationError(errors)
    # Serialise number allocation per village so two clerks cannot draw the same number.
    Area.objects.select_for_update().filter(pk=village.pk).first()
    household = Household.objects.create(
        village=village, number=number or household_number_next(village), **fields
    )
    for data in cleaned:
        member_add(household=household, user=user, joined_on=joined_on, **data)
    return household


@transaction.atomic
def household_update(*, household: Household, user: Any, expected_version: int, **fields: Any) -> Household:
    """Edit a household's registry fields; a stale `expected_version` raises ConflictError."""
    ensure_can(user, Capability.EDIT_REGISTRY, household)
    values = _household_clean({k: v for k, v in fields.items() if k in HOUSEHOLD_FIELDS})
    return versioned_update(household, expected_version=expected_version, fields=values)


@transaction.atomic
def member_update(*, member: Member, user: Any, expected_version: int, **fields: Any) -> Member:
    ensure_can(user, Capability.EDIT_REGISTRY, member)
    data = {f: getattr(member, f) for f in MEMBER_FIELDS}
    data.update({k: v for k, v in fields.items() if k in MEMBER_FIELDS and k != "relation"})
    data = _member_clean(data)
    data.pop("relation", None)
    number = data.get("id_number")
    if number and Member.objects.filter(id_number=number).exclude(pk=member.pk).exists():
        raise _duplicate_error(number)
    if data["name"] != member.name_keyed:
        data.update(member_key_fields(data["name"]))
    try:
        with transaction.atomic():
            return versioned_update(member, expected_version=expected_version, fields=data)
    except IntegrityError as exc:
        raise _duplicate_error(number or "") from exc


def _check_change_date(on: dt.date, since: dt.date | None, field: str) -> None:
    if on > clock.today():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if since and on < since:
        raise ValidationError(
            {field: _("The date cannot be before the member joined the household (%(d)s).") % {"d": since}}
        )


def _open_period(member: Member) -> MembershipPeriod | None:
    return (
        MembershipPeriod.objects.select_for_update(of=("self",))
        .filter(member=member, left_on__isnull=True)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def member_leave(
    *,
    member: Member,
    user: Any,
    left_on: dt.date,
    reason: str,
    new_head: Member | None = None,
) -> Member:
    """A member leaves the household (death, marriage, moving out...). The person and their periods
    stay in the registry; only the open period is closed."""
    ensure_can(user, Capability.EDIT_REGISTRY, member)
    member = Member.objects.select_for_update().get(pk=member.pk)
    household = member.household
    if household is None:
        raise ValidationError(_("This person is not in a household."))
    if reason not in {
        MembershipChangeReasonChoices.DEATH,
        MembershipChangeReasonChoices.MARRIAGE,
        MembershipChangeReasonChoices.MOVED_OUT,
        MembershipChangeReasonChoices.SPLIT,
        MembershipChangeReasonChoices.CORRECTION,
    }:
        raise ValidationError({"reason": _("Choose why the member leaves.")})
    period = _open_period(member)
    _check_change_date(left_on, period.joined_on if period else None, "left_on")
    others = household.members.exclude(pk=member.pk)
    if household.head_id == member.pk and others.exists():
        if new_head is None or new_head.household_id != household.pk or new_head.pk == member.pk:
            raise ValidationError({"new_head": _("The head is leaving: choose the new head of household.")})
    if period:
        MembershipPeriod.objects.filter(pk=period.pk).update(left_on=left_on, leave_reason=reason)
    Member.objects.filter(pk=member.pk).update(household=None, version=F("version") + 1)
    if household.head_id == member.pk:
        _set_head(household, new_head)
    member.refresh_from_db()
    return member


def _set_head(household: Household, head: Member | None) -> None:
    if head is not None:
        Member.objects.filter(pk=head.pk).update(relation=RelationChoices.HEAD)
        MembershipPeriod.objects.filter(member=head, left_on__isnull=True).update(
            relation=RelationChoices.HEAD
        )
    Household.objects.filter(pk=household.pk).update(head=head)


@transaction.atomic
def member_move(
    *,
    member: Member,
    to_household: Household,
    user: Any,
    moved_on: dt.date,
    reason: str,
    relation: str,
    new_head: Member | None = None,
) -> Member:
    """Move a person to another household (marriage, household split...): the period in the old
    household is closed and one in the new household opened, so both keep their history."""
    ensure_can(user, Capability.EDIT_REGISTRY, member)
    ensure_can(user, Capability.EDIT_REGISTRY, to_household)
    if member.household_id == to_household.pk:
        raise ValidationError({"to_household": _("The member is already in this household.")})
    if to_household.status == HouseholdStatusChoices.CANCELLED:
        raise ValidationError({"to_household": _("This household is cancelled.")})
    if relation == RelationChoices.HEAD and to_household.head_id:
        raise ValidationError({"relation": _("That household already has a head.")})
    member_leave(member=member, user=user, left_on=moved_on, reason=reason, new_head=new_head)
    join_reason = (
        MembershipChangeReasonChoices.MOVED_IN
        if reason == MembershipChangeReasonChoices.MOVED_OUT
        else reason
    )
    Member.objects.filter(pk=member.pk).update(
        household=to_household, relation=relation
    )  # version bumped on leave
    MembershipPeriod.objects.create(
        member=member, household=to_household, relation=relation, joined_on=moved_on, join_reason=join_reason
    )
    if relation == RelationChoices.HEAD:
        Household.objects.filter(pk=to_household.pk).update(head=member)
    member.refresh_from_db()
    return member


def member_id_number_reveal(*, member: Member, user: Any, request: Any = None) -> str:
    """The full ID number for a role that needs it; every reveal is logged."""
    ensure_can(user, Capability.VIEW, member)
    if not user.has_capability(Capability.VIEW_FULL_ID):
        raise PermissionDenied(_("Your role does not allow this action."))
    sensitive_access_log(user=user, what="full_id_number", obj=member, request=request)
    return member.id_number or ""


# -- living conditions and the Four-looks score sheet ----------------------------------------------------

CONDITION_FIELDS = (
    "food_secure",
    "clothing_secure",
    "compulsory_education_secured",
    "medical_insured",
    "medical_access",
    "housing_grade",
    "safe_drinking_water",
    "notes",
)


@transaction.atomic
def living_conditions_record(
    *, household: Household, user: Any, assessed_on: dt.date, **fields: Any
) -> LivingConditions:
    """A new assessment of 两不愁三保障 and drinking water; earlier ones are kept as history."""
    ensure_can(user, Capability.EDIT_REGISTRY, household)
    if assessed_on > clock.today():
        raise ValidationError({"assessed_on": _("The date cannot be in the future.")})
    if not fields.get("housing_grade"):
        raise ValidationError({"housing_grade": _("Choose the housing safety grade.")})
    return LivingConditions.objects.create(
        household=household,
        assessed_on=assessed_on,
        assessed_by=user,
        **{k: v for k, v in fields.items() if k in CONDITION_FIELDS},
    )


def four_looks_total(scores: dict[str, int], weights: dict[str, Decimal]) -> Decimal:
    """Weighted mean of the four scores (0-100) with the policy's weights."""
    weight_sum = sum(weights.values(), Decimal("0"))
    if weight_sum <= 0:
        raise ValidationError(_("The four-looks weights add up to zero: ask the county office to set them."))
    total = sum((Decimal(scores[k]) * weights[k] for k in weights), Decimal("0")) / weight_sum
    return total.quantize(Decimal("0.01"))


@transaction.atomic
def four_looks_assess(
    *,
    household: Household,
    user: Any,
    assessed_on: dt.date,
    housing_score: int,
    grain_score: int,
    labour_score: int,
    students_score: int,
    notes: str = "",
) -> FourLooksAssessment:
    ensure_can(user, Capability.EDIT_REGISTRY, household)
    scores = {
        "housing": housing_score,
        "grain": grain_score,
        "labour": labour_score,
        "students": students_score,
    }
    errors = {
        f"{key}_score": _("A score is between 0 and 100.")
        for key, value in scores.items()
        if value is None or not 0 <= int(value) <= 100
    }
    if assessed_on > clock.today():
        errors["assessed_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    weights = policy_for(household.village).weights
    return FourLooksAssessment.objects.create(
        household=household,
        assessed_on=assessed_on,
        housing_score=housing_score,
        grain_score=grain_score,
        labour_score=labour_score,
        students_score=students_score,
        weights={k: str(v) for k, v in weights.items()},
        total=four_looks_total(scores, weights),
        assessed_by=user,
        notes=notes,
    )


# -- identification procedure (精准识别) -------------------------------------------------------------

STAGE = IdentificationStageChoices
STAGE_ORDER: tuple[str, ...] = tuple(STAGE.values)
# Who may sign each stage.
STAGE_CAPABILITY: dict[str, str] = {
    STAGE.APPLICATION: Capability.PROPOSE,
    STAGE.SURVEY: Capability.SIGN_VILLAGE_STEP,
    STAGE.CROSS_CHECK: Capability.SIGN_TOWNSHIP_STEP,
    STAGE.DEMOCRATIC_REVIEW: Capability.SIGN_VILLAGE_STEP,
    STAGE.PUBLIC_NOTICE: Capability.SIGN_VILLAGE_STEP,
    STAGE.TOWNSHIP_REVIEW: Capability.SIGN_TOWNSHIP_STEP,
    STAGE.COUNTY_APPROVAL: Capability.APPROVE,
}


@transaction.atomic
def procedure_start(*, household: Household, user: Any) -> IdentificationProcedure:
    """Open an identification procedure for a candidate (or a previously rejected household)."""
    ensure_can(user, Capability.PROPOSE, household)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.procedures.filter(status=ProcedureStatusChoices.IN_PROGRESS).exists():
        raise ValidationError(_("An identification procedure is already running for this household."))
    if household.status in (S.REJECTED, S.MONITORING):
        household_status_change(
            household=household, to_status=S.CANDIDATE, user=user, reason=_("Identification restarted")
        )
    elif household.status != S.CANDIDATE:
        raise ValidationError(
            _("Only a candidate household can go through identification; this one is “%(s)s”.")
            % {"s": S(household.status).label}
        )
    return IdentificationProcedure.objects.create(
        household=household,
        next_stage=STAGE.APPLICATION,
        notice_min_days=policy_for(household.village).notice_min_days,
        started_by=user,
    )


def procedure_notice_ends_on(procedure: IdentificationProcedure) -> dt.date | None:
    if procedure.notice_started_on is None:
        return None
    return procedure.notice_started_on + dt.timedelta(days=procedure.notice_min_days)


@transaction.atomic
def procedure_sign(
    *,
    procedure: IdentificationProcedure,
    stage: str,
    user: Any,
    decision: str = StepDecisionChoices.PASS,
    comment: str = "",
) -> IdentificationStep:
    """Sign the next stage. Stages cannot be skipped; the time is the server's (no backdating);
    the signature is insert-only. Rejecting needs a reason and ends the procedure; passing the
    county approval registers the household."""
    ensure_can(user, STAGE_CAPABILITY.get(stage, Capability.APPROVE), procedure)
    procedure = IdentificationProcedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.status != ProcedureStatusChoices.IN_PROGRESS:
        raise ValidationError(
            _("This procedure is finished; start a new one to identify the household again.")
        )
    if stage != procedure.next_stage:
        raise ValidationError(
            {
                "stage": _("Steps cannot be skipped: the next step to sign is “%(next)s”.")
                % {"next": STAGE(procedure.next_stage).label}
            }
        )
    if decision not in StepDecisionChoices.values:
        raise ValidationError({"decision": _("Choose pass or reject.")})
    comment = (comment or "").strip()
    if decision == StepDecisionChoices.REJECT and not comment:
        raise ValidationError({"comment": _("Give the reason for rejecting the candidate.")})
    now = clock.now()
    last = procedure.steps.order_by("-signed_at").first()
    if last and now < last.signed_at:
        raise ValidationError(_("A step cannot be signed before the previous one."))
    today = clock.today()
    if decision == StepDecisionChoices.PASS:
        if (
            stage == STAGE.CROSS_CHECK
            and CrossCheckMatch.objects.filter(
                household=procedure.household, status=ReviewStatusChoices.PENDING
            ).exists()
        ):
            raise ValidationError(_("Cross-department matches for this household are still awaiting review."))
        if stage == STAGE.PUBLIC_NOTICE:
            ends = procedure_notice_ends_on(procedure)
            if ends is None or today < ends:
                raise ValidationError(
                    _("The public notice runs at least %(days)d days, until %(date)s.")
                    % {"days": procedure.notice_min_days, "date": ends}
                )
            if procedure.objections.filter(status=ObjectionStatusChoices.OPEN).exists():
                raise ValidationError(_("Resolve every objection before closing the public notice."))
    step = IdentificationStep.objects.create(
        procedure=procedure,
        stage=stage,
        decision=decision,
        signed_by=user,
        signer_name=user.display_name,
        signer_role=user.role,
        signed_at=now,
        comment=comment,
    )
    if decision == StepDecisionChoices.REJECT:
        _procedure_reject(procedure, user=user, reason=comment, source_step=stage)
        return step
    position = STAGE_ORDER.index(stage)
    values: dict[str, Any] = {}
    if stage == STAGE.DEMOCRATIC_REVIEW:
        values["notice_started_on"] = today
    if position + 1 < len(STAGE_ORDER):
        values["next_stage"] = STAGE_ORDER[position + 1]
    else:
        values.update(next_stage="", status=ProcedureStatusChoices.APPROVED, finished_at=now)
        household = procedure.household
        household_status_change(
            household=household,
            to_status=S.REGISTERED,
            user=user,
            reason=comment or _("Identified by county approval"),
            source=f"identification:{procedure.pk}",
        )
        if not household.year_identified:
            Household.objects.filter(pk=household.pk).update(year_identified=today.year)
    IdentificationProcedure.objects.filter(pk=procedure.pk).update(**values)
    return step


def _procedure_reject(
    procedure: IdentificationProcedure, *, user: Any, reason: str, source_step: str
) -> None:
    IdentificationProcedure.objects.filter(pk=procedure.pk).update(
        status=ProcedureStatusChoices.REJECTED,
        next_stage="",
        rejection_reason=reason,
        finished_at=clock.now(),
    )
    household_status_change(
        household=procedure.household,
        to_status=S.REJECTED,
        user=user,
        reason=reason,
        source=f"identification:{procedure.pk}",
    )


@transaction.atomic
def objection_record(
    *, procedure: IdentificationProcedure, user: Any, raised_on: dt.date, content: str, raised_by: str = ""
) -> NoticeObjection:
    """Record an objection heard while the village public notice is posted."""
    ensure_can(user, Capability.SIGN_VILLAGE_STEP, procedure)
    procedure = IdentificationProcedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.next_stage != STAGE.PUBLIC_NOTICE or procedure.notice_started_on is None:
        raise ValidationError(_("Objections are recorded while the public notice is posted."))
    errors = {}
    if not (content or "").strip():
        errors["content"] = _("Write down what the objection says.")
    if raised_on > clock.today() or raised_on < procedure.notice_started_on:
        errors["raised_on"] = _("The date must fall within the public notice (from %(d)s to today).") % {
            "d": procedure.notice_started_on
        }
    if errors:
        raise ValidationError(errors)
    return NoticeObjection.objects.create(
        procedure=procedure,
        raised_on=raised_on,
        raised_by=raised_by,
        content=content.strip(),
        recorded_by=user,
    )


@transaction.atomic
def objection_resolve(
    *, objection: NoticeObjection, user: Any, upheld: bool, resolution: str
) -> NoticeObjection:
    """Resolve an objection after checking it. An upheld objection ends the procedure: the candidate
    is rejected with the resolution as the reason."""
    ensure_can(user, Capability.SIGN_TOWNSHIP_STEP, objection)
    objection = NoticeObjection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatusChoices.OPEN:
        raise ValidationError(_("This objection is already resolved."))
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Write down how the objection was checked and resolved.")})
    NoticeObjection.objects.filter(pk=objection.pk).update(
        status=ObjectionStatusChoices.UPHELD if upheld else ObjectionStatusChoices.DISMISSED,
        resolution=resolution.strip(),
        resolved_by=user,
        resolved_at=clock.now(),
    )
    if upheld:
        procedure = objection.procedure
        if procedure.status == ProcedureStatusChoices.IN_PROGRESS:
            _procedure_reject(
                procedure,
                user=user,
                reason=_("Objection upheld: %(r)s") % {"r": resolution.strip()},
                source_step=STAGE.PUBLIC_NOTICE,
            )
    objection.refresh_from_db()
    return objection


# -- probable duplicates ---------------------------------------------------------------------------


def duplicates_scan(*, area: Area | None = None) -> int:
    """Find probable duplicates across the WHOLE registry for members of `area` (all areas if None):
    same name and birth date, or households sharing a normalised phone (their heads are paired).
    Pairs are stored once (ordered, unique), so a rescan adds only new pairs. Returns pairs added."""
    prefix = f"{area.prefix}%" if area is not None else "%"
    sql = """
        WITH scoped AS (
            SELECT m.id FROM households_member m
            JOIN households_household h ON h.id = m.household_id
            JOIN areas_area v ON v.id = h.village_id
            WHERE v.code LIKE %(prefix)s
        ), pairs AS (
            SELECT LEAST(a.id, b.id) AS a_id, GREATEST(a.id, b.id) AS b_id, %(name_birth)s AS kind
            FROM households_member a
            JOIN households_member b ON b.name = a.name AND b.birth_date = a.birth_date AND b.id <> a.id
            WHERE a.id IN (SELECT id FROM scoped) AND a.household_id IS NOT NULL
              AND b.household_id IS NOT NULL
            UNION
            SELECT LEAST(ha.head_id, hb.head_id), GREATEST(ha.head_id, hb.head_id), %(phone)s
            FROM households_household ha
            JOIN households_household hb ON hb.phone_key = ha.phone_key AND hb.id <> ha.id
            WHERE ha.phone_key <> '' AND ha.head_id IS NOT NULL AND hb.head_id IS NOT NULL
              AND ha.head_id IN (SELECT id FROM scoped)
              AND ha.status <> %(cancelled)s AND hb.status <> %(cancelled)s
        )
        INSERT INTO households_duplicatecandidate
            (member_a_id, member_b_id, kind, status, review_note, created_at, updated_at)
        SELECT a_id, b_id, kind, %(pending)s, '', %(now)s, %(now)s FROM pairs
        ON CONFLICT (member_a_id, member_b_id, kind) DO NOTHING
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "prefix": prefix,
                "name_birth": DuplicateKindChoices.NAME_BIRTH.value,
                "phone": DuplicateKindChoices.PHONE.value,
                "cancelled": S.CANCELLED.value,
                "pending": ReviewStatusChoices.PENDING.value,
                "now": clock.now(),  # the app's clock, not the database's
            },
        )
        return cursor.rowcount


@transaction.atomic
def duplicate_review(
    *, candidate: DuplicateCandidate, user: Any, status: str, note: str = ""
) -> DuplicateCandidate:
    """Record the result of checking a probable duplicate. Confirming does not delete anyone: the
    township then moves or corrects the records through the usual services."""
    ensure_can(user, Capability.EDIT_REGISTRY, candidate)
    if status not in (ReviewStatusChoices.CONFIRMED, ReviewStatusChoices.CLEARED):
        raise ValidationError({"status": _("Choose confirmed or cleared.")})
    if not (note or "").strip():
        raise ValidationError({"review_note": _("Write down what the check found.")})
    updated = DuplicateCandidate.objects.filter(pk=candidate.pk, status=ReviewStatusChoices.PENDING).update(
        status=status, review_note=note.strip(), reviewed_by=user, reviewed_at=clock.now()
    )
    if not updated:
        raise ValidationError(_("This pair has already been reviewed."))
    candidate.refresh_from_db()
    return candidate


# -- cross-department checks (比对排除) --------------------------------------------------------------


def cross_check_read(content: bytes, file_name: str) -> list[tuple[int, str, str]]:
    """Rows (row number, ID number, detail) of a CSV or xlsx list: the first column holds ID
    numbers, the second (optional) what the department records. A header row is skipped."""
    rows: list[list[Any]] = []
    if file_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:
            raise ValidationError({"file": _("The file is not a readable xlsx workbook.")}) from exc
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("gb18030", errors="replace")
        rows = list(csv.reader(io.StringIO(text)))
    out = []
    for index, row in enumerate(rows, start=1):
        if not row or row[0] in (None, ""):
            continue
        number = id_number_normalize(str(row[0]))
        if index == 1 and not re.match(r"^\d{17}[\dX]$", number):
            continue  # header
        detail = str(row[1]).strip() if len(row) > 1 and row[1] is not None else ""
        out.append((index, number, detail[:200]))
    return out


@transaction.atomic
def cross_check_upload(
    *, user: Any, area: Area, source: str, source_name: str, file_name: str, content: bytes
) -> CrossCheckBatch:
    """Match another department's ID list against registered members in `area`; every match becomes
    a review task. Nothing is changed on the households themselves."""
    ensure_can(user, Capability.SIGN_TOWNSHIP_STEP, area=area)
    errors = {}
    if not (source_name or "").strip():
        errors["source_name"] = _("Name the department the list comes from.")
    rows = cross_check_read(content, file_name) if content else []
    if not rows:
        errors["file"] = _("The file has no ID numbers in its first column.")
    if errors:
        raise ValidationError(errors)
    batch = CrossCheckBatch.objects.create(
        area=area,
        source=source,
        source_name=source_name.strip(),
        file_name=file_name[:200],
        file_sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
        row_count=len(rows),
    )
    details: dict[str, str] = {}
    for _row, number, detail in rows:
        details.setdefault(number, detail)
    matches = []
    numbers = list(details)
    for start in range(0, len(numbers), 5000):
        members = Member.objects.filter(
            id_number__in=numbers[start : start + 5000],
            household__isnull=False,
            household__village__code__startswith=area.prefix,
        ).only("id", "household_id", "id_number")
        matches += [
            CrossCheckMatch(batch=batch, member=m, household_id=m.household_id, detail=details[m.id_number])
            for m in members
        ]
    CrossCheckMatch.objects.bulk_create(matches, ignore_conflicts=True)
    CrossCheckBatch.objects.filter(pk=batch.pk).update(match_count=len(matches))
    batch.refresh_from_db()
    return batch


@transaction.atomic
def cross_check_review(*, match: CrossCheckMatch, user: Any, status: str, note: str) -> CrossCheckMatch:
    """Record the result of checking a match (e.g. the car belongs to a son who left the household)."""
    ensure_can(user, Capability.SIGN_TOWNSHIP_STEP, match)
    if status not in (ReviewStatusChoices.CONFIRMED, ReviewStatusChoices.CLEARED):
        raise ValidationError({"status": _("Choose confirmed or cleared.")})
    if not (note or "").strip():
        raise ValidationError({"review_note": _("Write down what the check found.")})
    updated = CrossCheckMatch.objects.filter(pk=match.pk, status=ReviewStatusChoices.PENDING).update(
        status=status, review_note=note.strip(), reviewed_by=user, reviewed_at=clock.now()
    )
    if not updated:
        raise ValidationError(_("This match has already been reviewed."))
    match.refresh_from_db()
    return match


# -- configuration -------------------------------------------------------------------------------


@transaction.atomic
def registry_policy_save(
    *,
    area: Area,
    user: Any,
    notice_min_days: int,
    weight_housing: Decimal,
    weight_grain: Decimal,
    weight_labour: Decimal,
    weight_students: Decimal,
) -> Any:
    """Set an area's public-notice minimum and 四看法 weights (county or township administrators).
    Running procedures keep the notice days they started with."""
    from .models import RegistryPolicy

    ensure_can(user, Capability.ADMINISTER, area=area)
    errors: dict[str, Any] = {}
    if notice_min_days is None or int(notice_min_days) < 1:
        errors["notice_min_days"] = _("The public notice lasts at least one day.")
    weights = [weight_housing, weight_grain, weight_labour, weight_students]
    if any(w is None or Decimal(w) < 0 for w in weights):
        errors["weight_housing"] = _("Weights cannot be negative.")
    elif sum((Decimal(w) for w in weights), Decimal("0")) <= 0:
        errors["weight_housing"] = _(
            "The four-looks weights add up to zero: ask the county office to set them."
        )
    if errors:
        raise ValidationError(errors)
    policy, _created = RegistryPolicy.objects.update_or_create(
        area=area,
        defaults={
            "notice_min_days": notice_min_days,
            "weight_housing": weight_housing,
            "weight_grain": weight_grain,
            "weight_labour": weight_labour,
            "weight_students": weight_students,
        },
    )
    return policy
