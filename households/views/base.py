"""Helpers shared by the registry's pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.forms import Form

from ..models import (
    Member,
)

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def form_errors(form: Form, exc: ValidationError) -> None:
    """Put a service's field errors next to the form's fields (others on top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def member_count_subquery() -> Subquery:
    return Subquery(
        Member.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(c=Count("*"))
        .values("c"),
        output_field=IntegerField(),
    )
