"""Pages. Each view parses a form, calls one service or selector, and renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from core.exceptions import ConflictError
from core.scoping import ensure_can, get_visible_or_404
from core.services import job_create, job_enqueue

from . import selectors, services
from .choices import FUNDABLE_STATUSES, ProjectStatusChoices, ReportGroupingChoices
from .filters import AllocationFilterSet, DisbursementFilterSet, NoticeFilterSet, ProjectFilterSet
from .forms import (
    AllocationForm,
    DeclaredTotalForm,
    DisbursementForm,
    FundSourceForm,
    HouseholdBatchForm,
    NoticeForm,
    ProjectForm,
    ProjectFundForm,
    PublicLookupForm,
    ReportForm,
    ReversalForm,
    TransitionForm,
    counties_for,
)
from .models import Allocation, Disbursement, Notice, Project
from .throttling import PublicLookupThrottle

PAGE_SIZE = 50


def _form_errors(form: Any, exc: ValidationError | ConflictError) -> None:
    """Show a service's errors on the form, next to the fields they name."""
    if isinstance(exc, ConflictError):
        form.add_error(None, exc.message)
        return
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# -- overview and reports --------------------------------------------------------------------------


@login_required
def funds_index(request: HttpRequest) -> HttpResponse:
    rows = selectors.execution_report(user=request.user, by=ReportGroupingChoices.SOURCE)
    township_rows = selectors.execution_report(user=request.user, by=ReportGroupingChoices.TOWNSHIP)
    return render(
        request,
        "funds/index.html",
        {
            "rows": rows,
            "total": selectors.report_totals(rows),
            "township_rows": township_rows,
            "township_total": selectors.report_totals(township_rows),
            "recent": selectors.disbursement_list(user=request.user)[:8],
            "can_manage": request.user.has_capability(Capability.MANAGE_FUNDS),
            "can_propose": request.user.has_capability(Capability.PROPOSE),
        },
    )


@login_required
def report(request: HttpRequest) -> HttpResponse:
    by = request.GET.get("by") or ReportGroupingChoices.SOURCE
    if by not in ReportGroupingChoices.values:
        by = ReportGroupingChoices.SOURCE
    form = ReportForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    rows = selectors.execution_report(user=request.user, by=by, year=year)
    return render(
        request,
        "funds/report.html",
        {
            "rows": rows,
            "total": selectors.report_totals(rows),
            "by": by,
            "groupings": ReportGroupingChoices.choices,
            "form": form,
            "year": year or "",
            "chart": {
                "labels": [r.label for r in rows],
                "allocated": [str(r.allocated_wan) for r in rows],
                "paid": [str(r.paid_wan) for r in rows],
                "allocated_label": _("Allocated (10k yuan)"),
                "paid_label": _("Paid (10k yuan)"),
                "unit": _("10k yuan"),
            },
        },
    )


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    user = request.user
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
    ensure_can(request.user, Capability.MANAGE_FUNDS)
    form = DeclaredTotalForm(request.POST or None)
    county = counties_for(request.user).order_by("code").first()
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
                    user=request.user,
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Declared total recorded."))
                return redirect("funds:reconciliation")
    return render(request, "funds/form.html", {"form": form, "title": _("Record a declared total")})


@login_required
@require_POST
def ledger_check_start(request: HttpRequest) -> HttpResponse:
    from .tasks import funds_ledger_check_task

    ensure_can(request.user, Capability.RUN_JOBS)
    county = counties_for(request.user).order_by("code").first()
    if county is None:
        messages.error(request, _("The ledger check runs for a county; your area is not a county."))
        return redirect("funds:reconciliation")
    with transaction.atomic():
        job = job_create(kind="funds.ledger_check", user=request.user, area=county)
        job_enqueue(job, funds_ledger_check_task)
    return redirect("core:job", pk=job.pk)


# -- sources and allocations -----------------------------------------------------------------------


