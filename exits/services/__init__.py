"""Writes for exits and monitoring: every procedure step, flag, decision and campaign goes through
these functions. Procedures are explicit transition maps with one `can_transition` check each.

One module per sub-domain; every public name is re-exported here."""

from core.procedures.workflow import Transition

from ..selectors import county_of
from .area_exit import county_exit_record, village_exit_decide, village_exit_propose
from .campaigns import campaign_start, check_task_complete
from .exit import (
    exit_objection_decide,
    exit_objection_record,
    exit_procedure_propose,
    exit_procedure_sign,
    household_return_to_poverty,
)
from .monitoring import (
    monitoring_assistance_add,
    monitoring_case_report,
    monitoring_case_sign,
    monitoring_overdue_remind,
)
from .screening import (
    RULE_CATEGORIES,
    exit_flags_refresh_village,
    exit_screening_start,
    monitoring_open_by_rule_village,
)
from .settings import (
    village_standard_add,
    village_standard_retire,
)
from .transitions import (
    EXIT_TRANSITIONS,
    EXIT_WORKFLOW,
    MONITORING_TRANSITIONS,
    MONITORING_WORKFLOW,
    exit_can_transition,
    exit_next_steps,
    monitoring_can_transition,
    monitoring_next_steps,
)

__all__ = [
    "EXIT_TRANSITIONS",
    "EXIT_WORKFLOW",
    "MONITORING_TRANSITIONS",
    "MONITORING_WORKFLOW",
    "RULE_CATEGORIES",
    "Transition",
    "campaign_start",
    "check_task_complete",
    "county_exit_record",
    "county_of",
    "exit_can_transition",
    "exit_flags_refresh_village",
    "exit_next_steps",
    "exit_objection_decide",
    "exit_objection_record",
    "exit_procedure_propose",
    "exit_procedure_sign",
    "exit_screening_start",
    "household_return_to_poverty",
    "monitoring_assistance_add",
    "monitoring_can_transition",
    "monitoring_case_report",
    "monitoring_case_sign",
    "monitoring_next_steps",
    "monitoring_open_by_rule_village",
    "monitoring_overdue_remind",
    "village_exit_decide",
    "village_exit_propose",
    "village_standard_add",
    "village_standard_retire",
]
