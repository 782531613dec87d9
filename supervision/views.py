from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.requests import request_user
from accounts.roles import Capability
from areas.models import Area
from areas.selectors import areas_top_for
from core.exceptions import ConflictError
from core.forms import form_add_service_errors
from core.inputs import id_param
from core.pages import ScopedListView, ServiceFormView
from core.scoping import ensure_can, get_visible_or_404

from . import selectors, services
from .filters import ComplaintFilterSet, InspectionFilterSet, ProblemFilterSet
from .forms import (
    AnswerForm,
    AssignForm,
    CloseForm,
    ComplaintForm,
    FollowUpForm,
    InspectionForm,
    OpenProblemForm,
    ProblemEditForm,
    ProblemForm,
)
from .models import Inspection

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class _SupervisionList(ScopedListView):
    def get_context(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "can_supervise": request_user(self.request).has_capability(Capability.SUPERVISE),
        }


class ProblemList(_SupervisionList):
    template_name = "supervision/problem_list.html"
    filterset_class = ProblemFilterSet

    def rows(self) -> Any:
        return selectors.problem_list(user=request_user(self.request))


problem_list = ProblemList.as_view()


class _SupervisionForm(ServiceFormView):
    """A supervision form page (supervision/form.html), its choices in the user's areas."""

    template_name = "supervision/form.html"
    title: StrOrPromise = ""

    def check(self) -> None:
        ensure_can(request_user(self.request), Capability.SUPERVISE)

    def form_ready(self, form: Any) -> None:
        form.scope(request_user(self.request))

    def get_context(self, form: Any) -> dict[str, Any]:
        return {"form": form, "title": self.title}


class ProblemCreate(_SupervisionForm):
    form_class = ProblemForm
    title = gettext_lazy("New problem")
    service = staticmethod(services.problem_create)
    success_url_name = "supervision:problem"
    success_message = gettext_lazy("The problem is in the rectification ledger.")

    def check(self) -> None:
        super().check()
        self.inspection = None
        inspection_id = id_param(self.request.GET, "inspection") or id_param(self.request.POST, "inspection")
        if inspection_id is not None:
            self.inspection = get_visible_or_404(
                Inspection.objects.select_related("area"), request_user(self.request), pk=inspection_id
            )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"initial": {"area": self.inspection.area_id if self.inspection else None}}

    def get_context(self, form: Any) -> dict[str, Any]:
        return {**super().get_context(form), "inspection": self.inspection}

    def perform(self, form: Any) -> Any:
        return self.service(user=request_user(self.request), inspection=self.inspection, **form.cleaned_data)


problem_create = ProblemCreate.as_view()


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_visible_or_404(
        selectors.problem_list(user=request_user(request)), request_user(request), pk=pk
    )
    follow_up_form = FollowUpForm(request.POST if request.POST.get("action") == "follow_up" else None)
    close_form = CloseForm(
        request.POST if request.POST.get("action") == "close" else None, initial={"version": problem.version}
    )
    edit_form = ProblemEditForm(
        request.POST if request.POST.get("action") == "edit" else None,
        initial={
            "version": problem.version,
            "description": problem.description,
            "responsible_unit": problem.responsible_unit,
            "responsible_person": problem.responsible_person_id,
            "deadline": problem.deadline,
        },
    )
    edit_form.scope(request_user(request))
    forms = {"follow_up": follow_up_form, "close": close_form, "edit": edit_form}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "edit" and edit_form.is_valid():
                data = edit_form.cleaned_data
                services.problem_update(
                    problem=problem,
                    user=request_user(request),
                    expected_version=data["version"],
                    responsible_unit=data["responsible_unit"],
                    responsible_person=data["responsible_person"],
                    deadline=data["deadline"],
                    description=data["description"],
                )
                messages.success(request, _("Saved."))
                return redirect("supervision:problem", pk=pk)
            if request.POST.get("action") == "follow_up" and follow_up_form.is_valid():
                services.problem_follow_up(
                    problem=problem, note=follow_up_form.cleaned_data["note"], user=request_user(request)
                )
                messages.success(request, _("Progress recorded."))
                return redirect("supervision:problem", pk=pk)
            if request.POST.get("action") == "close" and close_form.is_valid():
                services.problem_close(
                    problem=problem,
                    closure_note=close_form.cleaned_data["closure_note"],
                    user=request_user(request),
                    expected_version=close_form.cleaned_data["version"],
                )
                messages.success(request, _("The problem is closed."))
                return redirect("supervision:problem", pk=pk)
        except ValidationError as exc:
            form_add_service_errors(forms.get(request.POST.get("action", ""), close_form), exc)
        except ConflictError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "supervision/problem_detail.html",
        {
            "problem": problem,
            "follow_ups": selectors.follow_ups_of(problem),
            "follow_up_form": follow_up_form,
            "close_form": close_form,
            "edit_form": edit_form,
            "can_supervise": request_user(request).has_capability(Capability.SUPERVISE),
            "can_follow_up": request_user(request).has_capability(Capability.SUPERVISE)
            or problem.responsible_person_id == request_user(request).pk,
        },
    )


