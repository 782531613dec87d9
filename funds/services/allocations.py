"""Fund sources and allocations (资金来源与拨付批次)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.dates import business_date_errors
from core.money import money_parse, yuan_text
from core.scoping import ensure_can
from core.services import model_update

from ..models import (
    Allocation,
    FundSource,
)

if TYPE_CHECKING:
    from accounts.models import User

# -- sources and allocations -----------------------------------------------------------------------


@transaction.atomic
def fund_source_create(*, area: Area, name: str, level: str, kind: str, user: User) -> FundSource:
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
    user: User,
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
    business_date_errors(errors, document_date=document_date)
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
    *, allocation: Allocation, expected_version: int, user: User, **fields: Any
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
                    % {"assigned": yuan_text(locked.assigned_total)}
                }
            )
    return model_update(locked, expected_version=expected_version, fields=changes)
