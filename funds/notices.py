"""What may appear in a public notice (公告公示).

Notices name projects, villages, payees and amounts so that subsidies cannot be skimmed unseen; they
never show resident ID numbers, phone numbers, bank accounts or health details. `notice_text_problems`
finds any of these in a text; the notice services refuse to publish a text that has one.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

# 18-character resident IDs (also written in groups 6-8-4), and 15-digit old ones.
_ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{6}[ \-]\d{8}[ \-]\d{3}[\dXx]|\d{15})(?![0-9A-Za-z])"
)
# Mainland mobile numbers (also as 3-4-4 groups, with +86) and landlines with an area code.
_PHONE = re.compile(r"(?<!\d)(\+?86[ \-]?)?1[3-9]\d([ \-]?\d{4}){2}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
# Digits written as Chinese numerals (一三九一二三四五六七八, 幺 for one, 〇/零 for zero, the capital
# forms of cheques): read as digits before looking for a phone or ID number.
_CHINESE_DIGITS = str.maketrans(
    {**dict.fromkeys("〇零○", "0"), **dict.fromkeys("一幺壹", "1"), **dict.fromkeys("二两贰", "2")}
    | {"三": "3", "叁": "3", "四": "4", "肆": "4", "五": "5", "伍": "5", "六": "6", "陆": "6"}
    | {"七": "7", "柒": "7", "八": "8", "捌": "8", "九": "9", "玖": "9"}
)
# Bank card and account numbers: 12 to 23 digits in a row, or in groups of four.
_BANK_ACCOUNT = re.compile(r"(?<!\d)(\d{12,23}|\d{4}([ \-]\d{4}){2,4}([ \-]\d{1,4})?)(?!\d)")
_BANK_WORDS = ("银行卡", "卡号", "账号", "帐号", "开户行", "bank account", "card number")
# Health details: diagnoses, disability grades and illness words a notice must not print about a person.
_HEALTH_WORDS = (
    "病情",
    "诊断",
    "患有",
    "患病",
    "癌",
    "肿瘤",
    "尿毒症",
    "白血病",
    "精神病",
    "精神残疾",
    "残疾等级",
    "残疾证",
    "一级残疾",
    "二级残疾",
    "慢性病",
    "大病",
    "重病",
    "艾滋",
    "HIV",
    "diagnos",
    "illness",
    "disabled",
    "disease",
)


def notice_text_problems(text: str) -> list[str]:
    """Each kind of personal detail found in `text`, as a message for the person publishing it.

    Full-width digits and letters (１３９…, typed with a Chinese input method) count like ASCII ones, and
    so do digits written as Chinese numerals (一三九…)."""
    text = unicodedata.normalize("NFKC", text)
    as_digits = text.translate(_CHINESE_DIGITS)
    problems = []
    if _ID_NUMBER.search(text) or _ID_NUMBER.search(as_digits):
        problems.append(_("The text contains what looks like an ID number."))
    if _PHONE.search(text) or _PHONE.search(as_digits):
        problems.append(_("The text contains a phone number."))
    lowered = text.lower()
    if _BANK_ACCOUNT.search(_PHONE.sub("", _ID_NUMBER.sub("", text))) or any(
        w in lowered for w in _BANK_WORDS
    ):
        problems.append(_("The text contains a bank card or account number."))
    if any(word.lower() in lowered for word in _HEALTH_WORDS):
        problems.append(_("The text contains health details."))
    return problems
