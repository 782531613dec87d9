"""County configuration for exits: poverty lines and village standards (the exit and monitoring\nrules are policy values: exits/policy.py, set with areas.services.policy_set)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core.money import money_parse
from core.scoping import ensure_can
from core.services import model_update, model_upsert

from ..models import (
    PovertyLine,
    VillageStandard,
)
from .transitions import _check_year

if TYPE_CHECKING:
    from accounts.models import User

# -- configuration ----------------------------------------------------------------------------------


@transaction.atomic
def poverty_line_set(*, county: Area, year: int, amount: Decimal, user: User, basis: str = "") -> PovertyLine:
    """Set (or correct) the county's poverty line for a year."""
    ensure_can(user, Capability.APPROVE, area=county)
    if county.level != AreaLevelChoices.COUNTY:
        raise ValidationError({"county": _("The poverty line is set by a county.")})
    amount = money_parse(amount, sign_message=_("The poverty line must be more than zero."))
    _check_year(int(year))
    line, _created = model_upsert(
        PovertyLine,
        lookup={"county": county, "year": year},
        values={"amount": amount, "basis": basis[:200], "set_by": user},
    )
    return line


@transaction.atomic
def village_standard_add(*, county: Area, title: str, user: User) -> VillageStandard:
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
def village_standard_retire(*, standard: VillageStandard, user: User) -> VillageStandard:
    """Take a standard off the checklist; village exits already checked against it keep their record."""
    ensure_can(user, Capability.APPROVE, standard)
    return model_update(standard, expected_version=standard.version, fields={"active": False})
