from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.exceptions import ConflictError
from core.forms import form_add_service_errors
from core.models import Job
from core.pages import JobFormView
from core.roles import Capability
from core.scoping import area_code_param, ensure_can, get_visible_or_404, user_covers_area

from .choices import AreaLevelChoices
from .filters import AreaFilterSet
from .forms import AreaImportForm, PolicyForm, YearlyValueForm
from .models import Area
from .pickers import children_for
from .policy import BandsKey, MoneyKey, PolicyKey, policy_keys
from .selectors import (
    PolicyInForce,
    area_list,
    areas_top_for,
    policy_in_force,
    policy_overrides_under,
    policy_years,
)
from .services import area_import_start, policy_set


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
    children = list(children_for(request.user, parent).values("id", "code", "name", "level"))
    level = children[0]["level"] if children else ""
    label = str(AreaLevelChoices(level).label) if level else ""
    return JsonResponse(
        {
            "parent": parent.code,
            "level_label": label,
            "all_label": _("All (%(level)s)") % {"level": label},
            # id: the village menus of forms post ids (areas.pickers.VillagePickerWidget)
            "children": [{"id": c["id"], "code": c["code"], "name": c["name"]} for c in children],
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


# -- policy values (areas.policy) -------------------------------------------------------------------


@login_required
def policy_home(request: HttpRequest) -> HttpResponse:
    """The policy page of the user's county (or of their own area when the county is outside it)."""
    area = areas_top_for(request.user).order_by("code").first()
    if area is None:
        raise Http404(_("Not found, or outside your area."))
    county = area.enclosing(AreaLevelChoices.COUNTY)
    # a township's user sees the values in force in their township (the county's page is outside it)
    shown = county if county is not None and user_covers_area(request.user, county) else area
    return redirect("areas:policy", code=shown.code)


@login_required
def area_policy(request: HttpRequest, code: str) -> HttpResponse:
    """The policy values in force in an area (a county, or a township or village under it), where
    each comes from, and a form for those the user may set there. Another county's user gets 404."""
    user: Any = request.user
    area = get_visible_or_404(Area.objects.select_related("parent"), user, code=area_code_param(code))
    in_force = policy_in_force(area)
    editable = _editable(user, area, in_force)
    if request.method == "POST" and not editable:
        raise PermissionDenied(_("Your role does not allow this action."))
    form = PolicyForm(request.POST or None, area=area, in_force=in_force, editable=editable)
    if request.method == "POST" and form.is_valid() and (saved := _save(request, area, form)):
        return saved
    return render(request, "areas/policy.html", _policy_page(user, area, in_force, form))


@login_required
@require_POST
def area_policy_year(request: HttpRequest, code: str) -> HttpResponse:
    """Set, correct or remove one year of a yearly value (the poverty line) on the area; with errors
    the policy page comes back with this form bound."""
    user: Any = request.user
    area = get_visible_or_404(Area.objects.select_related("parent"), user, code=area_code_param(code))
    key = next((k for k in policy_keys() if k.yearly and k.name == request.POST.get("key")), None)
    if key is None:
        raise Http404(_("Not found, or outside your area."))
    if not _may_set(user, key, area):
        raise PermissionDenied(_("Your role does not allow this action."))
    form = YearlyValueForm(request.POST, key=key)
    if form.is_valid() and (saved := _save(request, area, form, anchor="#yearly")):
        return saved
    in_force = policy_in_force(area)
    page = PolicyForm(area=area, in_force=in_force, editable=_editable(user, area, in_force))
    return render(request, "areas/policy.html", _policy_page(user, area, in_force, page, bound=form))


def _save(
    request: HttpRequest, area: Area, form: PolicyForm | YearlyValueForm, anchor: str = ""
) -> HttpResponse | None:
    """The form's change through the one write path: the page again on success, None (the errors
    on the form) otherwise."""
    try:
        policy_set(area=area, user=request.user, **form.changes())
    except (ValidationError, ConflictError) as exc:
        form_add_service_errors(form, exc)
        return None
    messages.success(request, _("Policy values saved."))
    return redirect(reverse("areas:policy", args=[area.code]) + anchor)


def _may_set(user: Any, key: PolicyKey[Any], area: Area) -> bool:
    return key.settable_at(area.level) and bool(user.has_capability(key.capability))


def _editable(user: Any, area: Area, in_force: dict[str, PolicyInForce]) -> set[str]:
    return {name for name, found in in_force.items() if _may_set(user, found.key, area)}


def _yearly(user: Any, area: Area, bound: YearlyValueForm | None) -> list[dict[str, Any]]:
    """Each yearly key year by year as in force here (latest first), with the form that sets a year
    when the user may set it here."""
    found = []
    this_year = clock.this_year(area)
    for key in (k for k in policy_keys() if k.yearly):
        editable = _may_set(user, key, area)
        form = bound if bound is not None and bound.key == key else YearlyValueForm(key=key, year=this_year)
        years = policy_years(area, key)
        found.append(
            {
                "key": key,
                "years": years,
                "form": form if editable else None,
                "missing": this_year not in {f.year for f in years},  # the year readers ask for now
                "is_money": isinstance(key, MoneyKey),
            }
        )
    return found


def _policy_page(
    user: Any,
    area: Area,
    in_force: dict[str, PolicyInForce],
    form: PolicyForm,
    bound: YearlyValueForm | None = None,
) -> dict[str, Any]:
    """The page's rows grouped by app (in the apps' order): each key's value in force, the area it
    comes from (None: the documented default), and its field when the user may set it here; then
    the yearly values year by year."""
    sources = {
        a.code: a for a in Area.objects.filter(code__in={f.source for f in in_force.values() if f.source})
    }
    groups: dict[str, dict[str, Any]] = {}
    for name, found in in_force.items():
        group = groups.setdefault(
            found.key.app, {"title": apps.get_app_config(found.key.app).verbose_name, "rows": []}
        )
        group["rows"].append(
            {
                "key": found.key,
                "value": found.value,
                "default": found.key.default,
                "source": sources.get(found.source or ""),
                "own": found.source == area.code,
                "field": form[name] if name in form.fields else None,
                "inherit": form[f"{name}:inherit"] if f"{name}:inherit" in form.fields else None,
                "bands": form.band_sets.get(name),
                "is_bands": isinstance(found.key, BandsKey),
            }
        )
    return {
        "area": area,
        "form": form,
        # the apps in dependency order (INSTALLED_APPS), whichever declared its keys first
        "groups": [groups[c.label] for c in apps.get_app_configs() if c.label in groups],
        "can_edit": bool(form.band_sets) or any(not f.is_hidden for f in form),
        "yearly": _yearly(user, area, bound),
        "this_year": clock.this_year(area),  # the county's year: it turns at the county's midnight
        "overrides": policy_overrides_under(user, area),
        "children": area_list(user=user).filter(parent=area),
    }
