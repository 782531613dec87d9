"""Coverage, reminders and the assisted-household pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from areas.models import Area
from areas.selectors import areas_top_for
from core import clock
from core.scoping import area_code_param, get_visible_or_404, user_covers_area

from .. import selectors, services
from ..filters import (
    AssistedHouseholdFilterSet,
)
from ..forms import (
    RemindersForm,
)
from ..models import Cadre
from .common import _household, _page, _visit_days

# -- coverage and households ----------------------------------------------------------------------


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """Who is left out in the user's area (or a chosen area inside it)."""
    user = request.user
    code = request.GET.get("area")
    if code:
        area = get_visible_or_404(Area.objects.all(), user, code=area_code_param(code))
    else:
        area = areas_top_for(user).order_by("code").first()
    days = _visit_days(request)
    today = clock.today()
    data = selectors.coverage_for_area(area, today=today, visit_days=days) if area else None
    return render(
        request,
        "assistance/coverage.html",
        {
            "area": area,
            "coverage": data,
            "days": days,
            "today": today,
            "reminders_form": RemindersForm(initial={"visit_days": days}),
            "can_manage": user.has_capability(Capability.MANAGE_ASSISTANCE),
            "top_areas": list(areas_top_for(user).order_by("code")[:20]),
            "parent": area.parent if area and area.parent and user_covers_area(user, area.parent) else None,
        },
    )


@login_required
@require_POST
def reminders_run(request: HttpRequest) -> HttpResponse:
    area = get_visible_or_404(
        Area.objects.all(), request.user, code=area_code_param(request.POST.get("area"))
    )
    form = RemindersForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(f"{reverse('assistance:coverage')}?area={area.code}")
    try:
        job = services.reminders_job_start(
            area=area, visit_days=form.cleaned_data["visit_days"], user=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"{reverse('assistance:coverage')}?area={area.code}")
    return redirect("core:job", pk=job.pk)


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    days = _visit_days(request)
    qs = selectors.assisted_household_list(user=request.user, visit_days=days)
    own = Cadre.objects.filter(user=request.user).first()
    filters = request.GET
    if not filters and own is not None and own.pairings.filter(end__isnull=True).exists():
        filters = {"cadre": own.pk}  # a cadre starts from the households paired with them (结对户)
    filterset = AssistedHouseholdFilterSet(filters or None, queryset=qs)
    page, query = _page(request, filterset.qs)
    return render(
        request,
        "assistance/household_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "querystring_without_page": query,
            "days": days,
            "own_cadre": own,
            "showing_own": own is not None and str(filters.get("cadre", "")) == str(own.pk),
        },
    )


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
    summary = selectors.household_assistance(household, visits=20)
    summary["can_manage"] = request.user.has_capability(Capability.MANAGE_ASSISTANCE)
    summary["can_visit"] = request.user.has_capability(Capability.LOG_VISIT)
    return render(request, "assistance/household_detail.html", {"household": household, "a": summary})
