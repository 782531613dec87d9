import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from areas.pickers import AreaWithinFilter
from core import clock
from core.filtering import FilterSet

from .choices import (
    ComplaintFindingChoices,
    ComplaintKindChoices,
    ComplaintStatusChoices,
    ProblemCategoryChoices,
    ProblemStatusChoices,
)
from .models import Complaint, Inspection, Problem


class InspectionFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    within = AreaWithinFilter(path="area")
    inspected_after = django_filters.DateFilter(
        field_name="inspected_on", lookup_expr="gte", label=_("Inspected from")
    )

    class Meta:
        model = Inspection
        fields = ["q", "within", "inspected_after"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(inspectors__icontains=value))


class ProblemFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ProblemStatusChoices.choices, label=_("Status"))
    category = django_filters.ChoiceFilter(
        choices=ProblemCategoryChoices.choices, label=_("Problem category")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Past deadline"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )
    within = AreaWithinFilter(path="area")
    inspection = django_filters.NumberFilter(field_name="inspection_id", widget=forms.HiddenInput)
    responsible_person = django_filters.NumberFilter(
        field_name="responsible_person_id", widget=forms.HiddenInput
    )

    class Meta:
        model = Problem
        fields = ["q", "status", "category", "overdue", "within", "inspection", "responsible_person"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(description__icontains=value)
            | Q(responsible_unit__icontains=value)
            | Q(area__name__icontains=value)
        )

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        overdue = Q(deadline__lt=clock.today()) & ~Q(status=ProblemStatusChoices.CLOSED)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class ComplaintFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=ComplaintKindChoices.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=ComplaintStatusChoices.choices, label=_("Status"))
    finding = django_filters.ChoiceFilter(choices=ComplaintFindingChoices.choices, label=_("Finding"))
    within = AreaWithinFilter(path="area")

    class Meta:
        model = Complaint
        fields = ["q", "kind", "status", "finding", "within"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Not by the complainant's name: most roles see it masked, and a search would confirm who it was.
        return queryset.filter(content__icontains=value)
