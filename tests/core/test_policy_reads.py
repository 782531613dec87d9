"""Policy is data (areas.policy): no module reads a policy value from Django settings with getattr.
A setting that a module reads with a fallback (`getattr(settings, "X", default)`) is a rule with a
hidden default a county cannot see or change; deployment settings (the clock's zone, the proxy count)
are named here, each with why it is not policy."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "areas", "accounts", "households", "assistance", "funds", "exits", "supervision"]
APPS += ["dashboards", "fieldwork", "povertycase"]
DEPLOYMENT = {
    "COUNTY_TIME_ZONE": "the fallback zone of the clock; a county's own zone is Area.time_zone",
    "TRUSTED_PROXY_COUNT": "how many reverse proxies sit in front of this installation",
}


def settings_getattrs(path: Path) -> list[str]:
    """`getattr(settings, ...)` calls whose name is not a deployment setting above (a name that is
    not a literal counts: it could be any)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"):
            continue
        if not node.args or not (isinstance(node.args[0], ast.Name) and node.args[0].id == "settings"):
            continue
        name = node.args[1] if len(node.args) > 1 else None
        if isinstance(name, ast.Constant) and name.value in DEPLOYMENT:
            continue
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
    return found


def app_modules() -> Iterator[Path]:
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_module_reads_policy_from_settings_with_getattr() -> None:
    found = [line for path in app_modules() for line in settings_getattrs(path)]
    assert found == [], "read policy values with areas.selectors.policy_get:\n" + "\n".join(found)


def test_the_guard_finds_a_planted_read(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from django.conf import settings\n"
        "DAYS = getattr(settings, 'ASSISTANCE_VISIT_DAYS', 30)\n"
        "ANSWER = getattr(settings, 'POVERTYCASE', {}).get('SUPERVISION', {})\n"
        "NAME = 'X'\n"
        "ANY = getattr(settings, NAME)\n"
        "ZONE = getattr(settings, 'COUNTY_TIME_ZONE', None)\n"  # deployment: let through
        "OTHER = getattr(obj, 'ASSISTANCE_VISIT_DAYS', 30)\n"  # not settings
    )
    assert sorted(line.split(": ", 1)[0].rsplit(":", 1)[1] for line in settings_getattrs(planted)) == [
        "2",
        "3",
        "5",
    ]
