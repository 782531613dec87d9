"""The public self-service lookup is limited per client address; the page and the API share one
budget (DRF throttle scope `public_lookup`, rate in settings.REST_FRAMEWORK).

The address is the connection's own (REMOTE_ADDR). An `X-Forwarded-For` header is only believed when
REST_FRAMEWORK["NUM_PROXIES"] says how many proxies of ours stand in front: otherwise anyone could send
a new made-up address with each request and never be limited. Every refused attempt is logged like a
lookup."""

from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class PublicLookupThrottle(SimpleRateThrottle):
    scope = "public_lookup"

    def get_ident(self, request: Any) -> str:
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR") or ""
        return super().get_ident(request)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request: Any, view: Any) -> bool:
        allowed = super().allow_request(request, view)
        if not allowed:
            from .services import public_lookup_refused

            public_lookup_refused(request=request)
        return allowed
