"""What a request may carry, checked in one place before any view reads it.

- NUL bytes: PostgreSQL cannot store them and psycopg refuses them with a server error, so a query or
  form value (or name) holding one is refused with a 400 by `RefuseNulBytesMiddleware`.
- JSON: `json_loads_bounded` measures the nesting depth on the raw text before Python's recursive
  decoder sees it (200,000 nested brackets would overflow the stack), bounded by
  settings.JSON_MAX_DEPTH; a `\\u0000` escape is refused like a NUL in a form.
- Ids in the query string (`?edit=`, `?project=`): `id_param` gives the number or a 400 naming the
  parameter, never a server error from the database lookup.
- Text for a bounded column: `within_column` refuses a longer value with the column's limit, said to
  the user next to the field (never cut without a word, never a database error).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .exceptions import BadParameter

# -- text for a bounded column --------------------------------------------------------------------


def within_column(model: type[models.Model], field: str, value: str) -> str:
    """`value`, or a ValidationError on `field` naming the column's limit when it is longer."""
    limit = getattr(model._meta.get_field(field), "max_length", None)
    if limit is not None and len(value) > limit:
        raise ValidationError(
            {field: _("%(n)d characters; at most %(limit)d fit here.") % {"n": len(value), "limit": limit}}
        )
    return value


# -- ids in the query string -----------------------------------------------------------------------


def id_param(params: Mapping[str, Any], name: str) -> int | None:
    """The record id in `params[name]` (request.GET or request.POST), None when it is absent or empty;
    BadParameter (a 400 naming the parameter) when it is not a whole positive number."""
    value = str(params.get(name) or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise BadParameter(
            name,
            _("“%(name)s” in the address must be a record number (digits only), not “%(value)s”.")
            % {"name": name, "value": value[:40]},
        )
    return int(value)


# -- NUL bytes ------------------------------------------------------------------------------------


def _nul_in(params: Any) -> str | None:
    for key, values in params.lists():
        if "\x00" in key or any("\x00" in str(value) for value in values):
            return str(key).replace("\x00", "")
    return None


def nul_refusal(field: str) -> BadParameter:
    return BadParameter(
        field or "non_field_errors",
        _("“%(name)s” contains a NUL character (\\0), which no field may hold. Remove it and try again.")
        % {"name": field},
    )


class RefuseNulBytesMiddleware:
    """A NUL byte in the path, a query value or a form value is a 400 for that parameter (pages: the
    400 page; API: the API's error shape), before any view or database sees it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = None
        if "\x00" in request.path:
            field = "path"
        else:
            field = _nul_in(request.GET)
            if field is None and request.method == "POST" and _is_form(request):
                field = _nul_in(request.POST)
        if field is None:
            return self.get_response(request)
        error = nul_refusal(field)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": error.message, "code": "invalid", "errors": {error.field: [error.message]}},
                status=400,
            )
        raise error  # handler400 renders it in the site's layout


def _is_form(request: HttpRequest) -> bool:
    content_type = request.content_type or ""
    return content_type in ("application/x-www-form-urlencoded", "multipart/form-data")


# -- JSON -----------------------------------------------------------------------------------------

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")
# An escaped NUL (\u0000) that is not itself an escaped backslash followed by "u0000".
_ESCAPED_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000", re.I)


class JSONRefused(ValueError):
    """JSON the application does not decode: nested deeper than the limit, or holding a NUL."""

    def __init__(self, message: str, code: str) -> None:
        self.message = message
        self.code = code
        super().__init__(message)


def json_depth_exceeds(text: str, limit: int) -> bool:
    """True when brackets outside strings nest deeper than `limit`, counted on the raw text."""
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def json_max_depth() -> int:
    return int(settings.JSON_MAX_DEPTH)


def json_check(text: str, max_depth: int | None = None) -> None:
    """Raise JSONRefused when `text` nests deeper than `max_depth` (settings.JSON_MAX_DEPTH) or
    escapes a NUL; say nothing otherwise (the decoder reports the rest)."""
    limit = json_max_depth() if max_depth is None else max_depth
    if json_depth_exceeds(text, limit):
        raise JSONRefused(
            _("The data is nested more than %(n)d levels deep. Nothing was written.") % {"n": limit},
            "too_deep",
        )
    if _ESCAPED_NUL.search(text):
        raise JSONRefused(
            _("The data contains a NUL character (\\u0000), which no field may hold. Nothing was written."),
            "nul",
        )


def json_loads_bounded(text: str, max_depth: int | None = None) -> Any:
    """json.loads after `json_check`: never a RecursionError, never a NUL reaching the database."""
    json_check(text, max_depth)
    return json.loads(text)
