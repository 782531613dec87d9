"""Pages of the identification procedure: start, sign, objections."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.requests import request_user
from core.pages import ServiceActionView
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


class _HouseholdAction(ServiceActionView):
    """A button or small form on the household's page (households:detail), the outcome shown there."""

    def household_pk(self) -> int:
        """The household whose page the button is on: an abstract hook, each action finds it from its
        own object (the household, its procedure, or an objection's procedure)."""
        raise NotImplementedError

    def back(self) -> str:
        return reverse("households:detail", args=[self.household_pk()])


class ProcedureStart(_HouseholdAction):
    form_class = forms.Form  # a button: nothing to fill in
    success_message = gettext_lazy("Identification procedure started.")

    def get_object(self) -> Household:
        return get_visible_or_404(Household.objects.all(), request_user(self.request), pk=self.kwargs["pk"])

    def household_pk(self) -> int:
        return self.object.pk

    def perform(self, form: Any) -> Any:
        return services.procedure_start(household=self.object, user=request_user(self.request))


procedure_start = ProcedureStart.as_view()


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


class ObjectionAdd(_HouseholdAction):
    form_class = ObjectionForm
    success_message = gettext_lazy("Objection recorded.")

    def get_object(self) -> IdentificationProcedure:
        return get_visible_or_404(
            IdentificationProcedure.objects.select_related("household"),
            request_user(self.request),
            pk=self.kwargs["pk"],
        )

    def household_pk(self) -> int:
        return self.object.household_id

    def perform(self, form: Any) -> Any:
        return services.objection_record(
            procedure=self.object, user=request_user(self.request), **form.cleaned_data
        )


objection_add = ObjectionAdd.as_view()


class ObjectionResolve(_HouseholdAction):
    form_class = ObjectionResolveForm
    success_message = gettext_lazy("Objection resolved.")

    def get_object(self) -> NoticeObjection:
        return get_visible_or_404(
            NoticeObjection.objects.select_related("procedure__household"),
            request_user(self.request),
            pk=self.kwargs["pk"],
        )

    def household_pk(self) -> int:
        return self.object.procedure.household_id

    def perform(self, form: Any) -> Any:
        return services.objection_resolve(
            objection=self.object, user=request_user(self.request), **form.cleaned_data
        )


objection_resolve = ObjectionResolve.as_view()
