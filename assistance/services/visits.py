"""Visits (走访) and the follow-ups they promise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core.choices import AttachmentKindChoices
from core.dates import business_date_errors
from core.scoping import ensure_can
from core.services import attachment_add, attachment_validate, model_update, model_update_rows
from households.models import Household
from households.selectors import household_registered_on

from ..choices import (
    FollowUpStatusChoices,
)
from ..models import (
    Cadre,
    FollowUp,
    TeamVillage,
    Visit,
    WorkTeam,
)
from .dates import _not_future, _today

if TYPE_CHECKING:
    from accounts.models import User

# A visit may note several follow-ups; a runaway form should not create hundreds.
MAX_FOLLOW_UPS_PER_VISIT = 10
MAX_PHOTOS_PER_VISIT = 6
# -- visits (走访) --------------------------------------------------------------------------------


def _visit_team(user: User, household: Household) -> WorkTeam | None:
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
    user: User,
    needs: str = "",
    follow_ups: Sequence[tuple[str, dt.date | None]] = (),  # a missing date is refused below
    done_follow_ups: Sequence[int] = (),
    photos: Sequence[UploadedFile[bytes]] = (),
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
        business_date_errors(errors, visited_on=visited_on)
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
        photo_errors: list[str] = []
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
            if due is not None  # every one has its date by now (a missing one is refused above)
        ]
    )
    if closable:
        model_update_rows(
            FollowUp.objects.filter(pk__in=[f.pk for f in closable]),
            fields={
                "status": FollowUpStatusChoices.DONE,
                "done_on": visited_on,
                "done_visit": visit,
                "closed_by": user,
            },
        )
    for photo in photos:
        attachment_add(user=user, record=visit, upload=photo, kind=AttachmentKindChoices.PHOTO)
    return visit


@transaction.atomic
def follow_up_close(
    *,
    follow_up: FollowUp,
    expected_version: int,
    user: User,
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
    return model_update(
        follow_up,
        expected_version=expected_version,
        fields={"status": status, "done_on": done_on, "outcome": outcome.strip()[:300], "closed_by": user},
    )
