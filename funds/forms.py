"""Forms validate input and hand it to the services; the services enforce the rules."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from areas.choices import AreaLevelChoices
from areas.models import Area
from areas.pickers import VillagesPickerField
from core import clock
from core.forms import StyledFormMixin, VersionedFormMixin
from core.money import CENT, money_parse
from core.numbers import exact_decimal
from households.forms import HouseholdPickInput
from households.models import Household

from .choices import FundKindChoices, FundLevelChoices, NoticeKindChoices
from .models import Allocation, FundSource, Project, ProjectCategory, ProjectFunding
from .selectors import categories_usable_by, fundings_payable_by


class MoneyField(forms.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", CENT)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "step": "0.01"})


def counties_for(user: Any) -> Any:
    return Area.objects.visible_to(user).filter(level=AreaLevelChoices.COUNTY)


class FundSourceForm(StyledFormMixin, forms.Form):
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("County"))
    name = forms.CharField(label=_("Name"), max_length=120)
    level = forms.ChoiceField(label=pgettext_lazy("fund", "Level"), choices=FundLevelChoices.choices)
    kind = forms.ChoiceField(label=_("Kind of fund"), choices=FundKindChoices.choices)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = counties_for(user)
        if self.fields["area"].queryset.count() == 1:
            self.fields["area"].initial = self.fields["area"].queryset.first()


class AllocationForm(StyledFormMixin, forms.Form):
    source = forms.ModelChoiceField(queryset=FundSource.objects.none(), label=_("Fund source"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    document_number = forms.CharField(label=_("Document number"), max_length=80)
    document_date = forms.DateField(
        label=_("Document date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    amount = MoneyField(label=_("Amount (yuan)"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = FundSource.objects.visible_to(user).select_related("area")
        self.fields["year"].initial = clock.today().year


class ProjectForm(VersionedFormMixin, forms.Form):
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("Run by"))
    name = forms.CharField(label=_("Project name"), max_length=150)
    category = forms.ModelChoiceField(
        queryset=ProjectCategory.objects.none(), label=_("Category (positive list)")
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    budget = MoneyField(label=_("Budget (yuan)"))
    description = forms.CharField(
        label=pgettext_lazy("project", "Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    villages = VillagesPickerField(
        queryset=Area.objects.none(), label=_("Benefiting villages"), required=False
    )
    household_numbers = forms.CharField(
        label=_("Benefiting households"),
        help_text=_("Household numbers, separated by commas, spaces or new lines."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, user: Any, instance: Project | None = None, **kwargs: Any) -> None:
        self.instance = instance
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.visible_to(user).filter(
            level__in=[AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP]
        )
        self.fields["category"].queryset = categories_usable_by(user)
        self.fields["villages"].queryset = Area.objects.visible_to(user).filter(
            level=AreaLevelChoices.VILLAGE
        )
        self.fields["villages"].bind_township(self.data, self.add_prefix("villages"))
        self.fields["year"].initial = clock.today().year
        if instance is not None:
            # Disabled: the value comes from `initial`, also when the form is submitted.
            self.fields["area"].disabled = True
            self.initial["area"] = instance.area_id
            if not self.is_bound:
                self.initial.update(
                    area=instance.area_id,
                    name=instance.name,
                    category=instance.category_id,
                    year=instance.year,
                    budget=instance.budget,
                    description=instance.description,
                    villages=list(instance.villages.values_list("pk", flat=True)),
                    household_numbers=" ".join(instance.households.values_list("number", flat=True)),
                    version=instance.version,
                )

    def clean_household_numbers(self) -> list[Household]:
        raw = self.cleaned_data.get("household_numbers") or ""
        numbers = [n for n in raw.replace(",", " ").replace("，", " ").split() if n]
        found = {
            h.number: h
            for h in Household.objects.visible_to(self.user)
            .filter(number__in=numbers)
            .select_related("village")
        }
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                _("Unknown household numbers, or outside your area: %(numbers)s")
                % {"numbers": ", ".join(missing[:10])}
            )
        return [found[n] for n in dict.fromkeys(numbers)]


class ProjectFundForm(StyledFormMixin, forms.Form):
    allocation = forms.ModelChoiceField(queryset=Allocation.objects.none(), label=_("From allocation"))
    amount = MoneyField(label=_("Amount (yuan)"))

    def __init__(self, *args: Any, user: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["allocation"].queryset = (
            Allocation.objects.visible_to(user)
            .filter(county__code=project.area.county_code)
            .select_related("source")
        )
        self.fields["allocation"].label_from_instance = lambda a: (
            f"{a.source.name} · {a.document_number} · {a.year} · "
            + _("unassigned %(amount)s yuan") % {"amount": f"{a.unassigned:,.2f}"}
        )


class TransitionForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DisbursementForm(StyledFormMixin, forms.Form):
    funding = forms.ModelChoiceField(
        queryset=ProjectFunding.objects.none(), label=_("Paid from (project and source)")
    )
    amount = MoneyField(label=_("Amount (yuan)"))
    paid_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    voucher_number = forms.CharField(label=_("Voucher number"), max_length=60)
    payee = forms.CharField(label=_("Payee"), max_length=120)
    household_number = forms.CharField(
        label=_("Household number"),
        max_length=32,
        required=False,
        help_text=_("Only for a payment to a household: one of the project's benefiting households."),
        widget=HouseholdPickInput(),
    )
    measure = forms.ModelChoiceField(
        queryset=None,
        label=_("Household measure"),
        required=False,
        help_text=_("Only for paying a household's measure that this project pays for."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, user: Any, project: Project | None = None, **kwargs: Any) -> None:
        from assistance.models import Measure

        self.user = user
        super().__init__(*args, **kwargs)
        qs = fundings_payable_by(user)
        if project is not None:
            qs = qs.filter(project=project)
        self.fields["funding"].queryset = qs
        if project is not None and not self.is_bound:
            lines = list(qs.values_list("pk", flat=True)[:2])
            if len(lines) == 1:
                self.initial.setdefault("funding", lines[0])
        measures = Measure.objects.visible_to(user).select_related("household__head")
        self.fields["measure"].queryset = (
            measures.filter(fund_link__project=project) if project is not None else measures.none()
        )
        self.fields["measure"].label_from_instance = lambda m: (
            f"{m.household.number} {m.household.head.name if m.household.head else ''} · {m.get_kind_display()}"
            + (f" · {m.amount:,.2f}" if m.amount is not None else "")
        )
        if project is None:
            del self.fields["measure"]
        self.fields["funding"].label_from_instance = lambda f: (
            f"{f.project.name} · {f.allocation.source.name} ({f.allocation.document_number}) · "
            + _("balance %(amount)s yuan") % {"amount": f"{f.balance:,.2f}"}
        )
        self.fields["paid_on"].initial = clock.today()
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex

    def clean_household_number(self) -> Household | None:
        number = (self.cleaned_data.get("household_number") or "").strip()
        if not number:
            return None
        household = Household.objects.visible_to(self.user).filter(number=number).first()
        if household is None:
            raise forms.ValidationError(_("No household with this number in your area."))
        return household


class ReversalForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the reversal"), max_length=300)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex


class NoticeForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKindChoices.choices)
    starts_on = forms.DateField(
        label=_("Notice starts"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    days = forms.IntegerField(label=_("Notice period (days)"), min_value=1, max_value=90)
    extra_text = forms.CharField(
        label=_("Additional text"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )

    def __init__(self, *args: Any, min_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = clock.today()
        # the county's minimum (funds.policy), which the service holds the notice to
        self.fields["days"].initial = min_days
        self.fields["days"].help_text = _("At least %(days)d days.") % {"days": min_days}


class HouseholdBatchForm(StyledFormMixin, forms.Form):
    funding = forms.ModelChoiceField(queryset=ProjectFunding.objects.none(), label=_("Paid from"))
    amount_each = MoneyField(label=_("Amount per household (yuan)"))
    paid_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    voucher_number = forms.CharField(label=_("Voucher number"), max_length=60)
    batch_key = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args: Any, user: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funding"].queryset = fundings_payable_by(user).filter(project=project)
        self.fields["funding"].label_from_instance = lambda f: (
            f"{f.allocation.source.name} ({f.allocation.document_number}) · "
            + _("balance %(amount)s yuan") % {"amount": f"{f.balance:,.2f}"}
        )
        self.fields["paid_on"].initial = clock.today()
        if not self.is_bound:
            self.initial["batch_key"] = f"batch-{uuid.uuid4().hex[:16]}"


class PublicLookupForm(StyledFormMixin, forms.Form):
    id_number = forms.CharField(
        label=_("Resident ID number"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    name = forms.CharField(label=_("Full name"), max_length=60)


class ReportForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)


class DeclaredTotalForm(StyledFormMixin, forms.Form):
    """A total as a report prints it, with its parts, in yuan or in 万元 (converted exactly)."""

    UNITS = (("wan", _("10k yuan")), ("yuan", _("yuan")))

    title = forms.CharField(label=_("Title"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100, required=False)
    source_document = forms.CharField(label=_("Source document"), max_length=200, required=False)
    unit = forms.ChoiceField(label=_("Unit"), choices=UNITS, initial="wan")
    declared_amount = forms.DecimalField(label=_("Declared total"), max_digits=18, decimal_places=6)
    parts = forms.CharField(
        label=_("Parts"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One part a line: a label, then the amount, e.g. “中央 130”."),
    )

    def _to_yuan(self, amount: Decimal) -> Decimal:
        return amount * 10000 if self.cleaned_data.get("unit") == "wan" else amount

    def clean(self) -> dict:
        """The total and every part in yuan, read by core.money.money_parse (exact, fen at most), so
        a 万元 figure with more digits than a fen is refused here, next to its field."""
        data = super().clean()
        if "declared_amount" in data:
            try:
                data["declared_amount"] = money_parse(
                    self._to_yuan(data["declared_amount"]), field_name="declared_amount"
                )
            except ValidationError as exc:
                self.add_error("declared_amount", exc.message_dict["declared_amount"])
        if "parts" in data:
            try:
                data["parts"] = [
                    (
                        label,
                        money_parse(
                            self._to_yuan(amount), field_name="parts", allow_zero=True, allow_negative=True
                        ),
                    )
                    for label, amount in data["parts"]
                ]
            except ValidationError as exc:
                self.add_error("parts", exc.message_dict["parts"])
        return data

    def clean_parts(self) -> list[tuple[str, Decimal]]:
        parts = []
        for number, line in enumerate((self.cleaned_data.get("parts") or "").splitlines(), start=1):
            line = line.strip().replace("：", " ").replace(":", " ").replace(",", "").replace("，", "")
            if not line:
                continue
            label, _sep, raw = line.rpartition(" ")
            amount = exact_decimal(raw)  # the unit is applied in clean(), then money_parse reads it
            if not label.strip() or amount is None:
                raise forms.ValidationError(
                    _("Line %(n)d: write a label and an amount, e.g. “中央 130”.") % {"n": number}
                )
            parts.append((label.strip(), amount))
        if not parts:
            raise forms.ValidationError(_("Enter at least one part."))
        return parts

    def parts_in_yuan(self) -> list[tuple[str, Decimal]]:
        """The parts in yuan (clean() converted them)."""
        parts: list[tuple[str, Decimal]] = self.cleaned_data["parts"]
        return parts
