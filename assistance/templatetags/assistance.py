from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def household_assistance(household: Any, user: Any = None) -> dict:
    """The assistance summary of a household (cadre, visits, follow-ups, plan, measures) and what
    the user may do with it."""
    from accounts.roles import Capability
    from assistance.selectors import household_assistance as summary

    data = summary(household)
    data["can_manage"] = bool(user and user.has_capability(Capability.MANAGE_ASSISTANCE))
    data["can_visit"] = bool(user and user.has_capability(Capability.LOG_VISIT))
    return data
