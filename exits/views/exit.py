"""Household exit procedure pages, return to poverty and the public notice."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.requests import request_user
from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.pages import ScopedListView, ServiceActionView
from core.procedures.views import ProcedureSignView
from core.scoping import area_code_param, get_visible_or_404
from households.models import Household

from .. import selectors, services
from ..choices import (
    ExitProcedureStateChoices,
    ExitStepChoices,
    ObjectionStatusChoices,
)
from ..filters import (
    ExitProcedureFilterSet,
)
from ..forms import (
    ObjectionDecideForm,
    ObjectionForm,
    ProposeForm,
    ReasonForm,
)
from ..models import (
    ExitObjection,
    ExitProcedure,
)
from .base import _back

# -- household exit procedures ----------------------------------------------------------------------


class ProcedureList(ScopedListView):
    template_name = "exits/procedure_list.html"
    filterset_class = ExitProcedureFilterSet

    def rows(self) -> Any:
        return selectors.exit_procedure_list(user=request_user(self.request))


procedure_list = ProcedureList.as_view()


@login_required
def procedure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_visible_or_404(
        ExitProcedure.objects.select_related(
            "household", "household__village", "household__head", "proposed_by"
        ),
        request_user(request),
        pk=pk,
    )
    signoffs = procedure.signoffs.select_related("signed_by")
    objections = procedure.objections.select_related("decided_by")
    next_steps = [
        {
            "step": step,
            "label": ExitStepChoices(step).label,
            "allowed": request_user(request).has_capability(services.EXIT_TRANSITIONS[step].capability),
            "comment_required": services.EXIT_TRANSITIONS[step].comment_required,
            "negative": step
            in (
                ExitStepChoices.WITHDRAW,
                ExitStepChoices.SEND_BACK,
                ExitStepChoices.COUNTY_REFUSE,
            ),
        }
        for step in services.exit_next_steps(procedure)
    ]
    return render(
        request,
        "exits/procedure_detail.html",
        {
            "procedure": procedure,
            "household": procedure.household,
            "signoffs": signoffs,
            "objections": objections,
            "next_steps": next_steps,
            "eligibility": selectors.exit_eligibility(procedure.household, procedure.year)
            if procedure.is_open
            else None,
            "settings": selectors.exit_settings_for(procedure.household.village),
            "objection_form": ObjectionForm(),
            "decide_form": ObjectionDecideForm(),
            "can_record_objection": request_user(request).has_capability(Capability.SIGN_VILLAGE_STEP)
            and procedure.state == ExitProcedureStateChoices.IN_NOTICE,
            "can_decide_objection": request_user(request).has_capability(Capability.SIGN_TOWNSHIP_STEP),
            "open_status": ObjectionStatusChoices.OPEN,
        },
    )


class ProcedurePropose(ServiceActionView):
    """Propose a household's exit from its panel; the new procedure's page opens, a refusal is shown
    on the page the button was on (the posted next)."""

    form_class = ProposeForm

    def get_object(self) -> Household:
        return get_visible_or_404(
            Household.objects.select_related("village"),
            request_user(self.request),
            pk=self.kwargs["household_pk"],
        )

    def perform(self, form: Any) -> Any:
        return services.exit_procedure_propose(
            household=self.object,
            year=form.cleaned_data["year"],
            comment=form.cleaned_data["comment"],
            user=request_user(self.request),
        )

    def get_success_message(self, form: Any) -> str:
        return _("Exit proposed for household %(number)s.") % {"number": self.object.number}

    def back(self) -> str:
        return _back(self.request, "exits:procedures")

    def done(self, result: Any) -> str:
        return reverse("exits:procedure", args=[result.pk])


procedure_propose = ProcedurePropose.as_view()


class ProcedureSign(ProcedureSignView):
    queryset = ExitProcedure.objects.all()
    step_labels = ExitStepChoices

    def sign(
        self, obj: Any, *, step: str, user: Any, comment: str, decision: str, version: int | None
    ) -> Any:
        return services.exit_procedure_sign(
            procedure=obj, step=step, comment=comment, expected_version=version, user=user
        )


procedure_sign = ProcedureSign.as_view()


class ObjectionRecord(ServiceActionView):
    form_class = ObjectionForm
    success_message = gettext_lazy("Objection recorded.")
    invalid_message = gettext_lazy("Write down the objection.")

    def get_object(self) -> ExitProcedure:
        return get_visible_or_404(
            ExitProcedure.objects.all(), request_user(self.request), pk=self.kwargs["pk"]
        )

    def perform(self, form: Any) -> Any:
        return services.exit_objection_record(
            procedure=self.object, user=request_user(self.request), **form.cleaned_data
        )

    def back(self) -> str:
        return reverse("exits:procedure", args=[self.object.pk])


objection_record = ObjectionRecord.as_view()


class ObjectionDecide(ServiceActionView):
    form_class = ObjectionDecideForm
    success_message = gettext_lazy("Objection decided.")
    invalid_message = gettext_lazy("Give the reason for the decision.")

    def get_object(self) -> ExitObjection:
        return get_visible_or_404(
            ExitObjection.objects.all(), request_user(self.request), pk=self.kwargs["pk"]
        )

    def perform(self, form: Any) -> Any:
        return services.exit_objection_decide(
            objection=self.object, user=request_user(self.request), **form.cleaned_data
        )

    def back(self) -> str:
        return reverse("exits:procedure", args=[self.object.procedure_id])


objection_decide = ObjectionDecide.as_view()


class HouseholdReturn(ServiceActionView):
    """An exited household returns to poverty (返贫), with the reason; back to the page it was on."""

    form_class = ReasonForm
    invalid_message = gettext_lazy("Give the reason.")

    def get_object(self) -> Household:
        return get_visible_or_404(
            Household.objects.all(), request_user(self.request), pk=self.kwargs["household_pk"]
        )

    def perform(self, form: Any) -> Any:
        return services.household_return_to_poverty(
            household=self.object, reason=form.cleaned_data["reason"], user=request_user(self.request)
        )

    def get_success_message(self, form: Any) -> str:
        return _("Household %(number)s returned to poverty.") % {"number": self.object.number}

    def back(self) -> str:
        return _back(self.request, "exits:procedures")


household_return = HouseholdReturn.as_view()


@login_required
def public_notice(request: HttpRequest, code: str) -> HttpResponse:
    village = get_visible_or_404(
        Area.objects.filter(level=AreaLevelChoices.VILLAGE),
        request_user(request),
        code=area_code_param(code),
    )
    rows = selectors.public_notice_rows(user=request_user(request), village=village)
    return render(
        request,
        "exits/public_notice.html",
        {
            "village": village,
            "ancestors": village.ancestors(),
            "today": clock.today(),
            **rows,
        },
    )
