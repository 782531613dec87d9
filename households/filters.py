"""One FilterSet per model, shared by the pages and the API."""

from __future__ import annotations

import uuid

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from areas.choices import AreaLevelChoices
from areas.models import Area
from areas.pickers import AreaWithinFilter
from core.filtering import FilterSet

from .choices import (
    DuplicateKindChoices,
    HouseholdAttributeChoices,
    HouseholdStatusChoices,
    PovertyCauseChoices,
    ReviewStatusChoices,
)
from .models import CrossCheckMatch, DuplicateCandidate, Household
from .search import household_search_q, search_scope


class HouseholdFilterSet(FilterSet):
    """Search by head or member name, ID number (full or last digits) or household number; filter by
    township, village, status, cause and attribute."""

    q = django_filters.CharFilter(method="search", label=_("Name, ID or household number"))
    # The page's area menus (township → village, loaded on demand); the API's township/village ids stay.
    within = AreaWithinFilter(path="village")
    township = django_filters.ModelChoiceFilter(
        queryset=Area.objects.filter(level=AreaLevelChoices.TOWNSHIP),
        method="filter_within",
        label=_("Township"),
        error_messages={"invalid_choice": _("This township is not one of yours (or does not exist).")},
    )
    village = django_filters.ModelChoiceFilter(
        queryset=Area.objects.filter(level=AreaLevelChoices.VILLAGE),
        label=_("Village"),
        error_messages={"invalid_choice": _("This village is not one of yours (or does not exist).")},
    )
    # distinct=False: one row per household anyway, and DISTINCT would sort the whole registry.
    status = django_filters.MultipleChoiceFilter(
        choices=HouseholdStatusChoices.choices,
        label=_("Status"),
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cause = django_filters.ChoiceFilter(
        choices=PovertyCauseChoices.choices, method="filter_cause", label=_("Poverty cause")
    )
    attribute = django_filters.ChoiceFilter(choices=HouseholdAttributeChoices.choices, label=_("Attribute"))
    year_identified = django_filters.NumberFilter(label=_("Year identified"))
    # The households an import wrote (the link on the import's job page); not offered as a field.
    import_job = django_filters.UUIDFilter(method="filter_import_job", widget=forms.HiddenInput)

    class Meta:
        model = Household
        fields = [
            "q",
            "within",
            "township",
            "village",
            "status",
            "cause",
            "attribute",
            "year_identified",
            "import_job",
        ]

    def __init__(self, *args: object, user: object = None, for_page: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        request = kwargs.get("request") or getattr(self, "request", None)
        self.user = user = user or getattr(request, "user", None)
        if for_page:
            # the page picks the area with `within`; the id filters are the API's (and old links')
            del self.filters["township"], self.filters["village"]
        if user is None:
            return
        # Only the user's own areas are valid choices (a foreign id is a 400, not an empty list).
        if "township" in self.filters:
            visible = Area.objects.visible_to(user)
            self.filters["township"].queryset = visible.filter(level=AreaLevelChoices.TOWNSHIP)
            self.filters["village"].queryset = visible.filter(level=AreaLevelChoices.VILLAGE)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """A member's name (characters or pinyin: 张三, zhangsan, zs, zhangs), ID number (all 18
        characters or the last 4 to 6) or the start of the household number: households.search."""
        q = household_search_q(value, user=self.user, scope=search_scope(self.user))
        return queryset if q is None else queryset.filter(q)

    def filter_within(self, queryset: QuerySet, name: str, value: Area) -> QuerySet:
        return queryset.filter(village__code__startswith=value.prefix)

    def filter_cause(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(main_cause=value) | Q(secondary_causes__contains=[value]))

    def filter_import_job(self, queryset: QuerySet, name: str, value: uuid.UUID) -> QuerySet:
        from .models import ImportLedger

        return queryset.filter(Exists(ImportLedger.objects.filter(household=OuterRef("pk"), job_id=value)))


class DuplicateCandidateFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(choices=ReviewStatusChoices.choices, label=_("Review"))
    kind = django_filters.ChoiceFilter(choices=DuplicateKindChoices.choices, label=_("Why"))

    class Meta:
        model = DuplicateCandidate
        fields = ["status", "kind"]


class CrossCheckMatchFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(choices=ReviewStatusChoices.choices, label=_("Review"))
    batch = django_filters.NumberFilter(field_name="batch_id", widget=forms.HiddenInput)

    class Meta:
        model = CrossCheckMatch
        fields = ["status", "batch"]
