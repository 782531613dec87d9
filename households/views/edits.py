"""Registering and editing households and members, income, conditions and the Four-looks sheet."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.requests import request_user
from accounts.roles import Capability
from core.forms import form_error_summary
from core.pages import ServiceFormView
from core.scoping import ensure_can, get_visible_or_404

from .. import services
from ..choices import RelationChoices
from ..forms import (
    ConditionsForm,
    FourLooksForm,
    HouseholdForm,
    IncomeForm,
    MemberAddForm,
    MemberForm,
    MemberFormSet,
    MemberLeaveForm,
    MemberMoveForm,
)
from ..models import (
    Household,
    Member,
)

# -- registration and edits ---------------------------------------------------------------------

MEMBER_ERROR = re.compile(r"^members\[(\d+)\]\.(\w+)$")


@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    ensure_can(request_user(request), Capability.EDIT_REGISTRY)
    form = HouseholdForm(request.POST or None, user=request_user(request))
    formset = MemberFormSet(
        request.POST or None,
        prefix="members",
        initial=[{"relation": RelationChoices.HEAD}],
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        filled = [(i, f) for i, f in enumerate(formset.forms) if f.has_changed()]
        data = form.cleaned_data
        try:
            household = services.household_register(
                user=request_user(request),
                village=data["village"],
                number=data.get("number") or "",
                members=[{k: v for k, v in f.cleaned_data.items() if k != "version"} for _i, f in filled],
                **{k: v for k, v in data.items() if k not in ("village", "number", "version")},
            )
        except ValidationError as exc:
            _register_errors(form, formset, filled, exc)
        else:
            messages.success(request, _("Household %(n)s registered.") % {"n": household.number})
            return redirect("households:detail", pk=household.pk)
    summary = []
    if request.method == "POST":
        summary = form_error_summary(
            ("", form),
            *((_("Member %(n)d") % {"n": i + 1}, f) for i, f in enumerate(formset.forms) if f.errors),
        )
        summary += [
            {"where": "", "label": "", "message": str(e), "anchor": ""} for e in formset.non_form_errors()
        ]
    return render(
        request,
        "households/household_create.html",
        {"form": form, "formset": formset, "error_summary": summary},
    )


def _register_errors(form: HouseholdForm, formset: Any, filled: list, exc: ValidationError) -> None:
    for key, errors in exc.message_dict.items():
        match = MEMBER_ERROR.match(key)
        if match:
            index, field = int(match.group(1)), match.group(2)
            target = filled[index][1]
            target.add_error(field if field in target.fields else None, errors)
        elif key == "members":
            formset._non_form_errors = formset.error_class(errors)
        else:
            form.add_error(key if key in form.fields else None, errors)


class _HouseholdFormPage(ServiceFormView):
    """A household's form page (households/form.html): the household is read and the right checked
    before any form is drawn; done, its page opens with `success_message`."""

    template_name = "households/form.html"
    capability = Capability.EDIT_REGISTRY
    household: Household | None  # the page's household (none for a member outside any)
    subject: Household  # a household page's household, read by `check`

    def check(self) -> None:
        self.subject = get_visible_or_404(
            Household.objects.select_related("village"), request_user(self.request), pk=self.kwargs["pk"]
        )
        ensure_can(request_user(self.request), self.capability, self.subject)
        self.household = self.subject

    def title(self) -> str:
        """The page's heading: an abstract hook (as core.pages' `perform` and `back`), each page names its
        own from the record it shows."""
        raise NotImplementedError

    def form_data(self, form: Any, *, versioned: bool = False) -> dict[str, Any]:
        """The form's data for the service; `versioned`: the version read is the `expected_version`."""
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if versioned:
            data["expected_version"] = form.cleaned_data.get("version") or 0
        return data

    def get_context(self, form: Any) -> dict[str, Any]:
        return {"form": form, "household": self.household, "title": self.title()}

    def success(self, result: Any) -> HttpResponse:
        messages.success(self.request, str(self.success_message))
        # a member outside any household (only a superuser sees one) has no household page
        if self.household is None:
            return redirect("households:list")
        return redirect("households:detail", pk=self.household.pk)


