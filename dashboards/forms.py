from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from core.forms import StyledFormMixin


class ComputeForm(StyledFormMixin, forms.Form):
    area = forms.ModelChoiceField(
        label=_("County (or a higher level: all its counties)"), queryset=Area.objects.none()
    )
    as_of = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}))
    population_year = forms.IntegerField(
        label=_("Population year"), required=False, help_text=_("Default: the year of the date.")
    )

    def __init__(self, *args: Any, counties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = counties.order_by("code")
        self.fields["as_of"].initial = timezone.localdate()


class RecomputeForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why recompute this frozen snapshot?"), max_length=300, required=False)
    population_year = forms.IntegerField(label=_("Population year"), required=False)
