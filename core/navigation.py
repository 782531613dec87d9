"""Main-menu entries. Each app registers its own in AppConfig.ready(), so the menu grows with the
apps without a central list to edit; entries are shown by capability."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    capability: str = "view"
    order: int = 100
    icon: str = ""


_ITEMS: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in _ITEMS:
            _ITEMS.append(item)


def items_for(user: object) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    visible = []
    for item in sorted(_ITEMS, key=lambda i: (i.order, str(i.url_name))):
        if not user.has_capability(item.capability):  # type: ignore[attr-defined]
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        visible.append({"label": item.label, "url": url, "url_name": item.url_name, "icon": item.icon})
    return visible
