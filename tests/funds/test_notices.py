"""Public notices never show ID numbers, phones, bank accounts or health details."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from core.masking import mask_name
from funds.choices import NoticeKindChoices
from funds.models import Notice
from funds.notices import notice_text_problems
from funds.services import disbursement_record, notice_publish, notice_publish_standard
from households.choices import HealthChoices
from households.models import Member

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

ID_RE = re.compile(r"\d{17}[\dX]")
PHONE_RE = re.compile(r"1[3-9]\d{9}")


def test_generated_notices_contain_no_personal_details(county: Any, money: Any) -> None:
    # given: the benefiting household has an ID number, a phone, a bank-like note and a serious illness
    head = money.household.head
    Member.objects.filter(pk=head.pk).update(phone="13912345678", health=HealthChoices.SERIOUS)
    type(money.household).objects.filter(pk=money.household.pk).update(phone="13812345678")
    disbursement_record(
        funding=money.funding,
        amount="3000.00",
        paid_on=money.today,
        voucher_number="记-2024-0001",
        payee=head.name,
        household=money.household,
        note="打卡到账 6228480012345678901",
        idempotency_key="n1",
        user=money.official,
    )

    # when
    project_notice = notice_publish_standard(
        project=money.project,
        kind=NoticeKindChoices.PROJECT,
        starts_on=dt.date(2024, 6, 1),
        days=7,
        user=county.staff_a,
    )
    payment_notice = notice_publish_standard(
        project=money.project,
        kind=NoticeKindChoices.PAYMENT,
        starts_on=dt.date(2024, 6, 1),
        days=7,
        user=county.staff_a,
    )

    # then
    for notice in (project_notice, payment_notice):
        text = f"{notice.title}\n{notice.body}"
        assert notice_text_problems(text) == []
        assert head.id_number not in text
        assert not ID_RE.search(text)
        assert not PHONE_RE.search(text)
        assert "6228480012345678901" not in text
        assert str(HealthChoices.SERIOUS.label) not in text
    assert mask_name(head.name) in payment_notice.body
    assert head.name not in payment_notice.body or len(head.name) == 1
    assert "3,000.00" in payment_notice.body
    assert payment_notice.ends_on == dt.date(2024, 6, 7)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("马建国 身份证号 622901199001011234", "ID number"),
        ("联系电话 139 1234 5678", "phone"),
        ("补助打入卡号 6228 4800 1234 5678", "bank"),
        ("该户户主患有尿毒症", "health"),
        ("马建国 身份证号 ６２２９０１１９９００１０１１２３Ｘ", "ID number"),
        ("联系电话１３９１２３４５６７８", "phone"),
        ("补助打入６２２８４８００１２３４５６７８９０１", "bank"),
    ],
)
def test_publishing_personal_details_is_refused_and_nothing_is_stored(
    county: Any, money: Any, text: str, problem: str
) -> None:
    # when
    with pytest.raises(ValidationError) as exc:
        notice_publish(
            project=money.project,
            kind=NoticeKindChoices.PAYMENT,
            title="资金公示",
            body=f"受益农户：\n{text}",
            starts_on=dt.date(2024, 6, 1),
            ends_on=dt.date(2024, 6, 7),
            user=county.staff_a,
        )
    # then
    assert problem in " ".join(exc.value.message_dict["body"])
    assert Notice.objects.count() == 0


def test_dates_amounts_and_vouchers_are_not_mistaken_for_personal_details() -> None:
    assert (
        notice_text_problems("2024年06月01日 折桥村 马*国 3,000.00元 凭证 记-2024-0012 预算 1200000.00元")
        == []
    )


def test_mask_name() -> None:
    assert mask_name("马建国") == "马*国"
    assert mask_name("马军") == "马*"
    assert mask_name("欧阳建国") == "欧**国"


def test_a_project_description_with_a_phone_number_cannot_be_announced(county: Any, money: Any) -> None:
    type(money.project).objects.filter(pk=money.project.pk).update(
        description="联系人马建国，电话13912345678"
    )
    money.project.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        notice_publish_standard(
            project=money.project,
            kind=NoticeKindChoices.PROJECT,
            starts_on=dt.date(2024, 6, 1),
            days=7,
            user=county.staff_a,
        )
    assert "phone" in " ".join(exc.value.message_dict["body"])
    assert Notice.objects.count() == 0


@pytest.mark.parametrize(
    "text",
    ["联系电话一三九一二三四五六七八", "电话：幺三八 零零零零 一二三四", "拨打壹叁玖壹贰叁肆伍陆柒捌"],
)
def test_phone_numbers_in_chinese_numerals_are_found(text: str) -> None:
    assert "The text contains a phone number." in notice_text_problems(text)


def test_amounts_in_chinese_numerals_are_not_phone_numbers() -> None:
    assert notice_text_problems("补助资金两万三千元，受益农户一百二十三户") == []
