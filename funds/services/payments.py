"""Payments (资金拨付到项目或到户): recording, reversing and household batches."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.models import Area
from core import clock
from core.dates import business_date_errors
from core.idempotency import run_once
from core.models import Job
from core.money import money_parse, yuan_text
from core.scoping import ensure_can
from core.services import job_create, job_enqueue
from core.text import person_text_errors
from households.models import Household

from ..choices import (
    FUNDABLE_STATUSES,
    DisbursementKindChoices,
)
from ..models import (
    Disbursement,
    Project,
    ProjectBeneficiary,
    ProjectFunding,
    ProjectMeasure,
)

if TYPE_CHECKING:
    from accounts.models import User
    from assistance.models import Measure

# -- payments --------------------------------------------------------------------------------------


def _same_request(existing: Disbursement, **values: Any) -> bool:
    return all(getattr(existing, key) == value for key, value in values.items())


def _key_reused() -> ValidationError:
    return ValidationError(
        {"idempotency_key": _("This request key was already used for a different payment. Reload the form.")}
    )


_KEYS = "funds.disbursement"  # payments and reversals share the key column, so one namespace


def _checked_key(idempotency_key: str | None) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64:
        raise ValidationError(
            {"idempotency_key": _("Each payment request needs a key of up to 64 characters.")}
        )
    return key


def _once(key: str, same: Any, create: Any) -> Disbursement:
    """The entry stored under the key (when `same` says it answers this request) or a new one."""
    entry: Disbursement = run_once(
        namespace=_KEYS,
        key=key,
        find=lambda: Disbursement.objects.filter(idempotency_key=key).first(),
        same=same,
        reused=_key_reused,
        create=create,
    )
    return entry


@transaction.atomic
def disbursement_record(
    *,
    funding: ProjectFunding,
    amount: Any,
    paid_on: dt.date,
    voucher_number: str,
    payee: str,
    idempotency_key: str,
    user: User,
    household: Household | None = None,
    measure: Measure | None = None,
    note: str = "",
) -> Disbursement:
    """Pay from a project's funding line. Never more than was allocated, even when two requests race:
    both lock the project then the line and the second sees the first's total. A request repeated
    with the same key, even at the same instant, returns the payment the first one recorded (marked
    `replayed`, core.idempotency)."""
    ensure_can(user, Capability.MANAGE_FUNDS, funding)
    amount = money_parse(amount)
    if measure is not None:
        household = measure.household
    key = _checked_key(idempotency_key)
    request_values = {
        "funding_id": funding.pk,
        "amount": amount,
        "household_id": getattr(household, "pk", None),
    }

    def create() -> Disbursement:
        project = Project.objects.select_for_update().get(pk=funding.project_id)
        line = ProjectFunding.objects.select_for_update().select_related("allocation").get(pk=funding.pk)
        errors: dict[str, str] = {}
        if project.status not in FUNDABLE_STATUSES:
            errors["funding"] = _("Only an approved project can be paid from.")
        if paid_on > clock.today():
            errors["paid_on"] = _("The payment date cannot be in the future.")
        if not (voucher_number or "").strip():
            errors["voucher_number"] = _("Enter the voucher number.")
        if not (payee or "").strip():
            errors["payee"] = _("Enter the payee.")
        person_text_errors(errors, payee=payee)
        business_date_errors(errors, paid_on=paid_on)
        if (
            measure is not None
            and not ProjectMeasure.objects.filter(project=project, measure=measure).exists()
        ):
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
                "left": yuan_text(line.balance),
                "project": yuan_text(project.balance),
            }
        if errors:
            raise ValidationError(errors)
        return Disbursement.objects.create(
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
            idempotency_key=key,
            recorded_by=user,
        )

    return _once(key, lambda existing: _same_request(existing, **request_values), create)


@transaction.atomic
def disbursement_reverse(
    *, disbursement: Disbursement, reason: str, user: User, idempotency_key: str | None = None
) -> Disbursement:
    """Correct a payment by a reversal entry of the opposite amount; the payment itself stays. A
    request repeated with the same key returns the reversal it recorded (marked `replayed`)."""
    ensure_can(user, Capability.MANAGE_FUNDS, disbursement)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the payment is reversed.")})
    key = _checked_key(idempotency_key or f"reversal-{uuid.uuid4().hex}")

    def create() -> Disbursement:
        project = Project.objects.select_for_update().get(pk=disbursement.project_id)
        line = ProjectFunding.objects.select_for_update().get(pk=disbursement.funding_id)
        original = Disbursement.objects.get(pk=disbursement.pk)
        if original.kind == DisbursementKindChoices.REVERSAL:
            raise ValidationError(_("A reversal cannot itself be reversed; record a new payment instead."))
        if Disbursement.objects.filter(reverses=original).exists():
            raise ValidationError(_("This payment has already been reversed."))
        return Disbursement.objects.create(
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
            idempotency_key=key,
            recorded_by=user,
        )

    return _once(key, lambda existing: existing.reverses_id == disbursement.pk, create)


def household_batch_pending(*, project: Project, batch_key: str) -> Any:
    """Benefiting households not yet paid in this batch (a rerun skips the ones already paid)."""
    paid = Disbursement.objects.filter(idempotency_key__startswith=f"{batch_key}:").values("household_id")
    return Household.objects.filter(
        pk__in=ProjectBeneficiary.objects.filter(project=project).values("household_id")
    ).exclude(pk__in=paid)


def household_batch_check(
    *, funding: ProjectFunding, amount_each: Any, batch_key: str, user: User
) -> Decimal:
    """Refuse a household batch up front when the funding line cannot pay every pending household."""
    ensure_can(user, Capability.MANAGE_FUNDS, funding)
    each: Decimal = money_parse(amount_each, field_name="amount_each")
    pending = household_batch_pending(project=funding.project, batch_key=batch_key).count()
    if pending == 0:
        raise ValidationError(_("Every benefiting household has already been paid in this batch."))
    need = each * pending
    funding.refresh_from_db()
    if need > funding.balance:
        raise ValidationError(
            {
                "amount_each": _(
                    "Paying %(n)d households %(each)s yuan each needs %(need)s yuan; this line has %(left)s yuan left."
                )
                % {
                    "n": pending,
                    "each": yuan_text(each),
                    "need": yuan_text(need),
                    "left": yuan_text(funding.balance),
                }
            }
        )
    return each


def household_batch_pay_village(
    *,
    funding: ProjectFunding,
    village: Area,
    amount_each: Decimal,
    paid_on: dt.date,
    voucher_number: str,
    batch_key: str,
    user: User,
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


@transaction.atomic
def household_batch_start(
    *,
    funding: ProjectFunding,
    amount_each: Any,
    paid_on: dt.date,
    voucher_number: str,
    batch_key: str,
    user: User,
) -> Job:
    """Queue the payment of every benefiting household of the funding line's project (a job that works
    village by village), once the line is known to cover them all."""
    from ..tasks import funds_household_batch_task

    amount_each = household_batch_check(
        funding=funding, amount_each=amount_each, batch_key=batch_key, user=user
    )
    job = job_create(
        kind="funds.household_batch",
        user=user,
        area=funding.project.area,
        params={
            "funding_id": funding.pk,
            "amount_each": str(amount_each),
            "paid_on": paid_on.isoformat(),
            "voucher_number": voucher_number,
            "batch_key": batch_key,
        },
    )
    job_enqueue(job, funds_household_batch_task)
    return job
