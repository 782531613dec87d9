"""Reads for the 回头看 check campaigns: which campaigns a user may open, their tasks, and progress by
village and by cadre."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.filtering import filter_rows
from core.numbers import progress_percent

from ..choices import CheckTaskStateChoices
from ..filters import CampaignFilterSet, CheckTaskFilterSet
from ..models import Campaign, CheckTask

if TYPE_CHECKING:
    from accounts.models import User


def campaign_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Campaign]:
    qs = (
        Campaign.objects.visible_to(user)
        .select_related("area", "started_by")
        .annotate(done=Count("tasks", filter=~Q(tasks__state=CheckTaskStateChoices.PENDING)))
        .order_by("-starts_on", "-id")
    )
    return filter_rows(CampaignFilterSet, filters, qs)


def campaign_for(*, user: User, pk: int) -> Campaign:
    """A campaign the user may open: one over their area, or a wider one (the county's) that has check
    tasks in their area (a village's first secretary follows the county's 回头看 for the village)."""
    campaign = campaign_list(user=user).filter(pk=pk).first()
    if campaign is None:
        wider = Campaign.objects.filter(pk=pk).select_related("area", "started_by")
        campaign = wider.filter(tasks__in=CheckTask.objects.visible_to(user)).distinct().first()
    if campaign is None:
        raise Http404(_("Not found, or outside your area."))
    return campaign


def check_task_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[CheckTask]:
    qs = CheckTask.objects.visible_to(user).select_related(
        "campaign", "household", "household__village", "household__head", "cadre", "done_by"
    )
    return filter_rows(CheckTaskFilterSet, filters, qs)


def campaign_progress(campaign: Campaign, *, user: User) -> dict[str, list[dict[str, Any]]]:
    """Tasks done and problems found, by village and by responsible cadre (within the user's scope)."""
    tasks = CheckTask.objects.visible_to(user).filter(campaign=campaign)
    done = ~Q(state=CheckTaskStateChoices.PENDING)
    problem = Q(state=CheckTaskStateChoices.PROBLEM)
    by_village: list[dict[str, Any]] = [
        dict(row)
        for row in tasks.values("household__village__code", "household__village__name")
        .annotate(total=Count("id"), done=Count("id", filter=done), problems=Count("id", filter=problem))
        .order_by("household__village__code")
    ]
    by_cadre: list[dict[str, Any]] = [
        dict(row)
        for row in tasks.values("cadre_id", "cadre__name")
        .annotate(total=Count("id"), done=Count("id", filter=done), problems=Count("id", filter=problem))
        .order_by("cadre__name")
    ]
    for rows in (by_village, by_cadre):
        for row in rows:
            row["percent"] = progress_percent(row["done"], row["total"])
    return {"by_village": by_village, "by_cadre": by_cadre}
