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


# Where the store itself may be touched: its selectors and service, the admin that lists it, and
# the demo seeding (which writes a county's values as its administrator would have).
STORE_ALLOWED = {"areas/models.py", "areas/selectors.py", "areas/services.py", "areas/admin.py"}


def store_uses(path: Path) -> list[str]:
    """Uses of the policy table (`PolicyValue`) by name: a module reading it by hand would skip the
    resolution rule (the most specific area, the year) that areas.selectors.policy_get applies."""
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    if str(where) in STORE_ALLOWED or where.name == "demo.py":
        return []
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{where}:{node.lineno}: PolicyValue"
        for node in ast.walk(tree)
        if (isinstance(node, ast.Name) and node.id == "PolicyValue")
        or (isinstance(node, ast.alias) and node.name.rsplit(".", 1)[-1] == "PolicyValue")
    ]


def test_no_module_reads_the_policy_table_around_the_one_rule() -> None:
    found = [line for path in app_modules() for line in store_uses(path)]
    assert found == [], "read policy values with areas.selectors.policy_get:\n" + "\n".join(found)


def test_the_store_guard_finds_a_planted_read(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from areas.models import PolicyValue\n"
        "LINE = PolicyValue.objects.filter(key='exits.poverty_line', year=2020).first()\n"
        "POLICY = 'PolicyValue'\n"  # a string is no use of the table
    )
    assert [line.rsplit(":", 2)[1] for line in store_uses(planted)] == ["1", "2"]


# The domain's installation settings (settings.POVERTYCASE), each with why it is not a county's rule.
INSTALLATION = {
    "ID_NUMBER_VISIBLE_DIGITS": "how identity numbers are masked: one rule of personal data, core.masking",
}


def test_the_installation_settings_hold_no_policy_value() -> None:
    from django.conf import settings

    assert set(settings.POVERTYCASE) == set(INSTALLATION), (
        "a county's rule is a policy value (areas.policy), not an entry of settings.POVERTYCASE"
    )


def test_every_year_keyed_rule_is_a_yearly_policy_value() -> None:
    """A model keyed by (area, year) holding an amount or rate is a yearly rule in a second store; the
    ones below are records of what happened or was planned (a population count, a target, an exit
    decision), not rules. A new one fails here until it is a yearly key or named with why."""
    from django.apps import apps

    records = {
        "areas.PolicyValue": "the store itself: a yearly key's value of a year",
        "areas.AreaPopulation": "the registered population counted in a year",
        "assistance.VillagePlan": "a village's plan of a year",
        "dashboards.ExitTarget": "the number of people an area plans to lift out in a year",
        "exits.VillageExit": "a village's exit decision of a year",
        "exits.CountyExit": "a county's exit decision of a year",
    }
    found = []
    for model in apps.get_models():
        label = f"{model._meta.app_label}.{model.__name__}"
        if label.split(".")[0] not in APPS:
            continue
        for constraint in model._meta.constraints:
            fields = set(getattr(constraint, "fields", ()))
            if "year" in fields and fields & {"area", "county", "village", "province"}:
                found.append(label)
    assert sorted(set(found) - set(records)) == [], "declare the rule as a yearly key (areas.policy)"
