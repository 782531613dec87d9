"""One FilterSet per model, shared by the pages and the API."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from areas.pickers import AreaWithinFilter
from core.filtering import FilterSet

from .choices import (
    DisbursementKindChoices,
    FundKindChoices,
    FundLevelChoices,
    NoticeKindChoices,
    ProjectStatusChoices,
    UseListChoices,
)
from .models import (
    Allocation,
    DeclaredTotal,
    Disbursement,
    FundSource,
    Notice,
    Project,
    ProjectCategory,
    ProjectFunding,
)


def _categories_for(request: Any) -> QuerySet:
    # Projects are filed under the positive list only: the prohibited uses are no category to look for.
    from .selectors import categories_usable_by

    user = getattr(request, "user", None)
    return categories_usable_by(user) if user is not None else ProjectCategory.objects.none()


def _hidden() -> forms.HiddenInput:
    return forms.HiddenInput()


class FundSourceFilterSet(FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    level = django_filters.ChoiceFilter(
        choices=FundLevelChoices.choices, label=pgettext_lazy("fund", "Level")
    )
    kind = django_filters.ChoiceFilter(choices=FundKindChoices.choices, label=_("Kind of fund"))

    class Meta:
        model = FundSource
        fields = ["q", "level", "kind"]


class AllocationFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    year = django_filters.NumberFilter(label=_("Year"))
    source_id = django_filters.NumberFilter(
        field_name="source_id", label=_("Fund source (id)"), widget=_hidden()
    )
    level = django_filters.ChoiceFilter(
        field_name="source__level", choices=FundLevelChoices.choices, label=pgettext_lazy("fund", "Level")
    )
    kind = django_filters.ChoiceFilter(
        field_name="source__kind", choices=FundKindChoices.choices, label=_("Kind of fund")
    )

    class Meta:
        model = Allocation
        fields = ["q", "year", "source_id", "level", "kind"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(document_number__icontains=value) | Q(source__name__icontains=value) | Q(note__icontains=value)
        )


class ProjectCategoryFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    list_kind = django_filters.ChoiceFilter(choices=UseListChoices.choices, label=_("List"))

    class Meta:
        model = ProjectCategory
        fields = ["q", "list_kind"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class ProjectFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ProjectStatusChoices.choices, label=_("Status"))
    year = django_filters.NumberFilter(label=_("Year"))
    category = django_filters.ModelChoiceFilter(queryset=_categories_for, label=_("Category"))
    within = AreaWithinFilter(path="area", label=_("Run by"))
    household_id = django_filters.NumberFilter(
        field_name="households", label=_("Benefiting household (id)"), widget=_hidden()
    )

    class Meta:
        model = Project
        fields = ["q", "status", "year", "category", "within", "household_id"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))


class ProjectFundingFilterSet(FilterSet):
    project_id = django_filters.NumberFilter(field_name="project_id", widget=_hidden())
    allocation_id = django_filters.NumberFilter(field_name="allocation_id", widget=_hidden())

    class Meta:
        model = ProjectFunding
        fields = ["project_id", "allocation_id"]


class DisbursementFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=DisbursementKindChoices.choices, label=_("Kind"))
    project_id = django_filters.NumberFilter(
        field_name="project_id", label=_("Project (id)"), widget=_hidden()
    )
    household_id = django_filters.NumberFilter(
        field_name="household_id", label=_("Household (id)"), widget=_hidden()
    )
    paid_from = django_filters.DateFilter(field_name="paid_on", lookup_expr="gte", label=_("Paid from"))
    paid_to = django_filters.DateFilter(field_name="paid_on", lookup_expr="lte", label=_("Paid until"))
    within = AreaWithinFilter(path="project__area", label=_("Run by"))

    class Meta:
        model = Disbursement
        fields = ["q", "kind", "project_id", "household_id", "paid_from", "paid_to", "within"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(voucher_number__icontains=value) | Q(payee__icontains=value) | Q(project__name__icontains=value)
        )


class NoticeFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=NoticeKindChoices.choices, label=_("Kind"))
    project_id = django_filters.NumberFilter(
        field_name="project_id", label=_("Project (id)"), widget=_hidden()
    )

    class Meta:
        model = Notice
        fields = ["q", "kind", "project_id"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(project__name__icontains=value))


class DeclaredTotalFilterSet(FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = DeclaredTotal
        fields = ["q", "year"]
