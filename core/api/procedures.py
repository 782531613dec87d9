"""One `sign/` API action for every procedure's viewset (identification, exit, monitoring): validate the
input with the viewset's `sign_serializer_class` (an input `version` is passed on as `expected_version`,
core.api.services), call its `procedure_sign`, answer with its `signed_data` (by default the procedure
as the viewset reads it). The service decides the capability of each step, so the action itself needs
VIEW."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.services import ServiceWriteMixin
from core.users import request_user

if TYPE_CHECKING:
    from core.users import User


class ProcedureSignMixin(ServiceWriteMixin):
    sign_serializer_class: type[serializers.Serializer]  # type: ignore[type-arg]
    sign_status: int = status.HTTP_200_OK

    def procedure_sign(self, obj: Any, *, user: User, **data: Any) -> Any:
        raise NotImplementedError

    def signed_data(self, result: Any) -> Any:
        return self.get_serializer(self.get_queryset().get(pk=result.pk)).data

    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: Any = None) -> Response:
        """Sign the next step: the caller signs, now (a sign-off is never dated or attributed by the client)."""
        data = self.service_input(self.sign_serializer_class)
        result = self.procedure_sign(self.get_object(), user=request_user(request), **data)
        return Response(self.signed_data(result), status=self.sign_status)