class InspectionList(_SupervisionList):
    template_name = "supervision/inspection_list.html"
    filterset_class = InspectionFilterSet

    def rows(self) -> Any:
        return selectors.inspection_list(user=request_user(self.request))


inspection_list = InspectionList.as_view()


class InspectionCreate(_SupervisionForm):
    form_class = InspectionForm
    title = gettext_lazy("New inspection")
    service = staticmethod(services.inspection_create)
    success_url_name = "supervision:inspection"


inspection_create = InspectionCreate.as_view()


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(
        selectors.inspection_list(user=request_user(request)), request_user(request), pk=pk
    )
    problems = selectors.problem_list(user=request_user(request), filters={"inspection": pk})
    return render(
        request, "supervision/inspection_detail.html", {"inspection": inspection, "problems": problems}
    )


class ComplaintList(_SupervisionList):
    template_name = "supervision/complaint_list.html"
    filterset_class = ComplaintFilterSet

    def rows(self) -> Any:
        return selectors.complaint_list(user=request_user(self.request))


complaint_list = ComplaintList.as_view()


class ComplaintCreate(_SupervisionForm):
    form_class = ComplaintForm
    title = gettext_lazy("Receive a complaint")
    service = staticmethod(services.complaint_receive)
    success_url_name = "supervision:complaint"


complaint_create = ComplaintCreate.as_view()


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_visible_or_404(
        selectors.complaint_list(user=request_user(request)), request_user(request), pk=pk
    )
    action = request.POST.get("action")
    assign = AssignForm(request.POST if action == "assign" else None, initial={"version": complaint.version})
    assign.scope(request_user(request))
    answer = AnswerForm(request.POST if action == "answer" else None, initial={"version": complaint.version})
    open_problem = OpenProblemForm(request.POST if action == "open_problem" else None)
    open_problem.scope(request_user(request))
    forms = {"assign": assign, "answer": answer, "open_problem": open_problem}
    if request.method == "POST" and action in forms and forms[action].is_valid():
        data = forms[action].cleaned_data
        try:
            if action == "assign":
                services.complaint_assign(
                    complaint=complaint,
                    assignee=data["assignee"],
                    user=request_user(request),
                    expected_version=data["version"],
                )
            elif action == "answer":
                services.complaint_answer(
                    complaint=complaint,
                    answer=data["answer"],
                    finding=data["finding"],
                    user=request_user(request),
                    expected_version=data["version"],
                )
            else:
                problem = services.complaint_open_problem(
                    complaint=complaint, user=request_user(request), **data
                )
                return redirect("supervision:problem", pk=problem.pk)
        except ValidationError as exc:
            form_add_service_errors(forms[action], exc)
        except ConflictError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("supervision:complaint", pk=pk)
    return render(
        request,
        "supervision/complaint_detail.html",
        {
            "complaint": complaint,
            "complainant": selectors.complainant_for(request_user(request), complaint, request=request),
            "forms": forms,
            "can_supervise": request_user(request).has_capability(Capability.SUPERVISE),
            "can_answer": request_user(request).has_capability(Capability.SUPERVISE)
            or complaint.assigned_to_id == request_user(request).pk,
        },
    )


@login_required
def assessment(request: HttpRequest) -> HttpResponse:
    tops = list(areas_top_for(request_user(request)))
    code = request.GET.get("area") or (tops[0].code if tops else "")
    area = get_visible_or_404(Area.objects.all(), request_user(request), code=code)
    return render(
        request,
        "supervision/assessment.html",
        {
            "area": area,
            "assessment": selectors.assessment(user=request_user(request), area=area),
            "rates": selectors.complaint_rates(user=request_user(request), area=area),
            "ledger": selectors.ledger_summary(user=request_user(request), area=area),
            "other": selectors.assessment_from_other_apps(user=request_user(request), area=area),
        },
    )


@login_required
@require_POST
def escalate_now(request: HttpRequest) -> HttpResponse:
    ensure_can(request_user(request), Capability.SUPERVISE)
    counts = services.overdue_escalate()
    messages.info(
        request,
        _("Escalated %(problems)d overdue problems and %(complaints)d complaints.") % counts,
    )
    return redirect("supervision:problems")
