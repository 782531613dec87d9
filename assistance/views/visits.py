"""Pages for visits and follow-ups."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from accounts.requests import request_user
from accounts.roles import Capability
from core import clock
from core.pages import ScopedListView
from core.scoping import ensure_can, get_visible_or_404

from .. import selectors, services
from ..filters import (
    FollowUpFilterSet,
    VisitFilterSet,
)
from ..forms import (
    FollowUpCloseForm,
    VisitForm,
)
from ..models import FollowUp, Visit
from .common import _HouseholdPage

# -- visits ---------------------------------------------------------------------------------------


class VisitNew(_HouseholdPage):
    template_name = "assistance/visit_form.html"
    capability = Capability.LOG_VISIT
    form_class = VisitForm
    success_message = gettext_lazy("Visit saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        open_follow_ups = self.household.follow_ups.filter(status="open").order_by("due_date")
        return {"open_follow_ups": list(open_follow_ups)}

    def get_context(self, form: Any) -> dict[str, Any]:
        return {"form": form, "household": self.household}

    def perform(self, form: Any) -> Any:
        return services.visit_log(
            household=self.household,
            visited_on=form.cleaned_data["visited_on"],
            findings=form.cleaned_data["findings"],
            needs=form.cleaned_data["needs"],
            follow_ups=form.follow_ups(),
            done_follow_ups=[int(x) for x in form.cleaned_data.get("done_follow_ups") or []],
            photos=form.cleaned_data["photos"],
            user=request_user(self.request),
        )


visit_new = VisitNew.as_view()


class VisitList(ScopedListView):
    template_name = "assistance/visit_list.html"
    filterset_class = VisitFilterSet
    unbound_when_empty = True

    def rows(self) -> Any:
        return selectors.visit_list(user=request_user(self.request))


visit_list = VisitList.as_view()


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visible_or_404(
        Visit.objects.select_related("household__village", "household__head", "visitor", "cadre", "team"),
        request_user(request),
        pk=pk,
    )
    return render(
        request,
        "assistance/visit_detail.html",
        {"visit": visit, "follow_ups": visit.follow_ups.all(), "closed": visit.follow_ups_closed.all()},
    )


# -- follow-ups -----------------------------------------------------------------------------------


class FollowUpList(ScopedListView):
    template_name = "assistance/follow_up_list.html"
    filterset_class = FollowUpFilterSet

    def rows(self) -> Any:
        return selectors.follow_up_list(user=request_user(self.request))

    def initial_filters(self) -> dict[str, Any]:
        return {"status": "open"}

    def get_context(self) -> dict[str, Any]:
        return {"today": clock.today()}


follow_up_list = FollowUpList.as_view()


class FollowUpClose(_HouseholdPage):
    template_name = "assistance/follow_up_close.html"
    capability = Capability.LOG_VISIT
    form_class = FollowUpCloseForm
    success_message = gettext_lazy("Follow-up closed.")

    def check(self) -> None:
        user = request_user(self.request)
        self.follow_up = get_visible_or_404(
            FollowUp.objects.select_related("household", "visit"), user, pk=self.kwargs["pk"]
        )
        ensure_can(user, self.capability, self.follow_up)
        self.household = self.follow_up.household

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"initial": {"done_on": clock.today(), "version": self.follow_up.version, "status": "done"}}

    def get_context(self, form: Any) -> dict[str, Any]:
        return {"form": form, "follow_up": self.follow_up}

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        return services.follow_up_close(
            follow_up=self.follow_up,
            expected_version=data["version"],
            status=data["status"],
            done_on=data["done_on"],
            outcome=data["outcome"],
            user=request_user(self.request),
        )


follow_up_close = FollowUpClose.as_view()
