"""core.services.model_update: the one update path stamps updated_at, bumps the version with F() and
refuses a stale version or a changed condition."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

from core.exceptions import ConflictError
from core.models import VersionedModel
from core.services import model_update
from dashboards.models import ExitTarget
from dashboards.services import exit_target_set

pytestmark = pytest.mark.django_db


def test_an_update_stamps_updated_at_and_bumps_the_version(county: Any, days_pass: Any) -> None:
    # given
    target = exit_target_set(user=county.county_official, area=county.county, year=2025, people=10)
    before = target.updated_at
    days_pass(hours=2)

    # when
    model_update(target, fields={"people": 12}, expected_version=target.version)

    # then
    stored = ExitTarget.objects.get(pk=target.pk)
    assert stored.people == 12
    assert stored.version == 2
    assert stored.updated_at > before
    assert target.version == 2


def test_a_stale_version_or_a_changed_condition_is_a_conflict(county: Any) -> None:
    target = exit_target_set(user=county.county_official, area=county.county, year=2025, people=10)
    model_update(target, fields={"people": 11})
    with pytest.raises(ConflictError):
        model_update(target, fields={"people": 99}, expected_version=1)
    with pytest.raises(ConflictError):
        model_update(target, fields={"people": 99}, only_if={"people": 10})
    assert ExitTarget.objects.get(pk=target.pk).people == 11


# -- the rule that versioned rows change only this way ----------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "areas", "accounts", "households", "assistance", "funds", "exits", "supervision"]
APPS += ["dashboards", "fieldwork"]
# Statements that change stored rows without stamping updated_at or bumping the version.
OTHER_WAYS = {"update", "bulk_update", "update_or_create"}


def _versioned_names() -> set[str]:
    return {m.__name__ for m in apps.get_models() if issubclass(m, VersionedModel)}


def other_ways(path: Path, versioned: set[str]) -> list[str]:
    """Calls like `Project.objects.filter(pk=1).update(...)` on a versioned model, by its name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in OTHER_WAYS
        ):
            receiver = ast.unparse(node.func.value)
            if receiver.split(".", 1)[0] in versioned and ".objects" in receiver:
                where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                found.append(f"{where}:{node.lineno}: {ast.unparse(node.func)}()")
    return found


def test_no_module_updates_a_versioned_model_another_way() -> None:
    # given: every application module but the update path itself
    versioned = _versioned_names()
    modules = [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path != ROOT / "core" / "services.py"
    ]

    # when
    found = [hit for path in modules for hit in other_ways(path, versioned)]

    # then
    assert len(modules) > 150
    assert found == [], "change versioned rows with core.services.model_update:\n" + "\n".join(found)


def test_the_static_guard_finds_a_planted_update(tmp_path: Path) -> None:
    planted = tmp_path / "services.py"
    source = (
        "def close(project, rows, stats):\n"
        "    Project.objects.filter(pk=project.pk).update(status='x')\n"
        "    Household.objects.bulk_update(rows, ['head'])\n"
        "    IncomeRecord.objects.update_or_create(year=1, defaults={})\n"
        "    ProjectFunding.objects.filter(pk=1).update(amount=1)\n"  # not versioned: its own rules
        "    stats.update({'a': 1})\n"
    )
    planted.write_text(source)
    found = other_ways(planted, _versioned_names())
    assert [hit.split(": ", 1)[1] for hit in found] == [
        "Project.objects.filter(pk=project.pk).update()",
        "Household.objects.bulk_update()",
        "IncomeRecord.objects.update_or_create()",
    ]


def _planted(source: str, name: str) -> Any:
    """A function compiled as if it were application code (funds/services/planted.py)."""
    namespace: dict[str, Any] = {}
    exec(compile(source, str(ROOT / "funds" / "services" / "planted.py"), "exec"), namespace)  # noqa: S102
    return namespace[name]


def test_the_runtime_guard_refuses_application_code_that_updates_a_versioned_row_another_way(
    county: Any,
) -> None:
    # given: a target, and application code that changes it three other ways
    target = exit_target_set(user=county.county_official, area=county.county, year=2025, people=10)
    update = _planted("def f(rows):\n    return rows.update(people=99)\n", "f")
    save = _planted("def f(obj):\n    obj.people = 98\n    obj.save()\n", "f")
    bulk = _planted("def f(objs):\n    ExitTarget.objects.bulk_update(objs, ['people'])\n", "f")
    bulk.__globals__["ExitTarget"] = ExitTarget

    # when / then: each is refused before it writes, naming where
    for write, argument in (
        (update, ExitTarget.objects.filter(pk=target.pk)),
        (save, target),
        (bulk, [target]),
    ):
        with pytest.raises(
            AssertionError, match=r"outside core.services.model_update.*funds/services/planted.py"
        ):
            write(argument)
    assert ExitTarget.objects.get(pk=target.pk).people == 10

    # and the one path, a new row, and a test's own set-up pass
    model_update(target, fields={"people": 11})
    ExitTarget.objects.filter(pk=target.pk).update(people=12)
    assert (ExitTarget.objects.get(pk=target.pk).people, ExitTarget.objects.get(pk=target.pk).version) == (
        12,
        2,
    )
