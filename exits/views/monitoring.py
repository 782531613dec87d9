"""Monitoring case pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.requests import request_user
from accounts.roles import Capability
from core import clock
from core.exceptions import ConflictError
from core.pages import ScopedListView, ServiceFormView
from core.procedures.views import ProcedureSignView
from core.scoping import get_visible_or_404
from households.models import Household

from .. import selectors, services
from ..choices import (
    MonitoringStepChoices,
)
from ..filters import (
    MonitoringCaseFilterSet,
)
from ..forms import (
    AssistanceForm,
    MonitoringReportForm,
)
from ..models import (
    MonitoringCase,
)
from .base import _errors_to_messages

# -- monitoring -------------------------------------------------------------------------------------


class MonitoringList(ScopedListView):
    template_name = "exits/monitoring_list.html"
    filterset_class = MonitoringCaseFilterSet

    def rows(self) -> Any:
        return selectors.monitoring_case_list(user=request_user(self.request))

    def get_context(self) -> dict[str, Any]:
        today = clock.today()
        for case in self.page:
            case.overdue = selectors.monitoring_overdue(case, today)
        return {}


monitoring_list = MonitoringList.as_view()


class MonitoringReport(ServiceFormView):
    """Report a household as a monitoring object (防返贫监测); its case page follows."""

    form_class = MonitoringReportForm
    template_name = "exits/monitoring_report.html"
    success_message = gettext_lazy("Monitoring object reported.")
    success_url_name = "exits:monitoring-detail"
    replica_reads = True  # its GET only reads (core/replicas.py); the POST writes on the primary

    def check(self) -> None:
        self.household = get_visible_or_404(
            Household.objects.select_related("village", "head"),
            request_user(self.request),
            pk=self.kwargs["household_pk"],
        )

    def get_context(self, form: Any) -> dict[str, Any]:
        return {"household": self.household, "form": form}

    def perform(self, form: Any) -> Any:
        return services.monitoring_case_report(
            household=self.household, user=request_user(self.request), **form.cleaned_data
        )


monitoring_report = MonitoringReport.as_view()


@login_required
def monitoring_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(
        MonitoringCase.objects.select_related(
            "household", "household__village", "household__head", "reported_by"
        ),
        request_user(request),
        pk=pk,
    )
    if request.method == "POST":
        form = AssistanceForm(request.POST)
        if form.is_valid():
            try:
                services.monitoring_assistance_add(case=case, user=request_user(request), **form.cleaned_data)
            except ValidationError as exc:
                _errors_to_messages(request, exc)
            except ConflictError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Saved."))
        else:
            messages.error(request, _("Check the form."))
        return redirect("exits:monitoring-detail", pk=pk)
    next_steps = [
        {
            "step": step,
            "label": MonitoringStepChoices(step).label,
            "allowed": request_user(request).has_capability(services.MONITORING_TRANSITIONS[step].capability),
            "comment_required": services.MONITORING_TRANSITIONS[step].comment_required,
            "negative": step == MonitoringStepChoices.COUNTY_REJECT,
        }
        for step in services.monitoring_next_steps(case)
    ]
    return render(
        request,
        "exits/monitoring_detail.html",
        {
            "case": case,
            "household": case.household,
            "signoffs": case.signoffs.select_related("signed_by"),
            "assistance": case.assistance.all(),
            "next_steps": next_steps,
            "overdue": selectors.monitoring_overdue(case),
            "assistance_form": AssistanceForm(),
            "can_assist": request_user(request).has_capability(Capability.MANAGE_ASSISTANCE) and case.is_open,
            "settings": selectors.exit_settings_for(case.household.village),
        },
    )


class MonitoringSign(ProcedureSignView):
    """Sign a step of a monitoring case (the detail page's own POST adds an assistance measure)."""

    queryset = MonitoringCase.objects.all()
    step_labels = MonitoringStepChoices

    def sign(
        self, obj: Any, *, step: str, user: Any, comment: str, decision: str, version: int | None
    ) -> Any:
        return services.monitoring_case_sign(
            case=obj, step=step, comment=comment, expected_version=version, user=user
        )


monitoring_sign = MonitoringSign.as_view()
