"""Pages for work teams."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.requests import request_user
from accounts.roles import Capability
from core import clock
from core.pages import ScopedListView
from core.scoping import get_visible_or_404

from .. import selectors, services
from ..filters import (
    WorkTeamFilterSet,
)
from ..forms import (
    TeamForm,
    TeamRotateForm,
)
from ..models import WorkTeam
from .common import _CreatePage, _RecordPage

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


class TeamRotate(_RecordPage):
    model = WorkTeam
    form_class = TeamRotateForm
    success_message = gettext_lazy("Rotation recorded: the new team has taken over.")
    success_url_name = "assistance:team"  # the new team's page
    intro = gettext_lazy(
        "The current team hands over its villages on the start date of the new term and stays in the history."
    )

    def get_form_kwargs(self) -> dict[str, Any]:
        team = self.object
        initial = {"version": team.version, "term_start": clock.today(), "sending_unit": team.sending_unit}
        return {"user": request_user(self.request), "initial": initial}

    def page_title(self) -> str:
        return _("Rotate the team: %(name)s") % {"name": self.object.name}

    def perform(self, form: Any) -> Any:
        return services.team_rotate(team=self.object, **self.versioned_input(form))


team_rotate = TeamRotate.as_view()
