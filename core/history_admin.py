"""The admin's change events (django-pghistory's events admin) with personal fields masked.

pghistory's own admin prints every event's raw data and diff: ID numbers, phones and complainants
in full, to every superuser, unlogged. This admin (settings.PGHISTORY_ADMIN_CLASS) shows the same
events with each declared personal field (core.masking) masked, for everyone: the admin is not a
way to read them (the record pages reveal them, logged).
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from pghistory.admin import EventsAdmin

from .masking import personal_field


def _tracked_model(event: Any) -> Any:
    try:
        return apps.get_model(event.pgh_obj_model)
    except (LookupError, ValueError):
        return None


def _mask_value(model: Any, field: str, value: Any) -> Any:
    spec = personal_field(model, field) if model is not None else None
    if spec is None or value in (None, ""):
        return value
    return spec.mask(str(value))


def masked_event_data(event: Any) -> dict[str, Any]:
    """The event's row (pgh_data) with every declared personal field masked."""
    model = _tracked_model(event)
    data = event.pgh_data or {}
    return {key: _mask_value(model, key, value) for key, value in data.items()}


def masked_event_diff(event: Any) -> dict[str, Any]:
    """The event's changes (pgh_diff: {field: [old, new]}) with both values of a personal field masked."""
    model = _tracked_model(event)
    diff = event.pgh_diff or {}
    return {
        key: [_mask_value(model, key, value) for value in pair] if isinstance(pair, list) else pair
        for key, pair in diff.items()
    }


def _as_json(value: dict[str, Any]) -> Any:
    if not value:
        return "—"
    return format_html("<pre>{}</pre>", json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))


class MaskedEventsAdmin(EventsAdmin):
    """pghistory's events admin with `pgh_data` and `pgh_diff` read through core.masking."""

    _masked_columns = {"pgh_data": "masked_data", "pgh_diff": "masked_diff"}
    readonly_fields = ("masked_data", "masked_diff")

    def get_list_filter(self, request: Any) -> Any:
        # pghistory's filters are titled in English; the same filters under Chinese titles
        titles = {
            "label": _("kind of change"),
            "event model": _("event table"),
            "method": _("how related"),
            "object": _("record"),
            "model": _("record type"),
        }
        return [
            type(f.__name__, (f,), {"title": titles.get(f.title, f.title)}) if f.title in titles else f
            for f in super().get_list_filter(request)  # type: ignore[no-untyped-call]  # pghistory
        ]

    def get_list_display(self, request: Any) -> Any:
        columns = super().get_list_display(request)  # type: ignore[no-untyped-call]  # pghistory
        return [self._masked_columns.get(name, name) for name in columns]

    def get_fields(self, request: Any, obj: Any = None) -> Any:
        fields: list[Any] = list(super().get_fields(request, obj))
        shown = [self._masked_columns.get(name, name) for name in fields]
        return list(dict.fromkeys(shown))  # the readonly columns are appended once by Django already

    def get_exclude(self, request: Any, obj: Any = None) -> Any:
        return [*(super().get_exclude(request, obj) or []), *self._masked_columns]

    def masked_data(self, obj: Any) -> Any:
        return _as_json(masked_event_data(obj))

    masked_data.short_description = _("data (personal fields masked)")  # type: ignore[attr-defined]

    def masked_diff(self, obj: Any) -> Any:
        return _as_json(masked_event_diff(obj))

    masked_diff.short_description = _("changes (personal fields masked)")  # type: ignore[attr-defined]
