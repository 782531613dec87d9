"""The funds overview, the reports, reconciliation and the ledger check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.requests import request_user
from accounts.roles import Capability
from core.forms import form_add_service_errors
from core.models import Job
from core.pages import JobStartView
from core.replicas import replica_reads_view
from core.scoping import ensure_can

from .. import selectors, services
from ..choices import ReportGroupingChoices
from ..forms import (
    DeclaredTotalForm,
    ReportForm,
    counties_for,
)

# -- overview and reports --------------------------------------------------------------------------


@replica_reads_view
@login_required
def funds_index(request: HttpRequest) -> HttpResponse:
    # The figures say which years they add up (all, or the one chosen): the dashboard shows this
    # year's, and unlabelled totals of different years read as a contradiction.
    form = ReportForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    rows = selectors.execution_report(user=request_user(request), by=ReportGroupingChoices.SOURCE, year=year)
    township_rows = selectors.execution_report(
        user=request_user(request), by=ReportGroupingChoices.TOWNSHIP, year=year
    )
    return render(
        request,
        "funds/index.html",
        {
            "form": form,
            "year": year,
            "years": selectors.funds_years(user=request_user(request)),
            "rows": rows,
            "total": selectors.report_totals(rows),
            "township_rows": township_rows,
            "township_total": selectors.report_totals(township_rows),
            "recent": selectors.payments_latest(user=request_user(request)),
            "can_manage": request_user(request).has_capability(Capability.MANAGE_FUNDS),
            "can_propose": request_user(request).has_capability(Capability.PROPOSE),
        },
    )


@replica_reads_view
@login_required
def report(request: HttpRequest) -> HttpResponse:
    by = request.GET.get("by") or ReportGroupingChoices.SOURCE
    if by not in ReportGroupingChoices.values:
        by = ReportGroupingChoices.SOURCE
    form = ReportForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    rows = selectors.execution_report(user=request_user(request), by=by, year=year)
    assigned = by in (ReportGroupingChoices.PROJECT, ReportGroupingChoices.TOWNSHIP)
    return render(
        request,
        "funds/report.html",
        {
            "rows": rows,
            "total": selectors.report_totals(rows),
            "by": by,
            "assigned": assigned,
            "groupings": ReportGroupingChoices.choices,
            "form": form,
            "year": year or "",
            "chart": {
                "labels": [r.label for r in rows],
                "allocated": [str(r.allocated_wan) for r in rows],
                "paid": [str(r.paid_wan) for r in rows],
                "allocated_label": _("Assigned to projects (10k yuan)")
                if assigned
                else _("Allocated to the county (10k yuan)"),
                "paid_label": _("Paid (10k yuan)"),
                "unit": _("10k yuan"),
            },
        },
    )


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    ledger: list = []
    for county in counties_for(user):
        ledger.extend(selectors.ledger_mismatches(area_prefix=county.prefix))
    return render(
        request,
        "funds/reconciliation.html",
        {
            "declared": selectors.declared_total_list(user=user),
            "declared_mismatches": selectors.declared_mismatches(user=user),
            "ledger_mismatches": ledger,
            "can_run": user.has_capability(Capability.RUN_JOBS) and counties_for(user).exists(),
            "can_manage": user.has_capability(Capability.MANAGE_FUNDS),
        },
    )


@login_required
def declared_total_create(request: HttpRequest) -> HttpResponse:
    """Record a total as a report declares it, with its parts, to reconcile it."""
    ensure_can(request_user(request), Capability.MANAGE_FUNDS)
    form = DeclaredTotalForm(request.POST or None)
    county = counties_for(request_user(request)).order_by("code").first()
    if request.method == "POST" and form.is_valid():
        if county is None:
            form.add_error(None, _("Declared totals are kept by a county; your area is not a county."))
        else:
            data = form.cleaned_data
            try:
                services.declared_total_record(
                    area=county,
                    title=data["title"],
                    year=data["year"],
                    source_document=data["source_document"],
                    declared_amount=data["declared_amount"],
                    parts=form.parts_in_yuan(),
                    user=request_user(request),
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Declared total recorded."))
                return redirect("funds:reconciliation")
    return render(request, "funds/form.html", {"form": form, "title": _("Record a declared total")})


class LedgerCheckStart(JobStartView):
    back_url = "funds:reconciliation"

    def start(self) -> Job:
        county = counties_for(request_user(self.request)).order_by("code").first()
        return services.ledger_check_start(county=county, user=request_user(self.request))


ledger_check_start = LedgerCheckStart.as_view()
