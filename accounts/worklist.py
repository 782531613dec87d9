"""The system administrator's work on the start page (core.worklist): sign-ins locked out by wrong
passwords, each leading to the user list where the administrator unlocks it."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.worklist import ITEMS_SHOWN, WorkItem, WorkSection, WorkSource, register

from .roles import RoleChoices
from .selectors import locked_sign_ins


def locked_out_users(user: Any, today: dt.date) -> WorkSection | None:
    locked = locked_sign_ins(user)
    users_url = reverse("admin:accounts_user_changelist")
    items = []
    for lock in locked[:ITEMS_SHOWN]:
        who = lock.user
        items.append(
            WorkItem(
                title=f"{who.display_name}（{who.username}）",
                url=reverse("admin:accounts_user_change", args=[who.pk]),
                detail=_("Too many wrong passwords; locked until %(time)s")
                % {"time": clock.localtime(lock.until).strftime("%H:%M")},
                action={
                    "url": f"{users_url}?{urlencode({'q': who.username})}",
                    "label": _("Unlock"),
                },
            )
        )
    return WorkSection(
        key="locked-sign-ins",
        title=gettext_lazy("Sign-ins locked out"),
        count=len(locked),
        items=items,
        more_url=users_url,
        more_label=gettext_lazy("All users"),
        empty=gettext_lazy("No account is locked out."),
        tone="warning",
    )


def register_sources() -> None:
    register(
        WorkSource(
            "accounts.locked-sign-ins",
            frozenset({RoleChoices.SYSTEM_ADMIN, "superuser"}),
            locked_out_users,
            5,
        )
    )
