"""Helpers shared by the registry's pages."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery

from core.forms import form_add_service_errors as form_errors  # noqa: F401  (the one helper, by its name here)

from ..models import (
    Member,
)

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def member_count_subquery() -> Subquery:
    return Subquery(
        Member.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(c=Count("*"))
        .values("c"),
        output_field=IntegerField(),
    )
