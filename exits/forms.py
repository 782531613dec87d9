from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from core.forms import StyledFormMixin

from .choices import MonitoringCategoryChoices, MonitoringSourceChoices, RiskChoices
from .models import ExitSettings


def _year_field(label: str = "") -> forms.IntegerField:
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
        self.fields["area"].choices = [(a.code, f"{a.name} ({a.get_level_display()})") for a in areas]


class PovertyLineForm(StyledFormMixin, forms.Form):
    year = _year_field()
    amount = forms.DecimalField(
        label=_("Poverty line (yuan per person)"), max_digits=14, decimal_places=2, min_value=0
    )
    basis = forms.CharField(label=_("Basis"), required=False, max_length=200)


class ExitSettingsForm(StyledFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ExitSettings
        fields = [
            "notice_min_days",
            "village_exit_threshold",
            "western_exit_threshold",
            "monitoring_income_multiple",
            "monitoring_notice_min_days",
            "monitoring_deadline_days",
            "risk_stable_months",
        ]


class VillageClassBandForm(StyledFormMixin, forms.Form):
    """One village class (贫困村分类) by incidence: from `low` (inclusive) to `high` (exclusive, or open)."""

    number = forms.IntegerField(label=_("Class"), min_value=1, max_value=20)
    low = forms.DecimalField(
        label=_("Incidence from (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    high = forms.DecimalField(
        label=_("to below (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("Empty: no upper bound."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # one table row per class: the column header is the visible label
            field.widget.attrs.setdefault("aria-label", str(field.label))
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} form-control-sm".strip()

    def clean(self) -> dict:
        data = super().clean() or {}
        low, high = data.get("low"), data.get("high")
        if low is not None and high is not None and high <= low:
            self.add_error("high", _("A band's upper bound must be above its lower bound."))
        return data


class BaseBandFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        numbers = [f.cleaned_data["number"] for f in self.forms if self._kept(f)]
        if not numbers:
            raise forms.ValidationError(_("Give at least one village class."))
        if len(numbers) != len(set(numbers)):
            raise forms.ValidationError(_("Each class number may appear once."))

    @staticmethod
    def _kept(form: forms.Form) -> bool:
        return bool(form.cleaned_data) and not form.cleaned_data.get("DELETE")

    def bands(self) -> list[dict]:
        """The bands as stored (ExitSettings.village_class_bands), ordered by class."""
        kept = [f.cleaned_data for f in self.forms if self._kept(f)]
        return [
            {
                "class": data["number"],
                "min": f"{data['low'].normalize():f}",
                "max": None if data.get("high") is None else f"{data['high'].normalize():f}",
            }
            for data in sorted(kept, key=lambda d: d["number"])
        ]


VillageClassBandFormSet = forms.formset_factory(
    VillageClassBandForm, formset=BaseBandFormSet, extra=1, can_delete=True, max_num=20
)


def band_formset(data: object = None, *, bands: list[dict]) -> BaseBandFormSet:
    initial = [{"number": b["class"], "low": b["min"], "high": b.get("max")} for b in bands]
    return VillageClassBandFormSet(data, initial=initial, prefix="bands")


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
    area = forms.ChoiceField(label=_("Area"))
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, areas: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.code, f"{a.name} ({a.get_level_display()})") for a in areas]


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
