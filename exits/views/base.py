"""Helpers shared by the exit and monitoring pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from areas.models import Area
from core import clock
from core.paging import PAGE_SIZE  # noqa: F401  (re-exported by exits.views)

from .. import selectors


def _back(request: HttpRequest, default: str) -> str:
    """The page to return to: the posted `next` if it is on this site, else `default`."""
    from django.urls import reverse
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _year(raw: str | None) -> tuple[int, str]:
    """The year a page was asked for (this year when none), and an error when it is not a year."""
    this_year = clock.today().year
    if not raw:
        return this_year, ""
    try:
        year = int(raw)
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        return this_year, _("Enter a year between 2000 and 2100.")
    return year, ""


def _areas_for(user: Any, levels: tuple[str, ...]) -> list[Area]:
    return list(Area.objects.visible_to(user).filter(level__in=levels).order_by("code")[:300])


def _home_county(user: Any) -> Area | None:
    return selectors.home_county(user)
