"""Reads of accounts: the users an administrator manages, and which of them are locked out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from core import clock

from .models import User, UserArea


def users_managed_by(actor: User, users: QuerySet[User] | None = None) -> QuerySet[User]:
    """The users (of `users`, default all) `actor` administers: an area's administrator manages the
    users whose whole scope lies inside their own, never a superuser; a superuser manages everyone."""
    qs = User.objects.all() if users is None else users
    if actor.is_superuser:
        return qs
    inside = Q(pk__in=[])
    for prefix in actor.scope_prefixes:
        inside |= Q(area__code__startswith=prefix)
    outside = UserArea.objects.filter(user=OuterRef("pk")).exclude(inside)
    has_area = UserArea.objects.filter(user=OuterRef("pk"))
    return qs.filter(Exists(has_area), is_superuser=False).exclude(Exists(outside))


@dataclass(frozen=True)
class LockedSignIn:
    user: User
    until: dt.datetime


def locked_sign_ins(actor: User) -> list[LockedSignIn]:
    """The managed users who cannot sign in now from some address (django-axes' counted failures
    reached the limit within the cool-off), each with the latest time a lock ends; soonest first."""
    from axes.models import AccessAttempt

    since = clock.now() - settings.AXES_COOLOFF_TIME
    ends: dict[str, dt.datetime] = {}
    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).values_list("username", "attempt_time")
    for username, at in attempts:
        if username:
            ends[username] = max(ends.get(username, at), at)
    users = users_managed_by(actor).filter(username__in=ends).order_by("username")
    locked = [LockedSignIn(user=u, until=ends[u.username] + settings.AXES_COOLOFF_TIME) for u in users]
    return sorted(locked, key=lambda x: (x.until, x.user.username))
