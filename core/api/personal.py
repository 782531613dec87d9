"""Personal fields in the API, through core.masking's declaration: a serializer field that serves a
declared value in full to who may see it (and masked to everyone else), and the viewset mixin that
logs what a response served in full (one SensitiveAccess row per record and kind)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.masking import masked, may_see_full, personal_field
from core.services import sensitive_access_log_many


def serve_personal(context: Mapping[str, Any], record: Any, field: str, value: Any = None) -> str:
    """`record.field` for the API: in full for a user who may see it (noted in the context for
    RevealLoggingMixin to log), masked otherwise."""
    if value is None:
        value = getattr(record, field, "")
    if not value:
        return ""
    request = context.get("request")
    if may_see_full(getattr(request, "user", None), record, field, record):
        revealed = context.get("revealed")
        spec = personal_field(record, field)
        if revealed is not None and spec is not None:
            revealed.append((spec.what, record))
        return str(value)
    return masked(record, field, value)


@extend_schema_field(OpenApiTypes.STR)
class PersonalField(serializers.Field):  # type: ignore[type-arg]
    """A declared personal field of the serialized record, read only (see serve_personal)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return serve_personal(self.context, value, self.field_name or "")


class RevealLoggingMixin:
    """Personal values a response served in full are logged, one SensitiveAccess row each."""

    request: Any

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]
        self._revealed: list[tuple[str, Any]] = []
        context["revealed"] = self._revealed
        return context

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        revealed = getattr(self, "_revealed", None)
        if revealed and response.status_code < 400:
            by_what: dict[str, dict[Any, Any]] = defaultdict(dict)
            for what, record in revealed:
                by_what[what][(type(record), record.pk)] = record
            for what, records in by_what.items():
                sensitive_access_log_many(
                    user=request.user,
                    what=what,
                    records=list(records.values()),
                    detail=f"api {request.path}",
                    request=request,
                )
            revealed.clear()
        final: Response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        return final
