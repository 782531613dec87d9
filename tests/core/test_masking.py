"""One masker (core.masking): its functions on the edge lengths, and a static scan that fails when a
module outside core.masking stars out or cuts a value by hand."""

from __future__ import annotations

import ast
from pathlib import Path

from django.test import override_settings

from core.masking import mask_household_number, mask_id_number, mask_id_region, mask_middle, mask_phone

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "areas", "accounts", "households", "assistance", "funds", "exits", "supervision"]
APPS += ["dashboards", "fieldwork", "povertycase"]
HOME = ROOT / "core" / "masking.py"
ID = "622901198503151234"


def test_the_maskers_on_their_edges() -> None:
    assert mask_id_number(ID) == "622901********1234"
    assert mask_id_region(ID) == "622901************"
    assert mask_id_region("") == mask_id_region(None) == ""
    assert mask_phone("13912345678") == "139****5678"
    assert mask_household_number("622901100201001") == "622901******001"
    assert mask_middle("12345", 3, 2) == "*****"  # too short to show anything
    assert mask_middle("1234567", 2, 0) == "12*****"  # no tail: nothing of the end shows


@override_settings(POVERTYCASE={"ID_NUMBER_VISIBLE_DIGITS": (6, 0)})
def test_a_county_that_shows_no_last_digits_gets_none() -> None:
    assert mask_id_number(ID) == "622901************"


def _stars(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and set(node.value) <= {"*", "＊", "…"}
    )


def hand_masks(path: Path) -> list[str]:
    """`"*" * n`, a run of stars such as "********", and `value[:6] + "…"` / `+ "****"`."""
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        hit = False
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            hit = _stars(node.left) or _stars(node.right)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            sides = (node.left, node.right)
            hit = any(_stars(s) for s in sides) and any(isinstance(s, ast.Subscript) for s in sides)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            hit = len(node.value) >= 2 and _stars(node) and "*" in node.value
        if hit:
            found.append(f"{where}:{node.lineno}: {ast.unparse(node)[:60]}")
    return sorted(set(found))


def test_values_are_masked_only_by_core_masking() -> None:
    # when
    paths = [p for app in APPS for p in sorted((ROOT / app).rglob("*.py")) if "migrations" not in p.parts]
    found = [hit for path in paths if path != HOME for hit in hand_masks(path)]

    # then
    assert len(paths) > 100
    assert hand_masks(HOME), "the scan still recognises the one masker"
    assert found == [], "mask through core.masking (or declare the field in PERSONAL_FIELDS):\n" + "\n".join(
        found
    )


def test_the_guard_finds_planted_masks(tmp_path: Path) -> None:
    planted = tmp_path / "notices.py"
    planted.write_text(
        "def show(number, name, phone):\n"
        "    a = number[:6] + '*' * 8 + number[-4:]\n"
        "    b = phone[:3] + '****' + phone[-4:]\n"
        "    c = number[:6] + '…'\n"
        "    d = '********'\n"
        "    e = name[0] + '*'\n"
        "    f = 'SELECT count(*) FROM x'\n"
        "    g = '*'\n"
        "    h = 2 * 3\n"
    )
    lines = [hit.split(":")[1] for hit in hand_masks(planted)]
    assert sorted(set(lines)) == ["2", "3", "4", "5", "6"]
