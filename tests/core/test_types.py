"""mypy holds the types (pyproject.toml [tool.mypy]; .ci/run checks the whole tree): core and every
services/selectors module are strict (a test below holds the list), other modules are checked at
mypy's default level."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MYPY = Path(sys.executable).parent / "mypy"
PLANTED = "def wrong(x: int) -> str:\n    return x\n\n\ndef untyped(x):\n    return x\n"


@pytest.mark.timeout(300)
def test_mypy_finds_planted_errors_strictly_in_core_and_services(tmp_path: Path) -> None:
    # given: the same two functions in core and in a services package (strict) and in funds (default level)
    planted = [
        ROOT / "core" / "_planted_types.py",
        ROOT / "exits" / "services" / "_planted_types.py",
        ROOT / "funds" / "_planted_types.py",
    ]
    for path in planted:
        path.write_text(PLANTED)
    try:
        # when
        done = subprocess.run(
            [str(MYPY), "--cache-dir", str(tmp_path), "--follow-imports=silent", *map(str, planted)],
            cwd=ROOT,
            env=os.environ,
            capture_output=True,
            text=True,
            timeout=280,
            check=False,
        )
    finally:
        for path in planted:
            path.unlink()

    # then: the wrong return type everywhere; the missing annotations only where strict
    found = sorted(
        (line.split(":")[0], line.split(" error: ")[1])
        for line in done.stdout.splitlines()
        if " error: " in line
    )
    assert done.returncode == 1, done.stdout + done.stderr
    untyped = "Function is missing a type annotation  [no-untyped-def]"
    wrong = 'Incompatible return value type (got "int", expected "str")  [return-value]'
    assert found == [
        ("core/_planted_types.py", untyped),
        ("core/_planted_types.py", wrong),
        ("exits/services/_planted_types.py", untyped),
        ("exits/services/_planted_types.py", wrong),
        ("funds/_planted_types.py", wrong),
    ]


def _strict_patterns() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    overrides = config["tool"]["mypy"]["overrides"]
    return [m for o in overrides if o.get("disallow_untyped_defs") for m in o["module"]]


def _matches(module: str, pattern: str) -> bool:
    # mypy's override patterns: `a.b` is that module, `a.b.*` it and everything under it
    if pattern.endswith(".*"):
        return module == pattern[:-2] or module.startswith(pattern[:-1])
    return module == pattern


def not_strict(modules: list[str], patterns: list[str]) -> list[str]:
    """The modules no strict override names."""
    return [m for m in modules if not any(_matches(m, p) for p in patterns)]


def services_and_selectors() -> list[str]:
    found = []
    for path in sorted(ROOT.glob("*/*.py")) + sorted(ROOT.glob("*/*/*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[0] in {".venv", "tests", "bench"} or not (ROOT / parts[0] / "apps.py").exists():
            continue
        if parts[1] in {"services", "selectors"}:
            found.append(".".join(p for p in parts if p != "__init__"))
    return found


def test_every_services_and_selectors_module_is_strict() -> None:
    # given: every app's services and selectors modules (packages and their sub-modules)
    modules = services_and_selectors()
    patterns = _strict_patterns()
    assert {"households.services.registry", "funds.selectors", "exits.selectors.campaigns"} <= set(modules)

    # when / then: each is named by a strict override, and a new one planted in an app would not be
    assert not_strict(modules, patterns) == []
    assert not_strict(["funds.selectors_extra", "households.services2", "funds.services.new"], patterns) == [
        "funds.selectors_extra",
        "households.services2",
    ]


def test_no_services_or_selectors_module_has_its_errors_ignored() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    ignored = [m for o in config["tool"]["mypy"]["overrides"] if o.get("ignore_errors") for m in o["module"]]
    assert [m for m in services_and_selectors() if any(_matches(m, p) for p in ignored)] == []