class HouseholdEditPage(_HouseholdFormPage):
    form_class = HouseholdForm
    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"instance": self.subject, "user": request_user(self.request)}

    def title(self) -> str:
        return _("Edit household %(n)s") % {"n": self.subject.number}

    def perform(self, form: Any) -> Any:
        data = self.form_data(form, versioned=True)
        return services.household_update(household=self.subject, user=request_user(self.request), **data)


class MemberAddPage(_HouseholdFormPage):
    form_class = MemberAddForm
    success_message = gettext_lazy("Member added.")

    def title(self) -> str:
        return _("Add a member")

    def perform(self, form: Any) -> Any:
        data = self.form_data(form)
        return services.member_add(household=self.subject, user=request_user(self.request), **data)


class _MemberFormPage(_HouseholdFormPage):
    """A page on one member (its household's form page, the member's name in the title)."""

    member: Member

    def check(self) -> None:
        self.member = get_visible_or_404(
            Member.objects.select_related("household"), request_user(self.request), pk=self.kwargs["pk"]
        )
        ensure_can(request_user(self.request), self.capability, self.member)
        self.household = self.member.household

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"member": self.member}


class MemberEditPage(_MemberFormPage):
    form_class = MemberForm
    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"instance": self.member}

    def title(self) -> str:
        return _("Edit member %(n)s") % {"n": self.member.name}

    def perform(self, form: Any) -> Any:
        data = self.form_data(form, versioned=True)
        return services.member_update(member=self.member, user=request_user(self.request), **data)


class MemberLeavePage(_MemberFormPage):
    form_class = MemberLeaveForm
    success_message = gettext_lazy("The member has left the household; the history is kept.")

    def title(self) -> str:
        return _("%(n)s leaves the household") % {"n": self.member.name}

    def perform(self, form: Any) -> Any:
        # the form's fields are the service's: left_on, reason, new_head
        return services.member_leave(member=self.member, user=request_user(self.request), **form.cleaned_data)


class MemberMovePage(_MemberFormPage):
    form_class = MemberMoveForm
    success_message = gettext_lazy("The member has moved; both households keep the history.")

    def title(self) -> str:
        return _("Move %(n)s to another household") % {"n": self.member.name}

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        user = request_user(self.request)
        target = Household.objects.visible_to(user).filter(number=d["to_number"].strip()).first()
        if target is None:
            raise ValidationError({"to_number": _("No household with this number in your area.")})
        return services.member_move(
            member=self.member,
            to_household=target,
            user=user,
            moved_on=d["moved_on"],
            reason=d["reason"],
            relation=d["relation"],
            new_head=d.get("new_head"),
        )


class HouseholdRecordPage(_HouseholdFormPage):
    """A page that records one dated fact of a household (income, living conditions, four looks)
    through its service; a subclass names the form, title, service and message."""

    page_title: Any

    def title(self) -> str:
        return str(self.page_title)

    def perform(self, form: Any) -> Any:
        return self.service(household=self.subject, user=request_user(self.request), **form.cleaned_data)


household_edit = HouseholdEditPage.as_view()
member_add = MemberAddPage.as_view()
member_edit = MemberEditPage.as_view()
member_leave = MemberLeavePage.as_view()
member_move = MemberMovePage.as_view()


class IncomePage(HouseholdRecordPage):
    form_class = IncomeForm
    page_title = gettext_lazy("Income record")
    service = staticmethod(services.income_record_save)
    success_message = gettext_lazy("Income saved.")


class ConditionsPage(HouseholdRecordPage):
    form_class = ConditionsForm
    page_title = gettext_lazy("Living conditions")
    service = staticmethod(services.living_conditions_record)
    success_message = gettext_lazy("Assessment saved.")


class FourLooksPage(HouseholdRecordPage):
    form_class = FourLooksForm
    page_title = gettext_lazy("Four-looks score sheet")
    service = staticmethod(services.four_looks_assess)
    success_message = gettext_lazy("Score sheet saved.")


income_add = IncomePage.as_view()
conditions_add = ConditionsPage.as_view()
four_looks_add = FourLooksPage.as_view()
