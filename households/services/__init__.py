"""Writes on the registry. Views, serializers, imports and jobs all go through these functions.

One module per sub-domain; every public name is re-exported here."""

from ..cleaners import phone_key
from ..fields import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from .assessment import (
    CONDITION_FIELDS,
    four_looks_assess,
    four_looks_total,
    income_record_save,
    living_conditions_record,
    per_capita_net_income,
)
from .identification import (
    IDENTIFICATION_WORKFLOW,
    STAGE,
    STAGE_CAPABILITY,
    STAGE_ORDER,
    objection_record,
    objection_resolve,
    procedure_notice_ends_on,
    procedure_sign,
    procedure_start,
)
from .members import member_add, member_id_number_reveal, member_leave, member_move
from .quality import (
    cross_check_read,
    cross_check_review,
    cross_check_upload,
    duplicate_review,
    duplicates_scan,
    duplicates_scan_start,
)
from .registry import (
    household_number_next,
    household_register,
    household_update,
    member_update,
)
from .status import (
    HOUSEHOLD_STATUS_WORKFLOW,
    STATUS_TRANSITIONS,
    household_can_transition,
    household_status_change,
)

__all__ = [
    "CONDITION_FIELDS",
    "HOUSEHOLD_FIELDS",
    "MEMBER_FIELDS",
    "IDENTIFICATION_WORKFLOW",
    "STAGE",
    "STAGE_CAPABILITY",
    "STAGE_ORDER",
    "HOUSEHOLD_STATUS_WORKFLOW",
    "STATUS_TRANSITIONS",
    "cross_check_read",
    "cross_check_review",
    "cross_check_upload",
    "duplicate_review",
    "duplicates_scan_start",
    "duplicates_scan",
    "four_looks_assess",
    "four_looks_total",
    "household_can_transition",
    "household_number_next",
    "household_register",
    "household_status_change",
    "household_update",
    "income_record_save",
    "living_conditions_record",
    "member_add",
    "member_id_number_reveal",
    "member_leave",
    "member_move",
    "member_update",
    "objection_record",
    "objection_resolve",
    "per_capita_net_income",
    "phone_key",
    "procedure_notice_ends_on",
    "procedure_sign",
    "procedure_start",
]
