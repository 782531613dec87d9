"""One FilterSet per model: the pages and the API filter the same way."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from areas.pickers import AreaWithinFilter
from core import clock
from core.filtering import FilterSet
from core.forms import yes_no_select
from core.masking import may_see_full
from households.search import household_search_q

from .choices import (
    FollowUpStatusChoices,
    MeasureCategoryChoices,
    MeasureKindChoices,
    MeasureStatusChoices,
    PlanStatusChoices,
    WorkTeamStatusChoices,
)
from .models import AssistancePlan, Cadre, CadrePairing, FollowUp, Measure, VillagePlan, Visit, WorkTeam


def _household_q(value: str, path: str, user: Any) -> Q:
    """Households by a member's name (characters or pinyin), ID number or household number: the one
    search of households.search."""
    return household_search_q(value, user=user, path=path) or Q()


class _WithinMixin:
    """`within`: the area picker (areas.pickers); `within_path` leads from the row to its area."""

    within_path = ""


class CadreFilterSet(_WithinMixin, FilterSet):
    within_path = "area"
    q = django_filters.CharFilter(method="search", label=_("Search"))
    is_active = django_filters.BooleanFilter(label=_("In post"), widget=yes_no_select())
    within = AreaWithinFilter(path=within_path)

    class Meta:
        model = Cadre
        fields = ["q", "is_active", "within"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        match = Q(name__icontains=value) | Q(unit__icontains=value)
        # By phone only for who may see phones in full (core.masking): else a prefix typed digit by
        # digit would read a masked number back.
        if may_see_full(getattr(self.request, "user", None), Cadre, "phone"):
            match |= Q(phone__startswith=value)
        return queryset.filter(match)


class WorkTeamFilterSet(_WithinMixin, FilterSet):
    within_path = "area"
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=WorkTeamStatusChoices.choices, label=_("Status"))
    # the API's (and links') village code; the page chooses the area with the `within` menus
    village = django_filters.CharFilter(
        field_name="village_links__village__code",
        label=_("Village code"),
        distinct=True,
        widget=forms.HiddenInput,
    )
    within = AreaWithinFilter(path=within_path)

    class Meta:
        model = WorkTeam
        fields = ["q", "status", "village", "within"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(name__icontains=value)
            | Q(sending_unit__icontains=value)
            | Q(memberships__cadre__name__icontains=value)
        ).distinct()


class CadrePairingFilterSet(_WithinMixin, FilterSet):
    within_path = "household__village"
    household = django_filters.NumberFilter(field_name="household_id", widget=forms.HiddenInput)
    cadre = django_filters.NumberFilter(field_name="cadre_id", widget=forms.HiddenInput)
    active = django_filters.BooleanFilter(
        field_name="end", lookup_expr="isnull", label=_("Active"), widget=yes_no_select()
    )
    within = AreaWithinFilter(path=within_path)

    class Meta:
        model = CadrePairing
        fields = ["household", "cadre", "active", "within"]


class VisitFilterSet(_WithinMixin, FilterSet):
    within_path = "household__village"
    q = django_filters.CharFilter(method="search", label=_("Search"))
    household = django_filters.NumberFilter(field_name="household_id", widget=forms.HiddenInput)
    cadre = django_filters.NumberFilter(field_name="cadre_id", widget=forms.HiddenInput)
    date_from = django_filters.DateFilter(
        field_name="visited_on",
        lookup_expr="gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="visited_on",
        lookup_expr="lte",
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    within = AreaWithinFilter(path=within_path)

    class Meta:
        model = Visit
        fields = ["q", "household", "cadre", "date_from", "date_to", "within"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            _household_q(value, "household", getattr(self.request, "user", None))
            | Q(findings__icontains=value)
            | Q(needs__icontains=value)
        )


class FollowUpFilterSet(_WithinMixin, FilterSet):
    within_path = "household__village"
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=FollowUpStatusChoices.choices, label=_("Status"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Overdue"), widget=yes_no_select()
    )
    household = django_filters.NumberFilter(field_name="household_id", widget=forms.HiddenInput)
    within = AreaWithinFilter(path=within_path)

    class Meta:
        model = FollowUp
        fields = ["q", "status", "overdue", "household", "within"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(description__icontains=value)
            | _household_q(value, "household", getattr(self.request, "user", None))
        )

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        overdue = Q(status=FollowUpStatusChoices.OPEN, due_date__lt=clock.today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class AssistancePlanFilterSet(_WithinMixin, FilterSet):
    within_path = "household__village"
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(choices=PlanStatusChoices.choices, label=_("Status"))
    household = django_filters.NumberFilter(field_name="household_id", widget=forms.HiddenInput)
    within = AreaWithinFilter(path=within_path)

    class Meta:
        model = AssistancePlan
        fields = ["year", "status", "household", "within"]


class MeasureFilterSet(_WithinMixin, FilterSet):
    within_path = "household__village"
    q = django_filters.CharFilter(method="search", label=_("Search"))
    category = django_filters.ChoiceFilter(
        choices=MeasureCategoryChoices.choices, label=_("Five-batches category")
    )
    kind = django_filters.ChoiceFilter(choices=MeasureKindChoices.choices, label=_("Kind of measure"))
    status = django_filters.ChoiceFilter(choices=MeasureStatusChoices.choices, label=_("Status"))
    household = django_filters.NumberFilter(field_name="household_id", widget=forms.HiddenInput)
    plan = django_filters.NumberFilter(field_name="plan_id", widget=forms.HiddenInput)
    within = AreaWithinFilter(path=within_path)

    class Meta:
        model = Measure
        fields = ["q", "category", "kind", "status", "household", "plan", "within"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(description__icontains=value)
            | _household_q(value, "household", getattr(self.request, "user", None))
        )


class VillagePlanFilterSet(_WithinMixin, FilterSet):
    within_path = "village"
    q = django_filters.CharFilter(method="search", label=_("Search"))
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(choices=PlanStatusChoices.choices, label=_("Status"))
    within = AreaWithinFilter(path=within_path)

    class Meta:
        model = VillagePlan
        fields = ["q", "year", "status", "within"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(village__name__icontains=value))


class AssistedHouseholdFilterSet(_WithinMixin, FilterSet):
    """Households as assistance sees them (cadre, plan, last visit, overdue follow-ups); expects the
    queryset annotated by assistance.selectors.assisted_household_list."""

    within_path = "village"
    q = django_filters.CharFilter(method="search", label=_("Search"))
    gap = django_filters.ChoiceFilter(
        method="filter_gap",
        label=pgettext_lazy("filter", "Show"),
        choices=[
            ("no_cadre", _("Without a cadre")),
            ("no_plan", _("Without a plan this year")),
            ("not_visited", _("Not visited recently")),
            ("overdue", _("With overdue follow-ups")),
        ],
    )
    cadre = django_filters.NumberFilter(field_name="active_cadre_id", widget=forms.HiddenInput)
    village = django_filters.CharFilter(field_name="village__code", widget=forms.HiddenInput)
    within = AreaWithinFilter(path=within_path)

    class Meta:
        from households.models import Household

        model = Household
        fields = ["q", "gap", "cadre", "village", "within"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            _household_q(value, "", getattr(self.request, "user", None)) | Q(village__name__icontains=value)
        )

    def filter_gap(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "no_cadre":
            return queryset.filter(active_cadre_id__isnull=True)
        if value == "no_plan":
            return queryset.filter(has_plan=False)
        if value == "not_visited":
            return queryset.filter(visit_due=True)
        if value == "overdue":
            return queryset.filter(overdue_count__gt=0)
        return queryset
