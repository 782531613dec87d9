"""Writes on assistance (谁来扶、怎么扶). Pages, API, demo and jobs all go through these functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.choices import AttachmentKindChoices
from core.scoping import ensure_can
from core.services import attachment_add, attachment_validate, notification_raise, versioned_update
from households.choices import ASSISTED_STATUSES, HouseholdStatusChoices
from households.models import Household, Member
from households.selectors import household_registered_on

from .choices import (
    KIND_CATEGORY,
    FollowUpStatusChoices,
    MeasureCategoryChoices,
    MeasureKindChoices,
    MeasureStatusChoices,
    PairingEndReasonChoices,
    PlanStatusChoices,
    TeamMemberRoleChoices,
    WorkTeamStatusChoices,
)
from .models import (
    AssistancePlan,
    Cadre,
    CadrePairing,
    FollowUp,
    Measure,
    TeamMembership,
    TeamVillage,
    VillagePlan,
    Visit,
    WorkTeam,
)

# A visit may note several follow-ups; a runaway form should not create hundreds.
MAX_FOLLOW_UPS_PER_VISIT = 10
MAX_PHOTOS_PER_VISIT = 6


def _today() -> dt.date:
    return clock.today()


def _not_future(value: dt.date | None, field: str, errors: dict[str, Any]) -> None:
    if value is not None and value > _today():
        errors[field] = _("The date %(date)s is in the future.") % {"date": value.isoformat()}


# -- cadres ---------------------------------------------------------------------------------------


@transaction.atomic
def cadre_create(
    *,
    name: str,
    unit: str,
    area: Area,
    user: Any,
    position: str = "",
    phone: str = "",
    account: Any = None,
) -> Cadre:
    """Register a responsible cadre working in `area`, optionally linked to their user account."""
    ensure_can(user, Capability.MANAGE_ASSISTANCE, area=area)
    errors: dict[str, Any] = {}
    if not name.strip():
        errors["name"] = _("Enter the cadre's name.")
    if not unit.strip():
        errors["unit"] = _("Enter the cadre's work unit.")
    if account is not None and Cadre.objects.filter(user=account).exists():
        errors["account"] = _("This user account already belongs to another cadre.")
    if errors:
        raise ValidationError(errors)
    return Cadre.objects.create(
        name=name.strip(), unit=unit.strip(), area=area, position=position, phone=phone, user=account
    )


@transaction.atomic
def cadre_update(*, cadre: Cadre, expected_version: int, user: Any, **fields: Any) -> Cadre:
    ensure_can(user, Capability.MANAGE_ASSISTANCE, cadre)
    allowed = {"name", "unit", "position", "phone", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    if "name" in fields and not str(fields["name"]).strip():
        raise ValidationError({"name": _("Enter the cadre's name.")})
    if fields.get("is_active") is False and cadre.pairings.filter(end__isnull=True).exists():
        raise ValidationError(
            {
                "is_active": _(
                    "This cadre still helps households: reassign them before marking the cadre as left."
                )
            }
        )
    return versioned_update(cadre, expected_version=expected_version, fields=fields)


# -- pairings (结对帮扶) -----------------------------------------------------------------------------


def cadre_not_eligible_message() -> str:
    """The one answer for a cadre who cannot help a household, whether the id exists elsewhere or not."""
    return _("Choose a cadre working in this household's village or township.")


@transaction.atomic
def cadre_assign(
    *,
    household: Household,
    cadre: Cadre,
    user: Any,
    start: dt.date | None = None,
    reason: str = PairingEndReasonChoices.REASSIGNED,
) -> CadrePairing:
    """Make `cadre` the household's responsible cadre from `start`, closing the current pairing.

    The household row is locked, so two concurrent assignments run one after the other; the partial
    unique index `one_active_cadre_per_household` guarantees one open pairing whatever the caller.
    """
    ensure_can(user, Capability.MANAGE_ASSISTANCE, household)
    start = start or _today()
    errors: dict[str, Any] = {}
    _not_future(start, "start", errors)
    from .selectors import cadres_eligible_for

    # Eligibility first: a cadre working elsewhere is not named in the message (no data of another
    # area leaks through an error).
    if not cadres_eligible_for(household, include_left=True).filter(pk=cadre.pk).exists():
        errors["cadre"] = cadre_not_eligible_message()
    elif not cadre.is_active:
        errors["cadre"] = _("%(name)s is no longer in post.") % {"name": cadre.name}
    if errors:
        raise ValidationError(errors)
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if locked.status not in ASSISTED_STATUSES:
        raise ValidationError(
            _("A household that is “%(status)s” does not get a responsible cadre.")
            % {"status": HouseholdStatusChoices(locked.status).label}
        )
    current = CadrePairing.objects.filter(household=locked, end__isnull=True).first()
    if current is not None:
        if current.cadre_id == cadre.pk:
            raise ValidationError(
                {"cadre": _("%(name)s is already this household's cadre.") % {"name": cadre.name}}
            )
        if start < current.start:
            raise ValidationError(
                {
                    "start": _("The new pairing cannot start before the current one (%(date)s).")
                    % {"date": current.start.isoformat()}
                }
            )
        CadrePairing.objects.filter(pk=current.pk).update(end=start, end_reason=reason)
    try:
        with transaction.atomic():
            return CadrePairing.objects.create(
                household=locked,
                cadre=cadre,
                start=start,
                assigned_by=user if getattr(user, "pk", None) else None,
            )
    except IntegrityError as exc:  # only reachable if a writer bypassed the household lock
        raise ValidationError(
            _("Someone else assigned a cadre to this household at the same moment. Reload and try again.")
        ) from exc


@transaction.atomic
def pairing_end(*, pairing: CadrePairing, user: Any, end: dt.date | None = None, reason: str) -> CadrePairing:
    """Close a pairing without a successor (the household was cancelled, or a correction)."""
    ensure_can(user, Capability.MANAGE_ASSISTANCE, pairing)
    end = end or _today()
    errors: dict[str, Any] = {}
    _not_future(end, "end", errors)
    if reason not in PairingEndReasonChoices.values:
        errors["end_reason"] = _("Choose why the pairing ends.")
    locked = CadrePairing.objects.select_for_update().get(pk=pairing.pk)
    if locked.end is not None:
        errors["end"] = _("This pairing has already ended.")
    elif end < locked.start:
        errors["end"] = _("The end cannot be before the start (%(date)s).") % {
            "date": locked.start.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    household = locked.household
    if household.status in ASSISTED_STATUSES and reason != PairingEndReasonChoices.CORRECTION:
        raise ValidationError(
            {
                "end_reason": _(
                    "A registered, monitored or exited household keeps a cadre: assign a new cadre instead."
                )
            }
        )
    CadrePairing.objects.filter(pk=locked.pk).update(end=end, end_reason=reason)
    locked.refresh_from_db()
    return locked


# -- work teams (驻村工作队) -------------------------------------------------------------------------


def _common_area(villages: Sequence[Area]) -> Area:
    """The village itself for a one-village team; otherwise the lowest area covering all villages."""
    if len(villages) == 1:
        return villages[0]
    codes = {v.code[:9] for v in villages}
    if len(codes) == 1:
        return villages[0].parent
    return Area.objects.get(code=villages[0].code[:6].ljust(12, "0"))


def _team_people(
    first_secretary: Cadre | None, members: Iterable[Cadre], user: Any, errors: dict[str, Any]
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
    user: Any,
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
    user: Any,
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
    versioned_update(
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
def team_end(*, team: WorkTeam, expected_version: int, end: dt.date, user: Any) -> WorkTeam:
    """The team leaves without a successor (the village no longer needs one)."""
    ensure_can(user, Capability.MANAGE_ASSISTANCE, team)
    if team.status != WorkTeamStatusChoices.ACTIVE:
        raise ValidationError(_("This team is no longer in post."))
    if end < team.term_start:
        raise ValidationError({"term_end": _("The term cannot end before it starts.")})
    versioned_update(
        team,
        expected_version=expected_version,
        fields={"status": WorkTeamStatusChoices.ENDED, "term_end": end},
    )
    TeamVillage.objects.filter(team=team, end__isnull=True).update(end=end)
    return team


# -- visits (走访) --------------------------------------------------------------------------------


def _visit_team(user: Any, household: Household) -> WorkTeam | None:
    cadre = Cadre.objects.filter(user=user).first() if getattr(user, "pk", None) else None
    if cadre is None:
        return None
    link = (
        TeamVillage.objects.filter(
            village_id=household.village_id, end__isnull=True, team__memberships__cadre=cadre
        )
        .select_related("team")
        .first()
    )
    return link.team if link else None


@transaction.atomic
def visit_log(
    *,
    household: Household,
    visited_on: dt.date,
    findings: str,
    user: Any,
    needs: str = "",
    follow_ups: Sequence[tuple[str, dt.date]] = (),
    done_follow_ups: Sequence[int] = (),
    photos: Sequence[UploadedFile] = (),
    captured_at: dt.datetime | None = None,
) -> Visit:
    """Log a visit. Only to a household in the visitor's area (404 otherwise); the date may not be in
    the future nor before the household was registered. `captured_at` is the time a phone says the
    visit was recorded (kept as a claim beside the time received). Promised follow-ups are created and confirmed ones closed in the same transaction;
    photos are checked before anything is written, so a bad photo loses nothing and writes nothing."""
    ensure_can(user, Capability.LOG_VISIT, household)
    errors: dict[str, Any] = {}
    if visited_on is None:
        errors["visited_on"] = _("Enter the date of the visit.")
    else:
        _not_future(visited_on, "visited_on", errors)
        registered_on = household_registered_on(household)
        if visited_on.year < 2014:
            errors["visited_on"] = _("Visits are recorded from 2014 on.")
        elif visited_on < registered_on:
            errors["visited_on"] = _(
                "The date %(date)s is before the household was registered (%(registered)s)."
            ) % {"date": visited_on.isoformat(), "registered": registered_on.isoformat()}
    if not (findings or "").strip():
        errors["findings"] = _("Write down what you found at the household.")
    if len(follow_ups) > MAX_FOLLOW_UPS_PER_VISIT:
        errors["follow_ups"] = _("At most %(n)d follow-ups per visit.") % {"n": MAX_FOLLOW_UPS_PER_VISIT}
    follow_up_errors = []
    for description, due in follow_ups:
        if not (description or "").strip():
            follow_up_errors.append(_("Describe what was promised."))
        elif due is None:
            follow_up_errors.append(_("Give a due date for “%(what)s”.") % {"what": description})
        elif visited_on is not None and due < visited_on:
            follow_up_errors.append(
                _("The due date of “%(what)s” is before the visit.") % {"what": description}
            )
    if follow_up_errors:
        errors["follow_ups"] = follow_up_errors
    done_ids = sorted({int(pk) for pk in done_follow_ups})
    closable = list(
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("visit")
        .filter(pk__in=done_ids, household=household, status=FollowUpStatusChoices.OPEN)
        .order_by("pk")
    )
    if len(closable) != len(done_ids):
        errors["done_follow_ups"] = _("Some follow-ups are not open follow-ups of this household.")
    elif visited_on is not None:
        # As follow_up_close: a promise cannot be kept before the visit where it was made.
        early = [f.description for f in closable if visited_on < f.visit.visited_on]
        if early:
            errors["done_follow_ups"] = _(
                "This visit is dated before the visit where these were promised: %(what)s."
            ) % {"what": "、".join(early)}
    if len(photos) > MAX_PHOTOS_PER_VISIT:
        errors["photos"] = _("At most %(n)d photos per visit.") % {"n": MAX_PHOTOS_PER_VISIT}
    else:
        photo_errors = []
        for photo in photos:
            try:
                mime = attachment_validate(photo)
            except ValidationError as exc:
                photo_errors.extend(f"{photo.name}: {m}" for m in exc.messages)
            else:
                if not mime.startswith("image/"):
                    photo_errors.append(_("%(name)s is not a photo (JPEG or PNG).") % {"name": photo.name})
        if photo_errors:
            errors["photos"] = photo_errors
    if errors:
        raise ValidationError(errors)
    visit = Visit.objects.create(
        household=household,
        visited_on=visited_on,
        visitor=user,
        cadre=Cadre.objects.filter(user=user).first(),
        team=_visit_team(user, household),
        findings=findings.strip(),
        needs=(needs or "").strip(),
        captured_at=captured_at,
    )
    FollowUp.objects.bulk_create(
        [
            FollowUp(household=household, visit=visit, description=description.strip()[:300], due_date=due)
            for description, due in follow_ups
        ]
    )
    if closable:
        FollowUp.objects.filter(pk__in=[f.pk for f in closable]).update(
            status=FollowUpStatusChoices.DONE,
            done_on=visited_on,
            done_visit=visit,
            closed_by=user,
            version=F("version") + 1,
            updated_at=clock.now(),
        )
    for photo in photos:
        attachment_add(user=user, record=visit, upload=photo, kind=AttachmentKindChoices.PHOTO)
    return visit


@transaction.atomic
def follow_up_close(
    *,
    follow_up: FollowUp,
    expected_version: int,
    user: Any,
    done_on: dt.date | None = None,
    outcome: str = "",
    status: str = FollowUpStatusChoices.DONE,
) -> FollowUp:
    """Mark a promise kept (or cancelled, with the reason in `outcome`)."""
    ensure_can(user, Capability.LOG_VISIT, follow_up)
    done_on = done_on or _today()
    errors: dict[str, Any] = {}
    _not_future(done_on, "done_on", errors)
    if status not in (FollowUpStatusChoices.DONE, FollowUpStatusChoices.CANCELLED):
        errors["status"] = _("Choose done or cancelled.")
    if follow_up.status != FollowUpStatusChoices.OPEN:
        errors["status"] = _("This follow-up is already closed.")
    if status == FollowUpStatusChoices.CANCELLED and not outcome.strip():
        errors["outcome"] = _("Say why the follow-up is cancelled.")
    if done_on < follow_up.visit.visited_on:
        errors["done_on"] = _("The date is before the visit where it was promised.")
    if errors:
        raise ValidationError(errors)
    return versioned_update(
        follow_up,
        expected_version=expected_version,
        fields={"status": status, "done_on": done_on, "outcome": outcome.strip()[:300], "closed_by": user},
    )


# -- plans and measures (怎么扶) -------------------------------------------------------------------


@transaction.atomic
def plan_save(
    *,
    household: Household,
    year: int,
    goals: str,
    user: Any,
    status: str = PlanStatusChoices.ACTIVE,
    expected_version: int | None = None,
) -> AssistancePlan:
    """Create the household's plan for `year`, or update it (naming the version read)."""
    ensure_can(user, Capability.MANAGE_ASSISTANCE, household)
    errors: dict[str, Any] = {}
    if not (goals or "").strip():
        errors["goals"] = _("Write the plan's goals.")
    if year is None or year < 2014 or year > _today().year + 1:
        errors["year"] = _("Choose a year from 2014 to next year.")
    if status not in PlanStatusChoices.values:
        errors["status"] = _("Choose a valid status.")
    if errors:
        raise ValidationError(errors)
    existing = AssistancePlan.objects.filter(household=household, year=year).first()
    if existing is None:
        try:
            with transaction.atomic():
                return AssistancePlan.objects.create(
                    household=household, year=year, goals=goals.strip(), status=status, created_by=user
                )
        except IntegrityError as exc:
            raise ValidationError(
                {"year": _("This household already has a plan for %(year)d.") % {"year": year}}
            ) from exc
    if expected_version is None:
        raise ValidationError({"year": _("This household already has a plan for %(year)d.") % {"year": year}})
    return versioned_update(
        existing, expected_version=expected_version, fields={"goals": goals.strip(), "status": status}
    )


