"""Money, written once for every app: yuan are Decimals with two places (`CENT`), 万元 are yuan / 10,000
rounded half up to two places, and every amount a person or a program sends is read by `money_parse`
(exact text, an int or a Decimal; never a float). Percentages of money are core.numbers.percent."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .numbers import exact_decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
TEN_THOUSAND = Decimal(10000)
MAX_AMOUNT = Decimal("999999999999.99")  # what MONEY holds


class DecimalDigits(TypedDict):
    """A DecimalField's size, spread into it: `models.DecimalField(_("amount"), **MONEY)`."""

    max_digits: int
    decimal_places: int


MONEY: DecimalDigits = {"max_digits": 14, "decimal_places": 2}  # yuan, up to a trillion
PERCENT: DecimalDigits = {"max_digits": 5, "decimal_places": 2}


def to_yuan(amount: Decimal | int | str) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def yuan_text(amount: Decimal) -> str:
    """1,234,567.50: yuan with two decimals grouped by thousands as financial reports print them,
    whatever the locale's own grouping (pages, notices, messages)."""
    return format(to_yuan(amount), ",.2f")


def to_wan(amount: Decimal | None) -> Decimal | None:
    """Yuan → 万元, rounded half up to two decimals, exactly."""
    if amount is None:
        return None
    return (Decimal(amount) / TEN_THOUSAND).quantize(CENT, rounding=ROUND_HALF_UP)


def money_parse(
    value: object,
    *,
    field_name: str = "amount",
    allow_zero: bool = False,
    allow_negative: bool = False,
    sign_message: str | None = None,
) -> Decimal:
    """An exact amount in yuan, with two places, from a Decimal, an int or text ("1234.5", " 12 ").
    Refused, as {field_name: message} in Chinese, so the form or API shows it next to the field: a float
    (binary fractions are not money), a bool, text that is no number, more than two decimals (fen),
    more than MONEY holds, and, unless allowed, zero or a negative amount (`sign_message` words the sign
    rule for the field, e.g. "Spending cannot be negative.")."""
    if isinstance(value, bool | float):
        raise ValidationError(
            {
                field_name: _(
                    "Send amounts as exact decimal text such as “1234.50”, not as a floating-point number."
                )
            }
        )
    amount = exact_decimal(value)
    if amount is None:
        raise ValidationError({field_name: _("Enter an amount in yuan, such as 1234.50.")})
    if abs(amount) > MAX_AMOUNT:
        raise ValidationError({field_name: _("The amount is too large.")})
    if amount != amount.quantize(CENT):
        raise ValidationError({field_name: _("Amounts are in yuan with at most two decimal places (fen).")})
    if not allow_negative and (amount < 0 or (amount == 0 and not allow_zero)):
        if sign_message is None:
            sign_message = (
                _("The amount cannot be negative.")
                if allow_zero
                else _("The amount must be greater than zero.")
            )
        raise ValidationError({field_name: sign_message})
    return amount.quantize(CENT)
