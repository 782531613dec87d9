"""Resident ID numbers (居民身份证号码): normalising, validating and reading them.

Validation uses python-stdnum's `cn.ric` and its table of region codes: 18 characters, ISO 7064 MOD 11-2
check character, a real birth date and a region code that was in force at some time on or after the
birth date. The region part is the code of the office that issued the number (numbers were issued from
1984 on), not the place at birth: a Linxia-city resident born in 1950 carries 622901, a code created in
1983. Errors are in the user's language and say what is wrong.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from .choices import SexChoices


def id_number_normalize(value: str | None) -> str:
    """Strip spaces and separators; upper-case the check character X."""
    text = (value or "").strip().upper()
    if len(text) == 18 and text[:17].isdigit():  # already compact: the usual case, and imports read many
        return text
    return ric.compact(text).upper()


def id_number_validate(value: str | None) -> str:
    """Return the normalised number or raise ValidationError with a message the user can act on."""
    number = id_number_normalize(value)
    if not number:
        raise ValidationError(_("Enter the resident ID number."), code="required")
    try:
        if len(number) != 18:
            raise InvalidLength()
        if not number[:17].isdigit():
            raise InvalidFormat()
        if number[-1] != ric.calc_check_digit(number):
            raise InvalidChecksum()
        problem = _birth_problem(number[:14])
    except InvalidLength as exc:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(n)d.") % {"n": len(number)},
            code="length",
        ) from exc
    except InvalidFormat as exc:
        raise ValidationError(
            _("A resident ID number is 17 digits followed by a digit or X."), code="format"
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The last character (check digit) does not match the rest of the number: check for a typo."),
            code="checksum",
        ) from exc
    if problem == "date":
        raise ValidationError(
            _("Digits 7 to 14 (%(digits)s) are not a real birth date.") % {"digits": number[6:14]},
            code="birth_date",
        )
    if problem == "region":
        raise ValidationError(
            _("The first six digits (%(code)s) are not a region code in use on or after the birth date.")
            % {"code": number[:6]},
            code="region",
        )
    return number


@lru_cache(maxsize=65536)
def _birth_problem(head: str) -> str:
    """ "date", "region" or "" for the first 14 characters (cached: imports repeat them a lot)."""
    try:
        born = ric.get_birth_date(head + "0000")
    except InvalidComponent:
        return "date"
    return "" if region_in_force_since(head[:6], born.year) else "region"


def region_in_force_since(code: str, year: int) -> bool:
    """Whether the region code was in force in `year` or any later year (stdnum's table of codes, with
    the years each was in use, `[1983-]` or `[-1993]`)."""
    counties = [props["county"] for _part, props in numdb.get("cn/loc").info(code) if "county" in props]
    for entry in ",".join(counties).split(","):
        if not entry:
            continue
        if not entry.startswith("["):
            return True
        _start, _sep, end = entry[1:].split("]")[0].partition("-")
        if not end or int(end) >= year:
            return True
    return False


def id_number_birth_date(number: str) -> dt.date:
    """The birth date of a validated number (digits 7 to 14)."""
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_number_sex(number: str) -> str:
    """The 17th digit is odd for men, even for women."""
    return SexChoices.MALE if int(number[16]) % 2 else SexChoices.FEMALE


def id_number_check_person(number: str, *, birth_date: dt.date | None, sex: str | None) -> dict[str, str]:
    """Field errors where the birth date or sex entered disagree with the ID number."""
    errors: dict[str, str] = {}
    if birth_date and birth_date != id_number_birth_date(number):
        errors["birth_date"] = _("The birth date does not match the ID number (which says %(date)s).") % {
            "date": id_number_birth_date(number).isoformat()
        }
    if sex and sex != id_number_sex(number):
        errors["sex"] = _("The sex does not match the ID number (which says %(sex)s).") % {
            "sex": SexChoices(id_number_sex(number)).label
        }
    return errors


def id_number_make(region: str, birth_date: dt.date, sequence: int, *, female: bool) -> str:
    """Build a valid number (demo data and tests): region (6 digits), birth date, sequence, check."""
    seq = sequence % 1000
    if (seq % 2 == 0) != female:
        seq = (seq + 1) % 1000
    body = f"{region}{birth_date:%Y%m%d}{seq:03d}"
    # stdnum's calc_check_digit expects the number WITH a check position (it drops the last char).
    return body + ric.calc_check_digit(body + "0")
