from typing import Any

from django.conf import settings

from .navigation import items_for, menu_for


def navigation(request: Any) -> dict[str, Any]:
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    entries = items_for(user, getattr(request, "path", ""))
    return {
        "nav_items": entries,
        "menu": menu_for(entries),
        "site_title": settings.SITE_TITLE,
        "unread_notifications": unread,
    }
