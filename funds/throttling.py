"""The public self-service lookup is limited per client address; the page and the API share one
budget (DRF throttle scope `public_lookup`, rate in settings.REST_FRAMEWORK)."""

from typing import Any

from rest_framework.throttling import SimpleRateThrottle


class PublicLookupThrottle(SimpleRateThrottle):
    scope = "public_lookup"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
