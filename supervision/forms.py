from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from areas.pickers import AreaChoiceField
from core.forms import StyledFormMixin
from households.forms import HouseholdPickInput
from households.models import Household

from .choices import (
    ComplaintChannelChoices,
    ComplaintFindingChoices,
    ComplaintKindChoices,
    ProblemCategoryChoices,
)
from .selectors import assignable_people

DATE = forms.DateInput(attrs={"type": "date"})


class _ScopedChoices:
    """Areas and people limited to what the signed-in user can see."""

    def scope(self, user: Any) -> None:
        self.user = user
        fields = self.fields  # type: ignore[attr-defined]
        if "area" in fields:
            fields["area"].user = user
        for name in ("responsible_person", "assignee"):
            if name in fields:
                fields[name].queryset = assignable_people(user)
                fields[name].label_from_instance = lambda u: (
                    f"{u.display_name} · {u.unit or u.get_role_display()}"
                )


class _HouseholdNumber:
    """The household concerned, entered by its number and looked up only inside the user's areas."""

    user: Any = None

    def clean_household(self) -> Household | None:
        number = (self.cleaned_data.get("household") or "").strip()  # type: ignore[attr-defined]
        if not number:
            return None
        household = Household.objects.visible_to(self.user).filter(number=number).first()
        if household is None:
            raise forms.ValidationError(
                _("No household numbered %(number)s in your areas."), params={"number": number}
            )
        return household


def _household_field() -> forms.CharField:
    return forms.CharField(
        label=_("Household number"),
        max_length=32,
        required=False,
        help_text=_("The household concerned, if any (its registry number)."),
        widget=HouseholdPickInput(),
    )


class InspectionForm(StyledFormMixin, _ScopedChoices, forms.Form):
    area = AreaChoiceField(label=_("Area inspected"))
    title = forms.CharField(label=_("Title"), max_length=200)
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DATE)
    inspectors = forms.CharField(label=_("Inspectors"), max_length=300, required=False)
    summary = forms.CharField(
        label=pgettext_lazy("inspection", "Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ProblemForm(StyledFormMixin, _HouseholdNumber, _ScopedChoices, forms.Form):
    area = AreaChoiceField(label=_("Area"))
    household = _household_field()
    category = forms.ChoiceField(label=_("Problem category"), choices=ProblemCategoryChoices.choices)
    description = forms.CharField(label=_("Problem description"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible_unit = forms.CharField(label=_("Responsible unit"), max_length=120)
    responsible_person = forms.ModelChoiceField(label=_("Responsible person"), queryset=User.objects.none())
    deadline = forms.DateField(label=_("Rectification deadline"), widget=DATE)


class ProblemEditForm(StyledFormMixin, _ScopedChoices, forms.Form):
    """Change who rectifies a problem, by when, or its description (names the version it read)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    description = forms.CharField(label=_("Problem description"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible_unit = forms.CharField(label=_("Responsible unit"), max_length=120)
    responsible_person = forms.ModelChoiceField(label=_("Responsible person"), queryset=User.objects.none())
    deadline = forms.DateField(label=_("Rectification deadline"), widget=DATE)


class FollowUpForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Progress made"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CloseForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    closure_note = forms.CharField(
        label=_("How it was rectified"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ComplaintForm(StyledFormMixin, _HouseholdNumber, _ScopedChoices, forms.Form):
    area = AreaChoiceField(label=_("Area"))
    household = _household_field()
    kind = forms.ChoiceField(label=_("Kind"), choices=ComplaintKindChoices.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=ComplaintChannelChoices.choices)
    complainant = forms.CharField(label=_("Complainant"), max_length=60, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=40, required=False)
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(StyledFormMixin, _ScopedChoices, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none())


class AnswerForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    finding = forms.ChoiceField(
        label=_("Finding"), choices=[("", "---------"), *ComplaintFindingChoices.choices], required=False
    )


class OpenProblemForm(StyledFormMixin, _ScopedChoices, forms.Form):
    category = forms.ChoiceField(label=_("Problem category"), choices=ProblemCategoryChoices.choices)
    responsible_unit = forms.CharField(label=_("Responsible unit"), max_length=120)
    responsible_person = forms.ModelChoiceField(label=_("Responsible person"), queryset=User.objects.none())
    deadline = forms.DateField(label=_("Rectification deadline"), widget=DATE)
