"""Pages. Each view reads through a selector, writes through a service, and shows the service's
errors on the form; an out-of-area record is a 404 and a wrong role a 403 (core.scoping)."""

from .cadres import (
    cadre_assign,
    cadre_detail,
    cadre_edit,
    cadre_list,
    cadre_new,
)
from .common import (
    PAGE_SIZE,
)
from .households import (
    coverage,
    household_detail,
    household_list,
    reminders_run,
)
from .plans import (
    measure_edit,
    measure_list,
    measure_new,
    plan_edit,
    plan_list,
    village_plan_edit,
    village_plan_list,
)
from .teams import (
    team_detail,
    team_list,
    team_new,
    team_rotate,
)
from .visits import (
    follow_up_close,
    follow_up_list,
    visit_detail,
    visit_list,
    visit_new,
)

__all__ = [
    "PAGE_SIZE",
    "cadre_assign",
    "cadre_detail",
    "cadre_edit",
    "cadre_list",
    "cadre_new",
    "coverage",
    "follow_up_close",
    "follow_up_list",
    "household_detail",
    "household_list",
    "measure_edit",
    "measure_list",
    "measure_new",
    "plan_edit",
    "plan_list",
    "reminders_run",
    "team_detail",
    "team_list",
    "team_new",
    "team_rotate",
    "village_plan_edit",
    "village_plan_list",
    "visit_detail",
    "visit_list",
    "visit_new",
]
