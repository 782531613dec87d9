"""Writes on assistance (谁来扶、怎么扶). Pages, API, demo and jobs all go through these functions."""

from .cadres import (
    cadre_assign,
    cadre_create,
    cadre_not_eligible_message,
    cadre_update,
    pairing_end,
)
from .plans import (
    measure_create,
    measure_update,
    plan_save,
    village_plan_save,
)
from .reminders import (
    reminders_job_start,
    reminders_raise_for_area,
)
from .teams import (
    team_create,
    team_end,
    team_rotate,
)
from .visits import (
    MAX_FOLLOW_UPS_PER_VISIT,
    MAX_PHOTOS_PER_VISIT,
    follow_up_close,
    visit_log,
)

__all__ = [
    "MAX_FOLLOW_UPS_PER_VISIT",
    "MAX_PHOTOS_PER_VISIT",
    "cadre_assign",
    "cadre_create",
    "cadre_not_eligible_message",
    "cadre_update",
    "follow_up_close",
    "measure_create",
    "measure_update",
    "pairing_end",
    "plan_save",
    "reminders_job_start",
    "reminders_raise_for_area",
    "team_create",
    "team_end",
    "team_rotate",
    "village_plan_save",
    "visit_log",
]
