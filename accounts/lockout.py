"""The login lockout's two hooks into django-axes (settings AXES_*): which address a sign-in comes
from (the one client address, `core.net`, IPv6 by /64) and what a locked-out sign-in is answered,
on every login page (/login/, /admin/login/, /api/auth/login/): the sign-in page in the site's layout
with a message saying until when, status 429 and Retry-After."""

from __future__ import annotations

import logging
import math
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import clock
from core.net import client_address, client_limit_key

logger = logging.getLogger("povertycase.security")


def client_ip(request: HttpRequest) -> str | None:
    """The address a sign-in counts against (AXES_CLIENT_IP_CALLABLE)."""
    return client_limit_key(request) or None


@receiver(user_login_failed, dispatch_uid="accounts.lockout.log_failure")
def log_failure(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Every failed sign-in is logged with the account tried and the client address (the password is
    never in `credentials` here: Django cleanses it)."""
    logger.warning(
        "sign-in failed: username=%r address=%s path=%s",
        credentials.get("username"),
        client_address(request),
        getattr(request, "path", ""),
    )


def lockout_retry_at(*, username: str | None, ip_address: str | None) -> Any:
    """When the account may sign in again from the address: its last counted failure plus the
    cool-off (a failure while locked out does not extend it)."""
    from axes.models import AccessAttempt

    attempt = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .order_by("-attempt_time")
        .first()
    )
    since = attempt.attempt_time if attempt is not None else clock.now()
    return since + settings.AXES_COOLOFF_TIME


def lockout_message(*, username: str | None, ip_address: str | None) -> tuple[str, int]:
    """The message a locked-out sign-in shows, and the seconds until it may try again."""
    retry_at = lockout_retry_at(username=username, ip_address=ip_address)
    seconds = max(0, math.ceil((retry_at - clock.now()).total_seconds()))
    message = _(
        "Too many wrong passwords: this account cannot sign in from your address until %(time)s "
        "(in about %(minutes)d minutes). Try again then, or ask your system administrator to unlock it."
    ) % {"time": clock.localtime(retry_at).strftime("%H:%M"), "minutes": max(1, math.ceil(seconds / 60))}
    return message, seconds


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the sign-in page again, with the lockout message instead of the form's."""
    from axes.helpers import get_client_username

    username = get_client_username(request, credentials)
    address = client_ip(request)
    message, seconds = lockout_message(username=username, ip_address=address)
    logger.warning("sign-in refused, locked out: username=%r address=%s", username, address)
    if "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse(
            {"detail": message, "code": "locked_out", "retry_after": seconds}, status=429
        )
    else:
        context = {"lockout": message, "next": request.POST.get("next", "")}
        response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
