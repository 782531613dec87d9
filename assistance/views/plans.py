"""Pages for household plans, measures and village plans."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core import clock
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
from .common import _household, _page, _save

# -- plans and measures ---------------------------------------------------------------------------


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
    ensure_can(request.user, Capability.MANAGE_ASSISTANCE, household)
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or clock.today().year)
    except ValueError:
        year = clock.today().year
    plan = AssistancePlan.objects.filter(household=household, year=year).first()
    form = PlanForm(request.POST or None, instance=plan, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save(
            form,
            lambda: services.plan_save(
                household=household,
                year=data["year"],
                goals=data["goals"],
                status=data["status"],
                expected_version=data.get("version") if plan else None,
                user=request.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("Plan saved."))
            return redirect("assistance:household", pk=household.pk)
    return render(
        request,
        "assistance/form.html",
        {"form": form, "household": household, "title": _("Household assistance plan")},
    )


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    filters = request.GET.copy() if request.GET else {"year": clock.today().year}
    filterset = AssistancePlanFilterSet(filters, queryset=selectors.plan_list(user=request.user))
    page, query = _page(request, filterset.qs)
    return render(
        request,
        "assistance/plan_list.html",
        {"filter": filterset, "page_obj": page, "querystring_without_page": query},
    )


@login_required
def measure_list(request: HttpRequest) -> HttpResponse:
    filterset = MeasureFilterSet(request.GET or None, queryset=selectors.measure_list(user=request.user))
    page, query = _page(request, filterset.qs)
    return render(
        request,
        "assistance/measure_list.html",
        {"filter": filterset, "page_obj": page, "querystring_without_page": query},
    )


def _measure_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in data.items() if k != "version"}
    fields["category"] = fields.get("category") or None
    return fields


@login_required
def measure_new(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
    ensure_can(request.user, Capability.MANAGE_ASSISTANCE, household)
    form = MeasureForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        measure = _save(
            form,
            lambda: services.measure_create(
                household=household, user=request.user, **_measure_fields(form.cleaned_data)
            ),
        )
        if measure is not None:
            messages.success(request, _("Measure added."))
            return redirect("assistance:household", pk=household.pk)
    return render(
        request, "assistance/form.html", {"form": form, "household": household, "title": _("Add a measure")}
    )


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_visible_or_404(Measure.objects.select_related("household"), request.user, pk=pk)
    ensure_can(request.user, Capability.MANAGE_ASSISTANCE, measure)
    household = measure.household
    form = MeasureForm(request.POST or None, instance=Measure.objects.get(pk=measure.pk), household=household)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or 0
        saved = _save(
            form,
            lambda: services.measure_update(
                measure=measure,
                expected_version=version,
                user=request.user,
                **_measure_fields(form.cleaned_data),
            ),
        )
        if saved is not None:
            messages.success(request, _("Measure saved."))
            return redirect("assistance:household", pk=household.pk)
    return render(
        request, "assistance/form.html", {"form": form, "household": household, "title": _("Edit measure")}
    )


@login_required
def village_plan_list(request: HttpRequest) -> HttpResponse:
    filterset = VillagePlanFilterSet(
        request.GET or None, queryset=selectors.village_plan_list(user=request.user)
    )
    page, query = _page(request, filterset.qs)
    return render(
        request,
        "assistance/village_plan_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "querystring_without_page": query,
            "can_manage": request.user.has_capability(Capability.MANAGE_ASSISTANCE),
        },
    )


@login_required
def village_plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    ensure_can(request.user, Capability.MANAGE_ASSISTANCE)
    plan = get_visible_or_404(VillagePlan.objects.all(), request.user, pk=pk) if pk else None
    form = VillagePlanForm(
        request.POST or None, instance=plan, user=request.user, initial={"year": clock.today().year}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        if plan is not None:
            data["village"], data["year"] = plan.village, plan.year
        saved = _save(
            form,
            lambda: services.village_plan_save(
                user=request.user, expected_version=version if plan else None, **data
            ),
        )
        if saved is not None:
            messages.success(request, _("Village plan saved."))
            return redirect("assistance:village-plans")
    return render(request, "assistance/form.html", {"form": form, "title": _("Village plan")})
