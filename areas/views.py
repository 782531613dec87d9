from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.models import Job
from core.pages import JobFormView
from core.roles import Capability
from core.scoping import area_code_param, ensure_can, get_visible_or_404

from .choices import AreaLevelChoices
from .filters import AreaFilterSet
from .forms import AreaImportForm
from .models import Area
from .pickers import children_for
from .selectors import area_list, areas_top_for
from .services import area_import_start


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


class AreaImport(JobFormView):
    """Upload a new area tree (yearly code changes, population figures); runs as a job."""

    form_class = AreaImportForm
    template_name = "areas/area_import.html"

    def check(self) -> None:
        ensure_can(self.request.user, Capability.ADMINISTER)

    def perform(self, form: Any) -> Job:
        data = form.cleaned_data
        return area_import_start(
            user=self.request.user, upload=data["file"], population_year=data.get("population_year")
        )


area_import = AreaImport.as_view()
