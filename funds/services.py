"""Writes on the money ledger. Views, serializers, admin, jobs and the demo all go through these.

Lock order, everywhere: Allocation → Project → ProjectFunding (each by primary key). Two requests
that touch the same money therefore queue behind each other instead of deadlocking, and each
re-reads the totals after it holds the lock. The totals themselves are maintained by database
triggers (funds.models) from the rows inserted here, and check constraints on them are the last line:
even a write that bypassed these functions could not overspend.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.masking import mask_household_number, mask_name
from core.scoping import ensure_can, user_covers_area
from core.services import sensitive_access_log, versioned_update
from households.models import Household

from .choices import (
    FUNDABLE_STATUSES,
    DisbursementKindChoices,
    NoticeKindChoices,
    ProjectStatusChoices,
    UseListChoices,
)
from .models import (
    Allocation,
    DeclaredPart,
    DeclaredTotal,
    Disbursement,
    FundSource,
    Notice,
    Project,
    ProjectBeneficiary,
    ProjectCategory,
    ProjectFunding,
    ProjectMeasure,
    ProjectVillage,
)
from .notices import notice_text_problems

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
S = ProjectStatusChoices


# -- amounts ---------------------------------------------------------------------------------------


def money_parse(value: Any, *, field_name: str = "amount", allow_negative: bool = False) -> Decimal:
    """An exact amount in yuan from a Decimal, int or string; floats and garbage are refused with a
    message saying what to send instead."""
    if isinstance(value, bool | float):
        raise ValidationError(
            {
                field_name: _(
                    "Send amounts as exact decimal text such as “1234.50”, not as a floating-point number."
                )
            }
        )
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError({field_name: _("Enter an amount in yuan, such as 1234.50.")})
    if abs(amount) > MAX_AMOUNT:
        raise ValidationError({field_name: _("The amount is too large.")})
    if amount != amount.quantize(CENT):
        raise ValidationError({field_name: _("Amounts are in yuan with at most two decimal places (fen).")})
    if amount <= 0 and not allow_negative:
        raise ValidationError({field_name: _("The amount must be greater than zero.")})
    return amount.quantize(CENT)


def _fmt(amount: Decimal) -> str:
    return f"{amount:,.2f}"


# -- sources and allocations -----------------------------------------------------------------------


@transaction.atomic
def fund_source_create(*, area: Area, name: str, level: str, kind: str, user: Any) -> FundSource:
    ensure_can(user, Capability.MANAGE_FUNDS, area=area)
    if area.level != AreaLevelChoices.COUNTY:
        raise ValidationError({"area": _("Fund sources are kept by a county.")})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter the name of the fund source.")})
    if FundSource.objects.filter(area=area, name=name).exists():
        raise ValidationError({"name": _("This county already has a fund source with this name.")})
    return FundSource.objects.create(area=area, name=name, level=level, kind=kind)


@transaction.atomic
def allocation_record(
    *,
    county: Area,
    source: FundSource,
    year: int,
    document_number: str,
    document_date: dt.date,
    amount: Any,
    user: Any,
    note: str = "",
) -> Allocation:
    """Record a batch of money that came down to the county under a document number."""
    ensure_can(user, Capability.MANAGE_FUNDS, area=county)
    amount = money_parse(amount)
    errors: dict[str, str] = {}
    if county.level != AreaLevelChoices.COUNTY:
        errors["county"] = _("Allocations come down to a county.")
    if source.area_id != county.pk:
        errors["source"] = _("Choose one of this county's fund sources.")
    document_number = (document_number or "").strip()
    if not document_number:
        errors["document_number"] = _("Enter the document number (文号).")
    if document_date and document_date > clock.today():
        errors["document_date"] = _("The document date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    duplicate = ValidationError(
        {"document_number": _("This document number is already recorded for this fund source.")}
    )
    if Allocation.objects.filter(county=county, source=source, document_number=document_number).exists():
        raise duplicate
    try:
        with transaction.atomic():
            return Allocation.objects.create(
                county=county,
                source=source,
                year=year,
                document_number=document_number,
                document_date=document_date,
                amount=amount,
                note=note,
                recorded_by=user,
            )
    except IntegrityError as exc:
        raise duplicate from exc


@transaction.atomic
def allocation_update(
    *, allocation: Allocation, expected_version: int, user: Any, **fields: Any
) -> Allocation:
    """Correct an allocation's document details or amount; the amount never drops below what has
    already been assigned to projects."""
    ensure_can(user, Capability.MANAGE_FUNDS, allocation)
    locked = Allocation.objects.select_for_update().get(pk=allocation.pk)
    allowed = {"document_number", "document_date", "amount", "note", "year"}
    changes = {k: v for k, v in fields.items() if k in allowed}
    if "document_number" in changes:
        changes["document_number"] = (changes["document_number"] or "").strip()
        if not changes["document_number"]:
            raise ValidationError({"document_number": _("Enter the document number (文号).")})
        if (
            Allocation.objects.filter(
                county_id=locked.county_id,
                source_id=locked.source_id,
                document_number=changes["document_number"],
            )
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ValidationError(
                {"document_number": _("This document number is already recorded for this fund source.")}
            )
    if changes.get("document_date") and changes["document_date"] > clock.today():
        raise ValidationError({"document_date": _("The document date cannot be in the future.")})
    if "amount" in changes:
        changes["amount"] = money_parse(changes["amount"])
        if changes["amount"] < locked.assigned_total:
            raise ValidationError(
                {
                    "amount": _("%(assigned)s yuan of this allocation is already assigned to projects.")
                    % {"assigned": _fmt(locked.assigned_total)}
                }
            )
    return versioned_update(locked, expected_version=expected_version, fields=changes)


# -- project library -------------------------------------------------------------------------------


def categories_for(area: Area) -> Any:
    """The positive and negative lists that apply to an area: those set on it or on any ancestor."""
    codes = [a.code for a in area.ancestors()]
    return ProjectCategory.objects.filter(area__code__in=codes)


def project_category_problems(
    *, category: ProjectCategory, area: Area, name: str, description: str
) -> list[str]:
    """Why this use of money is not allowed for a project in `area` (empty when it is)."""
    problems = []
    if not area.code.startswith(category.area.prefix):
        problems.append(_("This category does not belong to the lists of this county."))
    if category.list_kind != UseListChoices.POSITIVE:
        problems.append(
            _("“%(name)s” is on the negative list: poverty funds may not be used for it.")
            % {"name": category.name}
        )
    text = f"{name}\n{description}"
    for forbidden in categories_for(area).filter(list_kind=UseListChoices.NEGATIVE):
        hit = next((word for word in forbidden.keyword_list if word in text), None)
        if hit:
            problems.append(
                _("“%(word)s” marks a forbidden use (negative list: %(name)s).")
                % {"word": hit, "name": forbidden.name}
            )
    return problems


def _check_beneficiaries(area: Area, villages: Iterable[Area], households: Iterable[Household]) -> dict:
    errors: dict[str, str] = {}
    for village in villages:
        if village.level != AreaLevelChoices.VILLAGE or not village.code.startswith(area.prefix):
            errors["villages"] = _("Benefiting villages must be villages within %(area)s.") % {
                "area": area.name
            }
    for household in households:
        if not household.village.code.startswith(area.prefix):
            errors["households"] = _("Benefiting households must live within %(area)s.") % {"area": area.name}
    return errors


@transaction.atomic
def project_propose(
    *,
    area: Area,
    name: str,
    category: ProjectCategory,
    year: int,
    budget: Any,
    user: Any,
    description: str = "",
    villages: Sequence[Area] = (),
    households: Sequence[Household] = (),
) -> Project:
    """Put a project into the library as proposed; a county official approves it."""
    ensure_can(user, Capability.PROPOSE, area=area)
    budget = money_parse(budget, field_name="budget")
    errors: dict[str, Any] = {}
    if area.level not in (AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP):
        errors["area"] = _("A project is run by a county or a township.")
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Enter the project name.")
    problems = project_category_problems(category=category, area=area, name=name, description=description)
    if problems:
        errors["category"] = problems
    errors.update(_check_beneficiaries(area, villages, households))
    if errors:
        raise ValidationError(errors)
    project = Project.objects.create(
        area=area,
        name=name,
        category=category,
        description=description,
        year=year,
        budget=budget,
        proposed_by=user,
    )
    _beneficiaries_replace(project=project, villages=villages, households=households)
    return project


def _beneficiaries_replace(
    *, project: Project, villages: Sequence[Area], households: Sequence[Household]
) -> None:
    """Replace the lists of benefiting villages and households (the caller has checked them)."""
    ProjectVillage.objects.filter(project=project).exclude(village__in=villages).delete()
    ProjectVillage.objects.bulk_create(
        [ProjectVillage(project=project, village=v) for v in villages], ignore_conflicts=True
    )
    # Households already paid, or whose measure the project pays, stay beneficiaries.
    keep = (
        {h.pk for h in households}
        | set(
            Disbursement.objects.filter(project=project, household__isnull=False).values_list(
                "household_id", flat=True
            )
        )
        | set(ProjectMeasure.objects.filter(project=project).values_list("measure__household_id", flat=True))
    )
    ProjectBeneficiary.objects.filter(project=project).exclude(household_id__in=keep).delete()
    ProjectBeneficiary.objects.bulk_create(
        [ProjectBeneficiary(project=project, household=h) for h in households], ignore_conflicts=True
    )


@transaction.atomic
def project_update(
    *,
    project: Project,
    expected_version: int,
    user: Any,
    villages: Sequence[Area] | None = None,
    households: Sequence[Household] | None = None,
    **fields: Any,
) -> Project:
    """Edit a project's description, budget, category and beneficiaries. Name and category are fixed
    once the project is approved; the budget never drops below what is already allocated."""
    ensure_can(user, Capability.PROPOSE, project)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    changes = {k: v for k, v in fields.items() if k in {"name", "description", "budget", "category", "year"}}
    errors: dict[str, Any] = {}
    if locked.status in (S.COMPLETED, S.ACCEPTED):
        raise ValidationError(_("A completed project can no longer be edited."))
    if locked.status not in (S.PROPOSED, S.REJECTED) and (
        changes.get("name", locked.name) != locked.name
        or changes.get("category", locked.category) != locked.category
    ):
        errors["category"] = _("Name and category are fixed once the project is approved.")
    if "budget" in changes:
        changes["budget"] = money_parse(changes["budget"], field_name="budget")
        if changes["budget"] < locked.allocated_total:
            errors["budget"] = _("%(allocated)s yuan is already allocated to this project.") % {
                "allocated": _fmt(locked.allocated_total)
            }
    problems = project_category_problems(
        category=changes.get("category", locked.category),
        area=locked.area,
        name=changes.get("name", locked.name),
        description=changes.get("description", locked.description),
    )
    if problems:
        errors.setdefault("category", problems)
    errors.update(_check_beneficiaries(locked.area, villages or (), households or ()))
    if errors:
        raise ValidationError(errors)
    updated = versioned_update(locked, expected_version=expected_version, fields=changes)
    if villages is not None or households is not None:
        _beneficiaries_replace(
            project=updated,
            villages=villages if villages is not None else list(updated.villages.all()),
            households=households if households is not None else list(updated.households.all()),
        )
    return updated


# Which status may follow which, and the capability each step needs: township staff propose, start
# and complete; county officials approve, reject and accept.
PROJECT_TRANSITIONS: dict[str, dict[str, str]] = {
    S.PROPOSED: {S.APPROVED: Capability.APPROVE, S.REJECTED: Capability.APPROVE},
    S.REJECTED: {S.PROPOSED: Capability.PROPOSE},
    S.APPROVED: {S.IN_PROGRESS: Capability.PROPOSE},
    S.IN_PROGRESS: {S.COMPLETED: Capability.PROPOSE},
    S.COMPLETED: {S.ACCEPTED: Capability.APPROVE},
    S.ACCEPTED: {},
}


def project_next_statuses(project: Project, user: Any) -> list[str]:
    """The steps this user may take on this project now (for buttons)."""
    return [
        status
        for status, capability in PROJECT_TRANSITIONS.get(project.status, {}).items()
        if user.has_capability(capability) and user_covers_area(user, project.area)
    ]


@transaction.atomic
def project_transition(*, project: Project, to_status: str, user: Any, note: str = "") -> Project:
    locked = Project.objects.select_for_update().select_related("category", "area").get(pk=project.pk)
    steps = PROJECT_TRANSITIONS.get(locked.status, {})
    ensure_can(user, steps.get(to_status, Capability.APPROVE), locked)
    if to_status not in steps:
        raise ValidationError(
            _("A project that is “%(from)s” cannot become “%(to)s”.")
            % {"from": S(locked.status).label, "to": S(to_status).label}
        )
    if to_status == S.APPROVED:
        # The lists may have changed since the proposal: check again at approval.
        problems = project_category_problems(
            category=locked.category, area=locked.area, name=locked.name, description=locked.description
        )
        if problems:
            raise ValidationError({"category": problems})
    if to_status == S.REJECTED and not note.strip():
        raise ValidationError({"note": _("Say why the project is rejected.")})
    values: dict[str, Any] = {
        "status": to_status,
        "status_changed_at": clock.now(),
        "status_note": note[:300],
    }
    if to_status == S.APPROVED:
        values.update(approved_by=user, approved_at=clock.now())
    Project.objects.filter(pk=locked.pk).update(**values, version=F("version") + 1)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def project_fund(*, project: Project, allocation: Allocation, amount: Any, user: Any) -> ProjectFunding:
    """Assign money from an allocation to a project (its budget by source)."""
    ensure_can(user, Capability.MANAGE_FUNDS, project)
    ensure_can(user, Capability.MANAGE_FUNDS, allocation)
    amount = money_parse(amount)
    # Lock order: allocation, then project.
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    project = Project.objects.select_for_update().select_related("area").get(pk=project.pk)
    if project.status not in FUNDABLE_STATUSES:
        raise ValidationError(_("Only an approved project can receive money."))
    if not project.area.code.startswith(allocation.county.prefix):
        raise ValidationError({"allocation": _("This allocation belongs to another county.")})
    if amount > allocation.unassigned:
        raise ValidationError(
            {
                "amount": _("Only %(left)s yuan of this allocation is still unassigned.")
                % {"left": _fmt(allocation.unassigned)}
            }
        )
    if project.allocated_total + amount > project.budget:
        raise ValidationError(
            {
                "amount": _("The project's budget leaves room for %(left)s yuan more.")
                % {"left": _fmt(project.budget - project.allocated_total)}
            }
        )
    funding, created = ProjectFunding.objects.select_for_update().get_or_create(
        project=project, allocation=allocation, defaults={"amount": amount, "assigned_by": user}
    )
    if not created:
        ProjectFunding.objects.filter(pk=funding.pk).update(amount=F("amount") + amount)
    funding.refresh_from_db()
    return funding


@transaction.atomic
def project_measure_link(*, project: Project, measure: Any, user: Any) -> ProjectMeasure:
    """Say that this project pays for a household's measure; the household becomes a beneficiary."""
    ensure_can(user, Capability.PROPOSE, project)
    ensure_can(user, Capability.VIEW, measure)
    if not measure.household.village.code.startswith(project.area.prefix):
        raise ValidationError({"measure": _("The measure's household lives outside the project's area.")})
    existing = ProjectMeasure.objects.filter(measure=measure).select_related("project__area").first()
    if existing is not None:
        if existing.project_id == project.pk:
            return existing
        if not user_covers_area(user, existing.project.area):
            # Do not name a project the user may not see.
            raise ValidationError({"measure": _("This measure is already paid by another project.")})
        raise ValidationError(
            {
                "measure": _("This measure is already paid by project “%(name)s”.")
                % {"name": existing.project.name}
            }
        )
    link = ProjectMeasure.objects.create(project=project, measure=measure, linked_by=user)
    ProjectBeneficiary.objects.get_or_create(project=project, household=measure.household)
    return link


