import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.filtering import FilterSet

from .choices import AreaLevelChoices
from .models import Area
from .pickers import AreaWithinFilter


class AreaFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    level = django_filters.ChoiceFilter(choices=AreaLevelChoices.choices, label=_("Level"))
    parent_id = django_filters.NumberFilter(
        field_name="parent_id", label=_("Parent area (id)"), widget=forms.HiddenInput
    )
    parent = django_filters.CharFilter(
        field_name="parent__code", label=_("Parent area code"), widget=forms.HiddenInput
    )
    within = AreaWithinFilter()

    class Meta:
        model = Area
        fields = ["q", "level", "parent_id", "parent", "within"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))
