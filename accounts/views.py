from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.roles import ROLE_CAPABILITIES, Capability
from accounts.services import token_reissue


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("action") == "token":
        token = token_reissue(user=request.user)
        messages.success(
            request, _("New API token: %(key)s. Copy it now; it is not shown again.") % {"key": token.key}
        )
        return redirect("accounts:profile")
    capabilities = [Capability(c).label for c in sorted(ROLE_CAPABILITIES.get(request.user.role, ()))]
    return render(
        request, "accounts/profile.html", {"capabilities": capabilities, "areas": request.user.areas.all()}
    )