# -- payments --------------------------------------------------------------------------------------


def _same_request(existing: Disbursement, **values: Any) -> bool:
    return all(getattr(existing, key) == value for key, value in values.items())


def _key_reused() -> ValidationError:
    return ValidationError(
        {"idempotency_key": _("This request key was already used for a different payment. Reload the form.")}
    )


@transaction.atomic
def disbursement_record(
    *,
    funding: ProjectFunding,
    amount: Any,
    paid_on: dt.date,
    voucher_number: str,
    payee: str,
    idempotency_key: str,
    user: Any,
    household: Household | None = None,
    measure: Any = None,
    note: str = "",
) -> Disbursement:
    """Pay from a project's funding line. Never more than was allocated, even when two requests race:
    both lock the project then the line and the second sees the first's total. A request repeated
    with the same key returns the payment the first one recorded."""
    ensure_can(user, Capability.MANAGE_FUNDS, funding)
    amount = money_parse(amount)
    if measure is not None:
        household = measure.household
    idempotency_key = (idempotency_key or "").strip()
    if not idempotency_key or len(idempotency_key) > 64:
        raise ValidationError(
            {"idempotency_key": _("Each payment request needs a key of up to 64 characters.")}
        )
    request_values = {
        "funding_id": funding.pk,
        "amount": amount,
        "household_id": getattr(household, "pk", None),
    }
    existing = Disbursement.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if _same_request(existing, **request_values):
            return existing
        raise _key_reused()

    project = Project.objects.select_for_update().get(pk=funding.project_id)
    line = ProjectFunding.objects.select_for_update().select_related("allocation").get(pk=funding.pk)
    # Under the lock: a concurrent twin of this request may have committed meanwhile.
    existing = Disbursement.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if _same_request(existing, **request_values):
            return existing
        raise _key_reused()

    errors: dict[str, str] = {}
    if project.status not in FUNDABLE_STATUSES:
        errors["funding"] = _("Only an approved project can be paid from.")
    if paid_on > clock.today():
        errors["paid_on"] = _("The payment date cannot be in the future.")
    if not (voucher_number or "").strip():
        errors["voucher_number"] = _("Enter the voucher number.")
    if not (payee or "").strip():
        errors["payee"] = _("Enter the payee.")
    if measure is not None and not ProjectMeasure.objects.filter(project=project, measure=measure).exists():
        errors["measure"] = _("This measure is not paid by this project: link it to the project first.")
    elif (
        household is not None
        and not ProjectBeneficiary.objects.filter(project=project, household=household).exists()
    ):
        errors["household"] = _("This household is not one of the project's benefiting households.")
    if amount > line.balance:
        errors["amount"] = _(
            "Only %(left)s yuan is left on this funding line (project balance %(project)s yuan)."
        ) % {
            "left": _fmt(line.balance),
            "project": _fmt(project.balance),
        }
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            payment = Disbursement.objects.create(
                project=project,
                funding=line,
                household=household,
                measure=measure,
                kind=DisbursementKindChoices.PAYMENT,
                amount=amount,
                paid_on=paid_on,
                voucher_number=voucher_number.strip(),
                payee=payee.strip(),
                note=note,
                idempotency_key=idempotency_key,
                recorded_by=user,
            )
    except IntegrityError as exc:
        existing = Disbursement.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise  # not the key: a database guarantee refused the entry
        if _same_request(existing, **request_values):
            return existing
        raise _key_reused() from exc
    return payment


