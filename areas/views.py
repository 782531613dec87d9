import uuid

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.roles import Capability
from core.scoping import area_code_param, ensure_can, get_visible_or_404
from core.services import job_create, job_enqueue

from .choices import AreaLevelChoices
from .filters import AreaFilterSet
from .forms import AreaImportForm
from .models import Area
from .pickers import children_for
from .selectors import area_list, areas_top_for
from .tasks import areas_import_task


@login_required
def area_index(request: HttpRequest) -> HttpResponse:
    if request.GET:
        filterset = AreaFilterSet(request.GET, queryset=area_list(user=request.user))
        return render(request, "areas/area_list.html", {"filter": filterset, "areas": filterset.qs[:500]})
    filterset = AreaFilterSet(queryset=Area.objects.none())
    return render(
        request, "areas/area_list.html", {"filter": filterset, "areas": areas_top_for(request.user)}
    )


@login_required
def area_children(request: HttpRequest) -> JsonResponse:
    """The next menu of an area picker: the chosen area's children in the user's scope (404 for an
    area outside it, so a user never learns of areas they do not cover)."""
    parent = get_visible_or_404(
        Area.objects.all(), request.user, code=area_code_param(request.GET.get("parent"))
    )
    children = list(children_for(request.user, parent).values("code", "name", "level"))
    level = children[0]["level"] if children else ""
    label = str(AreaLevelChoices(level).label) if level else ""
    return JsonResponse(
        {
            "parent": parent.code,
            "level_label": label,
            "all_label": _("All (%(level)s)") % {"level": label},
            "children": [{"code": c["code"], "name": c["name"]} for c in children],
        }
    )


@login_required
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    area = get_visible_or_404(Area.objects.select_related("parent"), request.user, code=code)
    children = area_list(user=request.user).filter(parent=area)
    populations = area.populations.order_by("-year")[:10]
    return render(
        request,
        "areas/area_detail.html",
        {"area": area, "children": children, "ancestors": area.ancestors(), "populations": populations},
    )


@login_required
def area_import(request: HttpRequest) -> HttpResponse:
    """Upload a new area tree (yearly code changes, population figures); runs as a job."""
    ensure_can(request.user, Capability.ADMINISTER)
    form = AreaImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
        stored = default_storage.save(f"imports/areas/{uuid.uuid4().hex}{suffix}", upload)
        with transaction.atomic():
            job = job_create(
                kind="areas.import",
                user=request.user,
                area=request.user.areas.order_by("code").first(),
                params={"file": stored, "population_year": form.cleaned_data.get("population_year")},
            )
            job_enqueue(job, areas_import_task)
        return redirect("core:job", pk=job.pk)
    return render(request, "areas/area_import.html", {"form": form})
