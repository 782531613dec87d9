"""Pages for cadres and their pairings."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.requests import request_user
from accounts.roles import Capability
from core.masking import shown
from core.pages import ScopedListView
from core.scoping import get_visible_or_404

from .. import selectors, services
from ..filters import (
    CadreFilterSet,
)
from ..forms import (
    CadreAssignForm,
    CadreEditForm,
    CadreForm,
)
from ..models import Cadre, CadrePairing, WorkTeam
from .common import _CreatePage, _HouseholdPage, _RecordPage

# -- cadres and pairings --------------------------------------------------------------------------


class CadreList(ScopedListView):
    template_name = "assistance/cadre_list.html"
    filterset_class = CadreFilterSet
    unbound_when_empty = True

    def rows(self) -> Any:
        return selectors.cadre_list(user=request_user(self.request))

    def get_context(self) -> dict[str, Any]:
        return {"can_manage": request_user(self.request).has_capability(Capability.MANAGE_ASSISTANCE)}


cadre_list = CadreList.as_view()


@login_required
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # A cadre is visible where registered, and also to whoever sees a household the cadre helps (a
    # village's first secretary opening a township cadre); the lists below stay scoped to the user.
    helping = CadrePairing.objects.visible_to(request_user(request)).filter(cadre_id=pk).exists()
    cadres = Cadre.objects.select_related("area", "user")
    cadre = cadres.get(pk=pk) if helping else get_visible_or_404(cadres, request_user(request), pk=pk)
    pairings = selectors.pairing_list(user=request_user(request), filters={"cadre": cadre.pk}).order_by(
        "end", "-start"
    )
    visits = selectors.visit_list(user=request_user(request), filters={"cadre": cadre.pk})[:20]
    teams = (
        cadre.teams.filter(team__in=WorkTeam.objects.visible_to(request_user(request)))
        .select_related("team")
        .order_by("-team__term_start")
    )
    return render(
        request,
        "assistance/cadre_detail.html",
        {
            "cadre": cadre,
            "pairings": pairings,
            "visits": visits,
            "memberships": teams,
            "can_manage": request_user(request).has_capability(Capability.MANAGE_ASSISTANCE)
            and Cadre.objects.visible_to(request_user(request)).filter(pk=cadre.pk).exists(),
        },
    )


class CadreNew(_CreatePage):
    form_class = CadreForm
    title = gettext_lazy("Register a responsible cadre")
    service = staticmethod(services.cadre_create)
    success_message = gettext_lazy("Cadre registered.")
    success_url_name = "assistance:cadre"


cadre_new = CadreNew.as_view()


class CadreEdit(_RecordPage):
    model = Cadre
    form_class = CadreEditForm
    success_message = gettext_lazy("Cadre saved.")
    success_url_name = "assistance:cadre"

    def get_form_kwargs(self) -> dict[str, Any]:
        cadre = self.object
        initial = {f: getattr(cadre, f) for f in ("name", "unit", "position", "is_active", "version")}
        # the form edits the number in full (only those who manage cadres get here): a logged full view
        initial["phone"] = shown(
            request_user(self.request), cadre, "phone", request=self.request, log=self.request.method == "GET"
        )
        return {"initial": initial}

    def page_title(self) -> str:
        return _("Edit cadre: %(name)s") % {"name": self.object.name}

    def perform(self, form: Any) -> Any:
        return services.cadre_update(cadre=self.object, **self.versioned_input(form))


cadre_edit = CadreEdit.as_view()


class CadreAssign(_HouseholdPage):
    form_class = CadreAssignForm
    title = gettext_lazy("Assign a responsible cadre")
    success_message = gettext_lazy("Responsible cadre assigned.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"household": self.household}

    def get_context(self, form: Any) -> dict[str, Any]:
        current = selectors.active_cadre_for(self.household)
        intro = (
            _(
                "Current cadre: %(name)s. The current pairing ends on the new start date and stays in the history."
            )
            % {"name": current}
            if current
            else ""
        )
        return {**super().get_context(form), "intro": intro}

    def perform(self, form: Any) -> Any:
        return services.cadre_assign(
            household=self.household,
            cadre=form.cleaned_data["cadre"],
            start=form.cleaned_data["start"],
            user=request_user(self.request),
        )


cadre_assign = CadreAssign.as_view()