def _measure_clean(household: Household, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    kind = data.get("kind")
    if kind not in MeasureKindChoices.values:
        errors["kind"] = _("Choose the kind of measure.")
    else:
        expected = KIND_CATEGORY[kind]
        category = data.get("category") or expected
        if category != expected:
            errors["category"] = _("“%(kind)s” belongs to the “%(category)s” batch.") % {
                "kind": MeasureKindChoices(kind).label,
                "category": MeasureCategoryChoices(expected).label,
            }
        data["category"] = category
    member = data.get("member")
    if member is not None and member.household_id != household.pk:
        errors["member"] = _("This person is not a member of the household.")
    plan = data.get("plan")
    if plan is not None and plan.household_id != household.pk:
        errors["plan"] = _("This plan belongs to another household.")
    start, end = data.get("start_date"), data.get("end_date")
    if start is None:
        errors["start_date"] = _("Enter the start date.")
    elif end is not None and end < start:
        errors["end_date"] = _("The end date is before the start date.")
    amount = data.get("amount")
    if amount is not None:
        if not isinstance(amount, Decimal):
            amount = Decimal(str(amount))
        if amount < 0:
            errors["amount"] = _("The amount cannot be negative.")
        elif amount != amount.quantize(Decimal("0.01")):
            errors["amount"] = _("Amounts are in yuan with at most two decimals.")
        data["amount"] = amount
    if data.get("status", MeasureStatusChoices.PLANNED) not in MeasureStatusChoices.values:
        errors["status"] = _("Choose a valid status.")
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def measure_create(
    *,
    household: Household,
    kind: str,
    start_date: dt.date,
    user: Any,
    category: str | None = None,
    member: Member | None = None,
    plan: AssistancePlan | None = None,
    end_date: dt.date | None = None,
    status: str = MeasureStatusChoices.PLANNED,
    amount: Decimal | None = None,
    description: str = "",
) -> Measure:
    """Give a household (or one member) a measure (措施到户). The category follows from the kind."""
    ensure_can(user, Capability.MANAGE_ASSISTANCE, household)
    data = _measure_clean(
        household,
        {
            "kind": kind,
            "category": category,
            "member": member,
            "plan": plan,
            "start_date": start_date,
            "end_date": end_date,
            "status": status,
            "amount": amount,
        },
    )
    return Measure.objects.create(
        household=household, description=description.strip()[:300], created_by=user, **data
    )


@transaction.atomic
def measure_update(*, measure: Measure, expected_version: int, user: Any, **fields: Any) -> Measure:
    ensure_can(user, Capability.MANAGE_ASSISTANCE, measure)
    allowed = {
        "kind",
        "category",
        "member",
        "plan",
        "start_date",
        "end_date",
        "status",
        "amount",
        "description",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    current = {name: getattr(measure, name) for name in allowed}
    merged = {**current, **fields}
    if "kind" in fields and "category" not in fields:
        merged["category"] = None  # follow the new kind
    description = merged.pop("description") or ""
    data = _measure_clean(measure.household, merged)
    data["description"] = description.strip()[:300]
    return versioned_update(measure, expected_version=expected_version, fields=data)


@transaction.atomic
def village_plan_save(
    *,
    village: Area,
    year: int,
    title: str,
    goals: str,
    user: Any,
    projects: str = "",
    team: WorkTeam | None = None,
    status: str = PlanStatusChoices.ACTIVE,
    expected_version: int | None = None,
) -> VillagePlan:
    """Create or update a village's plan for a year (村级脱贫计划)."""
    ensure_can(user, Capability.MANAGE_ASSISTANCE, area=village)
    errors: dict[str, Any] = {}
    if village.level != AreaLevelChoices.VILLAGE:
        errors["village"] = _("Choose a village.")
    if not (title or "").strip():
        errors["title"] = _("Enter a title.")
    if not (goals or "").strip():
        errors["goals"] = _("Write the plan's goals.")
    if year is None or year < 2014 or year > _today().year + 1:
        errors["year"] = _("Choose a year from 2014 to next year.")
    if team is not None and not team.village_links.filter(village=village).exists():
        errors["team"] = _("This team has never been stationed in the village.")
    if errors:
        raise ValidationError(errors)
    fields = {
        "title": title.strip(),
        "goals": goals.strip(),
        "projects": projects.strip(),
        "team": team,
        "status": status,
    }
    existing = VillagePlan.objects.filter(village=village, year=year).first()
    if existing is None:
        try:
            with transaction.atomic():
                return VillagePlan.objects.create(village=village, year=year, created_by=user, **fields)
        except IntegrityError as exc:
            raise ValidationError(
                {"year": _("The village already has a plan for %(year)d.") % {"year": year}}
            ) from exc
    if expected_version is None:
        raise ValidationError({"year": _("The village already has a plan for %(year)d.") % {"year": year}})
    return versioned_update(existing, expected_version=expected_version, fields=fields)


# -- reminders ------------------------------------------------------------------------------------


def reminders_raise_for_area(*, area: Area, today: dt.date, visit_days: int) -> dict[str, int]:
    """Raise in-app reminders in `area` (a township, usually): households not visited in
    `visit_days` days go to their cadre; overdue follow-ups go to whoever promised them and to the
    household's cadre. Keys make a rerun raise nothing new."""
    from .selectors import follow_ups_overdue, households_not_visited

    # (kind, user, key, title, body, url) for every reminder due; notification_raise says which it
    # created (the unique (user, key) constraint decides, even against a concurrent run).
    due: list[tuple[str, Any, str, str, str, str]] = []
    for household in households_not_visited(area, today=today, visit_days=visit_days):
        user = household.active_cadre_user
        if user is None:
            continue
        since = household.last_visit.isoformat() if household.last_visit else "never"
        due.append(
            (
                "visits",
                user,
                f"assistance:visit-due:{household.pk}:{since}",
                _("%(household)s: not visited for %(days)d days")
                % {"household": household.label, "days": visit_days},
                _("Last visit: %(date)s.") % {"date": since if household.last_visit else _("never")},
                reverse("assistance:household", args=[household.pk]),
            )
        )
    for follow_up in follow_ups_overdue(area, today=today):
        recipients = {u for u in (follow_up.visit.visitor, follow_up.active_cadre_user) if u is not None}
        for user in sorted(recipients, key=lambda u: u.pk):
            due.append(
                (
                    "follow_ups",
                    user,
                    f"assistance:follow-up-overdue:{follow_up.pk}",
                    _("%(household)s: a follow-up is overdue") % {"household": follow_up.household.label},
                    _("“%(what)s” was due on %(date)s.")
                    % {"what": follow_up.description, "date": follow_up.due_date.isoformat()},
                    reverse("assistance:household", args=[follow_up.household_id]),
                )
            )
    raised = {"visits": 0, "follow_ups": 0}
    for kind, user, key, title, body, url in due:
        if notification_raise(user=user, key=key, title=title, body=body, url=url):
            raised[kind] += 1
    return raised


__all__ = [
    "cadre_assign",
    "cadre_create",
    "cadre_update",
    "follow_up_close",
    "measure_create",
    "measure_update",
    "pairing_end",
    "plan_save",
    "reminders_raise_for_area",
    "team_create",
    "team_end",
    "team_rotate",
    "village_plan_save",
    "visit_log",
]


@transaction.atomic
def reminders_job_start(*, area: Area, user: Any, visit_days: int) -> Any:
    """Queue a job that raises the reminders for `area` now, township by township, with progress."""
    from core.services import job_create, job_enqueue

    from .tasks import reminders_job_task

    ensure_can(user, Capability.MANAGE_ASSISTANCE, area=area)
    if visit_days < 1 or visit_days > 366:
        raise ValidationError({"visit_days": _("Choose between 1 and 366 days.")})
    job = job_create(kind="assistance.reminders", user=user, area=area, params={"visit_days": visit_days})
    job_enqueue(job, reminders_job_task)
    return job
