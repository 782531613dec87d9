"""The registry spreadsheet's columns: what each header may be called, and how each cell becomes a
value (through the same cleaners as the services, households.cleaners).

Headers are compared after Unicode normalisation (NFKC: full-width forms and the ideographic space
become ASCII, `状　态` is `状态`), without any whitespace, required-marks or brackets, and lower-cased;
each column also has the synonyms clerks' rosters use (户主姓名, 证件号码, 联系方式 ...). A header that
matches no column refuses the file, naming it: a column is never dropped silently.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core.spreadsheets import CellTooLong

from ..choices import (
    EducationChoices,
    HealthChoices,
    HouseholdAttributeChoices,
    HouseholdStatusChoices,
    HouseholdTypologyChoices,
    LabourCapacityChoices,
    PovertyCauseChoices,
    RelationChoices,
    SchoolingChoices,
    SexChoices,
    WorkStatusChoices,
)
from ..cleaners import clean_id_number, clean_name, clean_phone, clean_year_identified


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy translation: the header users see
    required: bool = False
    choices: type | None = None
    many: bool = False  # several choices separated by 、 or commas
    kind: str = "text"  # text | code | date | bool | int | id | ignore
    household: bool = False  # a household column (repeats on each member row)
    synonyms: tuple[str, ...] = ()  # other headers clerks use for it


COLUMNS: tuple[Column, ...] = (
    Column(
        "sequence",
        pgettext_lazy("spreadsheet column", "No."),
        kind="ignore",
        synonyms=("序号", "行号", "no"),
    ),
    Column(
        "number",
        pgettext_lazy("spreadsheet column", "Household number"),
        kind="code",
        household=True,
        synonyms=("户号", "户码", "农户编号", "家庭编号", "户编码"),
    ),
    Column(
        "village_code",
        pgettext_lazy("spreadsheet column", "Village code"),
        required=True,
        kind="code",
        household=True,
        synonyms=("村编码", "行政村代码", "村级代码", "村区划代码", "村统计代码"),
    ),
    Column(
        "address",
        pgettext_lazy("spreadsheet column", "Address"),
        household=True,
        synonyms=("住址", "地址", "详细地址", "家庭地址"),
    ),
    Column(
        "phone",
        pgettext_lazy("spreadsheet column", "Phone"),
        household=True,
        synonyms=("电话", "手机", "手机号", "手机号码", "联系方式", "联系电话号码"),
    ),
    Column(
        "attribute",
        pgettext_lazy("spreadsheet column", "Household attribute"),
        choices=HouseholdAttributeChoices,
        household=True,
        synonyms=("贫困户属性", "农户属性"),
    ),
    Column(
        "main_cause",
        pgettext_lazy("spreadsheet column", "Main poverty cause"),
        required=True,
        choices=PovertyCauseChoices,
        household=True,
        synonyms=("致贫原因", "主要致贫原因"),
    ),
    Column(
        "secondary_causes",
        pgettext_lazy("spreadsheet column", "Secondary causes"),
        choices=PovertyCauseChoices,
        many=True,
        household=True,
        synonyms=("次要致贫原因", "其它致贫原因"),
    ),
    Column(
        "typology",
        pgettext_lazy("spreadsheet column", "Typology"),
        choices=HouseholdTypologyChoices,
        household=True,
    ),
    Column(
        "year_identified",
        pgettext_lazy("spreadsheet column", "Year identified"),
        kind="int",
        household=True,
        synonyms=("识别年份", "建档年度", "建档年份", "纳入年度", "识别时间"),
    ),
    Column(
        "status",
        pgettext_lazy("spreadsheet column", "Status"),
        choices=HouseholdStatusChoices,
        household=True,
        synonyms=("户状态", "贫困户状态", "脱贫状态"),
    ),
    Column(
        "status_since",
        pgettext_lazy("spreadsheet column", "Status since"),
        kind="date",
        household=True,
        synonyms=("状态日期", "状态变更日期", "脱贫日期"),
    ),
    Column(
        "name",
        pgettext_lazy("spreadsheet column", "Name"),
        required=True,
        synonyms=("成员姓名", "人员姓名", "家庭成员姓名", "户主姓名"),
    ),
    Column(
        "id_number",
        pgettext_lazy("spreadsheet column", "Resident ID number"),
        required=True,
        kind="id",
        synonyms=("身份证号码", "证件号码", "公民身份号码", "居民身份证号", "居民身份证号码", "身份证"),
    ),
    Column(
        "relation",
        pgettext_lazy("spreadsheet column", "Relation to head"),
        required=True,
        choices=RelationChoices,
        synonyms=("与户主的关系", "家庭关系", "关系"),
    ),
    Column("sex", pgettext_lazy("spreadsheet column", "Sex"), choices=SexChoices),
    Column(
        "birth_date",
        pgettext_lazy("spreadsheet column", "Birth date"),
        kind="date",
        synonyms=("出生年月日", "出生年月", "生日"),
    ),
    Column("ethnicity", pgettext_lazy("spreadsheet column", "Ethnicity"), synonyms=("民族成分",)),
    Column(
        "education",
        pgettext_lazy("spreadsheet column", "Education"),
        choices=EducationChoices,
        synonyms=("文化程度", "学历"),
    ),
    Column(
        "schooling",
        pgettext_lazy("spreadsheet column", "Current schooling"),
        choices=SchoolingChoices,
        synonyms=("在校情况",),
    ),
    Column(
        "health",
        pgettext_lazy("spreadsheet column", "Health"),
        choices=HealthChoices,
        synonyms=("健康状况", "身体状况"),
    ),
    Column(
        "labour_capacity",
        pgettext_lazy("spreadsheet column", "Labour capacity"),
        choices=LabourCapacityChoices,
        synonyms=("劳动能力",),
    ),
    Column(
        "work_status",
        pgettext_lazy("spreadsheet column", "Work status"),
        choices=WorkStatusChoices,
        synonyms=("务工情况",),
    ),
    Column(
        "medical_insurance",
        pgettext_lazy("spreadsheet column", "Medical insurance"),
        kind="bool",
        synonyms=("是否参加医疗保险", "医保"),
    ),
    Column(
        "pension_insurance",
        pgettext_lazy("spreadsheet column", "Pension insurance"),
        kind="bool",
        synonyms=("是否参加养老保险", "养老保险"),
    ),
)
BY_KEY = {c.key: c for c in COLUMNS}
TEMPLATE_COLUMNS = tuple(c for c in COLUMNS if c.key not in ("sequence", "status", "status_since"))
MIGRATION_ONLY = ("status", "status_since")
HOUSEHOLD_KEYS = [c.key for c in COLUMNS if c.household and c.key not in ("number", "village_code")]
MEMBER_KEYS = [c.key for c in COLUMNS if not c.household and c.kind != "ignore"]
LANGS = ("zh-hans", "en")
TRUE_WORDS = {"是", "有", "已参保", "参加", "已参加", "yes", "y", "true", "1", "√"}
FALSE_WORDS = {"否", "无", "未参保", "未参加", "no", "n", "false", "0", "×"}
# An Excel number keeps 15 significant digits: longer codes typed as numbers have lost their tail.
EXACT_DIGITS = 15


@lru_cache(maxsize=8192)
def normalize_header(text: Any) -> str:
    """`状　态 `, `*身份证号码（必填）` and `ＩＤ` compare as 状态, 身份证号码, id (cached: choice cells repeat
    the same few words on every row)."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    value = re.sub(r"[(（\[【].*?[)）\]】]", "", value)  # (必填), [选填]
    value = re.sub(r"[\s*＊:：·.]", "", value)
    return value.lower()


