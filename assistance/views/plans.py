"""Pages for household plans, measures and village plans."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy

from accounts.requests import request_user
from accounts.roles import Capability
from core import clock
from core.pages import ScopedListView
from core.scoping import ensure_can, get_visible_or_404

from .. import selectors, services
from ..filters import (
    AssistancePlanFilterSet,
    MeasureFilterSet,
    VillagePlanFilterSet,
)
from ..forms import (
    MeasureForm,
    PlanForm,
    VillagePlanForm,
)
from ..models import AssistancePlan, Measure, VillagePlan
from .common import _CreatePage, _HouseholdPage

# -- plans and measures ---------------------------------------------------------------------------


class PlanEdit(_HouseholdPage):
    """The household's plan of a year (?year=, this year by default): created or edited."""

    form_class = PlanForm
    title = gettext_lazy("Household assistance plan")
    success_message = gettext_lazy("Plan saved.")

    def check(self) -> None:
        super().check()
        try:
            self.year = int(
                self.request.GET.get("year") or self.request.POST.get("year") or clock.today().year
            )
        except ValueError:
            self.year = clock.today().year
        self.plan = AssistancePlan.objects.filter(household=self.household, year=self.year).first()

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"instance": self.plan, "initial": {"year": self.year}}

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        return services.plan_save(
            household=self.household,
            year=data["year"],
            goals=data["goals"],
            status=data["status"],
            expected_version=data.get("version") if self.plan else None,
            user=request_user(self.request),
        )


plan_edit = PlanEdit.as_view()


class PlanList(ScopedListView):
    template_name = "assistance/plan_list.html"
    filterset_class = AssistancePlanFilterSet

    def rows(self) -> Any:
        return selectors.plan_list(user=request_user(self.request))

    def initial_filters(self) -> dict[str, Any]:
        return {"year": clock.today().year}


class MeasureList(ScopedListView):
    template_name = "assistance/measure_list.html"
    filterset_class = MeasureFilterSet
    unbound_when_empty = True

    def rows(self) -> Any:
        return selectors.measure_list(user=request_user(self.request))


plan_list = PlanList.as_view()
measure_list = MeasureList.as_view()


def _measure_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in data.items() if k != "version"}
    fields["category"] = fields.get("category") or None
    return fields


class MeasureNew(_HouseholdPage):
    form_class = MeasureForm
    title = gettext_lazy("Add a measure")
    success_message = gettext_lazy("Measure added.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"household": self.household}

    def perform(self, form: Any) -> Any:
        fields = _measure_fields(form.cleaned_data)
        return services.measure_create(household=self.household, user=request_user(self.request), **fields)


measure_new = MeasureNew.as_view()


class MeasureEdit(_HouseholdPage):
    form_class = MeasureForm
    title = gettext_lazy("Edit measure")
    success_message = gettext_lazy("Measure saved.")

    def check(self) -> None:
        user = request_user(self.request)
        self.measure = get_visible_or_404(
            Measure.objects.select_related("household"), user, pk=self.kwargs["pk"]
        )
        ensure_can(user, Capability.MANAGE_ASSISTANCE, self.measure)
        self.household = self.measure.household

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"instance": Measure.objects.get(pk=self.measure.pk), "household": self.household}

    def perform(self, form: Any) -> Any:
        return services.measure_update(
            measure=self.measure,
            expected_version=form.cleaned_data.get("version") or 0,
            user=request_user(self.request),
            **_measure_fields(form.cleaned_data),
        )


measure_edit = MeasureEdit.as_view()


class VillagePlanList(ScopedListView):
    template_name = "assistance/village_plan_list.html"
    filterset_class = VillagePlanFilterSet
    unbound_when_empty = True

    def rows(self) -> Any:
        return selectors.village_plan_list(user=request_user(self.request))

    def get_context(self) -> dict[str, Any]:
        return {"can_manage": request_user(self.request).has_capability(Capability.MANAGE_ASSISTANCE)}


village_plan_list = VillagePlanList.as_view()


class VillagePlanEdit(_CreatePage):
    """A new village plan, or (with a pk) the plan of its village and year edited."""

    form_class = VillagePlanForm
    title = gettext_lazy("Village plan")
    success_message = gettext_lazy("Village plan saved.")

    def check(self) -> None:
        super().check()
        pk = self.kwargs.get("pk")
        user = request_user(self.request)
        self.plan = get_visible_or_404(VillagePlan.objects.all(), user, pk=pk) if pk else None

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.plan, "initial": {"year": clock.today().year}}

    def perform(self, form: Any) -> Any:
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        if self.plan is not None:
            data["village"], data["year"] = self.plan.village, self.plan.year
        return services.village_plan_save(
            user=request_user(self.request), expected_version=version if self.plan else None, **data
        )

    def success(self, result: Any) -> HttpResponse:
        messages.success(self.request, str(self.success_message))
        return redirect("assistance:village-plans")


village_plan_edit = VillagePlanEdit.as_view()
