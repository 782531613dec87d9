"""Percentages, written once: every rate a page, report, export or API answer shows (贫困发生率, 拨付率,
complaint rates, progress) comes from `percent` here, or from `percent_sql` where the database computes
it. Exact decimals, rounded half up (0.005 → 0.01, as the county's own statistics round); None when the
whole is zero or unknown, so "no population" never reads as 0 %. tests/core/test_numbers.py holds the two
forms to the same answers, and a static scan refuses `* 100` arithmetic outside core."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HUNDRED = Decimal(100)

Number = int | Decimal


def quantum(places: int) -> Decimal:
    """Decimal("0.01") for two places, Decimal("1") for none."""
    return Decimal(1).scaleb(-places)


def round_half_up(value: Number, places: int = 2) -> Decimal:
    """`value` rounded half up (away from zero) to `places` decimals: 0.125 → 0.13, never to even."""
    return Decimal(value).quantize(quantum(places), rounding=ROUND_HALF_UP)


def percent(
    part: Number | None, whole: Number | None, places: int = 2, *, rounding: str = ROUND_HALF_UP
) -> Decimal | None:
    """part / whole × 100, rounded half up to `places` decimals; None when `whole` is 0 or None (a
    missing `part` counts as 0). `rounding=ROUND_DOWN` is for progress only (see `progress_percent`)."""
    if not whole:
        return None
    value = Decimal(part or 0) * HUNDRED / Decimal(whole)
    return value.quantize(quantum(places), rounding=rounding)


def progress_percent(done: int | None, total: int | None) -> int:
    """A progress bar's whole percent, rounded down so work reads 100 % only when all of it is done
    (199 of 200 is 99); 0 when there is nothing to count."""
    value = percent(done, total, 0, rounding=ROUND_DOWN)
    return 0 if value is None else min(100, int(value))


def percent_sql(part: str, whole: str, places: int = 2) -> str:
    """The SQL expression that computes `percent(part, whole, places)` from two SQL expressions, with
    the same answer: NULL for a zero or NULL whole, a NULL part counts as 0, and PostgreSQL's
    round(numeric) rounds half away from zero as ROUND_HALF_UP does. `places` is an int, never input."""
    places = int(places)
    return f"round(coalesce({part}, 0)::numeric * 100 / nullif({whole}, 0), {places})"


def exact_decimal(value: object) -> Decimal | None:
    """A finite Decimal from a Decimal, an int or text (" 12.5 "); None for anything else, floats and
    bools included (a binary fraction is not the number someone typed). The one reader behind
    `percent_parse` and core.money.money_parse, which word their own refusals."""
    if isinstance(value, bool | float):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def percent_parse(value: object, *, field_name: str, places: int = 2) -> Decimal:
    """A percentage someone entered (a wrong-exit rate, public approval): a Decimal, int or text from 0
    to 100 with at most `places` decimals, as PERCENT fields hold it. Anything else, floats included, is
    refused as {field_name: message} in Chinese."""
    number = exact_decimal(value)
    if number is None or not 0 <= number <= HUNDRED:
        raise ValidationError({field_name: _("Enter a percentage between 0 and 100.")})
    if number != number.quantize(quantum(places)):
        raise ValidationError(
            {field_name: _("Enter the percentage with at most %(places)d decimals.") % {"places": places}}
        )
    return number.quantize(quantum(places))
