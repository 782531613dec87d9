"""Helpers shared by the assistance pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.requests import request_user
from accounts.roles import Capability
from core.exceptions import ConflictError
from core.forms import form_add_service_errors
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


def _save(form: Any, call: Any) -> Any:
    """Run a service call; on a rule or conflict error put the message on the form and return None."""
    try:
        return call()
    except ValidationError as exc:
        form_add_service_errors(form, exc)
    except ConflictError as exc:
        form.add_error(None, exc.message)
    return None


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
