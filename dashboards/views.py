from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.choices import LEVEL_PREFIX_LENGTH, AreaLevelChoices
from areas.models import Area
from areas.selectors import areas_top_for
from core import clock
from core.downloads import download_name
from core.exceptions import ConflictError
from core.filtering import FilterRefused, export_refused
from core.forms import form_add_service_errors
from core.inputs import id_param
from core.replicas import replica_reads_view
from core.scoping import get_visible_or_404, user_covers_area

from . import figures, services
from .exports import xlsx_response
from .forms import ComputeForm, ExitTargetForm, RecomputeForm
from .models import ExitTarget, IncidenceSnapshot
from .selectors import exit_target_list, snapshot_list

AREA_URL_PLACEHOLDER = "000000000000"
COUNTY_LEN = LEVEL_PREFIX_LENGTH[AreaLevelChoices.COUNTY]


def _as_of(request: HttpRequest) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return None


@replica_reads_view
@login_required
def index(request: HttpRequest) -> HttpResponse:
    tops = list(areas_top_for(request.user))
    if len(tops) == 1:
        return redirect("dashboards:area", code=tops[0].code)
    return render(request, "dashboards/index.html", {"areas": tops})


@replica_reads_view
@login_required
def area_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    area = get_visible_or_404(Area.objects.select_related("parent"), request.user, code=code)
    data = figures.dashboard(user=request.user, area=area, as_of=_as_of(request))
    chart_data = {
        "labels": {
            "people": _("People"),
            "poor_people": _("Poor people"),
            "exited_people": _("Exited people"),
            "incidence": _("Incidence (%)"),
            "open": _("Not closed"),
            "overdue": _("Past deadline"),
            "closed": _("Closed (rectified)"),
        },
        "children": data["children"],
        "trend": data["trend"],
        "classes": data.get("village_classes", []),
        "ledger": data["ledger"]["children"] if data["ledger"] else [],
        # a bar opens its area's dashboard at the same snapshot date (the table's links do the same)
        "area_url": reverse("dashboards:area", kwargs={"code": AREA_URL_PLACEHOLDER}),
        "as_of": data["as_of"].isoformat() if data["as_of"] else "",
    }
    # the snapshot job runs per county (or above): the one that computes this area's figures
    job_area = area if len(area.prefix) <= COUNTY_LEN else Area.objects.get(code=area.code_at("county"))
    return render(
        request,
        "dashboards/area.html",
        {
            "area": area,
            "data": data,
            "tables": figures.TABLES,
            "chart_data": chart_data,
            "job_area": job_area,
            "today": clock.today(job_area),
            "can_run": request.user.has_capability(Capability.RUN_JOBS)
            and user_covers_area(request.user, job_area),
        },
    )


@replica_reads_view
@login_required
def area_export(request: HttpRequest, code: str, table: str) -> HttpResponse:
    """One chart's table as xlsx; an `as_of` that is not a date is a 400 naming it (not the latest)."""
    area = get_visible_or_404(Area.objects.all(), request.user, code=code)
    if table not in figures.TABLES:
        raise Http404(_("Unknown table."))
    try:
        as_of = figures.as_of_param(request.GET)
    except FilterRefused as refused:
        return export_refused(request, refused, back_url=reverse("dashboards:area", args=[area.code]))
    data = figures.dashboard(user=request.user, area=area, as_of=as_of)
    title, header, rows = figures.table(table, data)
    return xlsx_response(
        filename=download_name(area.name, title, data["as_of"], ext="xlsx"),
        title=str(title),
        header=header,
        rows=rows,
    )


@replica_reads_view
@login_required
def snapshots(request: HttpRequest) -> HttpResponse:
    """Snapshot dates, the compute-now form and the recompute ledger."""
    counties = Area.objects.visible_to(request.user).filter(
        level__in=[AreaLevelChoices.PROVINCE, AreaLevelChoices.PREFECTURE, AreaLevelChoices.COUNTY]
    )
    form = ComputeForm(request.POST or None, counties=counties)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.incidence_compute_request(
                user=request.user,
                area=form.cleaned_data["area"],
                as_of=form.cleaned_data["as_of"],
                population_year=form.cleaned_data.get("population_year"),
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            return redirect("core:job", pk=job.pk)
    return render(
        request,
        "dashboards/snapshots.html",
        {
            "form": form,
            "snapshots": snapshot_list(user=request.user, filters=request.GET)[:200],
            "can_run": request.user.has_capability(Capability.RUN_JOBS),
        },
    )


@replica_reads_view
@login_required
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = get_visible_or_404(
        IncidenceSnapshot.objects.select_related("county", "computed_by"), request.user, pk=pk
    )
    form = RecomputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recompute = services.incidence_snapshot_recompute(
                snapshot=snapshot,
                reason=form.cleaned_data["reason"],
                user=request.user,
                population_year=form.cleaned_data.get("population_year"),
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.info(request, _("The snapshot is being recomputed; the reason is recorded."))
            return redirect("core:job", pk=recompute.job_id)
    return render(
        request,
        "dashboards/snapshot_detail.html",
        {
            "snapshot": snapshot,
            "form": form,
            "recomputes": snapshot.recomputes.select_related("requested_by"),
            "can_run": request.user.has_capability(Capability.RUN_JOBS),
        },
    )


@replica_reads_view
@login_required
def targets(request: HttpRequest) -> HttpResponse:
    """Yearly exit targets (年度减贫任务) per county and township."""
    initial = {}
    edit_id = id_param(request.GET, "edit")
    if edit_id is not None:
        editing = get_visible_or_404(ExitTarget.objects.all(), request.user, pk=edit_id)
        initial = {
            "area": editing.area_id,
            "year": editing.year,
            "people": editing.people,
            "households": editing.households,
            "source": editing.source,
            "version": editing.version,
        }
    form = ExitTargetForm(request.POST or None, initial=initial, areas=Area.objects.visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.exit_target_set(
                user=request.user,
                area=data["area"],
                year=data["year"],
                people=data["people"],
                households=data.get("households") or 0,
                source=data.get("source") or "",
                expected_version=data.get("version"),
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        except ConflictError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The exit target is saved."))
            return redirect("dashboards:targets")
    return render(
        request,
        "dashboards/targets.html",
        {
            "form": form,
            "targets": exit_target_list(user=request.user, filters={})[:300],
            "can_set": request.user.has_capability(Capability.APPROVE),
        },
    )
