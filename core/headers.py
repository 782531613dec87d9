"""Content-Security-Policy and Permissions-Policy on every response the application serves.

The policies are settings (CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY, from the environment) so a
county can adjust them without code. The templates hold no inline script, event handler or style
(tests/core/test_templates_inline.py), so the default policy allows scripts and styles from the site
only; a view that cannot live with it declares a narrower exception with `content_security_policy`,
which replaces only the directives it names: the Redoc API docs (its library writes <style> elements
and starts a search worker from a blob) and Django REST framework's own pages (the browsable API,
core.api.renderers, and its login page set a few style="" attributes). docs/security.md lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CSP_HEADER = "Content-Security-Policy"
PERMISSIONS_HEADER = "Permissions-Policy"

# Styles in the page allowed, scripts still from the site only.
INLINE_STYLES = {"style_src": "'self' 'unsafe-inline'"}


def policy_with(policy: str, **directives: str) -> str:
    """`policy` with each named directive (script_src= for script-src) replaced or added."""
    parts: dict[str, str] = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            parts[name.lower()] = value.strip()
    for key, value in directives.items():
        parts[key.replace("_", "-")] = value
    return "; ".join(f"{name} {value}".strip() for name, value in parts.items())


def narrowed_policy(**directives: str) -> str:
    """The installation's policy with these directives replaced."""
    return policy_with(settings.CONTENT_SECURITY_POLICY, **directives)


def content_security_policy(**directives: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view's narrower exception: the installation's policy with these directives replaced."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            response = view(request, *args, **kwargs)
            response.headers[CSP_HEADER] = narrowed_policy(**directives)
            return response

        return wrapped

    return decorate


class SecurityHeadersMiddleware:
    """Adds both headers to any response that does not carry its own (a view's exception above)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault(CSP_HEADER, settings.CONTENT_SECURITY_POLICY)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault(PERMISSIONS_HEADER, settings.PERMISSIONS_POLICY)
        return response
