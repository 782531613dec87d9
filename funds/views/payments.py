"""Pages for payments: list, record, detail, reverse."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import request_user
from accounts.roles import Capability
from core.forms import form_add_service_errors
from core.idempotency import was_replayed
from core.inputs import id_param
from core.pages import ScopedListView
from core.scoping import ensure_can, get_visible_or_404

from .. import selectors, services
from ..filters import DisbursementFilterSet
from ..forms import (
    DisbursementForm,
    ReversalForm,
)
from ..models import Disbursement, Project

# -- payments --------------------------------------------------------------------------------------


class DisbursementList(ScopedListView):
    template_name = "funds/disbursement_list.html"
    filterset_class = DisbursementFilterSet
    filtered_by_selector = True

    def rows(self) -> Any:
        return selectors.disbursement_list(user=request_user(self.request), filters=self.request.GET)

    def get_context(self) -> dict[str, Any]:
        return {"can_manage": request_user(self.request).has_capability(Capability.MANAGE_FUNDS)}


disbursement_list = DisbursementList.as_view()


@login_required
def disbursement_create(request: HttpRequest) -> HttpResponse:
    ensure_can(request_user(request), Capability.MANAGE_FUNDS)
    project = None
    project_id = id_param(request.GET, "project")
    if project_id is not None:
        project = get_visible_or_404(Project.objects.all(), request_user(request), pk=project_id)
    form = DisbursementForm(request.POST or None, user=request_user(request), project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.disbursement_record(
                funding=data["funding"],
                amount=data["amount"],
                paid_on=data["paid_on"],
                voucher_number=data["voucher_number"],
                payee=data["payee"],
                household=data["household_number"],
                measure=data.get("measure"),
                note=data["note"],
                idempotency_key=data["idempotency_key"],
                user=request_user(request),
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            if was_replayed(payment):  # the form sent twice (double click, reload): one payment
                messages.info(request, _("This payment was already recorded; nothing was added."))
            else:
                messages.success(request, _("Payment recorded."))
            return redirect("funds:project", pk=payment.project_id)
    return render(request, "funds/form.html", {"form": form, "title": _("Record a payment")})


@login_required
def disbursement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_visible_or_404(
        Disbursement.objects.select_related(
            "project", "funding__allocation__source", "household__village", "recorded_by", "reverses"
        ),
        request_user(request),
        pk=pk,
    )
    reversal = Disbursement.objects.filter(reverses=payment).first()
    can_reverse = (
        request_user(request).has_capability(Capability.MANAGE_FUNDS)
        and not payment.is_reversal
        and reversal is None
    )
    return render(
        request,
        "funds/disbursement_detail.html",
        {"payment": payment, "reversal": reversal, "form": ReversalForm() if can_reverse else None},
    )


@login_required
@require_POST
def disbursement_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_visible_or_404(Disbursement.objects.all(), request_user(request), pk=pk)
    form = ReversalForm(request.POST)
    if form.is_valid():
        try:
            reversal = services.disbursement_reverse(
                disbursement=payment,
                reason=form.cleaned_data["reason"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                user=request_user(request),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            if was_replayed(reversal):
                messages.info(request, _("This reversal was already recorded; nothing was added."))
            else:
                messages.success(request, _("Payment reversed; the project's balance is restored."))
    else:
        messages.error(request, _("Say why the payment is reversed."))
    return redirect("funds:disbursement", pk=pk)
