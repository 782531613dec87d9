"""The layers hold (docs/architecture.md, "Tools that hold the shape"): the import contracts in
pyproject.toml (`lint-imports`) and, for what imports do not see, the model relations."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

ROOT = Path(__file__).resolve().parents[2]
# The apps from the bottom up, as INSTALLED_APPS lists them and the "apps" contract orders them.
LAYERS = ["core", "areas", "accounts", "households", "assistance", "funds", "exits", "supervision"]
LAYERS += ["dashboards", "fieldwork"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=where,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(where)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _upward_relations(allowed: set[str]) -> list[str]:
    """Relations (FK, one-to-one, many-to-many) from a model to a model of a higher layer, unless the
    target is named by a setting in `allowed` (then the lower app names it only by that setting)."""
    targets = {apps.get_model(getattr(settings, name))._meta.label for name in allowed}
    found = []
    for model in apps.get_models(include_auto_created=True):
        source = model._meta.app_label
        for field in model._meta.get_fields(include_hidden=True):
            if not (field.is_relation and field.concrete and isinstance(field.related_model, type)):
                continue
            target: type[models.Model] = field.related_model
            label = target._meta.label
            if source not in LAYERS or target._meta.app_label not in LAYERS or label in targets:
                continue
            if LAYERS.index(target._meta.app_label) > LAYERS.index(source):
                found.append(f"{model._meta.label}.{field.name} -> {label}")
    return sorted(found)


def test_installed_apps_list_the_layers_in_order() -> None:
    ours = [app for app in settings.INSTALLED_APPS if app in LAYERS]
    assert ours == LAYERS


def test_the_tree_keeps_the_import_contracts() -> None:
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "Contracts: 2 kept, 0 broken." in done.stdout


def test_the_contracts_catch_a_planted_upward_import(tmp_path: Path) -> None:
    # given: a copy of the tree where core imports dashboards and a selector imports its app's views
    for package in ["povertycase", *LAYERS]:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "core" / "_planted.py").write_text("from dashboards import selectors\n")
    with (tmp_path / "funds" / "selectors.py").open("a") as selectors:
        selectors.write("\nfrom funds import views  # noqa\n")

    # when
    done = _lint_imports(tmp_path)

    # then: both contracts are broken, each naming the import
    assert done.returncode == 1, done.stdout
    assert "Contracts: 0 kept, 2 broken." in done.stdout
    assert "core is not allowed to import dashboards" in done.stdout
    assert "core._planted -> dashboards.selectors (l.1)" in done.stdout
    assert "funds.selectors is not allowed to import funds.views" in done.stdout


def test_model_relations_point_down_the_layers() -> None:
    # then: core points to the user and the area only through the settings that name them
    assert _upward_relations({"AUTH_USER_MODEL", "AREA_MODEL"}) == []


def test_the_relation_check_finds_upward_relations() -> None:
    # when: the two settings are not allowed
    found = _upward_relations(set())

    # then: core's relations to the user and the area are upward ones
    assert "core.Job.area -> areas.Area" in found
    assert "core.Job.created_by -> accounts.User" in found
