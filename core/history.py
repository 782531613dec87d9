"""The history page of a record, read like the record page: field names as the page labels them,
choice labels instead of codes, related records by name, local times, 新增/修改/删除, and personal
fields shown exactly as the record page shows them (core.masking; a value in full is logged).

core.audit reads the raw trail (`audit_events_for`); this module only presents it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import clock
from .audit import audit_events_for
from .masking import may_see_full, personal_field
from .models import VersionedModel
from .scoping import object_area

if TYPE_CHECKING:
    from core.users import User


def _action_label(action: str) -> str:
    return {
        "insert": pgettext("audit action", "Added"),
        "update": pgettext("audit action", "Changed"),
        "delete": pgettext("audit action", "Deleted"),
    }.get(action, action)


def _shown_fields(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    """Fields a user edits or reads on the record page, by name and column name (events use the
    column name of a foreign key: head_id). Derived keys (phone_key, pinyin keys), timestamps, the
    version counter (core.models.VersionedModel), the primary key and a model's `history_hidden`
    fields (a request's idempotency key) are bookkeeping, not shown."""
    fields: dict[str, models.Field[Any, Any]] = {}
    hidden = set(getattr(model, "history_hidden", ()))
    for field in model._meta.concrete_fields:
        if field.primary_key or not field.editable or field.name in hidden:
            continue
        if issubclass(model, VersionedModel) and field.name == "version":
            continue
        fields[field.name] = field
        fields[field.attname] = field
    return fields


def _related_names(
    fields: dict[str, models.Field[Any, Any]], events: list[dict[str, Any]], user: User
) -> dict[str, dict[str, str]]:
    """{field name: {pk: name}} for the foreign keys the events mention, one query per field; rows
    outside the user's scope keep their number (their name is not the user's to read)."""
    wanted: dict[str, set[Any]] = defaultdict(set)
    for event in events:
        for key, pair in event["changes"].items():
            field = fields.get(key)
            if field is not None and field.is_relation:
                wanted[field.name].update(v for v in pair if v is not None)
    names: dict[str, dict[str, str]] = {}
    for name, pks in wanted.items():
        field = fields[name]
        model = field.related_model
        if model is None or isinstance(model, str):
            continue
        manager = model._default_manager
        if hasattr(manager, "visible_to"):
            qs = manager.visible_to(user)
        elif model is get_user_model():
            qs = manager.all()  # who did it: staff accounts, named on every page already
        else:
            qs = manager.none()
        names[name] = {str(obj.pk): str(obj) for obj in qs.filter(pk__in=pks)}
    return names


def _plain(field: models.Field[Any, Any], value: Any, area: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(field, models.JSONField) and isinstance(value, dict):
        return "、".join(f"{k} {v}" for k, v in value.items())  # not Python's repr
    if isinstance(field, ArrayField):
        items = value if isinstance(value, list) else [value]
        return "、".join(_plain(field.base_field, item, area) for item in items)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value in (True, "true", "t") else _("No")
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value) if isinstance(value, str) else value
        if isinstance(moment, dt.datetime):
            return clock.localtime(moment, area).strftime("%Y-%m-%d %H:%M")
    return str(value)


def history_for(record: models.Model, user: User, *, request: Any = None) -> list[dict[str, Any]]:
    """The record's history for `user`, newest first: [{at, action, user, job, claimed_at,
    received_at, changes: [{field, old, new}]}]."""
    from .services import sensitive_access_log

    model = type(record)
    events = audit_events_for(record)
    fields = _shown_fields(model)
    related = _related_names(fields, events, user)
    area = object_area(record)
    revealed: set[str] = set()

    def display(field: models.Field[Any, Any], value: Any) -> str | None:
        if value is None:
            return None
        spec = personal_field(model, field.name)
        if spec is not None:
            # as the record page shows it: in full only where the page shows it in full to this user
            if spec.pages_show_full and may_see_full(user, record, field.name, record):
                revealed.add(spec.what)
                return str(value)
            return spec.mask(str(value))
        if field.is_relation:
            return related.get(field.name, {}).get(str(value), f"#{value}")
        # a column without choices whose codes the model can name (a signer's role, a policy key)
        named = getattr(model, "history_display", None)
        shown = named(field.name, value) if named is not None else None
        return shown if shown is not None else _plain(field, value, area)

    rows = []
    for event in events:
        changes = []
        for key, (old, new) in event["changes"].items():
            field = fields.get(key)
            if field is None:
                continue
            changes.append(
                {
                    "field": str(field.verbose_name),
                    "old": display(field, old),
                    "new": display(field, new),
                    # an identifier (a category's code) is shown as code, not as words to translate
                    "code": field.name in getattr(model, "history_codes", ()),
                }
            )
        rows.append(
            {
                **event,
                "at": clock.localtime(event["at"], area),
                "action": _action_label(event["action"]),
                "claimed_at": clock.localtime(event["claimed_at"], area) if event["claimed_at"] else None,
                "received_at": clock.localtime(event["received_at"], area) if event["received_at"] else None,
                "changes": changes,
            }
        )
    for what in sorted(revealed):
        sensitive_access_log(user=user, what=what, obj=record, detail="history", request=request)
    return rows
