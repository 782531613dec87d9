"""Filters that refuse what they cannot apply. django-filter drops an invalid value (an unknown status,
a village of another township, a date that is not one) and returns every row; for an export that means
a spreadsheet of the caller's whole area under a filter they believe was applied. `strict_qs` raises
`FilterRefused` instead, naming each parameter and why, as the API's lists answer 400; the export
pages show it with `export_refused` (a 400 page with a way back), the API as its usual error shape (a
ValidationError keyed by the parameter).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

M = TypeVar("M", bound=Model)


class FilterRefused(ValidationError):
    """Filter parameters that cannot be applied: `errors` (parameter → messages), `labels` (their names
    as the page shows them)."""

    def __init__(self, errors: dict[str, list[str]], labels: dict[str, str] | None = None) -> None:
        self.errors = {name: [str(m) for m in messages] for name, messages in errors.items()}
        self.labels = labels or {}
        super().__init__(self.errors)

    @classmethod
    def from_filterset(cls, filterset: Any) -> FilterRefused:
        fields = filterset.form.fields
        return cls(
            dict(filterset.errors.items()),
            {name: str(fields[name].label or name) for name in filterset.errors if name in fields},
        )

    def lines(self) -> list[tuple[str, str]]:
        return [
            (self.labels.get(name, name), message)
            for name, messages in self.errors.items()
            for message in messages
        ]


class FilterSet(django_filters.FilterSet):  # type: ignore[misc]  # django-filter has no types
    """The FilterSet every app's filters derive from: django-filter's, with each instance building its
    own form fields. django-filter caches a filter's form field on the filter the first time it is read
    and copies the class's filters into every instance; once anything read a class filter's field (the
    zh-hans label test, a schema generator), every later filterset inherited that field, built without
    its user, and with it the unnarrowed choices (another township's village accepted, an empty menu of
    project categories). Dropping the copied fields makes each instance build them from its own
    querysets, so `self.filters[name].queryset = ...` in `__init__` (or a callable queryset) holds."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for copied in self.filters.values():
            copied.__dict__.pop("_field", None)


def strict_qs(filterset: Any) -> QuerySet[Any]:
    """The filterset's rows; FilterRefused when any bound value is invalid (nothing is silently dropped)."""
    if filterset.is_bound and not filterset.is_valid():
        raise FilterRefused.from_filterset(filterset)
    qs: QuerySet[Any] = filterset.qs
    return qs


def export_refused(request: HttpRequest, refused: FilterRefused, *, back_url: str) -> HttpResponse:
    """The 400 page of an export whose filter cannot be applied: each refused parameter with its
    reason, and a link back to the list with the same parameters to correct them."""
    return render(
        request,
        "core/export_refused.html",
        {"lines": refused.lines(), "back_url": back_url},
        status=400,
    )


def filter_rows(
    filterset_class: Any, filters: Mapping[str, Any] | None, queryset: QuerySet[M], *, request: object = None
) -> QuerySet[M]:
    """The rows of `queryset` that the FilterSet keeps for `filters`, typed as the queryset's model
    (django-filter carries no types): the one line every selector ends with. `request` is for a
    FilterSet that narrows its choices by `request.user`."""
    rows: QuerySet[M] = filterset_class(filters or {}, queryset=queryset, request=request).qs
    return rows
