"""Household members: adding, editing, leaving, moving, and revealing a full ID number."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core import clock
from core.dates import business_dates_check
from core.masking import masked
from core.scoping import ensure_can
from core.services import model_update, sensitive_access_log

from ..choices import (
    HouseholdStatusChoices,
    MembershipChangeReasonChoices,
    RelationChoices,
)
from ..cleaners import (
    clean_id_number,
    clean_name,
    clean_person,
    clean_phone,
)
from ..models import (
    Household,
    Member,
    MembershipPeriod,
)
from ..search import member_key_fields

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User


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
            % {"id": masked(Member, "id_number", number)}
        }
    )


@transaction.atomic
def member_add(
    *,
    household: Household,
    user: User,
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
        # a household's first head completes its registration (one version); a later one is an edit
        model_update(household, fields={"head": member}, bump_version=household.head_id is not None)
    return member


def _check_change_date(on: dt.date, since: dt.date | None, field: str) -> None:
    business_dates_check(**{field: on})
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
    user: User,
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
        model_update(period, fields={"left_on": left_on, "leave_reason": reason}, refresh=False)
    model_update(member, fields={"household": None}, refresh=False)
    if household.head_id == member.pk:
        _set_head(household, new_head)
    member.refresh_from_db()
    return member


def _set_head(household: Household, head: Member | None) -> None:
    if head is not None:
        model_update(head, fields={"relation": RelationChoices.HEAD}, refresh=False)
        period = MembershipPeriod.objects.filter(member=head, left_on__isnull=True).first()
        if period is not None:
            model_update(period, fields={"relation": RelationChoices.HEAD}, refresh=False)
    model_update(household, fields={"head": head})


@transaction.atomic
def member_move(
    *,
    member: Member,
    to_household: Household,
    user: User,
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
    model_update(member, fields={"household": to_household, "relation": relation}, refresh=False)
    MembershipPeriod.objects.create(
        member=member, household=to_household, relation=relation, joined_on=moved_on, join_reason=join_reason
    )
    if relation == RelationChoices.HEAD:
        model_update(to_household, fields={"head": member}, refresh=False)
    member.refresh_from_db()
    return member


def member_id_number_reveal(*, member: Member, user: User, request: HttpRequest | None = None) -> str:
    """The full ID number for a role that needs it; every reveal is logged."""
    ensure_can(user, Capability.VIEW, member)
    if not user.has_capability(Capability.VIEW_FULL_ID):
        raise PermissionDenied(_("Your role does not allow this action."))
    sensitive_access_log(user=user, what="full_id_number", obj=member, request=request)
    return member.id_number or ""
