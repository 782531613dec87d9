"""The one place that decides which rows a user may see and touch.

Every scoped model has a `scope_path`: the lookup path from the model to its `areas.Area`
("" for Area itself, "village" for a household, "household__village" for a member). Its manager is a
`ScopedQuerySet`, whose `visible_to(user)` keeps the rows whose area code starts with one of the
user's area prefixes. Pages, API viewsets, exports, admin and jobs all start from `visible_to`.

It fails closed: anonymous users, inactive users and users without areas see nothing; rows without
an area are seen only by superusers. A system administrator role is scoped like everyone else (a
county's administrator manages that county).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, Self, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _


class ScopedUser(Protocol):
    """What scoping needs of a user (accounts.User has it); core sits below accounts and does not
    import it."""

    @property
    def is_superuser(self) -> bool: ...

    @property
    def scope_prefixes(self) -> Sequence[str]: ...

    def has_capability(self, capability: str) -> bool: ...


def scope_q(user: Any, scope_path: str) -> models.Q | None:
    """A Q restricting `scope_path` to the user's areas; None means "everything" (system admin)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return models.Q(pk__in=[])
    if user.is_superuser:
        return None
    prefixes = user.scope_prefixes
    if not prefixes:
        return models.Q(pk__in=[])
    field = f"{scope_path}__code" if scope_path else "code"
    q = models.Q()
    for prefix in prefixes:
        q |= models.Q(**{f"{field}__startswith": prefix})
    return q


_M = TypeVar("_M", bound=models.Model)


def scope_path_of(model: type[models.Model]) -> str:
    """The model's lookup path to its area (every scoped model declares `scope_path`)."""
    path: str = model.scope_path  # type: ignore[attr-defined]
    return path


class ScopedQuerySet(models.QuerySet[_M]):
    def visible_to(self, user: Any) -> Self:
        q = scope_q(user, scope_path_of(self.model))
        return self if q is None else self.filter(q)


def get_visible_or_404(queryset: models.QuerySet[_M], user: Any, **lookup: Any) -> _M:
    """The object if the user's scope covers it; otherwise 404, so existence is not leaked."""
    try:
        return queryset.visible_to(user).get(**lookup)  # type: ignore[attr-defined, no-any-return]
    except ObjectDoesNotExist as exc:  # the model's DoesNotExist
        raise Http404(_("Not found, or outside your area.")) from exc


def area_code_param(value: Any) -> str:
    """An area code taken from a URL or query string, or "" when it cannot be one: "" matches no area,
    so a mangled code (letters, a NUL byte) is a 404 rather than a database error."""
    text = str(value or "")
    return text if text.isdigit() else ""


def object_area(obj: models.Model) -> Any:
    """Follow the model's scope_path from obj to its Area (None if the row has no area)."""
    target: Any = obj
    path = scope_path_of(type(obj))
    for part in path.split("__") if path else []:
        target = getattr(target, part, None)
        if target is None:
            return None
    return target


def user_covers_area(user: ScopedUser, area: Any) -> bool:
    if user.is_superuser:
        return True
    if area is None:
        return False
    return any(area.code.startswith(prefix) for prefix in user.scope_prefixes)


def ensure_can(
    user: ScopedUser, capability: str, obj: models.Model | None = None, *, area: Any = None
) -> None:
    """Check a write before it happens: scope first (404 when out of area), then role (403).

    `obj` is an existing record; `area` the area a new record will belong to.
    """
    if obj is not None:
        area = object_area(obj)
    if (obj is not None or area is not None) and not user_covers_area(user, area):
        raise Http404(_("Not found, or outside your area."))
    if not user.has_capability(capability):
        raise PermissionDenied(_("Your role does not allow this action."))