@login_required
def source_list(request: HttpRequest) -> HttpResponse:
    form = None
    if request.user.has_capability(Capability.MANAGE_FUNDS):
        form = FundSourceForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                services.fund_source_create(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Fund source added."))
                return redirect("funds:sources")
    elif request.method == "POST":
        ensure_can(request.user, Capability.MANAGE_FUNDS)
    return render(
        request,
        "funds/source_list.html",
        {"sources": selectors.fund_source_list(user=request.user), "form": form},
    )


@login_required
def allocation_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.allocation_list(user=request.user, filters=request.GET)
    return render(
        request,
        "funds/allocation_list.html",
        {
            "filter": AllocationFilterSet(request.GET),
            "page_obj": _page(request, qs),
            "querystring_without_page": _querystring_without_page(request),
            "can_manage": request.user.has_capability(Capability.MANAGE_FUNDS),
        },
    )


@login_required
def allocation_create(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, Capability.MANAGE_FUNDS)
    form = AllocationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            allocation = services.allocation_record(county=data["source"].area, user=request.user, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Allocation recorded."))
            return redirect("funds:allocation", pk=allocation.pk)
    return render(request, "funds/form.html", {"form": form, "title": _("Record an allocation")})


@login_required
def allocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = get_visible_or_404(
        Allocation.objects.select_related("source", "county"), request.user, pk=pk
    )
    fundings = allocation.fundings.select_related("project__area").order_by("pk")
    return render(request, "funds/allocation_detail.html", {"allocation": allocation, "fundings": fundings})


# -- projects --------------------------------------------------------------------------------------


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.project_list(user=request.user, filters=request.GET)
    return render(
        request,
        "funds/project_list.html",
        {
            "filter": ProjectFilterSet(request.GET, request=request),
            "page_obj": _page(request, qs),
            "querystring_without_page": _querystring_without_page(request),
            "can_propose": request.user.has_capability(Capability.PROPOSE),
        },
    )


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, Capability.PROPOSE)
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_propose(
                area=data["area"],
                name=data["name"],
                category=data["category"],
                year=data["year"],
                budget=data["budget"],
                description=data["description"],
                villages=list(data["villages"]),
                households=data["household_numbers"],
                user=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Project proposed. A county official will review it."))
            return redirect("funds:project", pk=project.pk)
    return render(request, "funds/form.html", {"form": form, "title": _("Propose a project")})


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(Project.objects.select_related("area", "category"), request.user, pk=pk)
    ensure_can(request.user, Capability.PROPOSE, project)
    form = ProjectForm(request.POST or None, user=request.user, instance=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.project_update(
                project=project,
                expected_version=data.get("version") or project.version,
                user=request.user,
                name=data["name"],
                category=data["category"],
                year=data["year"],
                budget=data["budget"],
                description=data["description"],
                villages=list(data["villages"]),
                households=data["household_numbers"],
            )
        except (ValidationError, ConflictError) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Project saved."))
            return redirect("funds:project", pk=project.pk)
    return render(request, "funds/form.html", {"form": form, "title": _("Edit project"), "object": project})


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(
        Project.objects.select_related("area", "category", "proposed_by", "approved_by"), request.user, pk=pk
    )
    user = request.user
    can_manage = user.has_capability(Capability.MANAGE_FUNDS)
    fundable = project.status in FUNDABLE_STATUSES
    return render(
        request,
        "funds/project_detail.html",
        {
            "project": project,
            "fundings": project.fundings.select_related("allocation__source").order_by("pk"),
            "payments": selectors.disbursement_list(user=user, filters={"project_id": project.pk})[:100],
            "notices": project.notices.order_by("-starts_on"),
            "villages": project.villages.order_by("code"),
            "households": project.households.select_related("village", "head").order_by("number")[:200],
            "measure_links": project.measure_links.select_related("measure__household").order_by("pk")[:200],
            "next_statuses": [
                (s, ProjectStatusChoices(s).label) for s in services.project_next_statuses(project, user)
            ],
            "fund_form": ProjectFundForm(user=user, project=project) if can_manage and fundable else None,
            "transition_form": TransitionForm(),
            "can_pay": can_manage and fundable and project.allocated_total > project.paid_total,
            "can_notice": user.has_capability(Capability.PROPOSE),
            "can_edit": user.has_capability(Capability.PROPOSE)
            and project.status not in (ProjectStatusChoices.COMPLETED, ProjectStatusChoices.ACCEPTED),
        },
    )


@login_required
@require_POST
def project_transition(request: HttpRequest, pk: int, status: str) -> HttpResponse:
    project = get_visible_or_404(Project.objects.all(), request.user, pk=pk)
    if status not in ProjectStatusChoices.values:
        messages.error(request, _("Unknown status."))
        return redirect("funds:project", pk=pk)
    form = TransitionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.project_transition(project=project, to_status=status, user=request.user, note=note)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Project is now “%(status)s”.") % {"status": ProjectStatusChoices(status).label}
        )
    return redirect("funds:project", pk=pk)


@login_required
def project_fund(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(Project.objects.select_related("area"), request.user, pk=pk)
    ensure_can(request.user, Capability.MANAGE_FUNDS, project)
    form = ProjectFundForm(request.POST or None, user=request.user, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_fund(project=project, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Money assigned to the project."))
            return redirect("funds:project", pk=pk)
    return render(
        request,
        "funds/form.html",
        {"form": form, "title": _("Assign money to %(name)s") % {"name": project.name}},
    )


@login_required
def project_notice(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(Project.objects.select_related("area", "category"), request.user, pk=pk)
    ensure_can(request.user, Capability.PROPOSE, project)
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_publish_standard(project=project, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Notice published."))
            return redirect("funds:notice", pk=notice.pk)
    return render(
        request,
        "funds/form.html",
        {"form": form, "title": _("Publish a notice for %(name)s") % {"name": project.name}},
    )


@login_required
def project_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """Pay every benefiting household the same amount, as a job that works village by village."""
    from .tasks import funds_household_batch_task

    project = get_visible_or_404(Project.objects.select_related("area"), request.user, pk=pk)
    ensure_can(request.user, Capability.MANAGE_FUNDS, project)
    form = HouseholdBatchForm(request.POST or None, user=request.user, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.household_batch_check(
                    funding=data["funding"],
                    amount_each=data["amount_each"],
                    batch_key=data["batch_key"],
                    user=request.user,
                )
                job = job_create(
                    kind="funds.household_batch",
                    user=request.user,
                    area=project.area,
                    params={
                        "funding_id": data["funding"].pk,
                        "amount_each": str(data["amount_each"]),
                        "paid_on": data["paid_on"].isoformat(),
                        "voucher_number": data["voucher_number"],
                        "batch_key": data["batch_key"],
                    },
                )
                job_enqueue(job, funds_household_batch_task)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("core:job", pk=job.pk)
    return render(
        request,
        "funds/form.html",
        {"form": form, "title": _("Pay every benefiting household of %(name)s") % {"name": project.name}},
    )


@login_required
def project_measures(request: HttpRequest, pk: int) -> HttpResponse:
    """Link households' measures (from assistance) to the project that pays for them."""
    project = get_visible_or_404(Project.objects.select_related("area"), request.user, pk=pk)
    ensure_can(request.user, Capability.PROPOSE, project)
    candidates = selectors.measures_linkable_to(project=project, user=request.user)[:300]
    if request.method == "POST":
        chosen = selectors.measures_linkable_to(project=project, user=request.user).filter(
            pk__in=[v for v in request.POST.getlist("measure") if v.isdigit()]
        )
        try:
            with transaction.atomic():
                linked = [
                    services.project_measure_link(project=project, measure=m, user=request.user)
                    for m in chosen
                ]
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(n)d measures linked to the project.") % {"n": len(linked)})
            return redirect("funds:project", pk=pk)
    return render(request, "funds/project_measures.html", {"project": project, "candidates": candidates})


# -- payments --------------------------------------------------------------------------------------


@login_required
def disbursement_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.disbursement_list(user=request.user, filters=request.GET)
    return render(
        request,
        "funds/disbursement_list.html",
        {
            "filter": DisbursementFilterSet(request.GET, request=request),
            "page_obj": _page(request, qs),
            "querystring_without_page": _querystring_without_page(request),
            "can_manage": request.user.has_capability(Capability.MANAGE_FUNDS),
        },
    )


@login_required
def disbursement_create(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, Capability.MANAGE_FUNDS)
    project = None
    if request.GET.get("project"):
        project = get_visible_or_404(Project.objects.all(), request.user, pk=request.GET["project"])
    form = DisbursementForm(request.POST or None, user=request.user, project=project)
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
                user=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
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
        request.user,
        pk=pk,
    )
    reversal = Disbursement.objects.filter(reverses=payment).first()
    can_reverse = (
        request.user.has_capability(Capability.MANAGE_FUNDS) and not payment.is_reversal and reversal is None
    )
    return render(
        request,
        "funds/disbursement_detail.html",
        {"payment": payment, "reversal": reversal, "form": ReversalForm() if can_reverse else None},
    )


@login_required
@require_POST
def disbursement_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_visible_or_404(Disbursement.objects.all(), request.user, pk=pk)
    form = ReversalForm(request.POST)
    if form.is_valid():
        try:
            services.disbursement_reverse(
                disbursement=payment,
                reason=form.cleaned_data["reason"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                user=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Payment reversed; the project's balance is restored."))
    else:
        messages.error(request, _("Say why the payment is reversed."))
    return redirect("funds:disbursement", pk=pk)


# -- notices ---------------------------------------------------------------------------------------


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.notice_list(user=request.user, filters=request.GET)
    return render(
        request,
        "funds/notice_list.html",
        {
            "filter": NoticeFilterSet(request.GET),
            "page_obj": _page(request, qs),
            "querystring_without_page": _querystring_without_page(request),
        },
    )


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_visible_or_404(Notice.objects.select_related("project__area"), request.user, pk=pk)
    return render(request, "funds/notice_detail.html", {"notice": notice})


def public_notices(request: HttpRequest) -> HttpResponse:
    """The public board: notices in their notice period, readable without signing in."""
    notices = selectors.notices_public(county_prefix=request.GET.get("county") or None)[:100]
    return render(request, "funds/public_notices.html", {"notices": notices})


# -- public self-service lookup --------------------------------------------------------------------


def public_lookup(request: HttpRequest) -> HttpResponse:
    """A household looks up its own subsidies by a member's ID number and name, without signing in.
    Limited per client address like the API (throttle scope `public_lookup`); every attempt is logged."""
    form = PublicLookupForm(request.POST or None)
    result = None
    searched = False
    limited = False
    if request.method == "POST":
        throttle = PublicLookupThrottle()
        if not throttle.allow_request(request, None):
            limited = True
            form.add_error(None, _("Too many lookups from this address. Try again in a minute."))
        elif form.is_valid():
            searched = True
            result = services.public_lookup(
                id_number=form.cleaned_data["id_number"], name=form.cleaned_data["name"], request=request
            )
            form = PublicLookupForm()  # never echo the number back into the page
    context: dict[str, Any] = {"form": form, "result": result, "searched": searched, "limited": limited}
    response = render(request, "funds/public_lookup.html", context)
    if limited:
        response.status_code = 429
    response["Cache-Control"] = "no-store"
    return response
