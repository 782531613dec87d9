from typing import Any

from django import template

from funds.selectors import HouseholdReceipts, household_receipts

register = template.Library()


@register.simple_tag
def household_receipts_for(household: Any, user: Any) -> HouseholdReceipts:
    """What the household received, as the panel on its page shows it."""
    return household_receipts(household=household, user=user)