@transaction.atomic
def disbursement_reverse(
    *, disbursement: Disbursement, reason: str, user: Any, idempotency_key: str | None = None
) -> Disbursement:
    """Correct a payment by a reversal entry of the opposite amount; the payment itself stays."""
    ensure_can(user, Capability.MANAGE_FUNDS, disbursement)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the payment is reversed.")})
    project = Project.objects.select_for_update().get(pk=disbursement.project_id)
    line = ProjectFunding.objects.select_for_update().get(pk=disbursement.funding_id)
    original = Disbursement.objects.get(pk=disbursement.pk)
    if original.kind == DisbursementKindChoices.REVERSAL:
        raise ValidationError(_("A reversal cannot itself be reversed; record a new payment instead."))
    already = Disbursement.objects.filter(reverses=original).first()
    if already is not None:
        if idempotency_key and already.idempotency_key == idempotency_key:
            return already
        raise ValidationError(_("This payment has already been reversed."))
    reversal = Disbursement.objects.create(
        project=project,
        funding=line,
        household=original.household,
        measure=original.measure,
        kind=DisbursementKindChoices.REVERSAL,
        amount=-original.amount,
        paid_on=clock.today(),
        voucher_number=original.voucher_number,
        payee=original.payee,
        note=reason.strip()[:300],
        reverses=original,
        idempotency_key=(idempotency_key or f"reversal-{uuid.uuid4().hex}")[:64],
        recorded_by=user,
    )
    return reversal


