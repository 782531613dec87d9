"""Pages for township staff. Each view parses a form, calls one service or selector, and renders.

One module per sub-domain; every view is re-exported here for urls.py."""

from .base import PAGE_SIZE, XLSX, form_errors, member_count_subquery
from .edits import (
    MEMBER_ERROR,
    conditions_add,
    four_looks_add,
    household_create,
    household_edit,
    income_add,
    member_add,
    member_edit,
    member_leave,
    member_move,
)
from .identification import (
    objection_add,
    objection_resolve,
    procedure_sign,
    procedure_start,
)
from .import_pages import (
    ERRORS_PER_PAGE,
    import_errors,
    import_errors_page,
    import_job,
    import_template,
    import_upload,
)
from .quality import (
    cross_check_review,
    cross_checks,
    duplicate_review,
    duplicates,
    duplicates_scan,
)
from .registry import (
    LIST_COUNT_CAP,
    LIST_SORTS,
    household_card,
    household_detail,
    household_export,
    household_list,
    member_id_reveal,
)

__all__ = [
    "ERRORS_PER_PAGE",
    "LIST_COUNT_CAP",
    "LIST_SORTS",
    "MEMBER_ERROR",
    "PAGE_SIZE",
    "XLSX",
    "conditions_add",
    "cross_check_review",
    "cross_checks",
    "duplicate_review",
    "duplicates",
    "duplicates_scan",
    "form_errors",
    "four_looks_add",
    "household_card",
    "household_create",
    "household_detail",
    "household_edit",
    "household_export",
    "household_list",
    "import_errors",
    "import_errors_page",
    "import_job",
    "import_template",
    "import_upload",
    "income_add",
    "member_add",
    "member_count_subquery",
    "member_edit",
    "member_id_reveal",
    "member_leave",
    "member_move",
    "objection_add",
    "objection_resolve",
    "procedure_sign",
    "procedure_start",
]
