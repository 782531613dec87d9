"""The app's words win: every msgid of our catalogues renders, in zh-hans, the Chinese our own catalogue
gives it (not a contrib catalogue's, not another app's), and every choice label, field name and form label
of our apps renders in Chinese. Domain terms that Django or another app also uses ("Disabled" 残疾 vs
禁用, a household's "Cancelled" 已销号 vs a measure's 已取消) carry a `pgettext` context."""

from __future__ import annotations

import copy
import importlib
import inspect
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pghistory.models
import polib
import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django_filters import FilterSet


def our_apps() -> list[str]:
    root = Path(settings.BASE_DIR)
    return [
        c.label for c in apps.get_app_configs() if Path(c.path).is_relative_to(root) and ".venv" not in c.path
    ]


# Latin text that is fine inside a Chinese label: codes, units, abbreviations and proper nouns.
ALLOWED_LATIN = re.compile(r"\b(ID|API|URL|PDF|xlsx|Excel|JSON|CSV|A|B|C|D|GB/T|No|IP)\b", re.IGNORECASE)


def catalogues() -> Iterator[Path]:
    root = Path(settings.BASE_DIR)
    yield from sorted(root.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
    yield from sorted(root.glob("locale/zh_Hans/LC_MESSAGES/django.po"))


@cache
def own_translations() -> dict[tuple[str | None, str], dict[str, str]]:
    """(context, msgid) -> {catalogue: msgstr} over every active entry of our catalogues."""
    found: dict[tuple[str | None, str], dict[str, str]] = {}
    for path in catalogues():
        for entry in polib.pofile(str(path)):
            if entry.obsolete or entry.msgid_plural:
                continue
            found.setdefault((entry.msgctxt, entry.msgid), {})[str(path.relative_to(settings.BASE_DIR))] = (
                entry.msgstr
            )
    return found


def rendered(context: str | None, msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.pgettext(context, msgid) if context else translation.gettext(msgid)


def msgid_of(label: Any) -> tuple[str | None, str] | None:
    """The (context, msgid) behind a gettext_lazy/pgettext_lazy label, or None for anything else."""
    args = getattr(label, "_args", None)
    if not isinstance(label, Promise) or not args or not all(isinstance(a, str) for a in args):
        return None
    if len(args) == 1:
        return None, args[0]
    if len(args) == 2:
        return args[0], args[1]
    return None


def labels() -> Iterator[tuple[str, Any]]:
    """Every choice label, field name and form/filter label of our apps, with where it comes from.

    Field names are checked where a model names them (a translated verbose_name); the audit trail's event
    models are pghistory's copies of the tracked models and are left out."""
    for app_label in our_apps():
        for model in apps.get_app_config(app_label).get_models():
            if issubclass(model, pghistory.models.Event):
                continue
            yield f"{model.__name__} verbose_name", model._meta.verbose_name
            for field in model._meta.get_fields():
                if getattr(field, "auto_created", False) and not getattr(field, "concrete", False):
                    continue
                if isinstance(getattr(field, "verbose_name", None), Promise):
                    yield f"{model.__name__}.{field.name}", field.verbose_name
                for value, label in getattr(field, "flatchoices", None) or []:
                    yield f"{model.__name__}.{field.name}={value}", label
        for module_name in (f"{app_label}.forms", f"{app_label}.filters"):
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError:
                continue
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ != module_name:
                    continue
                if issubclass(cls, forms.BaseForm):
                    fields = cls.base_fields
                elif issubclass(cls, FilterSet):
                    # on copies: django-filter caches a field on the filter it is read from, and every
                    # later filterset would copy a field built without its user (choices not narrowed)
                    fields = {n: copy.deepcopy(f).field for n, f in cls.base_filters.items()}
                else:
                    continue
                for field_name, field in fields.items():
                    if field.label is not None:
                        yield f"{name}.{field_name}", field.label
                    if isinstance(field, forms.ModelChoiceField):
                        continue  # rows of the database, not words of the interface
                    for value, label in getattr(field, "choices", None) or []:
                        if value not in ("", None) and not isinstance(label, list | tuple):
                            yield f"{name}.{field_name}={value}", label


def test_no_entry_of_our_catalogues_is_overridden(db: Any) -> None:
    # given every (context, msgid) of our catalogues
    wrong = []
    for (context, msgid), by_catalogue in own_translations().items():
        for catalogue, msgstr in by_catalogue.items():
            # when it is rendered in zh-hans
            got = rendered(context, msgid)
            # then it is this catalogue's own Chinese, whichever catalogue Django merged last
            if not msgstr or got != msgstr:
                wrong.append(f"{catalogue}: {context or ''}|{msgid!r} should be {msgstr!r}, renders {got!r}")
    assert not wrong, "\n".join(wrong)


def test_every_choice_and_form_label_renders_the_apps_own_chinese(db: Any) -> None:
    own = own_translations()
    wrong = []
    count = 0
    for where, label in labels():
        count += 1
        with translation.override("zh-hans"):
            text = str(label)
        key = msgid_of(label)
        if key is not None:
            # a label of ours is in our catalogue; one inherited from Django (User.username) is in Django's
            expected = {msgstr for msgstr in own.get(key, {}).values()}
            if expected and text not in expected:
                wrong.append(f"{where}: {key[1]!r} renders {text!r}, our catalogue says {sorted(expected)}")
        if re.search(r"[A-Za-z]{2,}", ALLOWED_LATIN.sub("", text)):
            wrong.append(f"{where}: {text!r} is not Chinese")
    assert count > 500  # the walk reaches the models, forms and filters
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("label", "chinese"),
    [
        ("households.HealthChoices.DISABLED", "残疾"),
        ("households.HouseholdStatusChoices.CANCELLED", "已销号"),
        ("assistance.MeasureStatusChoices.CANCELLED", "已取消"),
        ("households.PovertyCauseChoices.DISABILITY", "因残"),
    ],
)
def test_domain_terms_that_django_also_uses(label: str, chinese: str) -> None:
    module, cls, member = label.rsplit(".", 2)
    choice = getattr(getattr(importlib.import_module(f"{module}.choices"), cls), member)
    with translation.override("zh-hans"):
        assert str(choice.label) == chinese
