"""Pages for exits and monitoring, one module per sub-domain; every view is re-exported here for urls.py."""

from .area_exit import (
    county_exit,
    screening,
    village_exit_detail,
    village_exit_propose,
    villages,
)
from .base import PAGE_SIZE
from .campaigns import campaign_detail, campaign_list, check_task_complete
from .exit import (
    household_return,
    objection_decide,
    objection_record,
    procedure_detail,
    procedure_list,
    procedure_propose,
    procedure_sign,
    public_notice,
)
from .monitoring import monitoring_detail, monitoring_list, monitoring_report, monitoring_sign
from .settings import exit_settings, village_standard_add, village_standard_retire

__all__ = [
    "monitoring_sign",
    "PAGE_SIZE",
    "campaign_detail",
    "campaign_list",
    "check_task_complete",
    "county_exit",
    "exit_settings",
    "village_standard_add",
    "village_standard_retire",
    "household_return",
    "monitoring_detail",
    "monitoring_list",
    "monitoring_report",
    "objection_decide",
    "objection_record",
    "procedure_detail",
    "procedure_list",
    "procedure_propose",
    "procedure_sign",
    "public_notice",
    "screening",
    "village_exit_detail",
    "village_exit_propose",
    "villages",
]
