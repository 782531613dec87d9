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


@register.simple_tag
def household_card_assistance(household: Any) -> dict:
    """The responsible cadre and this year's measures, for the printed household card."""
    from assistance.selectors import household_card_assistance as card

    return card(household)
