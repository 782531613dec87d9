"""Responsible cadres (帮扶责任人) and their pairings with households (结对帮扶)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.models import Area
from core.scoping import ensure_can
from core.services import model_update
from core.text import clean_person_text, person_text_errors
from households.choices import ASSISTED_STATUSES, HouseholdStatusChoices
from households.models import Household

from ..choices import (
    PairingEndReasonChoices,
)
from ..models import (
    Cadre,
    CadrePairing,
)
from .dates import _not_future, _today

if TYPE_CHECKING:
    from accounts.models import User

# -- cadres ---------------------------------------------------------------------------------------


@transaction.atomic
def cadre_create(
    *,
    name: str,
    unit: str,
    area: Area,
    user: User,
    position: str = "",
    phone: str = "",
    account: User | None = None,
) -> Cadre:
    """Register a responsible cadre working in `area`, optionally linked to their user account."""
    ensure_can(user, Capability.MANAGE_ASSISTANCE, area=area)
    errors: dict[str, Any] = {}
    if not name.strip():
        errors["name"] = _("Enter the cadre's name.")
    person_text_errors(errors, name=name)
    if not unit.strip():
        errors["unit"] = _("Enter the cadre's work unit.")
    if account is not None and Cadre.objects.filter(user=account).exists():
        errors["account"] = _("This user account already belongs to another cadre.")
    if errors:
        raise ValidationError(errors)
    return Cadre.objects.create(
        name=name.strip(), unit=unit.strip(), area=area, position=position, phone=phone, user=account
    )


@transaction.atomic
def cadre_update(*, cadre: Cadre, expected_version: int, user: User, **fields: Any) -> Cadre:
    ensure_can(user, Capability.MANAGE_ASSISTANCE, cadre)
    allowed = {"name", "unit", "position", "phone", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    if "name" in fields and not str(fields["name"]).strip():
        raise ValidationError({"name": _("Enter the cadre's name.")})
    if "name" in fields:
        fields["name"] = clean_person_text(str(fields["name"]))
    if fields.get("is_active") is False and cadre.pairings.filter(end__isnull=True).exists():
        raise ValidationError(
            {
                "is_active": _(
                    "This cadre still helps households: reassign them before marking the cadre as left."
                )
            }
        )
    return model_update(cadre, expected_version=expected_version, fields=fields)


# -- pairings (结对帮扶) -----------------------------------------------------------------------------


def cadre_not_eligible_message() -> str:
    """The one answer for a cadre who cannot help a household, whether the id exists elsewhere or not."""
    return _("Choose a cadre working in this household's village or township.")


@transaction.atomic
def cadre_assign(
    *,
    household: Household,
    cadre: Cadre,
    user: User,
    start: dt.date | None = None,
    reason: str = PairingEndReasonChoices.REASSIGNED,
) -> CadrePairing:
    """Make `cadre` the household's responsible cadre from `start`, closing the current pairing.

    The household row is locked, so two concurrent assignments run one after the other; the partial
    unique index `one_active_cadre_per_household` guarantees one open pairing whatever the caller.
    """
    ensure_can(user, Capability.MANAGE_ASSISTANCE, household)
    start = start or _today()
    errors: dict[str, Any] = {}
    _not_future(start, "start", errors)
    from ..selectors import cadres_eligible_for

    # Eligibility first: a cadre working elsewhere is not named in the message (no data of another
    # area leaks through an error).
    if not cadres_eligible_for(household, include_left=True).filter(pk=cadre.pk).exists():
        errors["cadre"] = cadre_not_eligible_message()
    elif not cadre.is_active:
        errors["cadre"] = _("%(name)s is no longer in post.") % {"name": cadre.name}
    if errors:
        raise ValidationError(errors)
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if locked.status not in ASSISTED_STATUSES:
        raise ValidationError(
            _("A household that is “%(status)s” does not get a responsible cadre.")
            % {"status": HouseholdStatusChoices(locked.status).label}
        )
    current = CadrePairing.objects.filter(household=locked, end__isnull=True).first()
    if current is not None:
        if current.cadre_id == cadre.pk:
            raise ValidationError(
                {"cadre": _("%(name)s is already this household's cadre.") % {"name": cadre.name}}
            )
        if start < current.start:
            raise ValidationError(
                {
                    "start": _("The new pairing cannot start before the current one (%(date)s).")
                    % {"date": current.start.isoformat()}
                }
            )
        CadrePairing.objects.filter(pk=current.pk).update(end=start, end_reason=reason)
    try:
        with transaction.atomic():
            return CadrePairing.objects.create(
                household=locked,
                cadre=cadre,
                start=start,
                assigned_by=user if getattr(user, "pk", None) else None,
            )
    except IntegrityError as exc:  # only reachable if a writer bypassed the household lock
        raise ValidationError(
            _("Someone else assigned a cadre to this household at the same moment. Reload and try again.")
        ) from exc


@transaction.atomic
def pairing_end(
    *, pairing: CadrePairing, user: User, end: dt.date | None = None, reason: str
) -> CadrePairing:
    """Close a pairing without a successor (the household was cancelled, or a correction)."""
    ensure_can(user, Capability.MANAGE_ASSISTANCE, pairing)
    end = end or _today()
    errors: dict[str, Any] = {}
    _not_future(end, "end", errors)
    if reason not in PairingEndReasonChoices.values:
        errors["end_reason"] = _("Choose why the pairing ends.")
    locked = CadrePairing.objects.select_for_update().get(pk=pairing.pk)
    if locked.end is not None:
        errors["end"] = _("This pairing has already ended.")
    elif end < locked.start:
        errors["end"] = _("The end cannot be before the start (%(date)s).") % {
            "date": locked.start.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    household = locked.household
    if household.status in ASSISTED_STATUSES and reason != PairingEndReasonChoices.CORRECTION:
        raise ValidationError(
            {
                "end_reason": _(
                    "A registered, monitored or exited household keeps a cadre: assign a new cadre instead."
                )
            }
        )
    CadrePairing.objects.filter(pk=locked.pk).update(end=end, end_reason=reason)
    locked.refresh_from_db()
    return locked
