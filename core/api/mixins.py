from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from core.scoping import ScopedQuerySet


class ScopedViewSetMixin:
    """get_queryset() = the selector's queryset narrowed to the caller's areas.

    A viewset sets `queryset` (or overrides `base_queryset`) and the scope applies to list, retrieve,
    update and delete alike, so an out-of-area object is a 404 everywhere.
    """

    request: Any

    def base_queryset(self) -> QuerySet[Any]:
        # `queryset` is the viewset's (DRF's GenericAPIView declares it); not redeclared here, so an
        # abstract viewset that sets none still type-checks
        queryset: QuerySet[Any] | None = getattr(self, "queryset", None)
        if queryset is None:
            raise ImproperlyConfigured(f"{type(self).__name__} sets no queryset and no base_queryset().")
        return queryset.all()

    def get_queryset(self) -> QuerySet[Any]:
        queryset = cast("ScopedQuerySet[Any]", self.base_queryset())  # scoped models only
        return queryset.visible_to(self.request.user)
