"""Every FilterSet of the apps derives from core.filtering.FilterSet, whose instances build their own
form fields (django-filter would otherwise hand each instance a field cached on the class, built without
its user)."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import django_filters
from django.apps import apps

from core.filtering import FilterSet


def _app_filtersets() -> list[type]:
    found = []
    for config in apps.get_app_configs():
        if not config.path.startswith(str(apps.get_app_config("core").path.rsplit("/", 1)[0])):
            continue  # our apps only, not django's or a library's
        try:
            module = importlib.import_module(f"{config.name}.filters")
        except ModuleNotFoundError:
            continue
        found += [
            cls
            for _name, cls in inspect.getmembers(module, inspect.isclass)
            if cls.__module__ == module.__name__ and issubclass(cls, django_filters.FilterSet)
        ]
    return found


def test_every_apps_filterset_derives_from_cores() -> None:
    filtersets = _app_filtersets()
    assert len(filtersets) > 15  # the apps' filters were found
    assert [cls.__qualname__ for cls in filtersets if not issubclass(cls, FilterSet)] == []


def test_an_instance_builds_its_own_field_after_the_class_built_one(county: Any) -> None:
    # given: a filterset whose choices an instance narrows, and its class filter's field read first
    from areas.models import Area

    class Planted(FilterSet):
        area = django_filters.ModelChoiceFilter(queryset=Area.objects.all())

    assert Planted.base_filters["area"].field is not None

    # when: an instance narrows the choices to one township
    planted = Planted({"area": county.village_b1.pk}, queryset=Area.objects.all())
    planted.filters["area"].queryset = Area.objects.filter(code__startswith=county.town_a.prefix)

    # then: another township's village is refused
    assert not planted.is_valid()
    assert "area" in planted.errors
