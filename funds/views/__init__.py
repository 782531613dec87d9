"""Pages. Each view parses a form, calls one service or selector, and renders."""

from .allocations import (
    allocation_create,
    allocation_detail,
    allocation_list,
    source_list,
)
from .common import (
    PAGE_SIZE,
)
from .notices import (
    notice_detail,
    notice_list,
    public_lookup,
    public_notices,
)
from .overview import (
    declared_total_create,
    funds_index,
    ledger_check_start,
    reconciliation,
    report,
)
from .payments import (
    disbursement_create,
    disbursement_detail,
    disbursement_list,
    disbursement_reverse,
)
from .projects import (
    project_batch,
    project_create,
    project_detail,
    project_edit,
    project_fund,
    project_list,
    project_measures,
    project_notice,
    project_transition,
)

__all__ = [
    "PAGE_SIZE",
    "allocation_create",
    "allocation_detail",
    "allocation_list",
    "declared_total_create",
    "disbursement_create",
    "disbursement_detail",
    "disbursement_list",
    "disbursement_reverse",
    "funds_index",
    "ledger_check_start",
    "notice_detail",
    "notice_list",
    "project_batch",
    "project_create",
    "project_detail",
    "project_edit",
    "project_fund",
    "project_list",
    "project_measures",
    "project_notice",
    "project_transition",
    "public_lookup",
    "public_notices",
    "reconciliation",
    "report",
    "source_list",
]