def _in_languages(text: Any) -> set[str]:
    found = set()
    for lang in LANGS:
        with translation.override(lang):
            found.add(normalize_header(text))
    return found


def header_lookup() -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in COLUMNS:
        for spelling in (*_in_languages(column.label), column.key, *map(normalize_header, column.synonyms)):
            lookup.setdefault(spelling, column)
    return lookup


def choice_lookup(choices: type) -> dict[str, str]:
    """Value for each accepted spelling: the stored code, and the model choice's label in Chinese and
    English (whatever the labels are, so a relabelled choice is accepted under its new label)."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:  # type: ignore[attr-defined]
        lookup[str(value).lower()] = value
        for spelling in _in_languages(label):
            lookup[spelling] = value
    # Short spellings of the national registry's spreadsheets: 因病、因残、缺劳力 ...
    if choices is PovertyCauseChoices:
        with translation.override("zh-hans"):
            for value, label in choices.choices:
                lookup[normalize_header("因" + str(label))] = value
    return lookup


def allowed_labels(choices: type) -> str:
    return "、".join(str(label) for _v, label in choices.choices)  # type: ignore[attr-defined]


_DATE_FORMS = (
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value: Any) -> dt.date:
    """Excel date cells, 1980-05-17, 1971/2/3, 2017.3.5, 2023年5月1日, 19800517 (year first: no
    day/month order to guess)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    for form in _DATE_FORMS:
        if match := form.match(text):
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise ValidationError(_("Write the date as 1980-05-17, 1980/5/17 or 1980年5月17日."), code="date")


def _code_text(value: Any, column: Column) -> str:
    """A code typed as an Excel number is fine while short; an 18-digit one has lost its last digits."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise ValidationError(_("Write the code as digits only."), code="format")
        digits = str(int(value))
        if column.kind == "id":
            raise ValidationError(
                _(
                    "This cell is in number format, so the ID number has lost its last digits: format the "
                    "cell as text and enter the number again."
                ),
                code="number_cell",
            )
        if len(digits) > EXACT_DIGITS:
            raise ValidationError(
                _(
                    "This cell is in number format, so the number has lost its last digits: "
                    "format the column as text and enter it again."
                ),
                code="number_cell",
            )
        return digits
    return unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")


def cell_value(column: Column, raw: Any, lookups: dict[str, dict[str, str]]) -> Any:
    """The cleaned value of one cell, or raise ValidationError with the message for that cell."""
    if isinstance(raw, CellTooLong):
        raise ValidationError(
            _("This cell holds %(n)d characters; the limit is %(limit)d.")
            % {"n": raw.length, "limit": settings.IMPORT_MAX_CELL_CHARS},
            code="too_long",
        )
    if column.kind in ("code", "id"):
        text = _code_text(raw, column)
        return clean_id_number(text) if column.kind == "id" else text
    if column.kind == "date":
        return parse_date(raw)
    text = (str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)).strip()
    if column.choices is not None:
        lookup = lookups[column.key]
        parts = [p for p in re.split(r"[、,，;；/]", text) if p.strip()] if column.many else [text]
        found = [lookup.get(normalize_header(p)) for p in parts]
        if None in found:
            raise ValidationError(
                _("“%(v)s” is not one of: %(allowed)s.")
                % {"v": text, "allowed": allowed_labels(column.choices)},
                code="choice",
            )
        return found if column.many else found[0]
    if column.kind == "bool":
        word = normalize_header(text)
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("Write 是 or 否."), code="bool")
    if column.kind == "int":
        try:
            number = int(unicodedata.normalize("NFKC", text))
        except ValueError as exc:
            raise ValidationError(_("Write a whole number."), code="int") from exc
        return clean_year_identified(number) if column.key == "year_identified" else number
    if column.key == "phone":
        return clean_phone(text)
    if column.key == "name":
        return clean_name(text)
    return text
