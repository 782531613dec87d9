"""Figures owned by other apps (assistance, exits, funds), read through their selectors when those
exist in the installation. A missing selector leaves its section out (shown as not available)."""

from __future__ import annotations

from typing import Any

from areas.models import Area


def figures(*, user: Any, area: Area) -> dict[str, Any]:
    return {"coverage": None, "monitoring": None, "funds": None}
