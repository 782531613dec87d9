import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from areas.choices import AreaLevelChoices
from areas.pickers import AreaWithinFilter
from core.filtering import FilterSet

from .choices import SnapshotStatusChoices
from .models import ExitTarget, IncidenceFigure, IncidenceSnapshot


class IncidenceFigureFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    as_of = django_filters.DateFilter(label=_("As of"))
    level = django_filters.ChoiceFilter(choices=AreaLevelChoices.choices, label=_("Level"))
    area = django_filters.CharFilter(field_name="area__code", label=_("Area code"))
    parent = django_filters.CharFilter(field_name="parent__code", label=_("Parent area code"))
    within = AreaWithinFilter(path="area")

    class Meta:
        model = IncidenceFigure
        fields = ["q", "as_of", "level", "area", "parent", "within"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(area__name__icontains=value)


class IncidenceSnapshotFilterSet(FilterSet):
    q = django_filters.CharFilter(field_name="county__name", lookup_expr="icontains", label=_("Search"))
    as_of = django_filters.DateFilter(label=_("As of"))
    status = django_filters.ChoiceFilter(choices=SnapshotStatusChoices.choices, label=_("Status"))
    county = django_filters.CharFilter(field_name="county__code", label=_("County code"))

    class Meta:
        model = IncidenceSnapshot
        fields = ["q", "as_of", "status", "county"]


class ExitTargetFilterSet(FilterSet):
    q = django_filters.CharFilter(field_name="area__name", lookup_expr="icontains", label=_("Search"))
    year = django_filters.NumberFilter(label=_("Year"))
    area = django_filters.CharFilter(field_name="area__code", label=_("Area code"))

    class Meta:
        model = ExitTarget
        fields = ["q", "year", "area"]
