"""The browsable API under its narrower Content-Security-Policy (core.headers): Django REST framework's
pages set a few style="" attributes (floats, a search box's width), which the site's policy refuses."""

from __future__ import annotations

from typing import Any

from rest_framework import renderers

from core.headers import CSP_HEADER, INLINE_STYLES, narrowed_policy


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response.headers[CSP_HEADER] = narrowed_policy(**INLINE_STYLES)
        return super().render(data, accepted_media_type, renderer_context)
