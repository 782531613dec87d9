from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import validate_year
from core.forms import StyledFormMixin

from .policy import BandsKey, PolicyKey

if TYPE_CHECKING:
    from .selectors import PolicyInForce


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


# -- policy values (areas.policy) ------------------------------------------------------------------


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
        """The bands as stored (a BandsKey's value), ordered by class."""
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


def band_formset(data: Any = None, *, bands: list[dict], prefix: str = "bands") -> BaseBandFormSet:
    initial = [{"number": b["class"], "low": b["min"], "high": b.get("max")} for b in bands]
    return cast(BaseBandFormSet, VillageClassBandFormSet(data, initial=initial, prefix=prefix))


class PolicyForm(StyledFormMixin, forms.Form):
    """The policy values of one area: a field per key the user may set there (named by the key), the
    village-class style bands as rows, and for a value the area itself set a box to let it go back
    to the one above. `changes()` is what policy_set takes: only values that differ from the one in
    force, so saving the page does not pin every inherited value on the area."""

    versions = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)

    def __init__(
        self, data: Any = None, *, area: Any, in_force: dict[str, PolicyInForce], editable: set[str]
    ) -> None:
        super().__init__(data)
        self.area, self.in_force = area, in_force
        self.band_sets: dict[str, BaseBandFormSet] = {}
        own = {
            name: found.row.version
            for name, found in in_force.items()
            if found.row and found.source == area.code
        }
        self.fields["versions"].initial = json.dumps(own)
        for name, found in in_force.items():
            if name not in editable:
                continue
            if isinstance(found.key, BandsKey):
                self.band_sets[name] = band_formset(data, bands=found.value, prefix=name.replace(".", "-"))
            else:
                field = found.key.form_field()
                field.initial = found.key.form_initial(found.value)
                # added after StyledFormMixin styled the form's fields; the row's header is its label
                field.widget.attrs.update(
                    {"class": "form-control form-control-sm", "aria-label": str(field.label)}
                )
                self.fields[name] = field
            if name in own:
                self.fields[f"{name}:inherit"] = forms.BooleanField(
                    label=_("Use the value from above"),
                    required=False,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )

    def is_valid(self) -> bool:
        return all([super().is_valid(), *(bands.is_valid() for bands in self.band_sets.values())])

    def changes(self) -> dict[str, Any]:
        """{"values": ..., "inherit": [...], "versions": ...} for areas.services.policy_set."""
        data = self.cleaned_data
        values: dict[str, Any] = {}
        inherit = []
        for name, found in self.in_force.items():
            if data.get(f"{name}:inherit"):
                inherit.append(name)
                continue
            if name in self.band_sets:
                new: Any = self.band_sets[name].bands()
            elif name in self.fields:
                new = data[name]
            else:
                continue
            if new != found.value:
                values[name] = new
        return {"values": values, "inherit": inherit, "versions": self._versions()}

    def _versions(self) -> dict[str, int]:
        try:
            read = json.loads(self.cleaned_data.get("versions") or "{}")
        except ValueError:
            return {}
        if not isinstance(read, dict):
            return {}
        return {str(k): v for k, v in read.items() if isinstance(v, int) and not isinstance(v, bool)}


class YearlyValueForm(StyledFormMixin, forms.Form):
    """A yearly policy value (the poverty line) of one year on an area: set or correct it (the field
    named by the key, with the document it follows), or let the year go back to the value above
    (`remove`)."""

    year = forms.IntegerField(label=_("Year"), validators=[validate_year])
    basis = forms.CharField(label=_("Basis"), required=False, max_length=200)
    remove = forms.BooleanField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, key: PolicyKey[Any], year: int | None = None) -> None:
        super().__init__(data, prefix=key.name.replace(".", "-"), initial={"year": year})
        self.key = key
        field = key.form_field()
        field.required = False  # not when removing; clean() asks for it otherwise
        field.widget.attrs.update({"class": "form-control form-control-sm", "aria-label": str(field.label)})
        self.fields[key.name] = field  # named by the key: the service's errors land on it
        self.order_fields(["year", key.name, "basis"])

    def clean(self) -> dict:
        data = super().clean() or {}
        if (
            not data.get("remove")
            and data.get(self.key.name) in (None, "")
            and self.key.name not in self.errors
        ):
            self.add_error(self.key.name, _("Enter the value for the year."))
        return data

    def changes(self) -> dict[str, Any]:
        """What areas.services.policy_set takes for this year."""
        data, name = self.cleaned_data, self.key.name
        versions = {name: data["version"]} if data.get("version") else {}
        if data.get("remove"):
            return {"year": data["year"], "inherit": [name], "versions": versions}
        return {"year": data["year"], "values": {name: data[name]}, "basis": data.get("basis") or ""}
