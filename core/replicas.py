"""Read replicas: the pages that only read (dashboards, reports, exports, list pages) read from a
streaming standby of the primary; every write, and every read after one, goes to the primary.

`settings.DATABASE_REPLICA_URLS` names the standbys (aliases `replica1`, `replica2`, ... in
`settings.DATABASE_REPLICAS`); empty, and everything stays on the primary. A view opts in with
`@replica_reads_view` (a function) or `replica_reads = True` (a class: `core.pages.ScopedListView`
and every list page built on it). `ReplicaReadsMiddleware` then lets the GET's reads go to one standby
chosen for the request, unless

- the request has already written (`PrimaryReplicaRouter.db_for_write` marks it): the rest of it reads
  what it wrote, on the primary;
- the read runs inside an atomic block on the primary (it may depend on the block's own writes, and a
  `select_for_update` must lock the primary's row);
- the browser wrote within the last `DATABASE_REPLICA_PIN_SECONDS` (a cookie set by the response of a
  request that wrote): the page a form redirects to shows the change even while the standby lags;
- the standby does not answer (the read falls back to the primary and the failure is logged).

Jobs and commands read the primary unless they ask for a standby with `replica_reads()`. Raw SQL on
`django.db.connection` always runs on the primary.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

PIN_COOKIE = "pc_primary"
SAFE_METHODS = ("GET", "HEAD")

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class _Reads:
    replica: str | None = None  # the standby this request or block reads from; None: the primary
    wrote: bool = False
    pinned: bool = False  # the browser wrote moments ago (PIN_COOKIE)


_current: ContextVar[_Reads | None] = ContextVar("core_replica_reads", default=None)


def replica_for_reads() -> str | None:
    """One standby that answers, or None (no standby configured, or none reachable)."""
    aliases = list(settings.DATABASE_REPLICAS)
    random.shuffle(aliases)
    for alias in aliases:
        try:
            connections[alias].ensure_connection()
        except DatabaseError:
            logger.warning("read replica %s does not answer; reading from the primary", alias, exc_info=True)
            continue
        return alias
    return None


@contextmanager
def replica_reads() -> Iterator[str | None]:
    """Let the reads of a block outside a request (a job, a command) go to a standby; yields its alias."""
    state = _Reads(replica=replica_for_reads())
    token = _current.set(state)
    try:
        yield state.replica
    finally:
        _current.reset(token)


def replica_reads_view(view: F) -> F:
    """Mark a function view whose GETs may read from a standby."""
    view.replica_reads = True  # type: ignore[attr-defined]
    return view


class PrimaryReplicaRouter:
    """settings.DATABASE_ROUTERS: reads to the request's standby when allowed, everything else to the
    primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        state = _current.get()
        if state is None or state.replica is None or state.wrote or state.pinned:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return state.replica

    def db_for_write(self, model: Any, **hints: Any) -> str:
        state = _current.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # A standby holds the primary's very rows.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


def _wants_replica(view_func: Any) -> bool:
    view_class = getattr(view_func, "view_class", None)
    return bool(getattr(view_func, "replica_reads", False) or getattr(view_class, "replica_reads", False))


class ReplicaReadsMiddleware:
    """Scopes the router's state to one request; inside SessionMiddleware, so saving the session after
    the response does not count as the request's write."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        state = _Reads(pinned=PIN_COOKIE in request.COOKIES)
        token = _current.set(state)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if state.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request: Any, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        state = _current.get()
        if state is None or state.pinned or state.wrote:
            return
        if request.method not in SAFE_METHODS or not _wants_replica(view_func):
            return
        state.replica = replica_for_reads()
        return
