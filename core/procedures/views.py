"""One page view for signing a step of any procedure: the page posts the step, the comment, a decision
(where the step may reject) and the version it showed; the view calls the procedure's service and goes
back to the record with the outcome as a message. Each procedure's view only names its queryset, its
service and where to return (households.views.identification, exits.views.exit, exits.views.monitoring)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.pages import ServiceActionView
from core.scoping import get_visible_or_404
from core.users import request_user

from .choices import StepDecisionChoices
from .workflow import _label

if TYPE_CHECKING:
    from core.users import User


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


class ProcedureSignView(ServiceActionView):
    """POST /<record>/<pk>/sign/: sign the posted step of the record (scoped: 404 outside the area)."""

    form_class = ProcedureSignForm
    invalid_message = gettext_lazy("Check the form.")
    queryset: models.QuerySet[Any]
    step_field = "step"
    step_labels: type[models.TextChoices]

    def sign(
        self, obj: Any, *, step: str, user: User, comment: str, decision: str, version: int | None
    ) -> Any:
        raise NotImplementedError

    def back_to(self, obj: Any) -> str:
        return str(obj.get_absolute_url())

    def get_object(self) -> Any:
        return get_visible_or_404(self.queryset.all(), self.request.user, pk=self.kwargs["pk"])

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"step_field": self.step_field}

    def perform(self, form: Any) -> Any:
        return self.sign(
            self.object,
            step=form.step,
            user=request_user(self.request),
            comment=form.cleaned_data["comment"],
            decision=form.cleaned_data["decision"] or StepDecisionChoices.PASS,
            version=form.cleaned_data["version"],
        )

    def get_success_message(self, form: Any) -> str:
        return _("Signed: %(step)s.") % {"step": _label(self.step_labels, form.step)}

    def back(self) -> str:
        return self.back_to(self.object)
