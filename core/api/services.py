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
route it does not declare. An extra action that is one service call on the viewset's object is one
line (`ServiceAction`), its schema included:

    income = ServiceAction(
        services.income_record_save, target="household", input=s.IncomeInputSerializer,
        answer=s.IncomeSerializer, code=201,
    )

Other actions use `service_input` and `service_answer` the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from core.api.mixins import ScopedViewSetMixin
from core.scoping import get_visible_or_404


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

    def service_input(
        self, serializer_class: type[serializers.Serializer[Any]], *, partial: bool = False
    ) -> dict[str, Any]:
        """The request's validated input; `version` becomes the service's `expected_version`."""
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), partial=partial
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "version" in data:
            data["expected_version"] = data.pop("version")
        return data

    def service_answer(
        self,
        obj: Any,
        *,
        code: int = status.HTTP_200_OK,
        serializer: type[serializers.BaseSerializer[Any]] | None = None,
    ) -> Response:
        """`obj` through `serializer` (by default the viewset's), with the viewset's context."""
        if serializer is not None:
            return Response(serializer(obj, context=self.get_serializer_context()).data, status=code)
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
    # the input holds only the fields sent (a PATCH of some fields), each still validated
    update_partial = False

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        data = self.service_input(self.update_input, partial=self.update_partial)
        return self.service_answer(self.update_service(obj, **data, user=request.user))


class ScopedReadCreateViewSet(
    ScopedViewSetMixin,
    ServiceCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    GenericViewSet,  # type: ignore[type-arg]
):
    """List and retrieve in the caller's scope; POST is the viewset's one service call."""


class ServiceAction:
    """An extra POST action that is one service call: `service(<target>=the viewset's object,
    user=..., **validated input)`, answered with `answer` (by default the viewset's serializer).

    `visible` names input fields that carry the id of another row the caller must be able to see
    (`{"new_head": Member}`): each becomes that row, or the action answers 404 as a URL to it would;
    an empty one becomes None. `doc` is the operation's description in the schema; further keywords
    (`url_path`, ...) go to DRF's `action`. The action is built when the class is (`__set_name__`),
    since DRF routes an action by its function's name."""

    def __init__(
        self,
        service: Callable[..., Any],
        *,
        target: str,
        input: type[serializers.Serializer[Any]] | None = None,
        answer: type[serializers.BaseSerializer[Any]] | None = None,
        code: int = status.HTTP_200_OK,
        visible: dict[str, type[models.Model]] | None = None,
        doc: str | None = None,
        **action_kwargs: Any,
    ) -> None:
        self.service, self.target, self.input, self.answer, self.code = service, target, input, answer, code
        self.visible, self.doc = visible or {}, doc
        self.action_kwargs = action_kwargs

    def __set_name__(self, owner: type[ServiceWriteMixin], name: str) -> None:
        spec = self

        def run(self: ServiceWriteMixin, request: Request, pk: Any = None) -> Response:
            data = self.service_input(spec.input) if spec.input is not None else {}
            for field, model in spec.visible.items():
                if data.get(field) in (None, ""):
                    data[field] = None
                else:
                    data[field] = get_visible_or_404(
                        model._default_manager.all(), request.user, pk=data[field]
                    )
            obj = spec.service(**{spec.target: self.get_object()}, user=request.user, **data)
            return self.service_answer(obj, code=spec.code, serializer=spec.answer)

        run.__name__ = name
        run.__qualname__ = f"{owner.__qualname__}.{name}"
        run.__doc__ = spec.doc
        answer = spec.answer or getattr(owner, "serializer_class", None)
        decorated = action(detail=True, methods=["post"], **spec.action_kwargs)(run)
        setattr(owner, name, extend_schema(request=spec.input, responses={spec.code: answer})(decorated))
