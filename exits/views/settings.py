"""The county's exit settings page: the village standards (each form posted to a view of its own),
and the poverty lines and the exit and monitoring rules in force (policy values, edited on the
county's policy page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from areas.models import Area
from areas.selectors import policy_in_force, policy_years
from core.scoping import get_visible_or_404

from .. import selectors, services
from ..models import VillageStandard
from ..policy import EXIT_KEYS, POVERTY_LINE
from .base import _errors_to_messages, _home_county

# -- settings ---------------------------------------------------------------------------------------


def _county(request: HttpRequest) -> Area:
    county = _home_county(request.user)
    if county is None:
        raise PermissionDenied(_("Your account covers no county."))
    return county


def _can_edit(request: HttpRequest, county: Area) -> bool:
    return request.user.has_capability(Capability.APPROVE) and county.code.startswith(
        tuple(request.user.scope_prefixes) or ("-",)
    )


def _editable_county(request: HttpRequest) -> Area:
    """The county whose settings a POST changes; refused unless the user may change them."""
    county = _county(request)
    if not _can_edit(request, county):
        raise PermissionDenied(_("Only the county's officials change its settings."))
    return county


def _page(request: HttpRequest, county: Area) -> HttpResponse:
    """The settings page. The poverty lines and the exit and monitoring rules are shown as in force;
    they are edited on the county's policy page."""
    return render(
        request,
        "exits/settings.html",
        {
            "county": county,
            "lines": policy_years(county, POVERTY_LINE),
            "rules": policy_in_force(county, EXIT_KEYS.values()).values(),
            "can_edit": _can_edit(request, county),
            "standards": selectors.village_standards_for(county),
        },
    )


@login_required
def exit_settings(request: HttpRequest) -> HttpResponse:
    return _page(request, _county(request))


@login_required
@require_POST
def village_standard_add(request: HttpRequest) -> HttpResponse:
    county = _editable_county(request)
    try:
        services.village_standard_add(county=county, title=request.POST.get("title", ""), user=request.user)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Standard added."))
    return redirect("exits:settings")


@login_required
@require_POST
def village_standard_retire(request: HttpRequest, pk: int) -> HttpResponse:
    _editable_county(request)
    standard = get_visible_or_404(VillageStandard.objects.all(), request.user, pk=pk)
    try:
        services.village_standard_retire(standard=standard, user=request.user)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Standard retired."))
    return redirect("exits:settings")
