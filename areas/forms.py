from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin


class AreaImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Area file (CSV or xlsx)"),
        help_text=_("Columns: code, name, level, parent_code; optional rural_population."),
    )
    population_year = forms.IntegerField(
        label=_("Population year"), required=False, min_value=2000, max_value=2100
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
