"""The money arithmetic every report, page and API answer uses, written once: 万元 and 拨付率, both exact
decimals rounded half up to two places (never floats)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from core.money import CENT, TEN_THOUSAND, to_wan

ZERO = Decimal("0.00")

__all__ = ["CENT", "TEN_THOUSAND", "ZERO", "execution_rate", "to_wan"]


def execution_rate(paid: Decimal, allocated: Decimal) -> Decimal | None:
    """拨付率 = paid / allocated, a percentage with two decimals; None when nothing was allocated."""
    if not allocated:
        return None
    return (Decimal(paid) * 100 / Decimal(allocated)).quantize(CENT, rounding=ROUND_HALF_UP)
