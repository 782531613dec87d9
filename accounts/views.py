import datetime as dt
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.requests import request_user
from accounts.roles import ROLE_CAPABILITIES, Capability
from accounts.services import password_change, token_create, token_revoke, tokens_of


@never_cache
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """My account: role, areas, rights, my API tokens (make one, shown once on this page; revoke one)
    and the phones my offline app runs on."""
    user = request_user(request)
    new_token = None
    if request.method == "POST" and request.POST.get("action") == "token":
        _instance, new_token = token_create(user=user)
    elif request.method == "POST" and request.POST.get("action") == "revoke":
        if token_revoke(user=user, token_key=request.POST.get("token_key", "")):
            messages.success(request, _("The API token was revoked."))
        return redirect("accounts:profile")
    capabilities = [Capability(c).label for c in sorted(ROLE_CAPABILITIES.get(user.role, ()))]
    token_ttl = cast("dt.timedelta", settings.REST_KNOX["TOKEN_TTL"])  # as settings/base.py declares it
    context = {
        "capabilities": capabilities,
        "areas": user.areas.all(),
        "tokens": tokens_of(user=user),
        "new_token": new_token,  # in the page body only: never in a message (a cookie) or a redirect
        "devices": user.field_devices.all(),
        "token_days": token_ttl.days,
    }
    return render(request, "accounts/profile.html", context)


@never_cache
@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    """Change my password (required first after an administrator set a temporary one). My other
    sessions and my API tokens end; this session stays."""
    form = PasswordChangeForm(request_user(request), request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = password_change(user=request_user(request), password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed. Your other sessions and API tokens ended."))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})
