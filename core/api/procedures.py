"""One `sign/` API action for every procedure's viewset (identification, exit, monitoring): validate the
input with the viewset's `sign_serializer_class`, call its `procedure_sign`, answer with its
`signed_data`. The service decides the capability of each step, so the action itself needs VIEW."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet


class ProcedureSignMixin(GenericViewSet):  # type: ignore[type-arg]
    sign_serializer_class: type[serializers.Serializer]  # type: ignore[type-arg]
    sign_status = status.HTTP_200_OK

    def procedure_sign(self, obj: Any, *, user: Any, **data: Any) -> Any:
        raise NotImplementedError

    def signed_data(self, result: Any) -> Any:
        raise NotImplementedError

    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: Any = None) -> Response:
        """Sign the next step: the caller signs, now (a sign-off is never dated or attributed by the client)."""
        data = self.sign_serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        result = self.procedure_sign(self.get_object(), user=request.user, **data.validated_data)
        return Response(self.signed_data(result), status=self.sign_status)
