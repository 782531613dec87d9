"""Audit trail: database triggers (django-pghistory) write every insert, update and delete of a
tracked model; this module attaches who and where, and reads the trail back for one record.

The triggers read session settings (`pgtrigger.ignore`, `pghistory.context_id`,
`pghistory.context_metadata`) inside a PL/pgSQL block that catches the error raised when a setting is
unset. Each caught error aborts a subtransaction, and PostgreSQL then rescans the transaction's queue of
deferred foreign-key checks: audited writes became quadratic in transaction size (440 µs/row at 40k rows
against 68 at 2.5k). So every database session gets all three settings when it opens
(`audit_session_defaults`, one place for requests, jobs, commands and shells): writes outside any
explicit context are attributed to the process (`{"process": "manage.py migrate"}`), and a request's or
job's own context (`audit_context`, the middleware) overrides it for its transactions.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pghistory
from django.contrib.auth import get_user_model
from django.db import models
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from pghistory import config as pghistory_config
from pghistory import runtime as pghistory_runtime
from pghistory.middleware import HistoryMiddleware
from pghistory.models import Events

from core.net import client_address

if TYPE_CHECKING:
    from core.users import User


class AuditContextMiddleware(HistoryMiddleware):
    """Tags every audited write of a request with the user, URL and client address."""

    def get_context(self, request: Any) -> dict[str, Any]:
        context = super().get_context(request)
        context["ip"] = client_address(request)
        return context


@contextmanager
def audit_context(user: User | None = None, **extra: Any) -> Iterator[None]:
    """Attribute the writes of a block to a user (Celery jobs, management commands, each record a phone
    syncs), under a context of its own.

    Inside another context (a request) the block gets a new context id carrying the outer metadata
    plus its own, instead of pghistory's nesting, which rewrites the outer context row: the earlier
    events of the request would then seem to carry this block's metadata (and the context table is
    append-only once committed, see migration core 0004).
    """
    user_id = getattr(user, "pk", user)
    parent = getattr(pghistory_runtime._tracker, "value", None)
    if parent is None:
        with pghistory.context(user=user_id, **extra):
            yield
        return
    own = pghistory_runtime.Context(id=uuid.uuid4(), metadata={**parent.metadata, "user": user_id, **extra})
    pghistory_runtime._tracker.value = own
    try:
        yield
    finally:
        pghistory_runtime._tracker.value = parent


def _process_name() -> str:
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if name in ("manage.py", "dev.py", "celery", "__main__.py") and len(sys.argv) > 1:
        return f"{name} {sys.argv[1]}"[:100]
    return name[:100]


@receiver(connection_created, dispatch_uid="core.audit.session_defaults")
def audit_session_defaults(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give a new database session the settings the audit triggers read, so none raises and catches."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', '{}', false), "
            "set_config('pghistory.context_id', %s, false), "
            "set_config('pghistory.context_metadata', %s, false)",
            [str(uuid.uuid4()), json.dumps({"process": _process_name()})],
        )


def audit_context_apply(cursor: Any) -> None:
    """Set the current audit context for the rest of the transaction on `cursor` (a Django cursor).

    pghistory attaches its context to each statement that goes through Django's cursor; a COPY or a
    multi-statement SQL batch does not, so bulk writes call this once per transaction instead.
    """
    tracked = getattr(pghistory_runtime._tracker, "value", None)
    if tracked is None:
        return
    cursor.execute(
        "SELECT set_config('pghistory.context_id', %s, true), set_config('pghistory.context_metadata', %s, true)",
        [str(tracked.id), json.dumps(tracked.metadata, cls=pghistory_config.json_encoder())],
    )


def _instant(value: Any) -> Any:
    from django.utils.dateparse import parse_datetime

    return parse_datetime(value) if isinstance(value, str) else None


def audit_events_for(obj: models.Model, *, limit: int = 500) -> list[dict[str, Any]]:
    """The record's history, newest first: when, who, what happened and each field's old and new value.

    `pgh_diff` holds {field: [old, new]} against the previous event of the record.
    """
    tracked = Events.objects.tracks(obj)  # type: ignore[no-untyped-call]
    events = list(tracked.order_by("-pgh_created_at", "-pgh_id")[:limit])
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
                # A record made on a phone (fieldwork sync): the phone's claimed time beside the server's.
                "claimed_at": _instant(context.get("claimed_at")),
                "received_at": _instant(context.get("received_at")),
                "changes": changes,
            }
        )
    return rows
