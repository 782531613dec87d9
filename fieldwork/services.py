"""Writes of the offline app: devices (register, revoke) and photos sent in pieces. The records a phone
sends are written in fieldwork.sync, through the same services as the pages."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Capability
from accounts.services import session_end
from core import clock
from core.services import model_update

from .models import FieldDevice, PhotoChunk, PhotoUpload
from .selectors import device_list, is_field_user


class DeviceRevoked(PermissionDenied):
    """The phone was revoked by the county administrator: it gets nothing and must wipe its copy."""

    default_message = gettext_lazy(
        "This device was revoked by the county administrator. Its local copy is deleted; sign in again "
        "on a device of your own."
    )


class DeviceUnknown(PermissionDenied):
    default_message = gettext_lazy(
        "This device is not registered. Open the offline app online to register it."
    )


class UploadOffsetMismatch(Exception):
    """A piece that does not continue where the server stopped: the phone asks and resumes from there."""

    def __init__(self, received: int) -> None:
        self.received = received
        super().__init__(received)


class PhotoNotReady(ValidationError):
    """A visit names a photo whose pieces have not all arrived: the visit waits for it."""


def parse_uuid(value: Any, field: str) -> uuid_lib.UUID:
    try:
        return uuid_lib.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise ValidationError({field: _("Not a valid record number (UUID).")}) from exc


# -- devices --------------------------------------------------------------------------------------


@transaction.atomic
def device_register(*, user: User, device_id: Any, label: str = "", session_key: str = "") -> FieldDevice:
    """Register the phone the offline app runs on, or refresh its session. Field roles only."""
    if not is_field_user(user):
        raise PermissionDenied(
            _("The offline app is for first secretaries, work teams and responsible cadres.")
        )
    pk = parse_uuid(device_id, "device")
    device = FieldDevice.objects.select_for_update().filter(pk=pk).first()
    now = clock.now()
    if device is None:
        return FieldDevice.objects.create(
            pk=pk,
            user=user,
            label=(label or "")[:200],
            registered_at=now,
            last_seen_at=now,
            session_key=session_key or "",
        )
    if device.user_id != user.pk:
        raise PermissionDenied(_("This device is registered to another user."))
    if device.is_revoked:
        raise DeviceRevoked(DeviceRevoked.default_message)
    return model_update(
        device,
        fields={
            "label": (label or device.label)[:200],
            "last_seen_at": now,
            "session_key": session_key or device.session_key,
        },
    )


def device_check(*, user: User, device_id: Any, session_key: str = "") -> FieldDevice:
    """The user's registered, unrevoked device named by the request, or DeviceRevoked / DeviceUnknown."""
    try:
        pk = uuid_lib.UUID(str(device_id))
    except (TypeError, ValueError) as exc:
        raise DeviceUnknown(DeviceUnknown.default_message) from exc
    device = FieldDevice.objects.filter(pk=pk, user=user).first()
    if device is None:
        raise DeviceUnknown(DeviceUnknown.default_message)
    if device.is_revoked:
        raise DeviceRevoked(DeviceRevoked.default_message)
    fields: dict[str, Any] = {"last_seen_at": clock.now()}
    if session_key and session_key != device.session_key:
        fields["session_key"] = session_key
    return model_update(device, fields=fields, refresh=False)


@transaction.atomic
def device_revoke(*, device: FieldDevice, user: User) -> FieldDevice:
    """Revoke a lost phone: its session ends at once and every later call from it is refused. Its own
    user may do it (on "my account"), and an administrator whose areas cover the device's user."""
    if device.user_id != user.pk:
        if not user.has_capability(Capability.ADMINISTER):
            raise PermissionDenied(_("Your role does not allow this action."))
        if not device_list(user=user).filter(pk=device.pk).exists():
            raise Http404(_("Not found, or outside your area."))
    if device.is_revoked:
        return device
    model_update(device, fields={"revoked_at": clock.now(), "revoked_by": user}, refresh=False)
    session_end(session_key=device.session_key)  # the one way a session is ended (accounts.services)
    device.refresh_from_db()
    return device


# -- photos in pieces -------------------------------------------------------------------------------


def photo_status(*, user: User, upload_id: Any) -> PhotoUpload | None:
    return PhotoUpload.objects.filter(pk=parse_uuid(upload_id, "photo"), user=user).first()


@transaction.atomic
def photo_chunk_put(
    *, user: User, device: FieldDevice, upload_id: Any, name: str, size: int, offset: int, data: bytes
) -> PhotoUpload:
    """Append one piece of a photo. A piece must start where the server stopped (`received`); anything
    else raises UploadOffsetMismatch with that offset, so a resumed upload never doubles or skips bytes."""
    limits = settings.FIELDWORK
    pk = parse_uuid(upload_id, "photo")
    if size <= 0 or size > limits["PHOTO_MAX_BYTES"]:
        raise ValidationError(
            {
                "size": _("A photo may be at most %(limit)d KB after compression; this one is %(size)d KB.")
                % {"limit": limits["PHOTO_MAX_BYTES"] // 1024, "size": max(size, 0) // 1024}
            }
        )
    if not data or len(data) > limits["PHOTO_CHUNK_BYTES"]:
        raise ValidationError(
            {
                "data": _("Send a photo in pieces of at most %(n)d KB.")
                % {"n": limits["PHOTO_CHUNK_BYTES"] // 1024}
            }
        )
    upload = PhotoUpload.objects.select_for_update().filter(pk=pk).first()
    if upload is None:
        upload = PhotoUpload.objects.create(
            pk=pk,
            user=user,
            device=device,
            name=(name or "photo.jpg")[-100:],
            size=size,
            created_at=clock.now(),
        )
    elif upload.user_id != user.pk:
        raise Http404(_("Not found, or outside your area."))
    if upload.size != size:
        raise ValidationError({"size": _("The photo's size changed between pieces; start it again.")})
    if offset != upload.received:
        raise UploadOffsetMismatch(upload.received)
    if offset + len(data) > upload.size:
        raise ValidationError({"data": _("The piece goes past the end of the photo.")})
    PhotoChunk.objects.create(upload=upload, offset=offset, data=data)
    return model_update(upload, fields={"received": offset + len(data)})


def photo_files(*, user: User, upload_ids: list[Any]) -> tuple[list[PhotoUpload], list[SimpleUploadedFile]]:
    """The complete, unused photos named by a visit, as files the visit service checks and attaches.
    Raises ValidationError (to send again later) when one is missing or still incomplete."""
    uploads, files = [], []
    for raw in upload_ids:
        upload = PhotoUpload.objects.filter(pk=parse_uuid(raw, "photos"), user=user).first()
        if upload is None or not upload.complete:
            raise PhotoNotReady({"photos": _("A photo of this visit has not finished uploading yet.")})
        if upload.visit_id is not None:
            raise ValidationError({"photos": _("This photo already belongs to another visit.")})
        content = b"".join(bytes(c) for c in upload.chunks.order_by("offset").values_list("data", flat=True))
        uploads.append(upload)
        files.append(SimpleUploadedFile(upload.name, content))
    return uploads, files
