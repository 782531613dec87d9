"""Supervision's policy values (areas.policy): the days allowed to answer a complaint, by its kind."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from areas.choices import AreaLevelChoices
from areas.policy import IntKey, register

from .choices import ComplaintKindChoices as Kind

ANSWER_DAYS = {
    kind: IntKey(
        f"supervision.answer_days_{kind}",
        format_lazy("{} ({})", _("Complaints: days to answer"), Kind(kind).label),
        default=default,
        minimum=1,
        maximum=366,
        lowest_level=AreaLevelChoices.COUNTY,
    )
    for kind, default in (
        (Kind.LEFT_OUT, 15),
        (Kind.WRONG_INCLUSION, 15),
        (Kind.WRONG_EXIT, 15),
        (Kind.UNFAIR, 10),
    )
}

register(*ANSWER_DAYS.values())
