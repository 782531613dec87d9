"""The county's exit settings page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core.exceptions import ConflictError
from core.forms import form_add_service_errors
from core.scoping import get_visible_or_404

from .. import selectors, services
from ..forms import (
    ExitSettingsForm,
    PovertyLineForm,
    band_formset,
)
from ..models import (
    ExitSettings,
    VillageStandard,
)
from .base import _errors_to_messages, _home_county

# -- settings ---------------------------------------------------------------------------------------


@login_required
def exit_settings(request: HttpRequest) -> HttpResponse:
    county = _home_county(request.user)
    if county is None:
        raise PermissionDenied(_("Your account covers no county."))
    can_edit = request.user.has_capability(Capability.APPROVE) and county.code.startswith(
        tuple(request.user.scope_prefixes) or ("-",)
    )
    stored = ExitSettings.objects.filter(county=county).first() or ExitSettings(county=county)
    settings_form = ExitSettingsForm(instance=stored, initial={"version": stored.version})
    bands = band_formset(bands=stored.village_class_bands)
    line_form = PovertyLineForm()
    if request.method == "POST" and can_edit:
        try:
            if request.POST.get("form") == "standard":
                services.village_standard_add(
                    county=county,
                    title=request.POST.get("title", ""),
                    user=request.user,
                )
                messages.success(request, _("Standard added."))
                return redirect("exits:settings")
            if request.POST.get("form") == "retire":
                standard_pk = request.POST.get("standard", "")
                standard = get_visible_or_404(
                    VillageStandard.objects.all(),
                    request.user,
                    pk=int(standard_pk) if standard_pk.isdigit() else 0,
                )
                services.village_standard_retire(standard=standard, user=request.user)
                messages.success(request, _("Standard retired."))
                return redirect("exits:settings")
            if request.POST.get("form") == "line":
                line_form = PovertyLineForm(request.POST)
                if line_form.is_valid():
                    services.poverty_line_set(county=county, user=request.user, **line_form.cleaned_data)
                    messages.success(request, _("Poverty line saved."))
                    return redirect("exits:settings")
            else:
                settings_form = ExitSettingsForm(request.POST, instance=ExitSettings(county=county))
                bands = band_formset(request.POST, bands=stored.village_class_bands)
                if settings_form.is_valid() and bands.is_valid():
                    data = dict(settings_form.cleaned_data)
                    version = data.pop("version", None)
                    services.exit_settings_update(
                        county=county,
                        user=request.user,
                        expected_version=version,
                        village_class_bands=bands.bands(),
                        **data,
                    )
                    messages.success(request, _("Settings saved."))
                    return redirect("exits:settings")
        except ValidationError as exc:
            if request.POST.get("form") in ("standard", "retire"):
                _errors_to_messages(request, exc)
            else:
                form_add_service_errors(
                    line_form if request.POST.get("form") == "line" else settings_form,
                    exc,
                )
        except ConflictError as exc:
            settings_form.add_error(None, exc.message)
    return render(
        request,
        "exits/settings.html",
        {
            "county": county,
            "lines": selectors.poverty_line_list(user=request.user).filter(county=county),
            "settings_form": settings_form,
            "line_form": line_form,
            "can_edit": can_edit,
            "standards": selectors.village_standards_for(county),
            "bands": bands,
            "stored_bands": stored.village_class_bands,
        },
    )
