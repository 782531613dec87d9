"""Helpers shared by the funds pages: paging and form errors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest

from core.exceptions import ConflictError

PAGE_SIZE = 50


def _form_errors(form: Any, exc: ValidationError | ConflictError) -> None:
    """Show a service's errors on the form, next to the fields they name."""
    if isinstance(exc, ConflictError):
        form.add_error(None, exc.message)
        return
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
