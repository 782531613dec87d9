"""Forms validate the shape of input and hand it to the services, which own the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from areas.choices import AreaLevelChoices
from areas.models import Area
from areas.pickers import AreaChoiceField, VillagePickerField, VillagesPickerField
from core import clock
from core.forms import StyledFormMixin, VersionedFormMixin

from .choices import (
    FollowUpStatusChoices,
    MeasureCategoryChoices,
    MeasureKindChoices,
    MeasureStatusChoices,
    PlanStatusChoices,
)
from .models import AssistancePlan, Cadre, FollowUp, Measure, VillagePlan, WorkTeam

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FOLLOW_UP_ROWS = 3


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleImageField, self).clean(item, initial) for item in files]


class VisitForm(StyledFormMixin, forms.Form):
    """A visit in under a minute on a phone: date (today), what was found, needs, promises kept and
    new promises (up to three), photos."""

    visited_on = forms.DateField(label=_("Date of visit"), widget=DATE)
    findings = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    needs = forms.CharField(
        label=_("Household's needs"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )
    done_follow_ups = forms.MultipleChoiceField(
        label=_("Promises kept at this visit"), required=False, widget=forms.CheckboxSelectMultiple
    )
    photos = MultipleImageField(
        label=_("Photos"),
        help_text=_("JPEG or PNG, up to 6."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
    )

    def __init__(self, *args: Any, open_follow_ups: list[FollowUp] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = clock.today()
        self.fields["done_follow_ups"].choices = [
            (str(f.pk), f"{f.description} ({_('due')} {f.due_date:%Y-%m-%d})") for f in open_follow_ups
        ]
        if not open_follow_ups:
            del self.fields["done_follow_ups"]
        for n in range(1, FOLLOW_UP_ROWS + 1):
            self.fields[f"follow_up_{n}"] = forms.CharField(
                label=_("New follow-up %(n)d") % {"n": n},
                required=False,
                max_length=300,
                widget=forms.TextInput(
                    attrs={"class": "form-control", "placeholder": _("What was promised")}
                ),
            )
            self.fields[f"follow_up_{n}_due"] = forms.DateField(
                label=_("Due date"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
            )

    def follow_ups(self) -> list[tuple[str, dt.date | None]]:
        rows = []
        for n in range(1, FOLLOW_UP_ROWS + 1):
            text = (self.cleaned_data.get(f"follow_up_{n}") or "").strip()
            due = self.cleaned_data.get(f"follow_up_{n}_due")
            if text or due:
                rows.append((text, due))
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for n in range(1, FOLLOW_UP_ROWS + 1):
            text, due = data.get(f"follow_up_{n}"), data.get(f"follow_up_{n}_due")
            if text and not due:
                self.add_error(f"follow_up_{n}_due", _("Give a due date for this follow-up."))
            if due and not text:
                self.add_error(f"follow_up_{n}", _("Describe what was promised."))
        return data


class CadreAssignForm(StyledFormMixin, forms.Form):
    cadre = forms.ModelChoiceField(label=_("Responsible cadre"), queryset=Cadre.objects.none())
    start = forms.DateField(label=_("Pairing starts on"), widget=DATE)

    def __init__(self, *args: Any, household: Any, **kwargs: Any) -> None:
        from .selectors import cadres_eligible_for

        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres_eligible_for(household)
        self.fields["cadre"].label_from_instance = lambda c: c.choice_label
        self.fields["start"].initial = clock.today()


class ServiceValidatedModelForm(forms.ModelForm):
    """A ModelForm used only for its fields: the service validates the data (and the database
    constrains it), so the model's own validation would only repeat it in different words."""

    def _post_clean(self) -> None:
        return None


class PlanForm(VersionedFormMixin, ServiceValidatedModelForm):
    class Meta:
        model = AssistancePlan
        fields = ["year", "goals", "status"]
        widgets = {"goals": forms.Textarea(attrs={"rows": 4})}


