"""Pages of the offline app: the app shell (an installable web app), its service worker and manifest,
and the county administrator's list of field devices with "revoke"."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.requests import request_user
from accounts.roles import Capability

from .models import FieldDevice
from .selectors import device_list, is_field_user
from .services import device_revoke
from .strings import app_strings

# What the service worker keeps so the app opens without a signal (the shell itself is /fieldwork/).
SHELL_ASSETS = [
    "vendor/bootstrap/bootstrap.min.css",
    "fieldwork/app.css",
    "fieldwork/db.js",
    "fieldwork/sync.js",
    "fieldwork/app.js",
    "fieldwork/icon.svg",
    "fieldwork/icon-192.png",
    "fieldwork/icon-512.png",
]


def _shell_version() -> str:
    """Changes whenever an asset changes, so phones replace their cached copy."""
    digest = hashlib.sha256()
    for name in SHELL_ASSETS:
        path = finders.find(name)
        if path:
            digest.update(Path(path).read_bytes())
    digest.update((Path(__file__).parent / "templates" / "fieldwork" / "app.html").read_bytes())
    return digest.hexdigest()[:12]


@login_required
@never_cache
def app(request: HttpRequest) -> HttpResponse:
    """The app shell; everything it shows comes from the phone's IndexedDB (fieldwork/static)."""
    if not is_field_user(request_user(request)):
        raise PermissionDenied(
            _("The offline app is for first secretaries, work teams and responsible cadres.")
        )
    return render(
        request,
        "fieldwork/app.html",
        {
            "strings": app_strings(),
            "config": {"user": request_user(request).pk, "name": request_user(request).display_name},
        },
    )


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "fieldwork/sw.js",
        {"version": _shell_version(), "assets": json.dumps([static(name) for name in SHELL_ASSETS])},
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/fieldwork/"
    return response


def manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "name": _("Poverty alleviation field visits"),
            "short_name": _("Field visits"),
            "lang": "zh-CN",
            "start_url": "/fieldwork/",
            "scope": "/fieldwork/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#b02a37",
            "icons": [
                {"src": static("fieldwork/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("fieldwork/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {"src": static("fieldwork/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
def devices(request: HttpRequest) -> HttpResponse:
    if not request_user(request).has_capability(Capability.ADMINISTER):
        raise PermissionDenied(_("Your role does not allow this action."))
    return render(
        request,
        "fieldwork/devices.html",
        {
            "devices": device_list(user=request_user(request)),
            "expires_days": settings.FIELDWORK["COPY_EXPIRES_DAYS"],
        },
    )


@login_required
@require_POST
def device_revoke_view(request: HttpRequest, pk: str) -> HttpResponse:
    device = get_object_or_404(FieldDevice, pk=pk)
    device_revoke(device=device, user=request_user(request))
    messages.success(
        request,
        _("Device revoked: its session is ended and its next sync will be refused. Its copy is wiped then."),
    )
    if device.user_id == request_user(request).pk and not request_user(request).has_capability(
        Capability.ADMINISTER
    ):
        return redirect("accounts:profile")  # revoked from "my account"
    return redirect("fieldwork:devices")