def household_batch_pending(*, project: Project, batch_key: str) -> Any:
    """Benefiting households not yet paid in this batch (a rerun skips the ones already paid)."""
    paid = Disbursement.objects.filter(idempotency_key__startswith=f"{batch_key}:").values("household_id")
    return Household.objects.filter(
        pk__in=ProjectBeneficiary.objects.filter(project=project).values("household_id")
    ).exclude(pk__in=paid)


def household_batch_check(*, funding: ProjectFunding, amount_each: Any, batch_key: str, user: Any) -> Decimal:
    """Refuse a household batch up front when the funding line cannot pay every pending household."""
    ensure_can(user, Capability.MANAGE_FUNDS, funding)
    amount_each = money_parse(amount_each, field_name="amount_each")
    pending = household_batch_pending(project=funding.project, batch_key=batch_key).count()
    if pending == 0:
        raise ValidationError(_("Every benefiting household has already been paid in this batch."))
    need = amount_each * pending
    funding.refresh_from_db()
    if need > funding.balance:
        raise ValidationError(
            {
                "amount_each": _(
                    "Paying %(n)d households %(each)s yuan each needs %(need)s yuan; this line has %(left)s yuan left."
                )
                % {"n": pending, "each": _fmt(amount_each), "need": _fmt(need), "left": _fmt(funding.balance)}
            }
        )
    return amount_each


