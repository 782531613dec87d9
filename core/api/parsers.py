"""The API's JSON parser: the depth and NUL checks of core.inputs before decoding (a body nested
200,000 deep is a 400 with a message, not a RecursionError)."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.inputs import JSONRefused, json_check


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            json_check(raw.decode(encoding))
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        except JSONRefused as exc:
            raise ParseError(exc.message, code=exc.code) from None
        return super().parse(io.BytesIO(raw), media_type, parser_context)
