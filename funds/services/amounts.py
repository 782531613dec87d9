"""Amounts in yuan: parsing and formatting shared by the money writes."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")


# -- amounts ---------------------------------------------------------------------------------------


def money_parse(value: Any, *, field_name: str = "amount", allow_negative: bool = False) -> Decimal:
    """An exact amount in yuan from a Decimal, int or string; floats and garbage are refused with a
    message saying what to send instead."""
    if isinstance(value, bool | float):
        raise ValidationError(
            {
                field_name: _(
                    "Send amounts as exact decimal text such as “1234.50”, not as a floating-point number."
                )
            }
        )
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError({field_name: _("Enter an amount in yuan, such as 1234.50.")})
    if abs(amount) > MAX_AMOUNT:
        raise ValidationError({field_name: _("The amount is too large.")})
    if amount != amount.quantize(CENT):
        raise ValidationError({field_name: _("Amounts are in yuan with at most two decimal places (fen).")})
    if amount <= 0 and not allow_negative:
        raise ValidationError({field_name: _("The amount must be greater than zero.")})
    return amount.quantize(CENT)


def _fmt(amount: Decimal) -> str:
    return f"{amount:,.2f}"
