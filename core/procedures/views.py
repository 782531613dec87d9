"""One page view for signing a step of any procedure: the page posts the step, the comment, a decision
(where the step may reject) and the version it showed; the view calls the procedure's service and goes
back to the record with the outcome as a message. Each procedure's view only names its queryset, its
service and where to return (households.views.identification, exits.views.exit, exits.views.monitoring)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from core.exceptions import ConflictError
from core.scoping import get_visible_or_404

from .choices import StepDecisionChoices
from .workflow import _label


class ProcedureSignForm(forms.Form):
    """The fields every signing form posts; the step's field is named like the service's argument."""

    decision = forms.ChoiceField(choices=StepDecisionChoices.choices, required=False)
    comment = forms.CharField(required=False)
    version = forms.IntegerField(required=False)

    def __init__(self, *args: Any, step_field: str = "step", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step_field = step_field
        self.fields[step_field] = forms.CharField()

    @property
    def step(self) -> str:
        return str(self.cleaned_data[self.step_field])


class ProcedureSignView(LoginRequiredMixin, View):
    """POST /<record>/<pk>/sign/: sign the posted step of the record (scoped: 404 outside the area)."""

    http_method_names = ["post"]  # noqa: RUF012
    queryset: models.QuerySet[Any]
    step_field = "step"
    step_labels: type[models.TextChoices]

    def sign(
        self, obj: Any, *, step: str, user: Any, comment: str, decision: str, version: int | None
    ) -> Any:
        raise NotImplementedError

    def back_to(self, obj: Any) -> str:
        return str(obj.get_absolute_url())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_visible_or_404(self.queryset.all(), request.user, pk=pk)
        form = ProcedureSignForm(request.POST, step_field=self.step_field)
        if not form.is_valid():
            messages.error(request, _("Check the form."))
            return redirect(self.back_to(obj))
        try:
            self.sign(
                obj,
                step=form.step,
                user=request.user,
                comment=form.cleaned_data["comment"],
                decision=form.cleaned_data["decision"] or StepDecisionChoices.PASS,
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except ConflictError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Signed: %(step)s.") % {"step": _label(self.step_labels, form.step)})
        return redirect(self.back_to(obj))
