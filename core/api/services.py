"""Service-backed writes for API viewsets, declared rather than written out per viewset.

A viewset names the input serializer of each write and the one service call it makes; the mixins do
the rest the same way everywhere: validate the input (with the viewset's serializer context, so an
input serializer can read the caller), pass an input `version` on as `expected_version` (optimistic
concurrency, see core.services.model_update), call the service with the caller as `user`, and answer
with the viewset's serializer (201 for a create). The schema names the declared input serializers, so
a viewset needs no `extend_schema` for them.

    class CadreViewSet(ServiceCreateMixin, ServiceUpdateMixin, ...):
        create_input = s.CadreInputSerializer
        update_input = s.CadreUpdateSerializer

        def create_service(self, **data: Any) -> Cadre:
            return services.cadre_create(**data)

        def update_service(self, cadre: Cadre, **data: Any) -> Cadre:
            return services.cadre_update(cadre=cadre, **data)

`partial_update` (PATCH) exists only on viewsets that take ServiceUpdateMixin, so a viewset gets no
route it does not declare. Other actions use `service_input` and `service_answer` the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet


class ServiceWriteSchema(AutoSchema):
    """The request body of `create` / `partial_update` is the viewset's declared input serializer."""

    def get_request_serializer(self) -> Any:
        declared = getattr(self.view, "input_serializers", {}).get(getattr(self.view, "action", None))
        return declared or super().get_request_serializer()


class ServiceWriteMixin(GenericViewSet):  # type: ignore[type-arg]
    schema = ServiceWriteSchema()
    # answer with the row as the viewset's queryset reads it (its prefetches and annotations) rather
    # than the object the service returned
    answer_reread = False

    @property
    def input_serializers(self) -> dict[str, type[serializers.Serializer[Any]] | None]:
        return {
            "create": getattr(self, "create_input", None),
            "partial_update": getattr(self, "update_input", None),
        }

    def service_input(self, serializer_class: type[serializers.Serializer[Any]]) -> dict[str, Any]:
        """The request's validated input; `version` becomes the service's `expected_version`."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "version" in data:
            data["expected_version"] = data.pop("version")
        return data

    def service_answer(self, obj: Any, *, code: int = status.HTTP_200_OK) -> Response:
        if self.answer_reread:
            obj = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(obj).data, status=code)


class ServiceCreateMixin(ServiceWriteMixin):
    """POST: `create_input` validated, `create_service(user=..., **data)`, answered 201."""

    create_input: type[serializers.Serializer[Any]]
    # the viewset's one service call, `(user=..., **validated input) -> the created row`; a method that
    # may take some input fields by name, so declared as a callable rather than a method to override
    create_service: Callable[..., Any]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.create_service(**self.service_input(self.create_input), user=request.user)
        return self.service_answer(obj, code=status.HTTP_201_CREATED)


class ServiceUpdateMixin(ServiceWriteMixin):
    """PATCH: `update_input` validated, `update_service(obj, user=..., expected_version=..., **data)`."""

    update_input: type[serializers.Serializer[Any]]
    update_service: Callable[..., Any]  # `(obj, user=..., expected_version=..., **validated input) -> obj`

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        return self.service_answer(
            self.update_service(obj, **self.service_input(self.update_input), user=request.user)
        )
