"""Helpers shared by the assistance pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.requests import request_user
from accounts.roles import Capability
from core.pages import ServiceFormView
from core.paging import PAGE_SIZE  # noqa: F401  (re-exported by assistance.views)
from core.scoping import ensure_can, get_visible_or_404
from households.models import Household

from .. import selectors


def _visit_days(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days") or selectors.visit_days_for_user(request_user(request)))
    except ValueError:
        days = selectors.visit_days_for_user(request_user(request))
    return min(max(days, 1), 366)


def _household(request: HttpRequest, pk: int) -> Household:
    return get_visible_or_404(
        Household.objects.select_related("village__parent", "head"), request_user(request), pk=pk
    )


class _CreatePage(ServiceFormView):
    """A page registering one record of assistance (assistance/form.html), for who manages it; the
    form offers what is in the user's areas."""

    template_name = "assistance/form.html"
    title: Any = ""

    def check(self) -> None:
        ensure_can(request_user(self.request), Capability.MANAGE_ASSISTANCE)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"user": request_user(self.request)}

    def get_context(self, form: Any) -> dict[str, Any]:
        return {"form": form, "title": self.title}


class _RecordPage(_CreatePage):
    """A page changing one record of assistance (`model`, by the URL's pk) in the user's areas, for
    who manages it; `page_title()` may name the record."""

    model: Any
    intro: Any = ""

    def check(self) -> None:
        user = request_user(self.request)
        self.object = get_visible_or_404(self.model.objects.all(), user, pk=self.kwargs["pk"])
        ensure_can(user, Capability.MANAGE_ASSISTANCE, self.object)

    def page_title(self) -> str:
        return str(self.title)

    def get_context(self, form: Any) -> dict[str, Any]:
        return {"form": form, "title": self.page_title(), "intro": self.intro}

    def versioned_input(self, form: Any) -> dict[str, Any]:
        """The form's data for the service, the version read as its `expected_version`."""
        data = dict(form.cleaned_data)
        data["expected_version"] = data.pop("version")
        return {**data, "user": request_user(self.request)}


class _HouseholdPage(ServiceFormView):
    """A form on one household's assistance (assistance/form.html): the household is read and the
    right checked before any form is drawn; done, the household's assistance page opens."""

    template_name = "assistance/form.html"
    capability = Capability.MANAGE_ASSISTANCE
    title: Any = ""
    household: Household

    def check(self) -> None:
        self.household = _household(self.request, self.kwargs["pk"])
        ensure_can(request_user(self.request), self.capability, self.household)

    def get_context(self, form: Any) -> dict[str, Any]:
        return {"form": form, "household": self.household, "title": str(self.title)}

    def success(self, result: Any) -> HttpResponse:
        messages.success(self.request, str(self.success_message))
        return redirect("assistance:household", pk=self.household.pk)
