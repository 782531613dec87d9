"""One percent (core.numbers): the Python function and the SQL expression give the same answers on the
edge values, and no module outside core computes a percentage by hand."""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from core.numbers import percent, percent_sql, progress_percent, round_half_up

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "areas", "accounts", "households", "assistance", "funds", "exits", "supervision"]
APPS += ["dashboards", "fieldwork", "povertycase"]
HOME = ROOT / "core" / "numbers.py"

# (part, whole, places, the answer): 0/0 and None, thirds, and the half boundaries where half up and
# half even part (0.125 → 0.13; 0.5 → 1; 2.5 → 3), negatives away from zero, money amounts.
EDGES: list[tuple[int | Decimal | None, int | Decimal | None, int, Decimal | None]] = [
    (0, 0, 2, None),
    (5, 0, 2, None),
    (5, None, 2, None),
    (None, 4, 2, Decimal("0.00")),
    (0, 7, 2, Decimal("0.00")),
    (1, 3, 2, Decimal("33.33")),
    (2, 3, 2, Decimal("66.67")),
    (1, 800, 2, Decimal("0.13")),
    (21, 800, 2, Decimal("2.63")),
    (3, 800, 2, Decimal("0.38")),
    (1, 200, 0, Decimal("1")),
    (5, 200, 0, Decimal("3")),
    (1, 3, 0, Decimal("33")),
    (2, 3, 1, Decimal("66.7")),
    (-1, 800, 2, Decimal("-0.13")),
    (7, 7, 2, Decimal("100.00")),
    (Decimal("0.01"), Decimal("8.00"), 2, Decimal("0.13")),
    (Decimal("1234.56"), Decimal("9876.54"), 2, Decimal("12.50")),
    (123456789, 987654321, 2, Decimal("12.50")),
]


@pytest.mark.parametrize(("part", "whole", "places", "expected"), EDGES)
def test_percent_rounds_half_up_and_is_none_for_no_whole(
    part: int | Decimal | None, whole: int | Decimal | None, places: int, expected: Decimal | None
) -> None:
    assert percent(part, whole, places) == expected
    if expected is not None:
        assert percent(part, whole, places).as_tuple().exponent == -places  # type: ignore[union-attr]


@pytest.mark.django_db
@pytest.mark.parametrize(("part", "whole", "places", "expected"), EDGES)
def test_the_sql_form_gives_the_same_answer(
    part: int | Decimal | None, whole: int | Decimal | None, places: int, expected: Decimal | None
) -> None:
    # given: the operands typed as the dashboards' sums are (bigint counts) or as money (numeric)
    kind = "numeric" if isinstance(part, Decimal) or isinstance(whole, Decimal) else "bigint"
    sql = percent_sql(f"%(part)s::{kind}", f"%(whole)s::{kind}", places)

    # when
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", {"part": part, "whole": whole})
        (value,) = cursor.fetchone()

    # then: equal, and to the same number of places
    assert value == percent(part, whole, places) == expected
    if expected is not None:
        assert str(value) == str(expected)


def test_progress_reads_100_only_when_all_is_done() -> None:
    assert progress_percent(199, 200) == 99
    assert progress_percent(200, 200) == 100
    assert progress_percent(2, 3) == 66
    assert progress_percent(0, 0) == 0
    assert progress_percent(5, None) == 0
    assert progress_percent(250, 200) == 100


def test_round_half_up_never_rounds_to_even() -> None:
    assert round_half_up(Decimal("50.005")) == Decimal("50.01")
    assert round_half_up(Decimal("0.125")) == Decimal("0.13")
    assert round_half_up(Decimal("2.5"), 0) == Decimal("3")
    assert round_half_up(Decimal("-2.5"), 0) == Decimal("-3")


# -- the guard: percentages only in core.numbers -----------------------------------------------------

HUNDREDS = {"100", "100.0", "HUNDRED", "Decimal(100)", "Decimal('100')"}
SQL_PERCENT = re.compile(r"\*\s*100(\.0*)?\s*/|/[^/;]*\)\s*\*\s*100\b")
ROUNDINGS = {"ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_HALF_DOWN"}


def _is_hundred(node: ast.expr) -> bool:
    return ast.unparse(node).replace('"', "'") in HUNDREDS


def percent_arithmetic(path: Path) -> list[str]:
    """`x * 100 / y`, `100 * x / y`, `x / y * 100`, SQL text doing the same, and rounding modes named
    outside core (each a percentage or a rounding written a second time)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        hit = False
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div | ast.FloorDiv):
            left = node.left
            hit = isinstance(left, ast.BinOp) and isinstance(left.op, ast.Mult)
            hit = hit and (_is_hundred(left.left) or _is_hundred(left.right))  # type: ignore[union-attr]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            divided = isinstance(node.left, ast.BinOp) and isinstance(node.left.op, ast.Div)
            hit = divided and _is_hundred(node.right)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            hit = bool(SQL_PERCENT.search(node.value))
        elif isinstance(node, ast.Name | ast.alias):
            name = node.id if isinstance(node, ast.Name) else node.name
            hit = name in ROUNDINGS
        if hit:
            found.append((getattr(node, "lineno", 0), ast.unparse(node)[:80]))
    return [f"{where}:{line}: {text}" for line, text in sorted(found)]


def outside_core() -> list[Path]:
    paths = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if (
                "migrations" in path.parts
                or path.parent == ROOT / "core"
                and path.name in {"numbers.py", "money.py"}
            ):
                continue
            paths.append(path)
    return paths


def test_percentages_and_rounding_are_written_only_in_core() -> None:
    # when
    found = [hit for path in outside_core() for hit in percent_arithmetic(path)]

    # then
    assert found == [], "use core.numbers.percent / percent_sql / round_half_up:\n" + "\n".join(found)


def test_the_guard_finds_planted_percentages(tmp_path: Path) -> None:
    # given: six hand-made percentages and roundings, and four sums that only look like them
    planted = tmp_path / "selectors.py"
    planted.write_text(
        "from decimal import ROUND_HALF_UP\n"
        "def rates(done, total, paid, allocated):\n"
        "    a = int(done * 100 / total)\n"
        "    b = Decimal(100) * paid / allocated\n"
        "    c = done / total * 100\n"
        "    d = 'SELECT round(sum(poor) * 100.0 / sum(pop), 2)'\n"
        "    e = x.quantize(CENT, rounding=ROUND_HALF_UP)\n"
        "    f = amount * 10000 / 3\n"
        "    g = n // 100 * 100\n"
        "    h = 'LIMIT 100'\n"
        "    i = done * 100\n"
    )

    # when
    found = percent_arithmetic(planted)

    # then: the six, nothing else
    assert [hit.split(":")[1] for hit in found] == ["1", "3", "4", "5", "6", "7"]
    assert len(outside_core()) > 100
    assert HOME not in outside_core()


def test_per_capita_income_and_the_monitoring_line_round_half_up() -> None:
    # given: a household of two whose income leaves half a fen each; a line whose multiple does too
    from exits.selectors import monitoring_rule_signals
    from households.services.assessment import per_capita_net_income

    zero = Decimal("0")

    # when
    each = per_capita_net_income(
        wage=Decimal("100.01"), production=zero, property_=zero, transfer=zero, costs=zero, members=2
    )
    # 4000.03 × 1.5 = 6000.045: the line is 6000.05 half up (6000.04 half even)
    risks = monitoring_rule_signals(
        income=Decimal("6000.04"), line=Decimal("4000.03"), multiple=Decimal("1.5"), member_health=[]
    )

    # then
    assert each == Decimal("50.01")
    assert "low_income" in [str(r) for r in risks]
