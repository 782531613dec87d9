"""Pages for work teams."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.requests import request_user
from accounts.roles import Capability
from core import clock
from core.pages import ScopedListView
from core.scoping import ensure_can, get_visible_or_404

from .. import selectors, services
from ..filters import (
    WorkTeamFilterSet,
)
from ..forms import (
    TeamForm,
    TeamRotateForm,
)
from ..models import WorkTeam
from .common import _CreatePage, _save

# -- work teams -----------------------------------------------------------------------------------


class TeamList(ScopedListView):
    template_name = "assistance/team_list.html"
    filterset_class = WorkTeamFilterSet

    def rows(self) -> Any:
        return selectors.team_list(user=request_user(self.request))

    def initial_filters(self) -> dict[str, Any]:
        return {"status": "active"}

    def get_context(self) -> dict[str, Any]:
        return {"can_manage": request_user(self.request).has_capability(Capability.MANAGE_ASSISTANCE)}


team_list = TeamList.as_view()


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_visible_or_404(selectors.team_list(user=request_user(request)), request_user(request), pk=pk)
    chain = selectors.team_history(team)
    visible = set(
        WorkTeam.objects.visible_to(request_user(request))
        .filter(pk__in=[t.pk for t in chain])
        .values_list("pk", flat=True)
    )
    history = [t for t in chain if t.pk in visible]
    return render(
        request,
        "assistance/team_detail.html",
        {
            "team": team,
            "history": history,
            "first_secretary": selectors.first_secretary_of(team),
            "can_manage": request_user(request).has_capability(Capability.MANAGE_ASSISTANCE),
        },
    )


class TeamNew(_CreatePage):
    form_class = TeamForm
    title = gettext_lazy("Station a work team")
    service = staticmethod(services.team_create)
    success_message = gettext_lazy("Work team stationed.")
    success_url_name = "assistance:team"


team_new = TeamNew.as_view()


@login_required
def team_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_visible_or_404(WorkTeam.objects.all(), request_user(request), pk=pk)
    ensure_can(request_user(request), Capability.MANAGE_ASSISTANCE, team)
    form = TeamRotateForm(
        request.POST or None,
        user=request_user(request),
        initial={
            "version": team.version,
            "term_start": clock.today(),
            "sending_unit": team.sending_unit,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        successor = _save(
            form,
            lambda: services.team_rotate(
                team=team, expected_version=version, user=request_user(request), **data
            ),
        )
        if successor is not None:
            messages.success(request, _("Rotation recorded: the new team has taken over."))
            return redirect("assistance:team", pk=successor.pk)
    return render(
        request,
        "assistance/form.html",
        {
            "form": form,
            "title": _("Rotate the team: %(name)s") % {"name": team.name},
            "intro": _(
                "The current team hands over its villages on the start date of the new term and stays in the history."
            ),
        },
    )
