"""Pages of the identification procedure: start, sign, objections."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import request_user
from core.procedures.views import ProcedureSignView
from core.scoping import get_visible_or_404

from .. import services
from ..choices import IdentificationStageChoices
from ..forms import (
    ObjectionForm,
    ObjectionResolveForm,
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
    household = get_visible_or_404(Household.objects.all(), request_user(request), pk=pk)
    try:
        services.procedure_start(household=household, user=request_user(request))
    except ValidationError as exc:
        return _back_with_errors(request, household, exc)
    messages.success(request, _("Identification procedure started."))
    return redirect("households:detail", pk=household.pk)


class ProcedureSign(ProcedureSignView):
    queryset = IdentificationProcedure.objects.select_related("household")
    step_field = "stage"
    step_labels = IdentificationStageChoices

    def sign(
        self, obj: Any, *, step: str, user: Any, comment: str, decision: str, version: int | None
    ) -> Any:
        return services.procedure_sign(
            procedure=obj, stage=step, user=user, decision=decision, comment=comment
        )

    def back_to(self, obj: Any) -> str:
        return reverse("households:detail", args=[obj.household_id])


procedure_sign = ProcedureSign.as_view()


@login_required
@require_POST
def objection_add(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_visible_or_404(
        IdentificationProcedure.objects.select_related("household"), request_user(request), pk=pk
    )
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        return _back_with_errors(request, procedure.household, ValidationError(list(form.errors.values())))
    try:
        services.objection_record(procedure=procedure, user=request_user(request), **form.cleaned_data)
    except ValidationError as exc:
        return _back_with_errors(request, procedure.household, exc)
    messages.success(request, _("Objection recorded."))
    return redirect("households:detail", pk=procedure.household_id)


@login_required
@require_POST
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_visible_or_404(
        NoticeObjection.objects.select_related("procedure__household"),
        request_user(request),
        pk=pk,
    )
    household = objection.procedure.household
    form = ObjectionResolveForm(request.POST)
    if not form.is_valid():
        return _back_with_errors(request, household, ValidationError(list(form.errors.values())))
    try:
        services.objection_resolve(objection=objection, user=request_user(request), **form.cleaned_data)
    except ValidationError as exc:
        return _back_with_errors(request, household, exc)
    messages.success(request, _("Objection resolved."))
    return redirect("households:detail", pk=household.pk)
