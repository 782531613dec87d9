"""The offline app's API (/api/fieldwork/): register the phone, take the working copy, send photos in
pieces, send the queued records. Every call but registration names the phone (X-Field-Device); a
revoked phone gets 403 with code `device_revoked` and wipes its copy."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Capability
from core import clock
from core.inputs import JSONRefused, json_loads_bounded

from ..models import FieldDevice
from ..selectors import is_field_user, limits, working_copy
from ..services import (
    DeviceRevoked,
    DeviceUnknown,
    UploadOffsetMismatch,
    device_check,
    device_register,
    photo_chunk_put,
    photo_status,
)
from ..sync import sync_batch

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _refusal(detail: StrOrPromise, code: str, http_status: int, **extra: Any) -> Response:
    return Response({"detail": str(detail), "code": code, "errors": {}, **extra}, status=http_status)


def _revoked(device_id: Any) -> bool:
    try:
        pk = uuid.UUID(str(device_id))
    except ValueError:
        return False
    return FieldDevice.objects.filter(pk=pk, revoked_at__isnull=False).exists()


class RawBodyParser(BaseParser):
    """Photo pieces arrive as raw bytes; the view reads request.body itself."""

    media_type = "*/*"

    # request.data is b"" (DRF takes any parse result; its stubs say a mapping)
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> bytes:  # type: ignore[override]
        return b""


class FieldDeviceMixin:
    """Field roles only, and the request must come from a registered, unrevoked device."""

    write_capability = Capability.FIELD_APP

    def device(self, request: Any) -> Any:
        if not is_field_user(request.user):
            raise PermissionDenied(
                _("The offline app is for first secretaries, work teams and responsible cadres.")
            )
        return device_check(
            user=request.user,
            device_id=request.headers.get("X-Field-Device"),
            session_key=request.session.session_key or "" if hasattr(request, "session") else "",
        )

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DeviceRevoked):
            return _refusal(exc.args[0] if exc.args else DeviceRevoked.default_message, "device_revoked", 403)
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed) and _revoked(
            self.request.headers.get("X-Field-Device")  # type: ignore[attr-defined]
        ):
            # The revocation ended the session: tell the phone why, so it wipes its copy now rather than
            # wait for someone to sign in on it.
            return _refusal(DeviceRevoked.default_message, "device_revoked", 403)
        if isinstance(exc, DeviceUnknown):
            return _refusal(exc.args[0] if exc.args else DeviceUnknown.default_message, "device_unknown", 403)
        return super().handle_exception(exc)  # type: ignore[misc]


class DeviceRegisterView(FieldDeviceMixin, APIView):
    """POST {device: uuid, label}: register this phone (or refresh its session)."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def post(self, request: Any) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        device = device_register(
            user=request.user,
            device_id=data.get("device"),
            label=str(data.get("label") or request.headers.get("User-Agent", ""))[:200],
            session_key=request.session.session_key or "",
        )
        return Response({"device": str(device.pk), "registered_at": device.registered_at.isoformat()})


class WorkingCopyView(FieldDeviceMixin, APIView):
    """GET: the households in the user's care, as the phone keeps them, and the limits it must keep."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Any) -> Response:
        self.device(request)
        now = clock.now()
        days = settings.FIELDWORK["COPY_EXPIRES_DAYS"]
        return Response(
            {
                "user": {"id": request.user.pk, "name": request.user.display_name},
                "generated_at": now.isoformat(),
                "expires_at": (now + dt.timedelta(days=days)).isoformat(),
                "today": clock.today().isoformat(),
                "limits": {**limits(), "PHOTOS_PER_VISIT": _photos_per_visit()},
                "csrf_token": get_token(request),
                "households": working_copy(request.user),
            }
        )


def _photos_per_visit() -> int:
    from assistance.services import MAX_PHOTOS_PER_VISIT

    return MAX_PHOTOS_PER_VISIT


class SyncView(FieldDeviceMixin, APIView):
    """POST {records: [...]}: each record accepted or refused on its own, idempotent by its UUID."""

    parser_classes = [RawBodyParser]

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def post(self, request: Any) -> Response:
        device = self.device(request)
        bounds = settings.FIELDWORK
        # Refused before the body is read when the phone announces too much.
        size = int(request.META.get("CONTENT_LENGTH") or 0)
        body = request.body if size <= bounds["SYNC_MAX_BYTES"] else b""
        size = max(size, len(body))
        if size > bounds["SYNC_MAX_BYTES"]:
            return _refusal(
                _(
                    "This sync carries %(size)d KB; at most %(limit)d KB go in one sync. Nothing was written; "
                    "the app sends fewer records at a time."
                )
                % {"size": size // 1024, "limit": bounds["SYNC_MAX_BYTES"] // 1024},
                "too_large",
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        try:
            # the sync's own (stricter) depth bound, measured before decoding
            payload = json_loads_bounded(body.decode("utf-8"), bounds["JSON_MAX_DEPTH"])
        except JSONRefused as exc:
            return _refusal(exc.message, "invalid", 400)
        except (UnicodeDecodeError, ValueError):
            return _refusal(_("The sync is not valid JSON. Nothing was written."), "invalid", 400)
        records = payload.get("records") if isinstance(payload, dict) else None
        if not isinstance(records, list):
            return _refusal(
                _("Send the records as a list under “records”. Nothing was written."), "invalid", 400
            )
        if len(records) > bounds["SYNC_MAX_RECORDS"]:
            return _refusal(
                _("%(count)d records in one sync; at most %(limit)d. Nothing was written.")
                % {"count": len(records), "limit": bounds["SYNC_MAX_RECORDS"]},
                "too_many",
                400,
            )
        results = sync_batch(user=request.user, device=device, records=records)
        return Response({"results": results, "received_at": clock.now().isoformat()})


class PhotoUploadView(FieldDeviceMixin, APIView):
    """GET: how much of the photo the server holds. PUT (raw bytes, X-Upload-Offset, X-Upload-Size,
    X-Upload-Name): the next piece. A piece at the wrong offset gets 409 with the offset to resume from."""

    parser_classes = [RawBodyParser]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Any, upload_id: str) -> Response:
        self.device(request)
        upload = photo_status(user=request.user, upload_id=upload_id)
        if upload is None:
            return Response({"received": 0, "size": None, "complete": False})
        return Response({"received": upload.received, "size": upload.size, "complete": upload.complete})

    @extend_schema(request=OpenApiTypes.BINARY, responses=OpenApiTypes.OBJECT)
    def put(self, request: Any, upload_id: str) -> Response:
        device = self.device(request)
        try:
            offset = int(request.headers.get("X-Upload-Offset", ""))
            size = int(request.headers.get("X-Upload-Size", ""))
        except ValueError:
            return _refusal(_("Say where the piece starts and how big the photo is."), "invalid", 400)
        try:
            upload = photo_chunk_put(
                user=request.user,
                device=device,
                upload_id=upload_id,
                name=request.headers.get("X-Upload-Name", "photo.jpg"),
                size=size,
                offset=offset,
                data=request.body,
            )
        except UploadOffsetMismatch as exc:
            return _refusal(
                _("The server holds %(n)d bytes of this photo; continue from there.") % {"n": exc.received},
                "offset",
                409,
                received=exc.received,
            )
        return Response({"received": upload.received, "size": upload.size, "complete": upload.complete})
