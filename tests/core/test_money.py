"""core.money: 万元, the template figures, the one amount parser, and one money module with one CENT."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from core.money import money_parse, to_wan, to_yuan


def test_wan_rounds_half_up_exactly() -> None:
    assert to_wan(Decimal("244298700.00")) == Decimal("24429.87")
    assert to_wan(Decimal("5000.00")) == Decimal("0.50")
    assert to_wan(Decimal("50.00")) == Decimal("0.01")  # 0.005 rounds up, not to even
    assert to_wan(None) is None
    assert to_yuan("0.125") == Decimal("0.13")


def test_template_filters_print_grouped_exact_figures() -> None:
    html = Template("{% load povertycase %}{{ v|yuan }} / {{ v|wan_yuan }}").render(
        Context({"v": Decimal("398868400.00")})
    )
    assert html == "398,868,400.00 / 39,886.84"


# -- parsing: core.money.money_parse is the one reader of an amount ----------------------------------


def _refusal(value: Any, **options: Any) -> str:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        money_parse(value, **options)
    (field, [message]), *_ = exc.value.message_dict.items()
    return f"{field}: {message}"


def test_text_ints_and_decimals_are_read_to_the_fen() -> None:
    assert money_parse(" 1234.5 ") == Decimal("1234.50")
    assert money_parse(12) == Decimal("12.00")
    assert money_parse(Decimal("0.10")) + money_parse("0.20") == Decimal("0.30")
    assert str(money_parse("7")) == "7.00"
    assert money_parse("0", allow_zero=True) == Decimal("0.00")
    assert money_parse("-3.5", allow_negative=True) == Decimal("-3.50")


def test_bad_amounts_are_refused_in_chinese_next_to_their_field() -> None:
    assert _refusal(0.1) == "amount: 金额请以精确的十进制文本发送，例如“1234.50”，不要用浮点数。"
    assert _refusal(True, field_name="budget").startswith("budget: 金额请以精确的十进制文本")
    assert _refusal("abc") == "amount: 请输入以元为单位的金额，例如 1234.50。"
    assert _refusal("NaN") == _refusal("Infinity") == _refusal(None) == _refusal("")
    assert _refusal("12.345") == "amount: 金额以元为单位，最多保留两位小数（到分）。"
    assert _refusal("1000000000000") == "amount: 金额过大。"
    assert _refusal("0") == _refusal("-1") == "amount: 金额必须大于零。"
    assert _refusal("-1", allow_zero=True) == "amount: 金额不能为负数。"
    assert _refusal("-1", allow_zero=True, sign_message="x") == "amount: x"


ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "areas", "accounts", "households", "assistance", "funds", "exits", "supervision"]
APPS += ["dashboards", "fieldwork"]


def money_rewrites(path: Path) -> list[str]:
    """A second CENT, MAX_AMOUNT or money module: `CENT = ...`, `Decimal("0.01")`, `import ...money`
    from anywhere but core."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        text = ""
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            text = ", ".join(sorted(names & {"CENT", "MAX_AMOUNT", "TEN_THOUSAND"}))
        elif isinstance(node, ast.Call) and ast.unparse(node.func) == "Decimal" and node.args:
            text = ast.unparse(node) if ast.unparse(node.args[0]) in {"'0.01'", "'.01'"} else ""
        elif isinstance(node, ast.ImportFrom) and (node.module or "").endswith("money"):
            text = "" if node.module == "core.money" else f"from {node.module} import"
        if text:
            found.append(
                f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{node.lineno}: {text}"
            )
    return found


def test_one_money_module_and_one_cent() -> None:
    # when: every module but core.money itself and migrations (the demo figures too)
    paths = [
        p
        for app in APPS
        for p in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in p.parts and p != ROOT / "core" / "money.py"
    ]
    found = [hit for path in paths for hit in money_rewrites(path)]

    # then
    assert len(paths) > 100
    assert not list(ROOT.glob("*/money.py"))[1:], "one money module: core/money.py"
    assert found == [], "use core.money (CENT, money_parse, to_yuan):\n" + "\n".join(found)


def test_the_money_guard_finds_planted_rewrites(tmp_path: Path) -> None:
    planted = tmp_path / "amounts.py"
    planted.write_text(
        "from decimal import Decimal\n"
        "from .money import to_wan\n"
        "CENT = Decimal('0.01')\n"
        "x = amount.quantize(Decimal('0.01'))\n"
        "y = Decimal('0.5')\n"
        "from core.money import CENT\n"
    )
    assert [hit.split(":")[1] for hit in sorted(money_rewrites(planted))] == ["2", "3", "3", "4"]
