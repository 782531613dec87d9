"""One error shape for the whole API, in the caller's language:

{"detail": "...", "code": "invalid", "errors": {"field": ["message", ...]}}

Errors inside nested lists and objects are keyed by their path, as the services key them
(`members[0].sex`, `parts[1].amount`), never sent as a Python repr of the nested structure.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import BadParameter, ConflictError

NON_FIELD = "non_field_errors"


def error_paths(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten DRF's (or Django's) nested errors to {path: [message, ...]}.

    A list of messages stays at its path; a list of objects (a nested `many=True` serializer: one entry
    per item, empty for items without errors) or a dict keyed by index (DRF's ListField, Django's
    nested ValidationError) gives `path[index]`; a dict keyed by field name gives `path.field`."""
    errors: dict[str, list[str]] = {}

    def add(path: str, message: Any) -> None:
        errors.setdefault(path or NON_FIELD, []).append(str(message))

    def walk(value: Any, path: str) -> None:
        if isinstance(value, DjangoValidationError):
            if hasattr(value, "error_dict"):
                walk(value.error_dict, path)
            elif hasattr(value, "error_list") and len(value.error_list) > 1:
                walk(value.error_list, path)
            else:
                add(path, next(iter(value.messages), ""))
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
                    walk(item, f"{path}[{key}]")
                elif key in (NON_FIELD, "__all__"):
                    walk(item, path)
                else:
                    walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list | tuple):
            if any(isinstance(item, dict) for item in value):
                for index, item in enumerate(value):
                    if item:
                        walk(item, f"{path}[{index}]")
            else:
                for item in value:
                    walk(item, path)
        else:
            add(path, value)

    walk(detail, prefix)
    return errors


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Services raise Django's own exceptions; translate them so views stay thin.
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(error_paths(exc))
    elif isinstance(exc, ConflictError):
        return Response(
            {"detail": exc.message, "code": "conflict", "errors": {}}, status=status.HTTP_409_CONFLICT
        )
    elif isinstance(exc, BadParameter):
        exc = exceptions.ValidationError({exc.field: [exc.message]})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = error_paths(exc.detail)
        first = next(iter(errors.values()))[0] if errors else ""
        response.data = {"detail": first, "code": "invalid", "errors": errors}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"detail": str(detail), "code": code, "errors": {}}
    return response
