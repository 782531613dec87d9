from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from areas.filters import AreaFilterSet
from areas.models import Area
from areas.policy import policy_keys
from areas.selectors import policy_in_force, policy_years
from areas.services import policy_set
from core.api.mixins import ScopedViewSetMixin
from core.roles import Capability

from .serializers import AreaSerializer, PolicyChangeSerializer, PolicyInForceSerializer


def _policy(area: Area) -> dict[str, Any]:
    """Every value in force in the area: the keys that are not yearly, then each yearly key's years
    as in force here (latest first; a yearly key nobody set for any year is not listed)."""
    found = list(policy_in_force(area).values())
    found += [year for key in policy_keys() if key.yearly for year in policy_years(area, key)]
    return {
        "area": area.code,
        "values": [
            {
                "key": f.key.name,
                "year": f.year,
                "value": f.key.dump(f.value),
                "default": f.key.dump(f.key.default),
                "source": f.source,
                "basis": f.row.basis if f.row else "",
                "version": f.row.version if f.row and f.source == area.code else None,
            }
            for f in found
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
        the area that set it, null for the default) and the version of the area's own value; a
        yearly value (the poverty line) once per year set (`year`). PATCH {"values": {key: value},
        "inherit": [key], "versions": {key: version}} sets them here; with "year" (and "basis", the
        document followed) it sets the yearly values of that year."""
        area = self.get_object()
        if request.method == "PATCH":
            change = PolicyChangeSerializer(data=request.data)
            change.is_valid(raise_exception=True)
            policy_set(area=area, user=request.user, **change.validated_data)
        return Response(_policy(area))
