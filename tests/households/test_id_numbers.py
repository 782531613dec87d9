"""Resident ID numbers: genuine numbers of older people are accepted, impossible ones refused with a
message that says which part is wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from households.id_numbers import id_number_make, id_number_validate


@pytest.mark.parametrize(
    ("region", "born"),
    [
        ("622901", dt.date(1930, 2, 14)),  # Linxia city, a code in force from 1983
        ("622901", dt.date(1952, 11, 30)),
        ("622901", dt.date(1980, 6, 1)),
        ("140525", dt.date(1934, 8, 8)),  # Zezhou county, from 1996
        ("140525", dt.date(1971, 2, 3)),
        ("140581", dt.date(1948, 12, 31)),  # Gaoping city, from 1993
        ("140581", dt.date(1979, 4, 5)),
    ],
)
@pytest.mark.parametrize("female", [True, False])
def test_older_residents_numbers_issued_under_a_later_region_code_are_accepted(
    region: str, born: dt.date, female: bool
) -> None:
    # given: a number issued by the office under its code of today, to someone born before the code
    number = id_number_make(region, born, 37, female=female)

    # when / then
    assert id_number_validate(number) == number


def _refusal(number: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught, translation.override("zh-hans"):
        id_number_validate(number)
    return caught.value


def test_a_region_code_that_never_existed_is_refused_as_a_region() -> None:
    refused = _refusal(id_number_make("999999", dt.date(1970, 1, 1), 1, female=False))
    assert refused.code == "region"
    assert "999999" in refused.messages[0]


def test_a_region_code_abolished_before_the_birth_is_refused_as_a_region() -> None:
    # given: 132901 (Cangzhou city, Hebei) was in force until 1983
    assert id_number_validate(id_number_make("132901", dt.date(1960, 5, 5), 3, female=False))

    refused = _refusal(id_number_make("132901", dt.date(1990, 5, 5), 3, female=False))

    assert refused.code == "region"


def test_an_impossible_birth_date_is_refused_as_a_date_not_a_region() -> None:
    # given: a valid number with its date changed to 31 February, check digit recomputed
    from stdnum.cn import ric

    body = "62290119700231013"
    refused = _refusal(body + ric.calc_check_digit(body + "0"))

    assert refused.code == "birth_date"
    assert "19700231" in refused.messages[0]
    assert (
        refused.messages != _refusal(id_number_make("999999", dt.date(1970, 1, 1), 1, female=False)).messages
    )


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("62290119700101013", "length"),
        ("6229011970010101AX", "format"),
        ("622901197001010130", "checksum"),
    ],
)
def test_other_refusals_keep_their_own_messages(number: str, code: str) -> None:
    if code == "checksum":
        good = id_number_make("622901", dt.date(1970, 1, 1), 13, female=False)
        number = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert _refusal(number).code == code
