"""Screening, village exit and county exit pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.requests import request_user
from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.forms import form_add_service_errors
from core.models import Job
from core.paging import page_of, querystring_without_page
from core.scoping import area_code_param, get_visible_or_404

from .. import selectors, services
from ..choices import (
    AreaExitStateChoices,
    ExitConditionChoices,
)
from ..filters import (
    ExitFlagFilterSet,
)
from ..forms import (
    CountyExitForm,
    ScreeningForm,
)
from ..models import (
    VillageExit,
)
from ..tasks import SCREENING_KIND
from .base import (
    _areas_for,
    _errors_to_messages,
    _home_county,
    _year,
)

# -- screening --------------------------------------------------------------------------------------


@login_required
def screening(request: HttpRequest) -> HttpResponse:
    areas = _areas_for(request_user(request), (AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP))
    form = ScreeningForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        area = get_visible_or_404(Area.objects.all(), request_user(request), code=form.cleaned_data["area"])
        try:
            with transaction.atomic():
                job = services.exit_screening_start(
                    area=area, year=form.cleaned_data["year"], user=request_user(request)
                )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            return redirect("core:job", pk=job.pk)
    filterset = ExitFlagFilterSet(
        request.GET, queryset=selectors.exit_flag_list(user=request_user(request)), request=request
    )
    last_job = (
        Job.objects.readable_by(request_user(request))
        .filter(kind=SCREENING_KIND)
        .order_by("-created_at")
        .first()
    )
    return render(
        request,
        "exits/screening.html",
        {
            "last_job": last_job,
            "form": form,
            "can_run": request_user(request).has_capability(Capability.RUN_JOBS),
            "filter": filterset,
            "page_obj": page_of(request, filterset.qs),
            "querystring_without_page": querystring_without_page(request),
            "conditions": ExitConditionChoices,
        },
    )


# -- village and county exit ------------------------------------------------------------------------


@login_required
def villages(request: HttpRequest) -> HttpResponse:
    year, year_error = _year(request.GET.get("year"))
    if year_error:
        messages.error(request, year_error)
    tops = (
        list(request_user(request).areas.all().order_by("code"))
        if not request_user(request).is_superuser
        else []
    )
    area = None
    if request.GET.get("area"):
        area = get_visible_or_404(
            Area.objects.all(), request_user(request), code=area_code_param(request.GET["area"])
        )
    elif tops:
        area = tops[0]
    rows = selectors.village_rows(user=request_user(request), area=area, year=year) if area else []
    return render(
        request,
        "exits/villages.html",
        {
            "rows": rows,
            "area": area,
            "year": year,
            "areas": _areas_for(request_user(request), (AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP)),
            "settings": selectors.exit_settings_for(area) if area else None,
            "can_propose": request_user(request).has_capability(Capability.PROPOSE),
        },
    )


@login_required
def village_exit_propose(request: HttpRequest, code: str) -> HttpResponse:
    village = get_visible_or_404(
        Area.objects.filter(level=AreaLevelChoices.VILLAGE),
        request_user(request),
        code=area_code_param(code),
    )
    year, year_error = _year(request.POST.get("year") or request.GET.get("year"))
    standards = list(selectors.village_standards_for(village))
    check = selectors.area_exit_check(village, year)
    errors: list[str] = [year_error] if year_error else []
    if request.method == "POST" and not errors:
        checks = {
            s.pk: (
                request.POST.get(f"met_{s.pk}") == "on",
                request.POST.get(f"note_{s.pk}", ""),
            )
            for s in standards
        }
        try:
            row = services.village_exit_propose(
                village=village, year=year, checks=checks, user=request_user(request)
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Village exit proposed."))
            return redirect("exits:village-exit", pk=row.pk)
    return render(
        request,
        "exits/village_exit_propose.html",
        {
            "village": village,
            "year": year,
            "standards": standards,
            "check": check,
            "errors": errors,
        },
    )


@login_required
def village_exit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_visible_or_404(
        VillageExit.objects.select_related("village", "proposed_by", "decided_by"),
        request_user(request),
        pk=pk,
    )
    if request.method == "POST":
        try:
            services.village_exit_decide(
                village_exit=row,
                approve=request.POST.get("approve") == "1",
                note=request.POST.get("note", ""),
                user=request_user(request),
            )
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("exits:village-exit", pk=pk)
    return render(
        request,
        "exits/village_exit_detail.html",
        {
            "row": row,
            "checks": row.checks.select_related("standard"),
            "live": selectors.area_exit_check(row.village, row.year),
            "can_decide": request_user(request).has_capability(Capability.APPROVE),
            "proposed": AreaExitStateChoices.PROPOSED,
        },
    )


@login_required
def county_exit(request: HttpRequest) -> HttpResponse:
    county = _home_county(request_user(request))
    form = CountyExitForm(request.POST or None)
    if request.method == "POST" and county is not None and form.is_valid():
        try:
            services.county_exit_record(county=county, user=request_user(request), **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("County exit check recorded."))
            return redirect("exits:county")
    year = clock.today().year
    return render(
        request,
        "exits/county_exit.html",
        {
            "county": county,
            "form": form,
            "rows": selectors.county_exit_list(user=request_user(request)),
            "live": selectors.area_exit_check(county, year) if county else None,
            "year": year,
            "can_record": request_user(request).has_capability(Capability.APPROVE),
        },
    )
