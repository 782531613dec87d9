"""Builders for assistance tests: cadres, teams and pairings on the shared small county."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from areas.models import Area
from assistance.models import Cadre, CadrePairing

_seq = itertools.count(1)


def make_cadre(area: Area, *, name: str | None = None, user: Any = None, unit: str = "县农业农村局") -> Cadre:
    n = next(_seq)
    return Cadre.objects.create(
        name=name or f"干部{n}", unit=unit, area=area, phone=f"1390000{n:04d}", user=user
    )


def pair(household: Any, cadre: Cadre, start: dt.date = dt.date(2024, 1, 1)) -> CadrePairing:
    return CadrePairing.objects.create(household=household, cadre=cadre, start=start)


@pytest.fixture
def cadre_factory() -> Any:
    return make_cadre
