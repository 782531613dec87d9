"""Coverage, reminders and the assisted-household pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.requests import request_user
from accounts.roles import Capability
from areas.models import Area
from areas.selectors import areas_top_for
from core import clock
from core.models import Job
from core.pages import JobStartView, ScopedListView
from core.scoping import area_code_param, get_visible_or_404, user_covers_area

from .. import selectors, services
from ..filters import (
    AssistedHouseholdFilterSet,
)
from ..forms import (
    RemindersForm,
)
from ..models import Cadre
from .common import _household, _visit_days

# -- coverage and households ----------------------------------------------------------------------


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """Who is left out in the user's area (or a chosen area inside it)."""
    user = request_user(request)
    code = request.GET.get("area")
    area: Area | None
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


class RemindersRun(JobStartView):
    def start(self) -> Job:
        post = self.request.POST
        self.area = get_visible_or_404(
            Area.objects.all(), request_user(self.request), code=area_code_param(post.get("area"))
        )
        form = RemindersForm(post)
        if not form.is_valid():
            raise ValidationError([message for errors in form.errors.values() for message in errors])
        return services.reminders_job_start(
            area=self.area, visit_days=form.cleaned_data["visit_days"], user=request_user(self.request)
        )

    def back_to(self) -> str:
        return f"{reverse('assistance:coverage')}?area={self.area.code}"


reminders_run = RemindersRun.as_view()


class HouseholdList(ScopedListView):
    template_name = "assistance/household_list.html"
    filterset_class = AssistedHouseholdFilterSet
    unbound_when_empty = True

    def rows(self) -> Any:
        self.days = _visit_days(self.request)
        self.own = Cadre.objects.filter(user=request_user(self.request)).first()
        return selectors.assisted_household_list(user=request_user(self.request), visit_days=self.days)

    def initial_filters(self) -> dict[str, Any] | None:
        if self.own is not None and self.own.pairings.filter(end__isnull=True).exists():
            return {"cadre": self.own.pk}  # a cadre starts from the households paired with them (结对户)
        return None

    def get_context(self) -> dict[str, Any]:
        own, cadre = self.own, (self.filters or {}).get("cadre", "")
        return {
            "days": self.days,
            "own_cadre": own,
            "showing_own": own is not None and str(cadre) == str(own.pk),
        }


household_list = HouseholdList.as_view()


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
    summary = selectors.household_assistance(household, visits=20)
    summary["can_manage"] = request_user(request).has_capability(Capability.MANAGE_ASSISTANCE)
    summary["can_visit"] = request_user(request).has_capability(Capability.LOG_VISIT)
    return render(request, "assistance/household_detail.html", {"household": household, "a": summary})
