"""Registering and editing households and members, income, conditions and the Four-looks sheet."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm, Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.requests import request_user
from accounts.roles import Capability
from core.exceptions import ConflictError
from core.forms import form_error_summary
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
from .base import form_errors

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


@login_required
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household.objects.all(), request_user(request), pk=pk)
    ensure_can(request_user(request), Capability.EDIT_REGISTRY, household)
    form = HouseholdForm(request.POST or None, instance=household, user=request_user(request))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.household_update(
                household=household,
                user=request_user(request),
                expected_version=form.cleaned_data.get("version") or 0,
                **data,
            )
        except ConflictError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("households:detail", pk=household.pk)
    return _form_page(request, form, household, _("Edit household %(n)s") % {"n": household.number})


def _form_page(
    request: HttpRequest,
    form: BaseForm,
    household: Household | None,
    title: str,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        "households/form.html",
        {"form": form, "household": household, "title": title, **extra},
    )


def _service_form(
    request: HttpRequest,
    form: BaseForm,
    household: Household | None,
    title: str,
    call: Callable[[dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, success)
            # a member outside any household (only a superuser sees one) has no household page
            return (
                redirect("households:detail", pk=household.pk) if household else redirect("households:list")
            )
    return _form_page(request, form, household, title)


def _household_for_edit(
    request: HttpRequest, pk: int, capability: str = Capability.EDIT_REGISTRY
) -> Household:
    household = get_visible_or_404(Household.objects.select_related("village"), request_user(request), pk=pk)
    ensure_can(request_user(request), capability, household)
    return household


@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for_edit(request, pk)
    form = MemberAddForm(request.POST or None)
    return _service_form(
        request,
        form,
        household,
        _("Add a member"),
        lambda d: services.member_add(
            household=household,
            user=request_user(request),
            **{k: v for k, v in d.items() if k != "version"},
        ),
        _("Member added."),
    )


def _member_for_edit(request: HttpRequest, pk: int) -> Member:
    member = get_visible_or_404(Member.objects.select_related("household"), request_user(request), pk=pk)
    ensure_can(request_user(request), Capability.EDIT_REGISTRY, member)
    return member


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_for_edit(request, pk)
    form = MemberForm(request.POST or None, instance=member)
    return _service_form(
        request,
        form,
        member.household,
        _("Edit member %(n)s") % {"n": member.name},
        lambda d: services.member_update(
            member=member,
            user=request_user(request),
            expected_version=d.get("version") or 0,
            **{k: v for k, v in d.items() if k != "version"},
        ),
        _("Saved."),
    )


@login_required
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_for_edit(request, pk)
    form = MemberLeaveForm(request.POST or None, member=member)
    return _service_form(
        request,
        form,
        member.household,
        _("%(n)s leaves the household") % {"n": member.name},
        lambda d: services.member_leave(
            member=member,
            user=request_user(request),
            left_on=d["left_on"],
            reason=d["reason"],
            new_head=d.get("new_head"),
        ),
        _("The member has left the household; the history is kept."),
    )


@login_required
def member_move(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_for_edit(request, pk)
    form = MemberMoveForm(request.POST or None, member=member)

    def call(d: dict[str, Any]) -> Member:
        target = (
            Household.objects.visible_to(request_user(request)).filter(number=d["to_number"].strip()).first()
        )
        if target is None:
            raise ValidationError({"to_number": _("No household with this number in your area.")})
        return services.member_move(
            member=member,
            to_household=target,
            user=request_user(request),
            moved_on=d["moved_on"],
            reason=d["reason"],
            relation=d["relation"],
            new_head=d.get("new_head"),
        )

    return _service_form(
        request,
        form,
        member.household,
        _("Move %(n)s to another household") % {"n": member.name},
        call,
        _("The member has moved; both households keep the history."),
    )


def _household_record_page(
    form_class: type[Form], title: Any, service: Callable[..., Any], success: Any
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A page that records one dated fact of a household (income, living conditions, four looks)
    through its service."""

    @login_required
    def page(request: HttpRequest, pk: int) -> HttpResponse:
        household = _household_for_edit(request, pk)
        return _service_form(
            request,
            form_class(request.POST or None),
            household,
            str(title),
            lambda d: service(household=household, user=request_user(request), **d),
            str(success),
        )

    return page


income_add = _household_record_page(
    IncomeForm, gettext_lazy("Income record"), services.income_record_save, gettext_lazy("Income saved.")
)
conditions_add = _household_record_page(
    ConditionsForm,
    gettext_lazy("Living conditions"),
    services.living_conditions_record,
    gettext_lazy("Assessment saved."),
)
four_looks_add = _household_record_page(
    FourLooksForm,
    gettext_lazy("Four-looks score sheet"),
    services.four_looks_assess,
    gettext_lazy("Score sheet saved."),
)
