"""One FilterSet per model, shared by the pages and the API."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from areas.pickers import AreaWithinFilter
from core.filtering import FilterSet
from core.forms import yes_no_select
from households.search import household_search_q

from .choices import (
    AreaExitStateChoices,
    CampaignStateChoices,
    CheckTaskStateChoices,
    ExitProcedureStateChoices,
    MonitoringCategoryChoices,
    MonitoringSourceChoices,
    MonitoringStateChoices,
)
from .models import Campaign, CheckTask, ExitFlag, ExitProcedure, MonitoringCase, VillageExit


def _household_search(queryset: QuerySet, value: str, user: Any) -> QuerySet:
    q = household_search_q(value, user=user, path="household")
    return queryset if q is None else queryset.filter(q)


class HouseholdScopedFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    within = AreaWithinFilter(path="household__village")
    household = django_filters.NumberFilter(field_name="household_id", widget=forms.HiddenInput)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _household_search(queryset, value, getattr(self.request, "user", None))


class ExitProcedureFilterSet(HouseholdScopedFilterSet):
    state = django_filters.ChoiceFilter(choices=ExitProcedureStateChoices.choices, label=_("State"))
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = ExitProcedure
        fields = ["q", "state", "year", "within", "household"]


class ExitFlagFilterSet(HouseholdScopedFilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    eligible = django_filters.BooleanFilter(label=_("Exit-eligible"), widget=yes_no_select())
    proposed = django_filters.BooleanFilter(label=_("Exit proposed"), widget=yes_no_select())

    class Meta:
        model = ExitFlag
        fields = ["q", "year", "eligible", "proposed", "within", "household"]


class MonitoringCaseFilterSet(HouseholdScopedFilterSet):
    state = django_filters.ChoiceFilter(choices=MonitoringStateChoices.choices, label=_("State"))
    category = django_filters.ChoiceFilter(choices=MonitoringCategoryChoices.choices, label=_("Category"))
    source = django_filters.ChoiceFilter(choices=MonitoringSourceChoices.choices, label=_("Source"))

    class Meta:
        model = MonitoringCase
        fields = ["q", "state", "category", "source", "within", "household"]


class CheckTaskFilterSet(HouseholdScopedFilterSet):
    campaign = django_filters.NumberFilter(field_name="campaign_id", widget=forms.HiddenInput)
    state = django_filters.ChoiceFilter(choices=CheckTaskStateChoices.choices, label=_("State"))
    cadre = django_filters.NumberFilter(field_name="cadre_id", widget=forms.HiddenInput)

    class Meta:
        model = CheckTask
        fields = ["q", "campaign", "state", "cadre", "within", "household"]


class VillageExitFilterSet(FilterSet):
    q = django_filters.CharFilter(field_name="village__name", lookup_expr="icontains", label=_("Search"))
    year = django_filters.NumberFilter(label=_("Year"))
    state = django_filters.ChoiceFilter(choices=AreaExitStateChoices.choices, label=_("State"))
    within = AreaWithinFilter(path="village")

    class Meta:
        model = VillageExit
        fields = ["q", "year", "state", "within"]


class CampaignFilterSet(FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    state = django_filters.ChoiceFilter(choices=CampaignStateChoices.choices, label=_("State"))

    class Meta:
        model = Campaign
        fields = ["q", "state"]
