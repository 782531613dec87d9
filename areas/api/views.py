from rest_framework import viewsets

from areas.filters import AreaFilterSet
from areas.models import Area
from core.api.mixins import ScopedViewSetMixin

from .serializers import AreaSerializer


class AreaViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Administrative areas in the caller's scope. The tree itself is maintained by administrators."""

    queryset = Area.objects.select_related("parent")
    serializer_class = AreaSerializer
    filterset_class = AreaFilterSet
    lookup_field = "code"
