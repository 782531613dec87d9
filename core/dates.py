"""Bounds of the dates and years the application records (payments, visits, documents, complaints,
incomes): nothing before settings.EARLIEST_YEAR (2000: the programme's records start
with the 2001 outline; an earlier year is a typing error such as 0224 or 1924), nothing after
LATEST_YEAR. Birth dates are not business dates and are not bounded here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LATEST_YEAR = 2100  # far beyond any plan; keeps years inside the database's small integers


def earliest_year() -> int:
    return int(settings.EARLIEST_YEAR)


def business_date_problem(value: Any) -> str | None:
    """Why `value` cannot be a business date, or None (None and non-dates are the caller's rule)."""
    if isinstance(value, dt.date) and not earliest_year() <= value.year <= LATEST_YEAR:
        return _("Enter a date from the year %(first)d to %(last)d; %(date)s looks like a typing error.") % {
            "first": earliest_year(),
            "last": LATEST_YEAR,
            "date": value.isoformat(),
        }
    return None


def business_date_errors(errors: dict[str, Any], **dates: Any) -> None:
    """Add to a service's `errors` every date of `dates` (name=value) outside the bounds."""
    for name, value in dates.items():
        problem = business_date_problem(value)
        if problem and name not in errors:
            errors[name] = problem


def business_dates_check(**dates: Any) -> None:
    """ValidationError keyed by field for every date of `dates` outside the bounds."""
    errors: dict[str, Any] = {}
    business_date_errors(errors, **dates)
    if errors:
        raise ValidationError(errors)


def validate_year(value: Any) -> None:
    """A form, serializer or model validator: a year between EARLIEST_YEAR and LATEST_YEAR."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter the year as a number."), code="year") from None
    if not earliest_year() <= year <= LATEST_YEAR:
        raise ValidationError(
            _("Enter a year from %(first)d to %(last)d.") % {"first": earliest_year(), "last": LATEST_YEAR},
            code="year",
        )
