from typing import Any

from django import template

from supervision.selectors import household_supervision

register = template.Library()


@register.simple_tag
def supervision_for_household(household: Any, user: Any) -> dict[str, Any]:
    return household_supervision(household=household, user=user)
