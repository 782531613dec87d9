from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.roles import ROLE_CAPABILITIES, Capability


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("action") == "token":
        Token.objects.filter(user=request.user).delete()
        token = Token.objects.create(user=request.user)
        messages.success(
            request, _("New API token: %(key)s. Copy it now; it is not shown again.") % {"key": token.key}
        )
        return redirect("accounts:profile")
    capabilities = [Capability(c).label for c in sorted(ROLE_CAPABILITIES.get(request.user.role, ()))]
    return render(
        request, "accounts/profile.html", {"capabilities": capabilities, "areas": request.user.areas.all()}
    )
