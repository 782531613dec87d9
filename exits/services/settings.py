"""County configuration for exits: the village standards (the poverty line and the exit and
monitoring rules are policy values: exits/policy.py, set with areas.services.policy_set)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core.scoping import ensure_can
from core.services import model_update

from ..models import VillageStandard

if TYPE_CHECKING:
    from accounts.models import User

# -- configuration ----------------------------------------------------------------------------------


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
