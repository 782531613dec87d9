"""Requests that carry an idempotency key (a payment's hidden form key or `Idempotency-Key` header, a
phone record's UUID): the one mechanism by which a repeated request, even one arriving at the same
instant as its twin, is answered with what the first one wrote and writes nothing more.

`run_once` takes a transaction-scoped PostgreSQL advisory lock on the key before it looks the key up,
so of twins racing on one key exactly one creates and every other one waits for it to commit and then
finds its row. The object returned carries `replayed` (False for the one that created it); the API
answers 201 for the first and 200 with the same body for the others (`created_status`), pages say
"already recorded". A key already used for a different request is refused (`reused`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection, transaction

T = TypeVar("T")

HEADER = "Idempotency-Key"


def key_lock(namespace: str, key: str) -> None:
    """Wait until no other transaction holds `namespace:key`; held until this transaction ends.

    Must run inside a transaction (outside one the lock would end with the statement)."""
    if not connection.in_atomic_block:
        raise RuntimeError("key_lock needs a transaction: call it inside transaction.atomic()")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{namespace}:{key}"])


def run_once(
    *,
    namespace: str,
    key: str,
    find: Callable[[], T | None],
    same: Callable[[T], bool],
    reused: Callable[[], Exception],
    create: Callable[[], T],
) -> T:
    """The object stored under `key`, created by `create()` only when none is.

    `find` looks the key up; `same` tells whether the stored object answers this very request (same
    amount, same payee...), else `reused()` is raised. The returned object's `replayed` is True when it
    was found rather than created now."""
    with transaction.atomic():
        key_lock(namespace, key)
        existing = find()
        if existing is not None:
            if not same(existing):
                raise reused()
            return mark(existing, replayed=True)
        return mark(create(), replayed=False)


def mark(obj: T, *, replayed: bool) -> T:
    """Record on the object whether it answers a repeated request (like a queryset annotation)."""
    obj.replayed = replayed  # type: ignore[attr-defined]
    return obj


def was_replayed(obj: Any) -> bool:
    return bool(getattr(obj, "replayed", False))


def created_status(obj: Any) -> int:
    """201 for the request that created the object, 200 for every repeat of it."""
    return 200 if was_replayed(obj) else 201


def request_key(request: Any, value: str | None = None) -> str:
    """The key a client sent: in the body (`value`) or, failing that, in the `Idempotency-Key` header."""
    return (value or request.headers.get(HEADER, "") or "").strip()
