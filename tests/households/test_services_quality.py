"""Probable duplicates across the whole registry, cross-department checks, 四看法, living conditions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from areas.services import policy_set
from core import clock
from households.choices import (
    CrossCheckSourceChoices,
    DuplicateKindChoices,
    HouseholdStatusChoices,
    IdentificationStageChoices,
    ReviewStatusChoices,
)
from households.models import (
    CrossCheckBatch,
    CrossCheckMatch,
    DuplicateCandidate,
    FourLooksAssessment,
    LivingConditions,
)
from households.services import (
    cross_check_review,
    cross_check_upload,
    duplicate_review,
    duplicates_scan,
    four_looks_assess,
    living_conditions_record,
    procedure_sign,
    procedure_start,
)

from .conftest import person

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def test_same_name_and_birth_date_across_townships_is_listed_once(county: Any, register: Any) -> None:
    # given: the same name and birth date in two townships (different ID numbers)
    birth = dt.date(1988, 3, 9)
    register(members=[person(name="马福海", birth=birth)])
    register(county.village_b1, user=county.staff_b, members=[person(name="马福海", birth=birth)])
    register(members=[person(name="马福海", birth=dt.date(1988, 3, 10))])  # not the same birth date

    # when: township A scans twice
    first = duplicates_scan(area=county.town_a)
    second = duplicates_scan(area=county.town_a)
    from_b = duplicates_scan(area=county.town_b)

    # then: the pair is stored once, whoever scans
    assert (first, second, from_b) == (1, 0, 0)
    pair = DuplicateCandidate.objects.get()
    assert pair.kind == DuplicateKindChoices.NAME_BIRTH
    assert pair.member_a_id < pair.member_b_id


def test_same_normalised_phone_pairs_the_heads(county: Any, register: Any) -> None:
    one = register(phone="138-0931-2345")
    two = register(phone="+86 13809312345")
    register(phone="13809312346")

    assert duplicates_scan(area=county.county) == 1
    pair = DuplicateCandidate.objects.get(kind=DuplicateKindChoices.PHONE)
    assert {pair.member_a_id, pair.member_b_id} == {one.head_id, two.head_id}


def test_duplicate_review_is_recorded_once_with_a_note(county: Any, register: Any) -> None:
    birth = dt.date(1990, 1, 1)
    register(members=[person(name="张小燕", birth=birth, female=True)])
    register(members=[person(name="张小燕", birth=birth, female=True)])
    duplicates_scan(area=county.town_a)
    pair = DuplicateCandidate.objects.get()

    with pytest.raises(ValidationError) as exc:
        duplicate_review(candidate=pair, user=county.staff_a, status=ReviewStatusChoices.CLEARED, note="")
    assert "review_note" in exc.value.message_dict
    duplicate_review(
        candidate=pair, user=county.staff_a, status=ReviewStatusChoices.CLEARED, note="两人同名，身份证不同"
    )
    with pytest.raises(ValidationError):
        duplicate_review(
            candidate=pair, user=county.staff_a, status=ReviewStatusChoices.CONFIRMED, note="again"
        )
    pair.refresh_from_db()
    assert (pair.status, pair.review_note, pair.reviewed_by) == (
        ReviewStatusChoices.CLEARED,
        "两人同名，身份证不同",
        county.staff_a,
    )


def _csv(*rows: tuple[str, str]) -> bytes:
    return ("身份证号,登记内容\n" + "\n".join(f"{a},{b}" for a, b in rows)).encode()


def test_cross_check_upload_makes_review_tasks_and_removes_nothing(county: Any, register: Any) -> None:
    # given
    household = register()
    head = household.head
    outside = register(county.village_b1, user=county.staff_b).head

    # when
    batch = cross_check_upload(
        user=county.staff_a,
        area=county.town_a,
        source=CrossCheckSourceChoices.VEHICLES,
        source_name="县公安局交警大队",
        file_name="vehicles.csv",
        content=_csv(
            (head.id_number, "甘N12345 小型轿车"),
            (outside.id_number, "甘N54321"),
            ("110101199003070000", "x"),
        ),
    )

    # then: only people in the uploader's area match; the household is untouched
    match = CrossCheckMatch.objects.get()
    assert (batch.row_count, batch.match_count) == (3, 1)
    assert (match.member, match.detail, match.status) == (
        head,
        "甘N12345 小型轿车",
        ReviewStatusChoices.PENDING,
    )
    household.refresh_from_db()
    assert household.status == HouseholdStatusChoices.CANDIDATE
    assert household.members.count() == 2


def test_pending_matches_block_the_cross_check_step_until_reviewed(county: Any, register: Any) -> None:
    household = register()
    procedure = procedure_start(household=household, user=county.staff_a)
    procedure_sign(procedure=procedure, stage=IdentificationStageChoices.APPLICATION, user=county.staff_a)
    procedure_sign(procedure=procedure, stage=IdentificationStageChoices.SURVEY, user=county.secretary_a1)
    cross_check_upload(
        user=county.staff_a,
        area=county.town_a,
        source=CrossCheckSourceChoices.BUSINESS,
        source_name="县市场监管局",
        file_name="b.csv",
        content=_csv((household.head.id_number, "个体工商户")),
    )
    match = CrossCheckMatch.objects.get()

    with pytest.raises(ValidationError):
        procedure_sign(procedure=procedure, stage=IdentificationStageChoices.CROSS_CHECK, user=county.staff_a)
    cross_check_review(
        match=match, user=county.staff_a, status=ReviewStatusChoices.CLEARED, note="已注销多年"
    )
    procedure_sign(procedure=procedure, stage=IdentificationStageChoices.CROSS_CHECK, user=county.staff_a)

    match.refresh_from_db()
    assert (match.status, match.review_note, match.reviewed_by) == (
        ReviewStatusChoices.CLEARED,
        "已注销多年",
        county.staff_a,
    )


def test_cross_check_upload_errors_write_nothing(county: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        cross_check_upload(
            user=county.staff_a,
            area=county.town_a,
            source=CrossCheckSourceChoices.PROPERTY,
            source_name=" ",
            file_name="empty.csv",
            content=b"ID\n",
        )
    assert set(exc.value.message_dict) == {"source_name", "file"}
    assert not CrossCheckMatch.objects.exists()


def test_four_looks_uses_the_configured_weights(county: Any, register: Any) -> None:
    # given
    household = register()
    policy_set(
        area=county.county,
        user=county.county_admin,
        values={"households.weight_housing": "40", "households.weight_grain": "20"},
    )

    # when
    sheet = four_looks_assess(
        household=household,
        user=county.staff_a,
        assessed_on=clock.today(),
        housing_score=90,
        grain_score=50,
        labour_score=30,
        students_score=10,
    )

    # then: (90*40 + 50*20 + 30*20 + 10*20) / 100
    assert sheet.total == Decimal("54.00")
    assert sheet.weights == {"housing": "40.00", "grain": "20.00", "labour": "20.00", "students": "20.00"}


def test_four_looks_scores_out_of_range_are_refused(county: Any, register: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        four_looks_assess(
            household=register(),
            user=county.staff_a,
            assessed_on=clock.today(),
            housing_score=101,
            grain_score=50,
            labour_score=-1,
            students_score=0,
        )
    assert set(exc.value.message_dict) == {"housing_score", "labour_score"}
    assert not FourLooksAssessment.objects.exists()


def test_living_conditions_keep_history(county: Any, register: Any) -> None:
    household = register()
    living_conditions_record(
        household=household, user=county.staff_a, assessed_on=dt.date(2024, 5, 1), housing_grade="C"
    )
    living_conditions_record(
        household=household,
        user=county.staff_a,
        assessed_on=clock.today(),
        housing_grade="A",
        food_secure=True,
    )
    with pytest.raises(ValidationError):
        living_conditions_record(
            household=household,
            user=county.staff_a,
            assessed_on=clock.today() + dt.timedelta(days=2),
            housing_grade="A",
        )
    latest = household.conditions.order_by("-assessed_on").first()
    assert latest.housing_safe
    assert LivingConditions.objects.filter(household=household).count() == 2


def test_registry_policy_is_set_by_administrators_only_and_validated(county: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from areas.models import PolicyValue
    from households.selectors import policy_for

    def registry_policy_save(*, area: Any, user: Any, notice_min_days: int, **weights: Decimal) -> None:
        values = {"households.notice_min_days": notice_min_days}
        values |= {f"households.{name}": weight for name, weight in weights.items()}
        policy_set(area=area, user=user, values=values)

    weights = {
        "weight_housing": Decimal("0"),
        "weight_grain": Decimal("0"),
        "weight_labour": Decimal("0"),
        "weight_students": Decimal("0"),
    }
    with pytest.raises(ValidationError):
        registry_policy_save(area=county.county, user=county.county_admin, notice_min_days=0, **weights)
    with pytest.raises(PermissionDenied):
        registry_policy_save(
            area=county.town_a,
            user=county.staff_a,
            notice_min_days=7,
            **{**weights, "weight_grain": Decimal("1")},
        )
    assert not PolicyValue.objects.exists()

    registry_policy_save(
        area=county.county,
        user=county.county_admin,
        notice_min_days=9,
        **{**weights, "weight_grain": Decimal("1")},
    )
    registry_policy_save(
        area=county.town_b,
        user=county.county_admin,
        notice_min_days=5,
        **{**weights, "weight_labour": Decimal("2")},
    )
    assert policy_for(county.village_a1).notice_min_days == 9
    assert policy_for(county.village_b1).notice_min_days == 5
    assert policy_for(county.village_b1).weights["labour"] == Decimal("2")


def _xlsx(*rows: tuple[str, str]) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["身份证号", "登记内容"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(county: Any, file_name: str, content: bytes) -> Any:
    return cross_check_upload(
        user=county.staff_a,
        area=county.town_a,
        source=CrossCheckSourceChoices.VEHICLES,
        source_name="县公安局交警大队",
        file_name=file_name,
        content=content,
    )


def test_an_xlsx_list_is_read_by_the_bounded_reader_header_skipped(county: Any, register: Any) -> None:
    head = register().head
    batch = _upload(county, "vehicles.xlsx", _xlsx((head.id_number, "甘N12345")))
    assert (batch.row_count, batch.match_count) == (1, 1)
    assert CrossCheckMatch.objects.get().detail == "甘N12345"


@pytest.mark.parametrize(
    ("setting", "value", "file_name", "message"),
    [
        ("IMPORT_MAX_UPLOAD_BYTES", 1000, "big.csv", "the limit is"),
        ("IMPORT_MAX_UNCOMPRESSED_BYTES", 2000, "bomb.xlsx", "unpacks to"),
        ("IMPORT_MAX_ROWS", 3, "many.xlsx", "more than 3 rows"),
        ("IMPORT_MAX_ROWS", 3, "many.csv", "more than 3 rows"),
    ],
)
def test_a_cross_check_list_is_bounded_like_the_import_and_nothing_is_written(
    county: Any, settings: Any, setting: str, value: int, file_name: str, message: str
) -> None:
    # given: a list of 40 numbers, and one limit set below it
    numbers = [(f"62290119900101{n:04d}", "x" * 30) for n in range(40)]
    content = _xlsx(*numbers) if file_name.endswith(".xlsx") else _csv(*numbers)
    setattr(settings, setting, value)

    # when / then: refused on the file, with the limit named; no batch, no match
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        _upload(county, file_name, content)
    assert message in exc.value.message_dict["file"][0]
    assert not CrossCheckMatch.objects.exists()
    assert not CrossCheckBatch.objects.exists()
