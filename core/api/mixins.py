from typing import Any

from django.db.models import QuerySet


class ScopedViewSetMixin:
    """get_queryset() = the selector's queryset narrowed to the caller's areas.

    A viewset sets `queryset` (or overrides `base_queryset`) and the scope applies to list, retrieve,
    update and delete alike, so an out-of-area object is a 404 everywhere.
    """

    request: Any
    queryset: QuerySet

    def base_queryset(self) -> QuerySet:
        return self.queryset.all()

    def get_queryset(self) -> QuerySet:
        return self.base_queryset().visible_to(self.request.user)
