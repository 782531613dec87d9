"""Helpers shared by the assistance pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest

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
