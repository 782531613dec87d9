from typing import Any, cast

from django.db.models import QuerySet

from core.scoping import ScopedQuerySet


class ScopedViewSetMixin:
    """get_queryset() = the selector's queryset narrowed to the caller's areas.

    A viewset sets `queryset` (or overrides `base_queryset`) and the scope applies to list, retrieve,
    update and delete alike, so an out-of-area object is a 404 everywhere.
    """

    request: Any
    queryset: QuerySet[Any]

    def base_queryset(self) -> QuerySet[Any]:
        return self.queryset.all()

    def get_queryset(self) -> QuerySet[Any]:
        queryset = cast("ScopedQuerySet[Any]", self.base_queryset())  # scoped models only
        return queryset.visible_to(self.request.user)