def household_batch_pay_village(
    *,
    funding: ProjectFunding,
    village: Area,
    amount_each: Decimal,
    paid_on: dt.date,
    voucher_number: str,
    batch_key: str,
    user: Any,
) -> tuple[int, int]:
    """Pay every pending benefiting household of one village (one transaction); returns (paid, skipped).
    Keys are `<batch>:<household>`, so a rerun after a crash pays nobody twice."""
    households = list(
        household_batch_pending(project=funding.project, batch_key=batch_key)
        .filter(village=village)
        .select_related("head")
        .order_by("pk")
    )
    with transaction.atomic():
        for household in households:
            disbursement_record(
                funding=funding,
                amount=amount_each,
                paid_on=paid_on,
                voucher_number=voucher_number,
                payee=household.head.name if household.head else household.number,
                idempotency_key=f"{batch_key}:{household.pk}",
                household=household,
                user=user,
            )
    total = ProjectBeneficiary.objects.filter(project=funding.project, household__village=village).count()
    return len(households), total - len(households)


# -- public notices --------------------------------------------------------------------------------


def _notice_check(title: str, body: str) -> None:
    problems = notice_text_problems(f"{title}\n{body}")
    if problems:
        raise ValidationError({"body": problems})


@transaction.atomic
def notice_publish(
    *,
    project: Project,
    kind: str,
    title: str,
    body: str,
    starts_on: dt.date,
    ends_on: dt.date,
    user: Any,
) -> Notice:
    """Publish a notice text; refused if it shows an ID number, phone, bank account or health detail."""
    ensure_can(user, Capability.PROPOSE, project)
    errors: dict[str, Any] = {}
    if not title.strip():
        errors["title"] = _("Enter a title.")
    if not body.strip():
        errors["body"] = _("Enter the text to publish.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The notice period ends before it starts.")
    if errors:
        raise ValidationError(errors)
    _notice_check(title, body)
    return Notice.objects.create(
        project=project,
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        published_by=user,
    )


