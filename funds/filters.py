"""One FilterSet per model, shared by the pages and the API."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from areas.models import Area

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


def _within(queryset: QuerySet, path: str, code: str) -> QuerySet:
    area = Area.objects.filter(code=code).first()
    if area is None:
        return queryset.none()
    return queryset.filter(**{f"{path}__code__startswith": area.prefix})


class FundSourceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    level = django_filters.ChoiceFilter(choices=FundLevelChoices.choices, label=_("Level"))
    kind = django_filters.ChoiceFilter(choices=FundKindChoices.choices, label=_("Kind of fund"))

    class Meta:
        model = FundSource
        fields = ["q", "level", "kind"]


class AllocationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    year = django_filters.NumberFilter(label=_("Year"))
    source_id = django_filters.NumberFilter(field_name="source_id", label=_("Fund source (id)"))
    level = django_filters.ChoiceFilter(
        field_name="source__level", choices=FundLevelChoices.choices, label=_("Level")
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


class ProjectCategoryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    list_kind = django_filters.ChoiceFilter(choices=UseListChoices.choices, label=_("List"))

    class Meta:
        model = ProjectCategory
        fields = ["q", "list_kind"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class ProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ProjectStatusChoices.choices, label=_("Status"))
    year = django_filters.NumberFilter(label=_("Year"))
    category_id = django_filters.NumberFilter(field_name="category_id", label=_("Category (id)"))
    within = django_filters.CharFilter(method="filter_within", label=_("Within area (code)"))
    household_id = django_filters.NumberFilter(field_name="households", label=_("Benefiting household (id)"))

    class Meta:
        model = Project
        fields = ["q", "status", "year", "category_id", "within", "household_id"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def filter_within(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _within(queryset, "area", value)


class ProjectFundingFilterSet(django_filters.FilterSet):
    project_id = django_filters.NumberFilter(field_name="project_id", label=_("Project (id)"))
    allocation_id = django_filters.NumberFilter(field_name="allocation_id", label=_("Allocation (id)"))

    class Meta:
        model = ProjectFunding
        fields = ["project_id", "allocation_id"]


class DisbursementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=DisbursementKindChoices.choices, label=_("Kind"))
    project_id = django_filters.NumberFilter(field_name="project_id", label=_("Project (id)"))
    household_id = django_filters.NumberFilter(field_name="household_id", label=_("Household (id)"))
    paid_from = django_filters.DateFilter(field_name="paid_on", lookup_expr="gte", label=_("Paid from"))
    paid_to = django_filters.DateFilter(field_name="paid_on", lookup_expr="lte", label=_("Paid until"))
    within = django_filters.CharFilter(method="filter_within", label=_("Within area (code)"))

    class Meta:
        model = Disbursement
        fields = ["q", "kind", "project_id", "household_id", "paid_from", "paid_to", "within"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(voucher_number__icontains=value) | Q(payee__icontains=value) | Q(project__name__icontains=value)
        )

    def filter_within(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _within(queryset, "project__area", value)


class NoticeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=NoticeKindChoices.choices, label=_("Kind"))
    project_id = django_filters.NumberFilter(field_name="project_id", label=_("Project (id)"))

    class Meta:
        model = Notice
        fields = ["q", "kind", "project_id"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(project__name__icontains=value))


class DeclaredTotalFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = DeclaredTotal
        fields = ["q", "year"]
