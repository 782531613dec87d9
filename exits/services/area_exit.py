"""Village and county exit (贫困村退出, 贫困县摘帽)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.numbers import percent_parse
from core.scoping import ensure_can
from core.services import model_update, model_upsert

from ..choices import (
    AreaExitStateChoices,
)
from ..models import (
    CountyExit,
    VillageExit,
    VillageStandardCheck,
)
from ..selectors import (
    area_exit_check,
    village_standards_for,
)
from .transitions import _check_year

if TYPE_CHECKING:
    from accounts.models import User

# -- village and county exit ------------------------------------------------------------------------


@transaction.atomic
def village_exit_propose(
    *, village: Area, year: int, checks: dict[int, tuple[bool, str]], user: User
) -> VillageExit:
    """Propose a village's exit with its standards checked; the live incidence is stored with it."""
    ensure_can(user, Capability.PROPOSE, area=village)
    if village.level != AreaLevelChoices.VILLAGE:
        raise ValidationError({"village": _("Choose a village.")})
    _check_year(year)
    standards = list(village_standards_for(village))
    missing = [s.title for s in standards if s.pk not in checks]
    if missing:
        raise ValidationError(
            {"checks": _("Check every standard: %(missing)s.") % {"missing": "、".join(missing)}}
        )
    if VillageExit.objects.filter(village=village, year=year).exists():
        raise ValidationError(
            {"village": _("This village's exit for %(year)d is already recorded.") % {"year": year}}
        )
    check = area_exit_check(village, year)
    incidence = check["incidence"]
    row = VillageExit.objects.create(
        village=village,
        year=year,
        poor_people=incidence.poor_people,
        population=incidence.population,
        incidence=incidence.rate,
        threshold=check["threshold"],
        proposed_by=user,
    )
    VillageStandardCheck.objects.bulk_create(
        [
            VillageStandardCheck(
                village_exit=row, standard=s, met=bool(checks[s.pk][0]), note=checks[s.pk][1][:300]
            )
            for s in standards
        ]
    )
    return row


@transaction.atomic
def village_exit_decide(
    *, village_exit: VillageExit, approve: bool, user: User, note: str = ""
) -> VillageExit:
    """The county approves a village exit only if incidence is below the threshold now and every standard
    is met; a refusal needs a note."""
    ensure_can(user, Capability.APPROVE, village_exit)
    locked = VillageExit.objects.select_for_update().select_related("village").get(pk=village_exit.pk)
    if locked.state != AreaExitStateChoices.PROPOSED:
        raise ValidationError({"state": _("This village exit has already been decided.")})
    check = area_exit_check(locked.village, locked.year)
    incidence = check["incidence"]
    if approve:
        problems = []
        if not check["below_threshold"]:
            problems.append(
                _("Incidence %(rate)s%% is not below the threshold of %(threshold)s%%.")
                % {
                    "rate": incidence.rate if incidence.rate is not None else "—",
                    "threshold": check["threshold"],
                }
            )
        unmet = [c.standard.title for c in locked.checks.select_related("standard") if not c.met]
        if unmet:
            problems.append(_("Standards not met: %(list)s.") % {"list": "、".join(unmet)})
        if problems:
            raise ValidationError({"village": problems})
    elif not (note or "").strip():
        raise ValidationError({"note": _("Give the reason.")})
    return model_update(
        locked,
        expected_version=locked.version,
        fields={
            "state": AreaExitStateChoices.APPROVED if approve else AreaExitStateChoices.REFUSED,
            "poor_people": incidence.poor_people,
            "population": incidence.population,
            "incidence": incidence.rate,
            "threshold": check["threshold"],
            "decided_by": user,
            "decided_at": clock.now(),
            "decision_note": note,
        },
    )


@transaction.atomic
def county_exit_record(
    *,
    county: Area,
    year: int,
    user: User,
    province_check_passed: bool | None = None,
    province_check_on: dt.date | None = None,
    province_check_note: str = "",
    assessor: str = "",
    assessment_on: dt.date | None = None,
    assessment_passed: bool | None = None,
    wrong_exit_rate: Decimal | None = None,
    missed_rate: Decimal | None = None,
    satisfaction_rate: Decimal | None = None,
) -> CountyExit:
    """Record a county's exit (摘帽) check: live incidence against the threshold, the province's check and
    the third-party assessment. It is approved when all three pass, refused when one fails."""
    ensure_can(user, Capability.APPROVE, area=county)
    if county.level != AreaLevelChoices.COUNTY:
        raise ValidationError({"county": _("Choose a county.")})
    _check_year(year)
    today = clock.today()
    errors: dict[str, Any] = {}
    for name, day in (("province_check_on", province_check_on), ("assessment_on", assessment_on)):
        if day is not None and day > today:
            errors[name] = _("The date cannot be in the future.")
    rates = {
        "wrong_exit_rate": wrong_exit_rate,
        "missed_rate": missed_rate,
        "satisfaction_rate": satisfaction_rate,
    }
    for name, rate in rates.items():
        try:
            rates[name] = None if rate is None else percent_parse(rate, field_name=name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    check = area_exit_check(county, year)
    incidence = check["incidence"]
    passed = [check["below_threshold"], province_check_passed, assessment_passed]
    state = (
        AreaExitStateChoices.APPROVED
        if all(p is True for p in passed)
        else AreaExitStateChoices.REFUSED
        if any(p is False for p in passed)
        else AreaExitStateChoices.PROPOSED
    )
    row, _created = model_upsert(
        CountyExit,
        lookup={"county": county, "year": year},
        values={
            "state": state,
            "poor_people": incidence.poor_people,
            "population": incidence.population,
            "incidence": incidence.rate,
            "threshold": check["threshold"],
            "province_check_passed": province_check_passed,
            "province_check_on": province_check_on,
            "province_check_note": province_check_note,
            "assessor": assessor,
            "assessment_on": assessment_on,
            "assessment_passed": assessment_passed,
            **rates,
            "recorded_by": user,
            "decided_at": clock.now() if state != AreaExitStateChoices.PROPOSED else None,
        },
    )
    return row
