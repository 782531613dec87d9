from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from core import clock

register = template.Library()


@register.simple_tag
def household_url(household_id: Any) -> str:
    """The household page, once the registry provides one; empty otherwise (the link is then omitted)."""
    try:
        return reverse("households:detail", args=[household_id])
    except NoReverseMatch:
        return ""


@register.filter
def has_home_county(user: Any) -> bool:
    """Whether the county rules page has a county to show (not for a prefecture viewer)."""
    from exits.selectors import home_county

    return home_county(user) is not None


@register.filter
def label_of(value: str, choices: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@register.inclusion_tag("exits/_household_panel_body.html", takes_context=True)
def exits_household_panel(context: Any, household: Any) -> dict:
    """The exits section of a household page: eligibility now, procedures, monitoring, actions."""

    from accounts.roles import Capability
    from exits.selectors import exit_eligibility
    from households.choices import POOR_STATUSES, HouseholdStatusChoices

    user = context.get("user") or context["request"].user
    year = clock.this_year(household.village)  # the year turns at the county's midnight
    poor = household.status in POOR_STATUSES
    procedures = list(household.exit_procedures.order_by("-id")[:5])
    open_procedure = any(p.is_open for p in procedures)
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "household": household,
        "panel": {
            "year": year,
            "eligibility": exit_eligibility(household, year) if poor else None,
            "procedures": procedures,
            "cases": list(household.monitoring_cases.order_by("-id")[:5]),
            "can_propose": poor and not open_procedure and user.has_capability(Capability.PROPOSE),
            "can_report": user.has_capability(Capability.LOG_VISIT)
            or user.has_capability(Capability.PROPOSE),
            "can_return": user.has_capability(Capability.APPROVE)
            and household.status in (HouseholdStatusChoices.EXITED, HouseholdStatusChoices.MONITORING),
        },
    }