def notice_text_for_project(project: Project) -> tuple[str, str]:
    """The standard project notice (项目公示): what, where, how much, from which sources, who benefits."""
    villages = "、".join(v.name for v in project.villages.order_by("code"))
    sources = "；".join(
        f"{f.allocation.source.name}（{f.allocation.document_number}）{_fmt(f.amount)}元"
        for f in project.fundings.select_related("allocation__source").order_by("pk")
    )
    households = project.households.count()
    title = _("Public notice of project: %(name)s") % {"name": project.name}
    lines = [
        _("Project: %(name)s") % {"name": project.name},
        _("Run by: %(area)s") % {"area": project.area.name},
        _("Category: %(category)s") % {"category": project.category.name},
        _("Year: %(year)s") % {"year": project.year},
        _("Budget: %(budget)s yuan") % {"budget": _fmt(project.budget)},
    ]
    if villages:
        lines.append(_("Benefiting villages: %(villages)s") % {"villages": villages})
    if households:
        lines.append(_("Benefiting households: %(n)d") % {"n": households})
    if sources:
        lines.append(_("Funds: %(sources)s") % {"sources": sources})
    if project.description:
        lines.append(_("Content: %(text)s") % {"text": project.description})
    lines.append(
        _(
            "Anyone with an objection may report it to the county poverty alleviation office during the notice period."
        )
    )
    return str(title), "\n".join(str(line) for line in lines)