class MeasureForm(VersionedFormMixin, ServiceValidatedModelForm):
    category = forms.ChoiceField(
        label=_("Five-batches category"),
        choices=[("", _("(follows the kind)")), *MeasureCategoryChoices.choices],
        required=False,
    )

    class Meta:
        model = Measure
        fields = [
            "kind",
            "category",
            "member",
            "plan",
            "description",
            "start_date",
            "end_date",
            "status",
            "amount",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args: Any, household: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = MeasureKindChoices.choices
        self.fields["status"].choices = MeasureStatusChoices.choices
        self.fields["member"].queryset = household.members.all()
        self.fields["member"].empty_label = _("The whole household")
        self.fields["plan"].queryset = AssistancePlan.objects.filter(household=household).order_by("-year")
        self.fields["amount"].help_text = _("Yuan; leave empty where no money is paid.")
        if not self.instance.pk:
            self.fields["start_date"].initial = clock.today()


class CadreForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=60)
    unit = forms.CharField(label=_("Work unit"), max_length=120)
    position = forms.CharField(label=_("Position"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    area = AreaChoiceField(
        label=_("Area of work"),
        levels=(AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP, AreaLevelChoices.VILLAGE),
    )
    account = forms.ModelChoiceField(label=_("User account"), queryset=Area.objects.none(), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        self.fields["area"].user = user
        prefixes = user.scope_prefixes if not user.is_superuser else ("",)
        q = Q()
        for prefix in prefixes:
            q |= Q(areas__code__startswith=prefix)
        self.fields["account"].queryset = (
            get_user_model()
            .objects.filter(q, cadre_profile__isnull=True, is_active=True)
            .distinct()
            .order_by("username")
        )


class CadreEditForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=60)
    unit = forms.CharField(label=_("Work unit"), max_length=120)
    position = forms.CharField(label=_("Position"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    is_active = forms.BooleanField(label=_("In post"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class _TeamPeopleForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=120)
    sending_unit = forms.CharField(label=_("Sending unit"), max_length=120)
    term_start = forms.DateField(label=_("Term start"), widget=DATE)
    term_end = forms.DateField(label=_("Term end (planned)"), widget=DATE, required=False)
    first_secretary = forms.ModelChoiceField(
        label=_("First secretary"), queryset=Cadre.objects.none(), required=False
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Team members"),
        queryset=Cadre.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cadres = Cadre.objects.visible_to(user).filter(is_active=True).select_related("area").order_by("name")
        for name in ("first_secretary", "members"):
            self.fields[name].queryset = cadres
            self.fields[name].label_from_instance = lambda c: c.choice_label


class TeamForm(_TeamPeopleForm):
    villages = VillagesPickerField(label=_("Villages"), queryset=Area.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["villages"].queryset = Area.objects.visible_to(user).filter(
            level=AreaLevelChoices.VILLAGE
        )
        self.fields["villages"].bind_township(self.data, self.add_prefix("villages"))


class TeamRotateForm(_TeamPeopleForm):
    handover_notes = forms.CharField(
        label=_("Handover notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class FollowUpCloseForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Result"),
        choices=[(FollowUpStatusChoices.DONE, _("Done")), (FollowUpStatusChoices.CANCELLED, _("Cancelled"))],
    )
    done_on = forms.DateField(label=_("Date"), widget=DATE)
    outcome = forms.CharField(label=pgettext_lazy("follow-up", "Outcome"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class VillagePlanForm(VersionedFormMixin, ServiceValidatedModelForm):
    class Meta:
        model = VillagePlan
        fields = ["village", "year", "title", "goals", "projects", "team", "status"]
        widgets = {"goals": forms.Textarea(attrs={"rows": 4}), "projects": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"] = VillagePickerField(
            queryset=Area.objects.visible_to(user).filter(level=AreaLevelChoices.VILLAGE),
            label=self.fields["village"].label,
        )
        self.fields["village"].bind_township(self.data, self.add_prefix("village"))
        self.fields["team"].queryset = WorkTeam.objects.visible_to(user)
        self.fields["status"].choices = PlanStatusChoices.choices
        if self.instance.pk:
            self.fields["village"].disabled = True
            self.fields["village"].widget.attrs["disabled"] = True  # the picker renders it so
            self.fields["year"].disabled = True


class RemindersForm(StyledFormMixin, forms.Form):
    visit_days = forms.IntegerField(label=_("Visit at least every (days)"), min_value=1, max_value=366)
