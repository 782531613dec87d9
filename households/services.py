"""Writes on the registry. Views, serializers, imports and jobs all go through these functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core.scoping import ensure_can

from .choices import HouseholdStatusChoices, MembershipChangeReasonChoices, RelationChoices
from .id_numbers import id_number_check_person, id_number_validate
from .models import Household, HouseholdStatusChange, IncomeRecord, Member, MembershipPeriod

S = HouseholdStatusChoices

# Which status may follow which; every status change goes through household_status_change.
STATUS_TRANSITIONS: dict[str, set[str]] = {
    S.CANDIDATE: {S.REGISTERED, S.REJECTED, S.MONITORING, S.CANCELLED},
    S.REJECTED: {S.CANDIDATE, S.MONITORING},
    S.REGISTERED: {S.EXITED, S.CANCELLED},
    S.EXITED: {S.RETURNED, S.MONITORING},
    S.RETURNED: {S.EXITED, S.CANCELLED},
    S.MONITORING: {S.EXITED, S.RETURNED, S.REGISTERED, S.CANDIDATE},
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
    now = timezone.now()
    HouseholdStatusChange.objects.create(
        household=locked,
        from_status=locked.status,
        to_status=to_status,
        changed_at=now,
        effective_date=effective_date or timezone.localdate(),
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
            data["id_number"] = id_number_validate(number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            errors.update(
                id_number_check_person(
                    data["id_number"], birth_date=data.get("birth_date"), sex=data.get("sex")
                )
            )
    else:
        data["id_number"] = None
    if not (data.get("name") or "").strip():
        errors["name"] = _("Enter the name.")
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
    if data["id_number"] and Member.objects.filter(id_number=data["id_number"]).exists():
        raise _duplicate_error(data["id_number"])
    try:
        with transaction.atomic():
            member = Member.objects.create(household=household, **data)
    except IntegrityError as exc:  # a concurrent registration of the same person won the race
        raise _duplicate_error(data["id_number"]) from exc
    MembershipPeriod.objects.create(
        member=member,
        household=household,
        relation=member.relation,
        joined_on=joined_on or timezone.localdate(),
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
