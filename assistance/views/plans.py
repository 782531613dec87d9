"""Pages for household plans, measures and village plans."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
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
from .common import _HouseholdPage, _save

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


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_visible_or_404(Measure.objects.select_related("household"), request_user(request), pk=pk)
    ensure_can(request_user(request), Capability.MANAGE_ASSISTANCE, measure)
    household = measure.household
    form = MeasureForm(request.POST or None, instance=Measure.objects.get(pk=measure.pk), household=household)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or 0
        saved = _save(
            form,
            lambda: services.measure_update(
                measure=measure,
                expected_version=version,
                user=request_user(request),
                **_measure_fields(form.cleaned_data),
            ),
        )
        if saved is not None:
            messages.success(request, _("Measure saved."))
            return redirect("assistance:household", pk=household.pk)
    return render(
        request, "assistance/form.html", {"form": form, "household": household, "title": _("Edit measure")}
    )


class VillagePlanList(ScopedListView):
    template_name = "assistance/village_plan_list.html"
    filterset_class = VillagePlanFilterSet
    unbound_when_empty = True

    def rows(self) -> Any:
        return selectors.village_plan_list(user=request_user(self.request))

    def get_context(self) -> dict[str, Any]:
        return {"can_manage": request_user(self.request).has_capability(Capability.MANAGE_ASSISTANCE)}


village_plan_list = VillagePlanList.as_view()


@login_required
def village_plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    ensure_can(request_user(request), Capability.MANAGE_ASSISTANCE)
    plan = get_visible_or_404(VillagePlan.objects.all(), request_user(request), pk=pk) if pk else None
    form = VillagePlanForm(
        request.POST or None, instance=plan, user=request_user(request), initial={"year": clock.today().year}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        if plan is not None:
            data["village"], data["year"] = plan.village, plan.year
        saved = _save(
            form,
            lambda: services.village_plan_save(
                user=request_user(request), expected_version=version if plan else None, **data
            ),
        )
        if saved is not None:
            messages.success(request, _("Village plan saved."))
            return redirect("assistance:village-plans")
    return render(request, "assistance/form.html", {"form": form, "title": _("Village plan")})
