"""One cleaner per registry field, written once: the services (forms and API) and the spreadsheet
import call the same functions, so a value accepted in one door is accepted in every door.

Each takes the value as entered and returns it cleaned, or raises ValidationError with a message for
that field (in the user's language).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import clock
from core.text import clean_person_text

from .id_numbers import id_number_check_person, id_number_validate


def phone_key(phone: str | None) -> str:
    """Digits only, without the +86 / 0086 country prefix: 138-0931 2345 and +86 13809312345 agree."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def clean_phone(value: str | None) -> str:
    """Full-width digits become ASCII (１３９… → 139…); 7 to 12 digits once separators are dropped."""
    phone = unicodedata.normalize("NFKC", value or "").strip()
    if phone and not 7 <= len(phone_key(phone)) <= 12:
        raise ValidationError(_("Enter a phone number of 7 to 12 digits."), code="phone")
    return phone


def clean_year_identified(value: Any) -> int | None:
    if value in (None, ""):
        return None
    year = int(value)
    if not 2013 <= year <= clock.today().year:
        raise ValidationError(_("The year identified must be between 2013 and this year."), code="year")
    return year


def clean_main_cause(value: str | None) -> str:
    if not value:
        raise ValidationError(_("Choose the main poverty cause."), code="required")
    return value


def clean_secondary_causes(causes: Any, main_cause: str | None) -> list[str]:
    """The secondary causes without the main one (it is not secondary to itself)."""
    return [c for c in (causes or []) if c != main_cause]


def clean_name(value: str | None) -> str:
    name = clean_person_text(value)  # no control, direction-override or only-invisible characters
    if not name:
        raise ValidationError(_("Enter the name."), code="required")
    return name


def clean_id_number(value: str | None) -> str:
    return id_number_validate(value)


def clean_person(number: str, *, birth_date: dt.date | None, sex: str | None) -> dict[str, str]:
    """Field errors where the birth date or sex entered disagree with the ID number."""
    return id_number_check_person(number, birth_date=birth_date, sex=sex)
