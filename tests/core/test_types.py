"""mypy holds the types (pyproject.toml [tool.mypy]; .ci/run checks the whole tree): core is strict,
other modules are checked at mypy's default level."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MYPY = Path(sys.executable).parent / "mypy"
PLANTED = "def wrong(x: int) -> str:\n    return x\n\n\ndef untyped(x):\n    return x\n"


@pytest.mark.timeout(300)
def test_mypy_finds_planted_errors_strictly_in_core(tmp_path: Path) -> None:
    # given: the same two functions in core (strict) and in funds (default level)
    planted = [ROOT / "core" / "_planted_types.py", ROOT / "funds" / "_planted_types.py"]
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

    # then: the wrong return type everywhere; the missing annotations only in core
    errors = sorted(line.split(" error: ")[1] for line in done.stdout.splitlines() if " error: " in line)
    where = sorted(line.split(":")[0] for line in done.stdout.splitlines() if " error: " in line)
    assert done.returncode == 1, done.stdout + done.stderr
    assert errors == [
        "Function is missing a type annotation  [no-untyped-def]",
        'Incompatible return value type (got "int", expected "str")  [return-value]',
        'Incompatible return value type (got "int", expected "str")  [return-value]',
    ]
    assert where == ["core/_planted_types.py", "core/_planted_types.py", "funds/_planted_types.py"]
