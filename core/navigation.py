"""Main-menu entries. Each app registers its own in AppConfig.ready(), so the menu grows with the
apps without a central list to edit; entries are shown by capability.

Entries that belong together share a `group` (registered once with `register_group`): the menu shows
the group as one entry with a dropdown, so a role with ten entries still fits one line at 1280 px.
The active entry is the one whose URL (or one of its extra `paths`) is the longest prefix of the
page's path: /exits/monitoring/3/ lights "Monitoring", not "Exits" as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    capability: str = "view"
    order: int = 100
    icon: str = ""
    group: str = ""
    # More path prefixes that belong to this entry's section (e.g. a list's detail pages elsewhere).
    paths: tuple[str, ...] = ()
    # Active on its own URL only (the start page "/" is not the section of every page).
    exact: bool = False


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str | Promise
    order: int = 100


_ITEMS: list[NavItem] = []
_GROUPS: dict[str, NavGroup] = {}


def register(*items: NavItem) -> None:
    for item in items:
        if item not in _ITEMS:
            _ITEMS.append(item)


def register_group(*groups: NavGroup) -> None:
    for group in groups:
        _GROUPS.setdefault(group.key, group)


def _visible(user: object) -> list[dict[str, Any]]:
    visible = []
    for item in sorted(_ITEMS, key=lambda i: (i.order, str(i.url_name))):
        if not user.has_capability(item.capability):  # type: ignore[attr-defined]
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        visible.append(
            {
                "label": item.label,
                "url": url,
                "url_name": item.url_name,
                "icon": item.icon,
                "group": item.group,
                "prefixes": (url, *item.paths),
                "exact": item.exact,
                "active": False,
            }
        )
    return visible


def _mark_active(entries: list[dict[str, Any]], path: str) -> None:
    best, best_length = None, 0
    for entry in entries:
        for prefix in entry["prefixes"]:
            matches = path == prefix if entry["exact"] or prefix == "/" else path.startswith(prefix)
            if matches and len(prefix) > best_length:
                best, best_length = entry, len(prefix)
    if best is not None:
        best["active"] = True


def items_for(user: object, path: str = "") -> list[dict[str, Any]]:
    """The flat list of entries the user may open, the one for `path` marked active."""
    if not getattr(user, "is_authenticated", False):
        return []
    entries = _visible(user)
    _mark_active(entries, path)
    return entries


def menu_for(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The menu as shown from `items_for`: entries and groups (a group of one entry is that entry)."""
    menu: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for entry in entries:
        key = entry["group"]
        if not key or key not in _GROUPS:
            menu.append(entry)
            continue
        if key not in groups:
            group = _GROUPS[key]
            groups[key] = {
                "label": group.label,
                "url": entry["url"],
                "key": key,
                "children": [],
                "active": False,
            }
            menu.append(groups[key])
        groups[key]["children"].append(entry)
        groups[key]["active"] = groups[key]["active"] or entry["active"]
    # A group the user sees one entry of is a plain link to it, under the group's name.
    return [
        {**item["children"][0], "label": item["label"]} if len(item.get("children", ())) == 1 else item
        for item in menu
    ]
