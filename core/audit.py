"""Audit trail: database triggers (django-pghistory) write every insert, update and delete of a
tracked model; this module attaches who and where, and reads the trail back for one record."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pghistory
from django.contrib.auth import get_user_model
from django.db import models
from pghistory.middleware import HistoryMiddleware
from pghistory.models import Events


class AuditContextMiddleware(HistoryMiddleware):
    """Tags every audited write of a request with the user, URL and client address."""

    def get_context(self, request: Any) -> dict[str, Any]:
        context = super().get_context(request)
        context["ip"] = request.META.get("REMOTE_ADDR")
        return context


@contextmanager
def audit_context(user: Any = None, **extra: Any) -> Iterator[None]:
    """Attribute writes done outside a request (Celery jobs, management commands) to a user."""
    user_id = getattr(user, "pk", user)
    with pghistory.context(user=user_id, **extra):
        yield


def audit_events_for(obj: models.Model, *, limit: int = 500) -> list[dict[str, Any]]:
    """The record's history, newest first: when, who, what happened and each field's old and new value.

    `pgh_diff` holds {field: [old, new]} against the previous event of the record.
    """
    events = list(Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id")[:limit])
    user_ids = {e.pgh_context.get("user") for e in events if e.pgh_context and e.pgh_context.get("user")}
    users = get_user_model().objects.in_bulk([uid for uid in user_ids if uid is not None])
    rows = []
    for event in events:
        context = event.pgh_context or {}
        label = event.pgh_label
        diff = event.pgh_diff or {}
        if label == "insert":
            changes = {k: [None, v] for k, v in (event.pgh_data or {}).items() if not k.startswith("pgh_")}
        elif label == "delete":
            changes = {k: [v, None] for k, v in (event.pgh_data or {}).items() if not k.startswith("pgh_")}
        else:
            changes = diff
        rows.append(
            {
                "at": event.pgh_created_at,
                "action": label,
                "user": users.get(context.get("user")),
                "user_id": context.get("user"),
                "url": context.get("url", ""),
                "job": context.get("job", ""),
                "changes": changes,
            }
        )
    return rows
