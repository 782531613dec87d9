"""The public self-service lookup has two budgets, both DRF throttles the page and the API share (rates
in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]):

- `public_lookup`, per client address (`core.net.client_address`, which believes `X-Forwarded-For`
  only as far as `TRUSTED_PROXY_COUNT` proxies of ours wrote it; IPv6 counts by /64);
- `public_lookup_id_number`, per ID number whatever the address, so one number cannot be probed with
  name after name from many addresses. The cache key is a keyed hash of the number, never the number.

Every refused attempt is logged like a lookup."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.net import client_limit_key


class PublicLookupThrottle(SimpleRateThrottle):
    scope = "public_lookup"
    refused_detail = "refused: rate limit"

    def get_ident(self, request: Any) -> str:
        return client_limit_key(request)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request: Any, view: Any) -> bool:
        allowed = super().allow_request(request, view)
        if not allowed:
            from .services import public_lookup_refused

            public_lookup_refused(request=request, detail=self.refused_detail)
        return allowed


def _submitted_id_number(request: Any) -> str:
    from households.id_numbers import id_number_normalize

    data = getattr(request, "data", None)
    if data is None:  # a page's HttpRequest
        data = request.POST
    value = data.get("id_number") if hasattr(data, "get") else None
    return id_number_normalize(value) if isinstance(value, str) else ""


class PublicLookupIdNumberThrottle(PublicLookupThrottle):
    scope = "public_lookup_id_number"
    refused_detail = "refused: ID number budget"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        number = _submitted_id_number(request)
        if not number:
            return None  # nothing to look up: the form or serializer refuses it
        digest = hmac.new(settings.SECRET_KEY.encode(), number.encode(), hashlib.sha256).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest[:32]}


PUBLIC_LOOKUP_THROTTLES = (PublicLookupThrottle, PublicLookupIdNumberThrottle)
