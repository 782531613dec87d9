"""County configuration for exits: poverty lines, exit settings and village standards."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

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
    ExitSettings,
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


def _validate_bands(bands: Any) -> list[dict[str, Any]]:
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
    *, county: Area, user: User, expected_version: int | None = None, **fields: Any
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
    return model_update(settings_row, expected_version=version, fields=fields)


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
