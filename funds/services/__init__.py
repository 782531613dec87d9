"""Writes on the money ledger. Views, serializers, admin, jobs and the demo all go through these.

Lock order, everywhere: Allocation → Project → ProjectFunding (each by primary key). Two requests
that touch the same money therefore queue behind each other instead of deadlocking, and each
re-reads the totals after it holds the lock. The totals themselves are maintained by database
triggers (funds.models) from the rows inserted here, and check constraints on them are the last line:
even a write that bypassed these functions could not overspend.
"""

from .allocations import (
    allocation_record,
    allocation_update,
    fund_source_create,
)
from .notices import (
    notice_publish,
    notice_publish_standard,
    notice_text_for_payments,
    notice_text_for_project,
)
from .payments import (
    disbursement_record,
    disbursement_reverse,
    household_batch_check,
    household_batch_pay_village,
    household_batch_pending,
    household_batch_start,
)
from .projects import (
    PROJECT_TRANSITIONS,
    PROJECT_WORKFLOW,
    S,
    categories_for,
    project_category_problems,
    project_category_save,
    project_fund,
    project_measure_link,
    project_next_statuses,
    project_propose,
    project_transition,
    project_update,
)
from .public import (
    PublicLookupResult,
    public_lookup,
    public_lookup_refused,
)
from .reconciliation import (
    declared_total_record,
    ledger_check_start,
)

__all__ = [
    "PROJECT_TRANSITIONS",
    "PROJECT_WORKFLOW",
    "PublicLookupResult",
    "S",
    "allocation_record",
    "allocation_update",
    "categories_for",
    "declared_total_record",
    "ledger_check_start",
    "disbursement_record",
    "disbursement_reverse",
    "fund_source_create",
    "household_batch_check",
    "household_batch_start",
    "household_batch_pay_village",
    "household_batch_pending",
    "notice_publish",
    "notice_publish_standard",
    "notice_text_for_payments",
    "notice_text_for_project",
    "project_category_problems",
    "project_category_save",
    "project_fund",
    "project_measure_link",
    "project_next_statuses",
    "project_propose",
    "project_transition",
    "project_update",
    "public_lookup",
    "public_lookup_refused",
]
