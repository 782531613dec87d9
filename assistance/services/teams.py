"""Village work teams (驻村工作队): creation, rotation and end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core.scoping import ensure_can
from core.services import model_update

from ..choices import (
    TeamMemberRoleChoices,
    WorkTeamStatusChoices,
)
from ..models import (
    Cadre,
    TeamMembership,
    TeamVillage,
    WorkTeam,
)

if TYPE_CHECKING:
    from accounts.models import User

# -- work teams (驻村工作队) -------------------------------------------------------------------------


def _common_area(villages: Sequence[Area]) -> Area:
    """The village itself for a one-village team; otherwise the lowest area covering all villages."""
    if len(villages) == 1:
        return villages[0]
    codes = {v.code[:9] for v in villages}
    if len(codes) == 1 and villages[0].parent is not None:
        return villages[0].parent
    return Area.objects.get(code=villages[0].county_code)


def _team_people(
    first_secretary: Cadre | None, members: Iterable[Cadre], user: User, errors: dict[str, Any]
) -> list[tuple[Cadre, str]]:
    people: list[tuple[Cadre, str]] = []
    visible = set(Cadre.objects.visible_to(user).values_list("pk", flat=True))
    if first_secretary is not None:
        people.append((first_secretary, TeamMemberRoleChoices.FIRST_SECRETARY))
    for cadre in members:
        if first_secretary is None or cadre.pk != first_secretary.pk:
            people.append((cadre, TeamMemberRoleChoices.MEMBER))
    outside = [c.name for c, _role in people if c.pk not in visible]
    if outside:
        errors["members"] = _("These cadres are not registered in your area: %(names)s.") % {
            "names": "、".join(outside)
        }
    return people


@transaction.atomic
def team_create(
    *,
    name: str,
    sending_unit: str,
    villages: Sequence[Area],
    term_start: dt.date,
    user: User,
    first_secretary: Cadre | None = None,
    members: Iterable[Cadre] = (),
    term_end: dt.date | None = None,
    predecessor: WorkTeam | None = None,
    handover_notes: str = "",
) -> WorkTeam:
    """Station a new work team in one or more villages (因村派人)."""
    villages = list(villages)
    errors: dict[str, Any] = {}
    if not villages:
        raise ValidationError({"villages": _("Choose at least one village.")})
    if any(v.level != AreaLevelChoices.VILLAGE for v in villages):
        raise ValidationError({"villages": _("A work team is stationed in villages only.")})
    for village in villages:  # every village in scope (404 otherwise) and the role allows it (403)
        ensure_can(user, Capability.MANAGE_ASSISTANCE, area=village)
    area = _common_area(villages)
    if not name.strip():
        errors["name"] = _("Enter the team's name.")
    if not sending_unit.strip():
        errors["sending_unit"] = _("Enter the unit that sends the team.")
    if term_end is not None and term_end < term_start:
        errors["term_end"] = _("The term cannot end before it starts.")
    people = _team_people(first_secretary, members, user, errors)
    busy = (
        TeamVillage.objects.select_for_update()
        .filter(village__in=villages, end__isnull=True)
        .select_related("village", "team")
    )
    if predecessor is not None:
        busy = busy.exclude(team=predecessor)
    taken = [f"{link.village.name}（{link.team.name}）" for link in busy]
    if taken:
        errors["villages"] = _("A team is already stationed in: %(villages)s. Rotate that team instead.") % {
            "villages": "、".join(taken)
        }
    if errors:
        raise ValidationError(errors)
    team = WorkTeam.objects.create(
        name=name.strip(),
        sending_unit=sending_unit.strip(),
        area=area,
        term_start=term_start,
        term_end=term_end,
        predecessor=predecessor,
        handover_notes=handover_notes,
    )
    TeamVillage.objects.bulk_create([TeamVillage(team=team, village=v, start=term_start) for v in villages])
    TeamMembership.objects.bulk_create([TeamMembership(team=team, cadre=c, role=role) for c, role in people])
    return team


@transaction.atomic
def team_rotate(
    *,
    team: WorkTeam,
    expected_version: int,
    name: str,
    sending_unit: str,
    term_start: dt.date,
    user: User,
    first_secretary: Cadre | None = None,
    members: Iterable[Cadre] = (),
    term_end: dt.date | None = None,
    handover_notes: str = "",
) -> WorkTeam:
    """Rotation (压茬轮换): the team hands its villages over to a successor on `term_start`.

    The old team, its members and its village periods stay as they were, closed on that date; the
    successor points back to it, so the history of who served each village is complete.
    """
    ensure_can(user, Capability.MANAGE_ASSISTANCE, team)
    locked = WorkTeam.objects.select_for_update().get(pk=team.pk)
    if locked.status != WorkTeamStatusChoices.ACTIVE:
        raise ValidationError(_("Only a team in post can be rotated; this one has already handed over."))
    if term_start < locked.term_start:
        raise ValidationError(
            {
                "term_start": _("The new term cannot start before the current team's (%(date)s).")
                % {"date": locked.term_start.isoformat()}
            }
        )
    villages = [
        link.village for link in locked.village_links.filter(end__isnull=True).select_related("village")
    ]
    model_update(
        locked,
        expected_version=expected_version,
        fields={"status": WorkTeamStatusChoices.ROTATED, "term_end": term_start},
    )
    TeamVillage.objects.filter(team=locked, end__isnull=True).update(end=term_start)
    return team_create(
        name=name,
        sending_unit=sending_unit,
        villages=villages,
        term_start=term_start,
        term_end=term_end,
        first_secretary=first_secretary,
        members=members,
        predecessor=locked,
        handover_notes=handover_notes,
        user=user,
    )


@transaction.atomic
def team_end(*, team: WorkTeam, expected_version: int, end: dt.date, user: User) -> WorkTeam:
    """The team leaves without a successor (the village no longer needs one)."""
    ensure_can(user, Capability.MANAGE_ASSISTANCE, team)
    if team.status != WorkTeamStatusChoices.ACTIVE:
        raise ValidationError(_("This team is no longer in post."))
    if end < team.term_start:
        raise ValidationError({"term_end": _("The term cannot end before it starts.")})
    model_update(
        team,
        expected_version=expected_version,
        fields={"status": WorkTeamStatusChoices.ENDED, "term_end": end},
    )
    TeamVillage.objects.filter(team=team, end__isnull=True).update(end=end)
    return team
