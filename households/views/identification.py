"""Pages of the identification procedure: start, sign, objections."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.scoping import get_visible_or_404

from .. import services
from ..forms import (
    ObjectionForm,
    ObjectionResolveForm,
    SignStepForm,
)
from ..models import (
    Household,
    IdentificationProcedure,
    NoticeObjection,
)

# -- identification procedure ----------------------------------------------------------------------


def _back_with_errors(request: HttpRequest, household: Household, exc: ValidationError) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return redirect("households:detail", pk=household.pk)


@login_required
@require_POST
def procedure_start(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household.objects.all(), request.user, pk=pk)
    try:
        services.procedure_start(household=household, user=request.user)
    except ValidationError as exc:
        return _back_with_errors(request, household, exc)
    messages.success(request, _("Identification procedure started."))
    return redirect("households:detail", pk=household.pk)


@login_required
@require_POST
def procedure_sign(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_visible_or_404(
        IdentificationProcedure.objects.select_related("household"), request.user, pk=pk
    )
    form = SignStepForm(request.POST)
    household = procedure.household
    if not form.is_valid():
        return _back_with_errors(request, household, ValidationError(list(form.errors.values())))
    try:
        services.procedure_sign(
            procedure=procedure,
            stage=request.POST.get("stage", ""),
            user=request.user,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        return _back_with_errors(request, household, exc)
    messages.success(request, _("Step signed."))
    return redirect("households:detail", pk=household.pk)


@login_required
@require_POST
def objection_add(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_visible_or_404(
        IdentificationProcedure.objects.select_related("household"), request.user, pk=pk
    )
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        return _back_with_errors(request, procedure.household, ValidationError(list(form.errors.values())))
    try:
        services.objection_record(procedure=procedure, user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _back_with_errors(request, procedure.household, exc)
    messages.success(request, _("Objection recorded."))
    return redirect("households:detail", pk=procedure.household_id)


@login_required
@require_POST
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_visible_or_404(
        NoticeObjection.objects.select_related("procedure__household"),
        request.user,
        pk=pk,
    )
    household = objection.procedure.household
    form = ObjectionResolveForm(request.POST)
    if not form.is_valid():
        return _back_with_errors(request, household, ValidationError(list(form.errors.values())))
    try:
        services.objection_resolve(objection=objection, user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _back_with_errors(request, household, exc)
    messages.success(request, _("Objection resolved."))
    return redirect("households:detail", pk=household.pk)