def notice_text_for_payments(project: Project) -> tuple[str, str]:
    """The payment notice (资金公示): each payment not reversed, payees who are households by masked name."""
    title = _("Public notice of payments: %(name)s") % {"name": project.name}
    lines = [_("Project: %(name)s") % {"name": project.name}]
    payments = (
        project.disbursements.filter(kind=DisbursementKindChoices.PAYMENT, reversal__isnull=True)
        .select_related("household__village", "household__head")
        .order_by("paid_on", "pk")
    )
    total = Decimal("0.00")
    for payment in payments:
        if payment.household_id:
            who = f"{payment.household.village.name} {mask_name(payment.household.head.name if payment.household.head else '')}"
        else:
            who = payment.payee
        lines.append(f"{payment.paid_on:%Y年%m月%d日}　{who}　{_fmt(payment.amount)}元")
        total += payment.amount
    lines.append(_("Total paid: %(total)s yuan") % {"total": _fmt(total)})
    lines.append(
        _(
            "Anyone with an objection may report it to the county poverty alleviation office during the notice period."
        )
    )
    return str(title), "\n".join(str(line) for line in lines)


@transaction.atomic
def notice_publish_standard(
    *, project: Project, kind: str, starts_on: dt.date, days: int, user: Any, extra_text: str = ""
) -> Notice:
    """Publish the standard project or payment notice for `days` days from `starts_on`."""
    if days < 1:
        raise ValidationError({"days": _("A notice period lasts at least one day.")})
    if kind == NoticeKindChoices.PAYMENT:
        title, body = notice_text_for_payments(project)
    else:
        title, body = notice_text_for_project(project)
    if extra_text.strip():
        body = f"{body}\n{extra_text.strip()}"
    return notice_publish(
        project=project,
        kind=kind,
        title=title,
        body=body,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=days - 1),
        user=user,
    )


# -- reconciliation --------------------------------------------------------------------------------


