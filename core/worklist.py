"""The start page's work queue: what this user has to do now.

Each app registers its sources in AppConfig.ready() (like the menu), so core knows no app. A source
is asked only for the roles it names, reads through the user's scope, and returns a `WorkSection`
(a count, the first few items and a link to the full list) or None when it has nothing to say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from core.users import User

ITEMS_SHOWN = 6


@dataclass
class WorkItem:
    title: str
    url: str = ""
    detail: str = ""
    when: dt.date | None = None
    overdue: bool = False
    # The next thing to do for this item, as a button beside it: {"url", "label"}.
    action: dict[str, str] | None = None
    # Figures of an indicator row, one per column of its section.
    cells: list[str] = field(default_factory=list)
    strong: bool = False


@dataclass
class WorkSection:
    key: str
    title: str | Promise
    count: int
    items: list[WorkItem] = field(default_factory=list)
    more_url: str = ""
    more_label: str | Promise = ""
    empty: str | Promise = ""
    # "approval" sections are counted together in the inbox strip at the top of the page.
    kind: str = "task"
    tone: str = ""
    # An indicator section shows its items as a table with these column heads.
    columns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class WorkSource:
    key: str
    roles: frozenset[str]
    build: Callable[[Any, dt.date], WorkSection | None]
    order: int = 100


_SOURCES: dict[str, WorkSource] = {}


def register(*sources: WorkSource) -> None:
    for source in sources:
        _SOURCES.setdefault(source.key, source)


def sections_for(user: User, today: dt.date) -> list[WorkSection]:
    """The user's work, in the sources' order; sources of other roles are not asked."""
    if not getattr(user, "is_authenticated", False):
        return []
    role = "superuser" if user.is_superuser and not user.role else user.role
    sections = []
    for source in sorted(_SOURCES.values(), key=lambda s: (s.order, s.key)):
        if role not in source.roles:
            continue
        section = source.build(user, today)
        if section is not None:
            sections.append(section)
    return sections


def household_title(household: Any, user: User) -> str:
    """A household by its head and village; a user who works in one village needs no village."""
    one_village = getattr(user, "_one_village", None)  # asked once per user and request
    if one_village is None:
        areas = list(user.areas.all()[:2])
        one_village = len(areas) == 1 and areas[0].level == "village"  # AreaLevelChoices.VILLAGE
        setattr(user, "_one_village", one_village)  # noqa: B010 (a cache the User model does not declare)
    label: str = household.head_label if one_village and household.head_id else household.label
    return label
