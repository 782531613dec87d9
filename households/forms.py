"""Forms: they validate input and hand it to the services (which hold the rules)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from areas.pickers import AreaChoiceField, VillagePickerField
from core import clock
from core.dates import validate_year
from core.forms import StyledFormMixin, VersionedFormMixin

from .choices import (
    CrossCheckSourceChoices,
    HousingSafetyChoices,
    MembershipChangeReasonChoices,
    PovertyCauseChoices,
    RelationChoices,
    ReviewStatusChoices,
    StepDecisionChoices,
)
from .models import Household, Member
from .services import HOUSEHOLD_FIELDS, MEMBER_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HouseholdPickInput(forms.TextInput):
    """A household-number field that offers matching households as the user types a name, pinyin, ID
    number tail or number (static/js/app.js asks the household API's `q`, households.search)."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"autocomplete": "off", **(attrs or {})})

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        from django.urls import reverse

        attrs = {**(attrs or {}), "data-household-pick": reverse("household-list")}
        return super().get_context(name, value, attrs)


class HouseholdForm(VersionedFormMixin, forms.ModelForm):
    secondary_causes = forms.MultipleChoiceField(
        label=_("Secondary causes"),
        choices=PovertyCauseChoices.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    class Meta:
        model = Household
        fields = ["village", "number", *HOUSEHOLD_FIELDS]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Leave empty to number the household automatically.")
        villages = (
            Area.objects.visible_to(user).filter(level=AreaLevelChoices.VILLAGE).select_related("parent")
        )
        village = VillagePickerField(queryset=villages, label=self.fields["village"].label)
        village.bind_township(self.data, self.add_prefix("village"))
        self.fields["village"] = village
        if self.instance.pk:
            # The village and number identify the household; they are not edited here.
            del self.fields["village"]
            del self.fields["number"]

    def validate_unique(self) -> None:
        """Uniqueness is the service's (and the database's) job."""


class MemberForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = list(MEMBER_FIELDS)
        widgets = {
            "birth_date": DATE,
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 22, "inputmode": "text"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = pgettext_lazy("person", "Name")
        self.fields["id_number"].required = True
        self.fields["id_number"].help_text = _("18 characters; the birth date and sex must agree with it.")
        if self.instance.pk:
            # Relation changes follow a head change or a move, not a plain edit.
            del self.fields["relation"]

    def validate_unique(self) -> None:
        """A duplicate ID number is reported by the service without saying where the person is."""


class MemberAddForm(MemberForm):
    """A person joining an existing household: why and when."""

    join_reason = forms.ChoiceField(
        label=_("Reason joined"),
        choices=[
            (c.value, c.label)
            for c in (
                MembershipChangeReasonChoices.BIRTH,
                MembershipChangeReasonChoices.MARRIAGE,
                MembershipChangeReasonChoices.MOVED_IN,
                MembershipChangeReasonChoices.CORRECTION,
            )
        ],
    )
    joined_on = forms.DateField(label=_("Joined on"), widget=DATE, initial=clock.today)


class MemberCardForm(MemberForm):
    """A member card of the registration form: a card without a name or ID number is left empty."""

    def has_changed(self) -> bool:
        return any((self.data.get(self.add_prefix(f)) or "").strip() for f in ("name", "id_number"))


class BaseMemberFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(f.has_changed() for f in self.forms):
            raise forms.ValidationError(_("A household has at least one member."))


MemberFormSet = forms.formset_factory(MemberCardForm, formset=BaseMemberFormSet, extra=6, max_num=20)


def _new_head_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("New head of household"), queryset=Member.objects.none(), required=False
    )


class _NewHeadAmongOthers:
    """A form whose `new_head` is one of the household's other members (not the one leaving it)."""

    fields: dict[str, Any]

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_head"].queryset = Member.objects.filter(household=member.household_id).exclude(
            pk=member.pk
        )


class MemberLeaveForm(_NewHeadAmongOthers, StyledFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (c.value, c.label)
            for c in (
                MembershipChangeReasonChoices.DEATH,
                MembershipChangeReasonChoices.MARRIAGE,
                MembershipChangeReasonChoices.MOVED_OUT,
                MembershipChangeReasonChoices.SPLIT,
                MembershipChangeReasonChoices.CORRECTION,
            )
        ],
    )
    left_on = forms.DateField(label=_("Date"), widget=DATE, initial=clock.today)
    new_head = _new_head_field()


class MemberMoveForm(_NewHeadAmongOthers, StyledFormMixin, forms.Form):
    to_number = forms.CharField(
        label=_("Number of the household to move to"), max_length=32, widget=HouseholdPickInput()
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (c.value, c.label)
            for c in (
                MembershipChangeReasonChoices.MARRIAGE,
                MembershipChangeReasonChoices.SPLIT,
                MembershipChangeReasonChoices.MOVED_OUT,
            )
        ],
    )
    relation = forms.ChoiceField(label=_("Relation to the new head"), choices=RelationChoices.choices)
    moved_on = forms.DateField(label=_("Date"), widget=DATE, initial=clock.today)
    new_head = _new_head_field()


class IncomeForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=2013, validators=[validate_year], initial=lambda: clock.today().year
    )
    wage_income = forms.DecimalField(label=_("Wage income"), max_digits=14, decimal_places=2, initial=0)
    production_income = forms.DecimalField(
        label=_("Net production income"), max_digits=14, decimal_places=2, initial=0
    )
    property_income = forms.DecimalField(
        label=_("Property income"), max_digits=14, decimal_places=2, initial=0
    )
    transfer_income = forms.DecimalField(
        label=_("Transfer income"), max_digits=14, decimal_places=2, initial=0
    )
    production_costs = forms.DecimalField(
        label=_("Production costs"), max_digits=14, decimal_places=2, min_value=0, initial=0
    )


class ConditionsForm(StyledFormMixin, forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE, initial=clock.today)
    food_secure = forms.BooleanField(label=_("Food secure"), required=False)
    clothing_secure = forms.BooleanField(label=_("Clothing secure"), required=False)
    compulsory_education_secured = forms.BooleanField(label=_("Compulsory education secured"), required=False)
    medical_insured = forms.BooleanField(label=_("Medical insurance"), required=False)
    medical_access = forms.BooleanField(label=_("Access to basic medical care"), required=False)
    housing_grade = forms.ChoiceField(label=_("Housing safety grade"), choices=HousingSafetyChoices.choices)
    safe_drinking_water = forms.BooleanField(label=_("Safe drinking water"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FourLooksForm(StyledFormMixin, forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE, initial=clock.today)
    housing_score = forms.IntegerField(
        label=_("1. Housing (0-100)"), min_value=0, max_value=100, help_text=_("Higher means worse housing.")
    )
    grain_score = forms.IntegerField(
        label=_("2. Grain (0-100)"), min_value=0, max_value=100, help_text=_("Higher means less grain.")
    )
    labour_score = forms.IntegerField(
        label=_("3. Labour (0-100)"), min_value=0, max_value=100, help_text=_("Higher means weaker labour.")
    )
    students_score = forms.IntegerField(
        label=_("4. Students (0-100)"),
        min_value=0,
        max_value=100,
        help_text=_("Higher means heavier schooling burden."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlaceholderMixin:
    """Inline forms on the household page show their labels as placeholders."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            if isinstance(field.widget, forms.TextInput | forms.Textarea):
                field.widget.attrs.setdefault("placeholder", field.label)
                field.widget.attrs.setdefault("aria-label", field.label)


class SignStepForm(PlaceholderMixin, StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=StepDecisionChoices.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting: the reason is kept with the record."),
    )


class ObjectionForm(PlaceholderMixin, StyledFormMixin, forms.Form):
    raised_on = forms.DateField(label=_("Raised on"), widget=DATE, initial=clock.today)
    raised_by = forms.CharField(label=_("Raised by"), max_length=60, required=False)
    content = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionResolveForm(StyledFormMixin, forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("0", _("Not upheld")), ("1", _("Upheld (the candidate is rejected)"))],
        coerce=lambda v: v == "1",
    )
    resolution = forms.CharField(label=_("How it was checked"), widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=pgettext_lazy("review", "Result"),
        choices=[(c.value, c.label) for c in (ReviewStatusChoices.CONFIRMED, ReviewStatusChoices.CLEARED)],
    )
    review_note = forms.CharField(label=_("What the check found"), widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Registry spreadsheet (.xlsx)"))
    migration = forms.BooleanField(
        label=_(
            "Registry migration: existing registered households from the previous system, with their status"
        ),
        required=False,
        help_text=_(
            "Leave unticked to register new applicants: they enter as candidates for the identification procedure."
        ),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is None or not user.has_capability(Capability.ADMINISTER):
            del self.fields["migration"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload the .xlsx file made from the template."))
        head = upload.read(4)
        upload.seek(0)
        if head != b"PK\x03\x04":
            raise forms.ValidationError(_("The file is not a readable xlsx workbook."))
        return upload


class CrossCheckForm(StyledFormMixin, forms.Form):
    area = AreaChoiceField(
        label=_("Area checked"),
        levels=(AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP, AreaLevelChoices.VILLAGE),
    )
    source = forms.ChoiceField(label=_("Kind of data"), choices=CrossCheckSourceChoices.choices)
    source_name = forms.CharField(label=_("Source department"), max_length=100)
    file = forms.FileField(
        label=_("ID number list (.xlsx or .csv)"),
        help_text=_("First column: ID numbers; second column (optional): what the department records."),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(AreaChoiceField, self.fields["area"]).user = user

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
