"""Reads for the offline app: which households a field user carries on the phone, and the working
copy itself (masked as the pages mask)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from assistance.choices import FollowUpStatusChoices, PlanStatusChoices, WorkTeamStatusChoices
from assistance.models import AssistancePlan, Cadre, CadrePairing, FollowUp, Measure, TeamVillage, Visit
from core.masking import masked
from exits.choices import CampaignStateChoices, CheckTaskStateChoices
from exits.models import CheckTask
from households.choices import HouseholdStatusChoices
from households.models import Household, Member

from .models import FieldDevice

if TYPE_CHECKING:
    from accounts.models import User

# Households a phone never carries: not (or no longer) in the registry.
NOT_CARRIED = (HouseholdStatusChoices.REJECTED, HouseholdStatusChoices.CANCELLED)


def limits() -> dict[str, int]:
    return dict(settings.FIELDWORK)


def is_field_user(user: User) -> bool:
    """The field roles (first secretary and work team, responsible cadre): accounts.roles, FIELD_APP."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_capability(Capability.FIELD_APP)


def field_households(user: User) -> QuerySet[Household]:
    """The households the user is responsible for, and no more: the villages assigned to them (their
    own village-level areas and the villages of the work teams they serve on) and the households paired
    with them as responsible cadre; always inside their scope (core.scoping)."""
    if not is_field_user(user):
        return Household.objects.none()
    villages = Q(village__in=user.areas.filter(level=AreaLevelChoices.VILLAGE))
    cadre = Cadre.objects.filter(user=user).first()
    if cadre is not None:
        team_villages = TeamVillage.objects.filter(
            end__isnull=True, team__memberships__cadre=cadre, team__status=WorkTeamStatusChoices.ACTIVE
        ).values("village_id")
        paired = CadrePairing.objects.filter(cadre=cadre, end__isnull=True).values("household_id")
        villages = villages | Q(village__in=team_villages) | Q(pk__in=paired)
    return Household.objects.visible_to(user).filter(villages).exclude(status__in=NOT_CARRIED)


def household_in_care(user: User, household_id: Any) -> Household | None:
    return field_households(user).filter(pk=household_id).select_related("village").first()


def working_copy(user: User) -> list[dict[str, Any]]:
    """What the phone keeps of each household, in a fixed number of queries whatever their count."""
    qs = (
        field_households(user)
        .select_related("village", "village__parent", "head")
        # one prefetch a call: their querysets differ, and one call would type them as `object`
        .prefetch_related(Prefetch("members", queryset=Member.objects.order_by("id")))
        .prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.filter(status=FollowUpStatusChoices.OPEN)
                .select_related("visit")
                .order_by("due_date", "id"),
                to_attr="open_follow_ups",
            )
        )
        .prefetch_related(
            Prefetch(
                "assistance_plans",
                queryset=AssistancePlan.objects.exclude(status=PlanStatusChoices.DRAFT).order_by("-year"),
                to_attr="plan_list",
            )
        )
        .prefetch_related(
            Prefetch(
                "measures", queryset=Measure.objects.order_by("-start_date", "id"), to_attr="measure_list"
            )
        )
        .prefetch_related(
            Prefetch(
                "check_tasks",
                queryset=CheckTask.objects.filter(
                    state=CheckTaskStateChoices.PENDING, campaign__state=CampaignStateChoices.OPEN
                ).select_related("campaign"),
                to_attr="open_checks",
            )
        )
        .order_by("village__code", "number")[: settings.FIELDWORK["MAX_HOUSEHOLDS"]]
    )
    households = list(qs)
    latest: dict[int, Visit] = {}
    for visit in (
        Visit.objects.filter(household__in=[h.pk for h in households])
        .order_by("household_id", "-visited_on", "-id")
        .distinct("household_id")
        .select_related("visitor")
    ):
        latest[visit.household_id] = visit
    return [_household_row(h, latest.get(h.pk)) for h in households]


def _household_row(h: Any, visit: Visit | None) -> dict[str, Any]:
    """`h`: a Household with working_copy's prefetched lists (open_follow_ups, plan_list, ...)."""
    plan = h.plan_list[0] if h.plan_list else None
    return {
        "id": h.pk,
        "number": h.number,
        "village": h.village.name,
        "township": h.village.parent.name if h.village.parent else "",
        "status": h.status,
        "status_display": h.get_status_display(),
        "head": h.head.name if h.head else "",
        "address": h.address,
        "phone": masked(h, "phone", h.phone),
        # What the app's own search box looks in, without a signal: number, names and their pinyin keys.
        "search": " ".join([h.number, *(f"{m.name}{m.name_keys}" for m in h.members.all())]).lower(),
        "members": [
            {
                "id": m.pk,
                "name": m.name,
                "relation": m.get_relation_display(),
                "sex": m.get_sex_display(),
                "birth_year": m.birth_date.year,
                # Masked always: the phone can be lost (the pages show the full number only on request).
                "id_number": masked(m, "id_number", m.id_number),
                "health": m.get_health_display(),
                "work_status": m.get_work_status_display(),
            }
            for m in h.members.all()
        ],
        "latest_visit": {
            "visited_on": visit.visited_on.isoformat(),
            "findings": visit.findings,
            "visitor": str(visit.visitor) if visit.visitor else "",
        }
        if visit
        else None,
        "follow_ups": [
            {
                "id": f.pk,
                "version": f.version,
                "description": f.description,
                "due_date": f.due_date.isoformat(),
                "promised_on": f.visit.visited_on.isoformat(),
            }
            for f in h.open_follow_ups
        ],
        "plan": {"year": plan.year, "goals": plan.goals, "status": plan.get_status_display()}
        if plan
        else None,
        "measures": [
            {
                "kind": m.get_kind_display(),
                "description": m.description,
                "status": m.get_status_display(),
                "start_date": m.start_date.isoformat(),
            }
            for m in h.measure_list
        ],
        "checks": [
            {
                "id": t.pk,
                "version": t.version,
                "campaign": t.campaign.title,
                "due_on": t.campaign.due_on.isoformat(),
            }
            for t in h.open_checks
        ],
    }


def device_list(*, user: User) -> QuerySet[FieldDevice]:
    """Devices of the users inside the administrator's areas (a county administrator sees the county's)."""
    qs = FieldDevice.objects.select_related("user", "revoked_by").order_by("user__username", "-registered_at")
    if user.is_superuser:
        return qs
    prefixes = user.scope_prefixes
    if not prefixes:
        return qs.none()
    q = Q()
    for prefix in prefixes:
        q |= Q(user__areas__code__startswith=prefix)
    return qs.filter(pk__in=FieldDevice.objects.filter(q).values("pk"))
