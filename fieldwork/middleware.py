"""Logging out wipes the offline app's local copy: the logout response carries Clear-Site-Data, so the
browser deletes IndexedDB, the service worker and its caches for this site, even if the user logs out
from an ordinary page and never opens the app again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class ClearSiteDataOnLogoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        response = self.get_response(request)
        if request.method == "POST" and request.path == reverse("logout") and response.status_code < 400:
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response
