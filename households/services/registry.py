"""Registering and editing households (the fields a form or an import may set)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core.scoping import ensure_can
from core.services import model_update

from ..choices import (
    RelationChoices,
)
from ..cleaners import (
    clean_main_cause,
    clean_phone,
    clean_secondary_causes,
    clean_year_identified,
    phone_key,
)
from ..fields import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from ..models import (
    Household,
    Member,
)
from ..search import member_key_fields
from .members import _duplicate_error, _member_clean, member_add

if TYPE_CHECKING:
    from accounts.models import User

# -- households ------------------------------------------------------------------------------------


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
    user: User,
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
    taken = {
        n for n in Member.objects.filter(id_number__in=list(seen)).values_list("id_number", flat=True) if n
    }
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
def household_update(*, household: Household, user: User, expected_version: int, **fields: Any) -> Household:
    """Edit a household's registry fields; a stale `expected_version` raises ConflictError."""
    ensure_can(user, Capability.EDIT_REGISTRY, household)
    values = _household_clean({k: v for k, v in fields.items() if k in HOUSEHOLD_FIELDS})
    return model_update(household, expected_version=expected_version, fields=values)


@transaction.atomic
def member_update(*, member: Member, user: User, expected_version: int, **fields: Any) -> Member:
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
            return model_update(member, expected_version=expected_version, fields=data)
    except IntegrityError as exc:
        raise _duplicate_error(number or "") from exc
