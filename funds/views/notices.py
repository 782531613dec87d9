"""Pages for public notices and the public self-service lookup."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.requests import request_user
from core.pages import ScopedListView
from core.scoping import get_visible_or_404

from .. import selectors, services
from ..filters import NoticeFilterSet
from ..forms import (
    PublicLookupForm,
)
from ..models import Notice
from ..throttling import PublicLookupIdNumberThrottle, PublicLookupThrottle

# -- notices ---------------------------------------------------------------------------------------


class NoticeList(ScopedListView):
    template_name = "funds/notice_list.html"
    filterset_class = NoticeFilterSet
    filtered_by_selector = True

    def rows(self) -> Any:
        return selectors.notice_list(user=request_user(self.request), filters=self.request.GET)


notice_list = NoticeList.as_view()


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_visible_or_404(Notice.objects.select_related("project__area"), request_user(request), pk=pk)
    return render(request, "funds/notice_detail.html", {"notice": notice})


def public_notices(request: HttpRequest) -> HttpResponse:
    """The public board: notices in their notice period, readable without signing in."""
    notices = selectors.notices_public(county_prefix=request.GET.get("county") or None)[:100]
    return render(request, "funds/public_notices.html", {"notices": notices})


# -- public self-service lookup --------------------------------------------------------------------


def public_lookup(request: HttpRequest) -> HttpResponse:
    """A household looks up its own subsidies by a member's ID number and name, without signing in.
    Limited per client address and per ID number like the API (`funds.throttling`); every attempt is
    logged."""
    form = PublicLookupForm(request.POST or None)
    result = None
    searched = False
    limited = False
    refusal = None
    if request.method == "POST":
        if not PublicLookupThrottle().allow_request(request, None):
            refusal = _("Too many lookups from this address. Try again in a minute.")
        elif not PublicLookupIdNumberThrottle().allow_request(request, None):
            refusal = _("Too many lookups of this ID number today. Try again tomorrow.")
        if refusal:
            limited = True
            form = PublicLookupForm()  # never echo the number back into the page
        elif form.is_valid():
            searched = True
            result = services.public_lookup(
                id_number=form.cleaned_data["id_number"], name=form.cleaned_data["name"], request=request
            )
            form = PublicLookupForm()  # never echo the number back into the page
    context: dict[str, Any] = {"form": form, "result": result, "searched": searched, "refusal": refusal}
    response = render(request, "funds/public_lookup.html", context)
    if limited:
        response.status_code = 429
    response["Cache-Control"] = "no-store"
    return response