@transaction.atomic
def declared_total_record(
    *,
    area: Area,
    title: str,
    declared_amount: Any,
    parts: Sequence[tuple[str, Any]],
    user: Any,
    year: int | None = None,
    source_document: str = "",
) -> DeclaredTotal:
    """Record a total as a document declares it, with the parts it says it is made of (kept as
    declared, even when they do not add up: that is what the reconciliation view is for)."""
    ensure_can(user, Capability.MANAGE_FUNDS, area=area)
    declared = money_parse(declared_amount, field_name="declared_amount")
    if not parts:
        raise ValidationError({"parts": _("Enter at least one part.")})
    parsed = [
        (label.strip(), money_parse(amount, field_name="parts", allow_negative=True))
        for label, amount in parts
    ]
    if any(not label for label, _amount in parsed):
        raise ValidationError({"parts": _("Every part needs a label.")})
    total = DeclaredTotal.objects.create(
        area=area, title=title.strip(), year=year, declared_amount=declared, source_document=source_document
    )
    DeclaredPart.objects.bulk_create(
        [
            DeclaredPart(declared_total=total, label=label, amount=amount, position=i)
            for i, (label, amount) in enumerate(parsed)
        ]
    )
    return total


# -- public self-service lookup --------------------------------------------------------------------


@dataclass
class PublicLookupResult:
    """What the public lookup may show: the household's record masked, and its own ledger entries."""

    household: Household
    member_name: str
    receipts: list[Disbursement]

    @property
    def head_name(self) -> str:
        head = self.household.head
        return mask_name(head.name if head else "")

    @property
    def household_number(self) -> str:
        """The first six and last three characters; the rest starred."""
        number = self.household.number
        return mask_household_number(number)

    @property
    def village(self) -> str:
        village = self.household.village
        return f"{village.parent.name if village.parent else ''}{village.name}"

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.receipts), Decimal("0.00"))


def public_lookup_refused(*, request: Any) -> None:
    """Log a lookup the rate limit refused (the number is not read: nothing was looked up)."""
    sensitive_access_log(user=None, what="funds.public_lookup", detail="refused: rate limit", request=request)


def public_lookup(*, id_number: str, name: str, request: Any = None) -> PublicLookupResult | None:
    """A household finds its own subsidies by a member's ID number and name. Nothing is said about
    whether the number exists when the name does not match; every attempt is logged."""
    from households.id_numbers import id_number_normalize
    from households.models import Member

    number = id_number_normalize(id_number)
    name = (name or "").strip()
    member = (
        Member.objects.filter(id_number=number, name=name, household__isnull=False)
        .select_related("household__village__parent", "household__head")
        .first()
        if number and name
        else None
    )
    sensitive_access_log(
        user=None,
        what="funds.public_lookup",
        obj=member.household if member else None,
        detail=("found " if member else "not found ") + (number[:6] + "…" if number else ""),
        request=request,
    )
    if member is None:
        return None
    receipts = list(
        Disbursement.objects.filter(household=member.household)
        .select_related("project", "reverses")
        .order_by("-paid_on", "-pk")
    )
    return PublicLookupResult(household=member.household, member_name=member.name, receipts=receipts)


# -- reference data: positive and negative lists ---------------------------------------------------


@transaction.atomic
def project_category_save(
    *,
    area: Area,
    code: str,
    name: str,
    list_kind: str,
    user: Any,
    keywords: str = "",
    note: str = "",
    category: ProjectCategory | None = None,
) -> ProjectCategory:
    """Add or change an entry of a positive or negative list (administrators keep the lists)."""
    ensure_can(user, Capability.ADMINISTER, area=area)
    if list_kind not in UseListChoices.values:
        raise ValidationError({"list_kind": _("Choose the positive or the negative list.")})
    if not (code or "").strip() or not (name or "").strip():
        raise ValidationError({"name": _("Enter a code and a name.")})
    values = {
        "area": area,
        "code": code.strip(),
        "name": name.strip(),
        "list_kind": list_kind,
        "keywords": keywords,
        "note": note,
    }
    clash = ProjectCategory.objects.filter(area=area, code=values["code"])
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if clash.exists():
        raise ValidationError({"code": _("This list already has an entry with this code.")})
    if category is None:
        return ProjectCategory.objects.create(**values)
    ProjectCategory.objects.filter(pk=category.pk).update(**values)
    category.refresh_from_db()
    return category
