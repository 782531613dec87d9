from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
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
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = counties.order_by("code")
        self.fields["as_of"].initial = clock.today()


class RecomputeForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why recompute this frozen snapshot?"), max_length=300, required=False)
    population_year = forms.IntegerField(label=_("Population year"), required=False)


class ExitTargetForm(StyledFormMixin, forms.Form):
    area = forms.ModelChoiceField(label=_("County or township"), queryset=Area.objects.none())
    year = forms.IntegerField(label=_("Year"))
    people = forms.IntegerField(label=_("People to exit"))
    households = forms.IntegerField(label=_("Households to exit"), required=False, initial=0)
    source = forms.CharField(label=_("Source document"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = areas.filter(
            level__in=[AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP]
        ).order_by("code")
        self.fields["year"].initial = clock.today().year
