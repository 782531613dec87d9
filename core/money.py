"""Exact money arithmetic shared by every app: yuan are Decimals with two places, 万元 are yuan / 10,000
rounded half up to two places. Never floats."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
TEN_THOUSAND = Decimal(10000)


class DecimalDigits(TypedDict):
    """A DecimalField's size, spread into it: `models.DecimalField(_("amount"), **MONEY)`."""

    max_digits: int
    decimal_places: int


MONEY: DecimalDigits = {"max_digits": 14, "decimal_places": 2}  # yuan, up to a trillion
PERCENT: DecimalDigits = {"max_digits": 5, "decimal_places": 2}


def to_yuan(amount: Decimal | int | str) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def to_wan(amount: Decimal | None) -> Decimal | None:
    """Yuan → 万元, rounded half up to two decimals, exactly."""
    if amount is None:
        return None
    return (Decimal(amount) / TEN_THOUSAND).quantize(CENT, rounding=ROUND_HALF_UP)
