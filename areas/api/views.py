from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from areas.filters import AreaFilterSet
from areas.models import Area
from areas.selectors import policy_in_force
from areas.services import policy_set
from core.api.mixins import ScopedViewSetMixin
from core.roles import Capability

from .serializers import AreaSerializer, PolicyChangeSerializer, PolicyInForceSerializer


def _policy(area: Area) -> dict[str, Any]:
    return {
        "area": area.code,
        "values": [
            {
                "key": name,
                "value": found.key.dump(found.value),
                "default": found.key.dump(found.key.default),
                "source": found.source,
                "version": found.row.version if found.row and found.source == area.code else None,
            }
            for name, found in policy_in_force(area).items()
        ],
    }


class AreaViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Administrative areas in the caller's scope. The tree itself is maintained by administrators."""

    queryset = Area.objects.select_related("parent")
    serializer_class = AreaSerializer
    filterset_class = AreaFilterSet
    lookup_field = "code"
    # Each policy key names its own capability; areas.services.policy_set checks it per key.
    action_capabilities = {"policy": Capability.VIEW}

    @extend_schema(responses={200: PolicyInForceSerializer})
    @action(detail=True, methods=["get", "patch"], serializer_class=PolicyChangeSerializer)
    def policy(self, request: Request, code: str | None = None) -> Response:
        """GET: every policy value in force in the area, where it comes from (`source`: the code of
        the area that set it, null for the default) and the version of the area's own value. PATCH
        {"values": {key: value}, "inherit": [key], "versions": {key: version}} sets them here."""
        area = self.get_object()
        if request.method == "PATCH":
            change = PolicyChangeSerializer(data=request.data)
            change.is_valid(raise_exception=True)
            policy_set(area=area, user=request.user, **change.validated_data)
        return Response(_policy(area))
