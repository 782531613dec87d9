"""Assistance's policy values (areas.policy): how many days may pass without a visit before a
household counts as not visited. One window per county (the lists compare every household of a
county with the same cutoff), so a county or a province sets it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from areas.choices import AreaLevelChoices
from areas.policy import IntKey, register

VISIT_DAYS = IntKey(
    "assistance.visit_days",
    _("Visits: days without a visit before a household is due"),
    default=30,
    minimum=1,
    maximum=366,
    lowest_level=AreaLevelChoices.COUNTY,
)

register(VISIT_DAYS)
