from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from areas.choices import AreaLevelChoices
from areas.pickers import AreaChoiceField
from core import clock
from core.forms import StyledFormMixin

from .choices import MonitoringCategoryChoices, MonitoringSourceChoices, RiskChoices

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _year_field(label: StrOrPromise = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label or _("Year"), min_value=2000, max_value=2100, initial=clock.today().year
    )


class ProposeForm(StyledFormMixin, forms.Form):
    year = _year_field(_("Exit year"))
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SignForm(StyledFormMixin, forms.Form):
    step = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionForm(StyledFormMixin, forms.Form):
    raised_by = forms.CharField(label=_("Raised by (may stay anonymous)"), required=False, max_length=60)
    content = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionDecideForm(StyledFormMixin, forms.Form):
    upheld = forms.TypedChoiceField(
        label=pgettext_lazy("objection", "Decision"),
        choices=[("1", _("Uphold: send the procedure back")), ("0", _("Dismiss"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ScreeningForm(StyledFormMixin, forms.Form):
    area = forms.ChoiceField(label=_("County or township"))
    year = _year_field()

    def __init__(self, *args: object, areas: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["area"]).choices = [
            (a.code, f"{a.name} ({a.get_level_display()})") for a in areas
        ]


class MonitoringReportForm(StyledFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=MonitoringCategoryChoices.choices)
    source = forms.ChoiceField(
        label=_("Reported by"),
        choices=[c for c in MonitoringSourceChoices.choices if c[0] != MonitoringSourceChoices.RULE],
    )
    risks = forms.MultipleChoiceField(
        label=_("Risks"), choices=RiskChoices.choices, widget=forms.CheckboxSelectMultiple
    )
    essential_spending = forms.DecimalField(
        label=_("Essential spending this year (yuan)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
    )
    description = forms.CharField(
        label=_("Situation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssistanceForm(StyledFormMixin, forms.Form):
    measure = forms.CharField(label=_("Measure"), max_length=200)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), required=False, max_digits=14, decimal_places=2, min_value=0
    )


class CampaignForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    area = AreaChoiceField(
        label=_("Area"), levels=(AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP, AreaLevelChoices.VILLAGE)
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["area"].user = user  # type: ignore[attr-defined]


class CheckTaskForm(StyledFormMixin, forms.Form):
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CountyExitForm(StyledFormMixin, forms.Form):
    year = _year_field()
    province_check_passed = forms.NullBooleanField(label=_("Province check passed"), required=False)
    province_check_on = forms.DateField(
        label=_("Province check date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    province_check_note = forms.CharField(label=_("Province check note"), required=False)
    assessor = forms.CharField(label=_("Third-party assessor"), required=False, max_length=200)
    assessment_on = forms.DateField(
        label=_("Assessment date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    assessment_passed = forms.NullBooleanField(label=_("Third-party assessment passed"), required=False)
    wrong_exit_rate = forms.DecimalField(
        label=_("Wrong exit rate (%)"), required=False, max_digits=5, decimal_places=2
    )
    missed_rate = forms.DecimalField(
        label=_("Left-out rate (%)"), required=False, max_digits=5, decimal_places=2
    )
    satisfaction_rate = forms.DecimalField(
        label=_("Public approval (%)"), required=False, max_digits=5, decimal_places=2
    )
