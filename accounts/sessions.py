"""Session rules (settings SESSION_IDLE_TIMEOUT, SESSION_ABSOLUTE_TIMEOUT): a signed-in session ends
after that long without a request, and that long after signing in whatever happens; it also ends when
the user was signed out everywhere (`User.session_epoch`, bumped by accounts.services). Time is
core.clock's. A user given a temporary password may only change it until they have.

A session that ends this way is not a logout: the offline app's copy and queue stay on the phone
(fieldwork.middleware wipes them on an explicit logout only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core import clock

STARTED = "accounts.started_at"  # when the user signed in (POSIX seconds)
SEEN = "accounts.seen_at"  # the last request, written at most once a minute
EPOCH = "accounts.epoch"  # User.session_epoch when the session began
_SEEN_RESOLUTION = 60


@receiver(user_logged_in, dispatch_uid="accounts.sessions.stamp")
def stamp(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = clock.now().timestamp()
    request.session[STARTED] = now
    request.session[SEEN] = now
    request.session[EPOCH] = user.session_epoch


@receiver(user_logged_out, dispatch_uid="accounts.sessions.revoke_tokens")
def revoke_tokens(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Logging out revokes the user's API tokens too (a token must not outlive the person's sign-out)."""
    from .services import tokens_revoke_all

    if user is not None:
        tokens_revoke_all(user=user)


def session_expired(session: Any, user: Any) -> bool:
    """Whether a signed-in session has outlived the rules."""
    now = clock.now().timestamp()
    started = session.get(STARTED)
    seen = session.get(SEEN)
    if started is None or seen is None:
        return True  # a session from before these rules: sign in again once
    if session.get(EPOCH, 0) != user.session_epoch:
        return True
    return (
        now - seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()
        or now - started > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
    )


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class SessionPolicyMiddleware:
    """After AuthenticationMiddleware: ends an expired session, keeps the last-seen time, and sends a
    user with a temporary password to the password change page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if session_expired(request.session, user):
                # Not a logout: no logout signal (tokens stay), no Clear-Site-Data (the phone's queue stays).
                request.session.flush()
                request.user = AnonymousUser()
                if not _wants_json(request):
                    messages.info(request, _("Your session has ended. Please sign in again."))
            else:
                now = clock.now().timestamp()
                if now - request.session.get(SEEN, 0) >= _SEEN_RESOLUTION:
                    request.session[SEEN] = now
                if getattr(user, "must_change_password", False) and not self._may_pass(request):
                    if _wants_json(request):
                        return JsonResponse(
                            {
                                "detail": _("Change your temporary password first."),
                                "code": "password_change_required",
                            },
                            status=403,
                        )
                    return redirect("accounts:password-change")
        return self.get_response(request)

    @staticmethod
    def _may_pass(request: HttpRequest) -> bool:
        allowed = (reverse("accounts:password-change"), reverse("logout"), reverse("javascript-catalog"))
        return request.path in allowed or request.path.startswith(settings.STATIC_URL)
