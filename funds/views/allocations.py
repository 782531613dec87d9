"""Pages for fund sources and allocations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.requests import request_user
from accounts.roles import Capability
from core.forms import form_add_service_errors
from core.pages import ScopedListView
from core.replicas import replica_reads_view
from core.scoping import ensure_can, get_visible_or_404

from .. import selectors, services
from ..filters import AllocationFilterSet
from ..forms import (
    AllocationForm,
    FundSourceForm,
)
from ..models import Allocation

# -- sources and allocations -----------------------------------------------------------------------


@replica_reads_view
@login_required
def source_list(request: HttpRequest) -> HttpResponse:
    form = None
    if request_user(request).has_capability(Capability.MANAGE_FUNDS):
        form = FundSourceForm(request.POST or None, user=request_user(request))
        if request.method == "POST" and form.is_valid():
            try:
                services.fund_source_create(user=request_user(request), **form.cleaned_data)
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Fund source added."))
                return redirect("funds:sources")
    elif request.method == "POST":
        ensure_can(request_user(request), Capability.MANAGE_FUNDS)
    return render(
        request,
        "funds/source_list.html",
        {"sources": selectors.fund_source_list(user=request_user(request)), "form": form},
    )


class AllocationList(ScopedListView):
    template_name = "funds/allocation_list.html"
    filterset_class = AllocationFilterSet
    filtered_by_selector = True

    def rows(self) -> Any:
        return selectors.allocation_list(user=request_user(self.request), filters=self.request.GET)

    def get_context(self) -> dict[str, Any]:
        return {"can_manage": request_user(self.request).has_capability(Capability.MANAGE_FUNDS)}


allocation_list = AllocationList.as_view()


@login_required
def allocation_create(request: HttpRequest) -> HttpResponse:
    ensure_can(request_user(request), Capability.MANAGE_FUNDS)
    form = AllocationForm(request.POST or None, user=request_user(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            allocation = services.allocation_record(
                county=data["source"].area, user=request_user(request), **data
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Allocation recorded."))
            return redirect("funds:allocation", pk=allocation.pk)
    return render(request, "funds/form.html", {"form": form, "title": _("Record an allocation")})


@login_required
def allocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = get_visible_or_404(
        Allocation.objects.select_related("source", "county"), request_user(request), pk=pk
    )
    fundings = allocation.fundings.select_related("project__area").order_by("pk")
    return render(request, "funds/allocation_detail.html", {"allocation": allocation, "fundings": fundings})
