"""四不脱: an exited household keeps its responsible cadre and measures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistance.models import Cadre, CadrePairing
from assistance.selectors import active_cadre_for
from exits.choices import ExitStepChoices as E
from exits.services import exit_procedure_propose, exit_procedure_sign
from households.choices import HouseholdStatusChoices
from tests.exits.builders import YEAR, ready_household, set_line

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def test_exit_keeps_the_cadre(county: Any, days_pass: Any) -> None:
    # given
    set_line(county.county)
    household = ready_household(county.village_a1)
    cadre = Cadre.objects.create(name="赵干部", unit="县农业局", area=county.town_a)
    CadrePairing.objects.create(household=household, cadre=cadre, start=dt.date(YEAR - 1, 1, 1))
    procedure = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    for step in (E.VILLAGE_VERIFY, E.DEMOCRATIC_REVIEW, E.HOUSEHOLD_CONSENT, E.NOTICE_START):
        procedure = exit_procedure_sign(
            procedure=procedure, step=step, user=county.secretary_a1, comment="签字"
        )
    days_pass(7)  # the notice runs its seven days

    # when
    for step, user in (
        (E.NOTICE_CLOSE, county.secretary_a1),
        (E.TOWNSHIP_REVIEW, county.staff_a),
        (E.COUNTY_APPROVE, county.county_official),
    ):
        procedure = exit_procedure_sign(procedure=procedure, step=step, user=user)

    # then
    household.refresh_from_db()
    assert household.status == HouseholdStatusChoices.EXITED
    assert active_cadre_for(household) == cadre
