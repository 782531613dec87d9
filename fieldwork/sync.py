"""The records a phone sends when the signal returns: each one written through the same service as the
page (assistance.services.visit_log, follow_up_close; exits.services.check_task_complete), each answered
on its own (accepted, or refused with the reason in the user's language), idempotent by its UUID.

A conflict (the follow-up was closed by someone else, the household left the user's care or exited)
is a refusal with a `conflict` the phone shows: nothing is overwritten and nothing is dropped. A
household that exited while the phone was offline may still get its visit (脱贫不脱帮扶) once the user
confirms it (`confirm: true`, sent again under the same UUID).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, overload

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from assistance.choices import FollowUpStatusChoices
from assistance.models import FollowUp
from assistance.services import follow_up_close, visit_log
from core import clock
from core.audit import audit_context
from core.exceptions import ConflictError
from core.idempotency import key_lock
from core.services import model_update
from exits.choices import CheckTaskStateChoices
from exits.models import CheckTask
from exits.services import check_task_complete
from households.choices import HouseholdStatusChoices

from .choices import ConflictChoices, SyncKindChoices, SyncStatusChoices
from .models import FieldDevice, SyncRecord
from .selectors import field_households, household_in_care
from .services import PhotoNotReady, parse_uuid, photo_files


class Refused(Exception):
    """A record that cannot be written: the reason (and conflict, if it is one) goes back to the phone."""

    def __init__(
        self, reason: str, *, conflict: str = "", errors: dict | None = None, retry: bool = False
    ) -> None:
        self.reason = reason
        self.conflict = conflict
        self.errors = errors or {}
        self.retry = retry
        super().__init__(reason)


def _text(data: dict, key: str) -> str:
    value = data.get(key) or ""
    if not isinstance(value, str):
        raise Refused(_("“%(field)s” must be text.") % {"field": key}, errors={key: [_("Must be text.")]})
    limit = settings.FIELDWORK["TEXT_MAX_CHARS"]
    if len(value) > limit:
        raise Refused(
            _("“%(field)s” is longer than %(n)d characters.") % {"field": key, "n": limit},
            errors={key: [_("At most %(n)d characters.") % {"n": limit}]},
        )
    return value


@overload
def _date(data: dict, key: str, *, required: Literal[True] = ...) -> dt.date: ...
@overload
def _date(data: dict, key: str, *, required: bool) -> dt.date | None: ...
def _date(data: dict, key: str, *, required: bool = True) -> dt.date | None:
    raw = data.get(key)
    if raw in (None, "") and not required:
        return None
    value = parse_date(raw) if isinstance(raw, str) else None
    if value is None:
        raise Refused(_("“%(field)s” is not a date.") % {"field": key}, errors={key: [_("Enter a date.")]})
    return value


def _int(data: dict, key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(_("“%(field)s” is missing.") % {"field": key}, errors={key: [_("Required.")]})
    return value


def _out_of_care() -> Refused:
    return Refused(
        _(
            "This household is no longer in your care (moved to another village or cadre, or out of your area). "
            "Nothing was written; ask the township to check the assignment."
        ),
        conflict=ConflictChoices.OUT_OF_SCOPE,
    )


def _exited_guard(household: Any, data: dict) -> None:
    if (
        household.status == HouseholdStatusChoices.EXITED
        and data.get("seen_status") != HouseholdStatusChoices.EXITED
        and not data.get("confirm")
    ):
        when = (
            clock.localtime(household.status_changed_at).date().isoformat()
            if household.status_changed_at
            else ""
        )
        raise Refused(
            _(
                "The household exited poverty (%(date)s) after your copy was taken. Its assistance goes on: "
                "send the record again with “send anyway” if it still stands."
            )
            % {"date": when},
            conflict=ConflictChoices.HOUSEHOLD_EXITED,
        )


# -- one record of each kind ---------------------------------------------------------------------


def _visit(*, user: Any, data: dict, claimed_at: dt.datetime) -> tuple[dict, dict]:
    household = household_in_care(user, data.get("household"))
    if household is None:
        raise _out_of_care()
    _exited_guard(household, data)
    raw_follow_ups = data.get("follow_ups") or []
    raw_done = data.get("done_follow_ups") or []
    raw_photos = data.get("photos") or []
    if not all(isinstance(x, list) for x in (raw_follow_ups, raw_done, raw_photos)):
        raise Refused(_("The visit's lists are malformed."))
    follow_ups = []
    for item in raw_follow_ups:
        if not isinstance(item, dict):
            raise Refused(_("The visit's lists are malformed."))
        follow_ups.append((_text(item, "description"), _date(item, "due_date", required=False)))
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in raw_done):
        raise Refused(_("The visit's lists are malformed."))
    uploads, files = photo_files(user=user, upload_ids=raw_photos)
    visit = visit_log(
        household=household,
        visited_on=_date(data, "visited_on"),
        findings=_text(data, "findings"),
        needs=_text(data, "needs"),
        follow_ups=follow_ups,
        done_follow_ups=raw_done,
        photos=files,
        captured_at=claimed_at,
        user=user,
    )
    for upload in uploads:
        upload.chunks.all().delete()
        model_update(upload, fields={"visit": visit}, refresh=False)
    result = {
        "visit": visit.pk,
        "follow_ups": list(visit.follow_ups.order_by("id").values_list("id", flat=True)),
    }
    return result, {"household": household, "visit": visit}


def _follow_up_close(*, user: Any, data: dict, claimed_at: dt.datetime) -> tuple[dict, dict]:
    follow_up = (
        FollowUp.objects.filter(pk=_int(data, "follow_up"), household__in=field_households(user))
        .select_related("visit", "closed_by", "household")
        .first()
    )
    if follow_up is None:
        raise _out_of_care()
    if follow_up.status != FollowUpStatusChoices.OPEN:
        raise Refused(
            _("“%(what)s” was already closed by %(who)s on %(date)s. Your record did not overwrite it.")
            % {
                "what": follow_up.description,
                "who": follow_up.closed_by or _("someone else"),
                "date": follow_up.done_on.isoformat() if follow_up.done_on else "",
            },
            conflict=ConflictChoices.FOLLOW_UP_CLOSED,
        )
    _exited_guard(follow_up.household, data)
    try:
        follow_up_close(
            follow_up=follow_up,
            expected_version=version
            if isinstance(version := data.get("version"), int)
            else follow_up.version,
            done_on=_date(data, "done_on"),
            outcome=_text(data, "outcome"),
            status=data.get("status") or FollowUpStatusChoices.DONE,
            user=user,
        )
    except ConflictError as exc:
        raise Refused(exc.message, conflict=ConflictChoices.CHANGED) from exc
    return {"follow_up": follow_up.pk}, {"household": follow_up.household, "follow_up": follow_up}


def _check(*, user: Any, data: dict, claimed_at: dt.datetime) -> tuple[dict, dict]:
    task = (
        CheckTask.objects.filter(pk=_int(data, "task"), household__in=field_households(user))
        .select_related("household", "done_by")
        .first()
    )
    if task is None:
        raise _out_of_care()
    if task.state != CheckTaskStateChoices.PENDING:
        raise Refused(
            _("This household's check was already recorded by %(who)s. Your record did not overwrite it.")
            % {"who": task.done_by or _("someone else")},
            conflict=ConflictChoices.CHECK_DONE,
        )
    try:
        check_task_complete(
            task=task,
            state=data.get("state") or "",
            findings=_text(data, "findings"),
            expected_version=data.get("version") if isinstance(data.get("version"), int) else None,
            user=user,
        )
    except ConflictError as exc:
        raise Refused(exc.message, conflict=ConflictChoices.CHANGED) from exc
    return {"task": task.pk}, {"household": task.household, "check_task": task}


HANDLERS = {
    SyncKindChoices.VISIT: _visit,
    SyncKindChoices.FOLLOW_UP_CLOSE: _follow_up_close,
    SyncKindChoices.CHECK: _check,
}


# -- the batch ------------------------------------------------------------------------------------


def _claimed_at(raw: Any) -> dt.datetime:
    value = parse_datetime(raw) if isinstance(raw, str) else None
    if value is None:
        raise Refused(
            _("The time the record was made on the phone is missing."), errors={"made_at": [_("Required.")]}
        )
    if value.tzinfo is None:  # a phone without a zone speaks the county's time
        value = value.replace(tzinfo=clock.default_zone())
    return value


def _answer(record: SyncRecord, *, duplicate: bool = False) -> dict[str, Any]:
    return {
        "uuid": str(record.uuid),
        "status": record.status,
        "duplicate": duplicate,
        "conflict": record.conflict,
        "reason": record.reason,
        "errors": record.errors,
        "retry": bool(record.result.get("retry")) if record.status == SyncStatusChoices.REFUSED else False,
        "result": {k: v for k, v in record.result.items() if k != "retry"},
        "received_at": record.received_at.isoformat(),
    }


def sync_record(*, user: Any, device: FieldDevice, raw: Any) -> dict[str, Any]:
    """Write one record from the phone (or answer again what was answered for its UUID)."""
    if not isinstance(raw, dict):
        return {
            "uuid": "",
            "status": SyncStatusChoices.REFUSED,
            "reason": _("A record must be an object."),
            "conflict": "",
            "errors": {},
            "retry": False,
            "result": {},
            "duplicate": False,
        }
    try:
        pk = parse_uuid(raw.get("uuid"), "uuid")
    except ValidationError:
        return {
            "uuid": str(raw.get("uuid", ""))[:40],
            "status": SyncStatusChoices.REFUSED,
            "reason": _("Not a valid record number (UUID)."),
            "conflict": "",
            "errors": {},
            "retry": False,
            "result": {},
            "duplicate": False,
        }
    received_at = clock.now()
    kind = raw.get("kind")
    data = sent if isinstance(sent := raw.get("data"), dict) else {}
    try:
        with transaction.atomic():
            return _sync_locked(
                user=user, device=device, pk=pk, kind=kind, raw=raw, data=data, received_at=received_at
            )
    except IntegrityError:
        # Two sends of the same UUID at once: the other one won; answer what it stored.
        record = SyncRecord.objects.get(pk=pk)
        return _answer(record, duplicate=True)


def _sync_locked(
    *, user: Any, device: FieldDevice, pk: Any, kind: Any, raw: dict, data: dict, received_at: dt.datetime
) -> dict[str, Any]:
    # Twins of one UUID arriving at once wait for each other here (core.idempotency): the first writes,
    # the others answer what it stored.
    key_lock("fieldwork.sync", str(pk))
    record = SyncRecord.objects.select_for_update().filter(pk=pk).first()
    if record is not None:
        if record.user_id != user.pk:
            return {
                "uuid": str(pk),
                "status": SyncStatusChoices.REFUSED,
                "duplicate": False,
                "conflict": "",
                "reason": _("This record number is already used."),
                "errors": {},
                "retry": False,
                "result": {},
            }
        if record.status == SyncStatusChoices.ACCEPTED:
            return _answer(record, duplicate=True)
    else:
        record = SyncRecord(pk=pk, user=user, attempts=0)
    record.device = device
    record.kind = kind if kind in HANDLERS else ""
    record.payload = raw
    record.received_at = received_at
    record.attempts += 1
    record.conflict, record.reason, record.errors, record.result = "", "", {}, {}
    try:
        if kind not in HANDLERS:
            raise Refused(_("Unknown kind of record."))
        claimed_at = _claimed_at(raw.get("made_at"))
        record.claimed_at = claimed_at
        context = {
            "sync_record": str(pk),
            "claimed_at": claimed_at.isoformat(),
            "received_at": received_at.isoformat(),
            "device": str(device.pk),
        }
        with transaction.atomic(), audit_context(user, **context):
            result, links = HANDLERS[kind](user=user, data=data, claimed_at=claimed_at)
        record.status = SyncStatusChoices.ACCEPTED
        record.result = result
        for name, value in links.items():
            setattr(record, name, value)
    except Refused as exc:
        _refuse(record, exc.reason, conflict=exc.conflict, errors=exc.errors, retry=exc.retry)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        first = next(iter(errors.values()))
        # A photo still on its way is not a refusal of the visit: the phone sends it again later.
        _refuse(record, first[0] if first else str(exc), errors=errors, retry=isinstance(exc, PhotoNotReady))
    except (Http404, PermissionDenied) as exc:
        refusal = _out_of_care() if isinstance(exc, Http404) else Refused(str(exc))
        _refuse(record, refusal.reason, conflict=refusal.conflict)
    if record.claimed_at is None:
        record.claimed_at = received_at
    record.save()
    return _answer(record)


def _refuse(
    record: SyncRecord, reason: str, *, conflict: str = "", errors: dict | None = None, retry: bool = False
) -> None:
    record.status = SyncStatusChoices.REFUSED
    record.reason = str(reason)
    record.conflict = conflict
    record.errors = {k: [str(m) for m in v] for k, v in (errors or {}).items()}
    record.result = {"retry": True} if retry else {}


def sync_batch(*, user: Any, device: FieldDevice, records: list[Any]) -> list[dict[str, Any]]:
    """Every record answered on its own; a refusal never undoes the others."""
    answers = [sync_record(user=user, device=device, raw=raw) for raw in records]
    model_update(device, fields={"last_sync_at": clock.now()}, refresh=False)
    return answers
