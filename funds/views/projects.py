"""Pages for the project library: list, proposal, edit, status, funding, notices, batches, measures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import request_user
from accounts.roles import Capability
from areas.selectors import policy_get
from core.exceptions import ConflictError
from core.forms import form_add_service_errors
from core.models import Job
from core.pages import JobFormView, ScopedListView
from core.scoping import ensure_can, get_visible_or_404

from .. import selectors, services
from ..choices import FUNDABLE_STATUSES, ProjectStatusChoices
from ..filters import ProjectFilterSet
from ..forms import (
    HouseholdBatchForm,
    NoticeForm,
    ProjectForm,
    ProjectFundForm,
    TransitionForm,
)
from ..models import Project
from ..policy import NOTICE_MIN_DAYS

# -- projects --------------------------------------------------------------------------------------


class ProjectList(ScopedListView):
    template_name = "funds/project_list.html"
    filterset_class = ProjectFilterSet
    filtered_by_selector = True

    def rows(self) -> Any:
        return selectors.project_list(user=request_user(self.request), filters=self.request.GET)

    def get_context(self) -> dict[str, Any]:
        return {"can_propose": request_user(self.request).has_capability(Capability.PROPOSE)}


project_list = ProjectList.as_view()


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    ensure_can(request_user(request), Capability.PROPOSE)
    form = ProjectForm(request.POST or None, user=request_user(request))
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
                user=request_user(request),
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Project proposed. A county official will review it."))
            return redirect("funds:project", pk=project.pk)
    return render(request, "funds/form.html", {"form": form, "title": _("Propose a project")})


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(
        Project.objects.select_related("area", "category"), request_user(request), pk=pk
    )
    ensure_can(request_user(request), Capability.PROPOSE, project)
    form = ProjectForm(request.POST or None, user=request_user(request), instance=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.project_update(
                project=project,
                expected_version=data.get("version") or project.version,
                user=request_user(request),
                name=data["name"],
                category=data["category"],
                year=data["year"],
                budget=data["budget"],
                description=data["description"],
                villages=list(data["villages"]),
                households=data["household_numbers"],
            )
        except (ValidationError, ConflictError) as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Project saved."))
            return redirect("funds:project", pk=project.pk)
    return render(request, "funds/form.html", {"form": form, "title": _("Edit project"), "object": project})


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(
        Project.objects.select_related("area", "category", "proposed_by", "approved_by"),
        request_user(request),
        pk=pk,
    )
    user = request_user(request)
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
    project = get_visible_or_404(Project.objects.all(), request_user(request), pk=pk)
    if status not in ProjectStatusChoices.values:
        messages.error(request, _("Unknown status."))
        return redirect("funds:project", pk=pk)
    form = TransitionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.project_transition(project=project, to_status=status, user=request_user(request), note=note)
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
    project = get_visible_or_404(Project.objects.select_related("area"), request_user(request), pk=pk)
    ensure_can(request_user(request), Capability.MANAGE_FUNDS, project)
    form = ProjectFundForm(request.POST or None, user=request_user(request), project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_fund(project=project, user=request_user(request), **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
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
    project = get_visible_or_404(
        Project.objects.select_related("area", "category"), request_user(request), pk=pk
    )
    ensure_can(request_user(request), Capability.PROPOSE, project)
    form = NoticeForm(request.POST or None, min_days=policy_get(NOTICE_MIN_DAYS, project.area))
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_publish_standard(
                project=project, user=request_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Notice published."))
            return redirect("funds:notice", pk=notice.pk)
    return render(
        request,
        "funds/form.html",
        {"form": form, "title": _("Publish a notice for %(name)s") % {"name": project.name}},
    )


class ProjectBatch(JobFormView):
    """Pay every benefiting household the same amount, as a job that works village by village."""

    form_class = HouseholdBatchForm
    template_name = "funds/form.html"

    def check(self) -> None:
        self.project = get_visible_or_404(
            Project.objects.select_related("area"), request_user(self.request), pk=self.kwargs["pk"]
        )
        ensure_can(request_user(self.request), Capability.MANAGE_FUNDS, self.project)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"user": request_user(self.request), "project": self.project}

    def perform(self, form: Any) -> Job:
        return services.household_batch_start(user=request_user(self.request), **form.cleaned_data)

    def get_context(self, form: Any) -> dict[str, Any]:
        title = _("Pay every benefiting household of %(name)s") % {"name": self.project.name}
        return {"form": form, "title": title}


project_batch = ProjectBatch.as_view()


@login_required
def project_measures(request: HttpRequest, pk: int) -> HttpResponse:
    """Link households' measures (from assistance) to the project that pays for them."""
    project = get_visible_or_404(Project.objects.select_related("area"), request_user(request), pk=pk)
    ensure_can(request_user(request), Capability.PROPOSE, project)
    candidates = selectors.measures_linkable_to(project=project, user=request_user(request))[:300]
    if request.method == "POST":
        chosen = selectors.measures_linkable_to(project=project, user=request_user(request)).filter(
            pk__in=[v for v in request.POST.getlist("measure") if v.isdigit()]
        )
        try:
            with transaction.atomic():
                linked = [
                    services.project_measure_link(project=project, measure=m, user=request_user(request))
                    for m in chosen
                ]
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(n)d measures linked to the project.") % {"n": len(linked)})
            return redirect("funds:project", pk=pk)
    return render(request, "funds/project_measures.html", {"project": project, "candidates": candidates})
