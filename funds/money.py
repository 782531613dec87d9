"""The money arithmetic every report, page and API answer uses, written once: 万元 and 拨付率, both exact
decimals rounded half up to two places (never floats)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)


def to_wan(amount: Decimal | None) -> Decimal | None:
    """Yuan → 万元, rounded half up to two decimals, exactly."""
    if amount is None:
        return None
    return (Decimal(amount) / TEN_THOUSAND).quantize(CENT, rounding=ROUND_HALF_UP)


def execution_rate(paid: Decimal, allocated: Decimal) -> Decimal | None:
    """拨付率 = paid / allocated, a percentage with two decimals; None when nothing was allocated."""
    if not allocated:
        return None
    return (Decimal(paid) * 100 / Decimal(allocated)).quantize(CENT, rounding=ROUND_HALF_UP)
