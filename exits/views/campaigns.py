"""Re-verification campaigns and check tasks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import request_user
from accounts.roles import Capability
from core.exceptions import ConflictError
from core.forms import form_add_service_errors
from core.paging import page_of, querystring_without_page
from core.scoping import get_visible_or_404

from .. import selectors, services
from ..choices import (
    CheckTaskStateChoices,
)
from ..filters import (
    CampaignFilterSet,
    CheckTaskFilterSet,
)
from ..forms import (
    CampaignForm,
    CheckTaskForm,
)
from ..models import (
    CheckTask,
)
from .base import _back, _errors_to_messages

# -- campaigns --------------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, user=request_user(request))
    if request.method == "POST" and form.is_valid():
        area = form.cleaned_data["area"]  # one of the user's areas (AreaChoiceField)
        data = {k: v for k, v in form.cleaned_data.items() if k != "area"}
        try:
            campaign = services.campaign_start(area=area, user=request_user(request), **data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Campaign started with %(n)d check tasks.") % {"n": campaign.task_count},
            )
            return redirect("exits:campaign", pk=campaign.pk)
    filterset = CampaignFilterSet(request.GET, queryset=selectors.campaign_list(user=request_user(request)))
    return render(
        request,
        "exits/campaign_list.html",
        {
            "filter": filterset,
            "page_obj": page_of(request, filterset.qs),
            "querystring_without_page": querystring_without_page(request),
            "form": form,
            "can_start": request_user(request).has_capability(Capability.APPROVE),
        },
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_for(user=request_user(request), pk=pk)
    params = request.GET.copy()
    params.setdefault("state", CheckTaskStateChoices.PENDING)
    filterset = CheckTaskFilterSet(
        params,
        queryset=selectors.check_task_list(user=request_user(request)).filter(campaign=campaign),
        request=request,  # the search reads ID numbers as the reader may see them (households.search)
    )
    return render(
        request,
        "exits/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": selectors.campaign_progress(campaign, user=request_user(request)),
            "filter": filterset,
            "page_obj": page_of(request, filterset.qs),
            "querystring_without_page": querystring_without_page(request),
            "task_form": CheckTaskForm(),
            "can_check": request_user(request).has_capability(Capability.LOG_VISIT),
            "states": CheckTaskStateChoices,
        },
    )


@login_required
@require_POST
def check_task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(CheckTask.objects.all(), request_user(request), pk=pk)
    form = CheckTaskForm(request.POST)
    form.is_valid()
    try:
        services.check_task_complete(
            task=task,
            state=request.POST.get("state", ""),
            findings=form.cleaned_data.get("findings", ""),
            user=request_user(request),
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Check recorded."))
    return redirect(_back(request, "exits:campaigns"))
