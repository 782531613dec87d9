"""The workbooks the import gives users: the template (text columns, dropdowns, the user's villages),
the error report, and the export of the household list."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from core.masking import masked
from core.spreadsheets import Sheet, xlsx_bytes

from ..models import Household
from .columns import TEMPLATE_COLUMNS, allowed_labels

TEXT_FORMAT = "@"
TEMPLATE_ROWS = 2000  # rows prepared with text format and dropdowns


def template_workbook(villages: Iterable[Any] = ()) -> bytes:
    """The import template: headers in the user's language; ID number, household number and village
    code columns formatted as text (Excel would turn 18 digits into 6.22901E+17); a dropdown for each
    choice column; a sheet of allowed values and one of the user's villages with their codes."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = _("Households")
    lists = wb.create_sheet(_("Allowed values"))
    village_sheet = wb.create_sheet(pgettext("import template sheet", "Villages"))
    sheet.append([str(c.label) for c in TEMPLATE_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFF2CC")
    lists.append([_("Column"), _("Required"), _("Allowed values")])
    choice_col = 5  # choice lists go from column E of the allowed-values sheet, one column per choice set
    for index, column in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = sheet.cell(1, index).column_letter
        sheet.column_dimensions[letter].width = 22 if column.kind in ("id", "code") else 14
        if column.kind in ("id", "code") or column.key == "phone":
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row, index).number_format = TEXT_FORMAT
        if column.choices is not None:
            labels = [str(label) for _v, label in column.choices.choices]  # type: ignore[attr-defined]
            list_letter = lists.cell(1, choice_col).column_letter
            lists.cell(1, choice_col, str(column.label)).font = Font(bold=True)
            for offset, label in enumerate(labels, start=2):
                lists.cell(offset, choice_col, label)
            if not column.many:  # a dropdown holds one value; several causes are typed with 、
                rule = DataValidation(
                    type="list",
                    formula1=f"'{lists.title}'!${list_letter}$2:${list_letter}${len(labels) + 1}",
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=str(column.label),
                    error=_("Choose a value from the list."),
                )
                rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
                sheet.add_data_validation(rule)
            choice_col += 1
        lists.append([str(column.label), _("yes") if column.required else "", _allowed(column)])
    lists.column_dimensions["A"].width = 18
    lists.column_dimensions["C"].width = 60
    village_sheet.append(
        [
            pgettext("spreadsheet column", "Township"),
            pgettext("spreadsheet column", "Village"),
            pgettext("spreadsheet column", "Village code"),
        ]
    )
    for cell in village_sheet[1]:
        cell.font = Font(bold=True)
    for village in villages:
        village_sheet.append([village.parent.name if village.parent else "", village.name, village.code])
        village_sheet.cell(village_sheet.max_row, 3).number_format = TEXT_FORMAT
    for letter, width in (("A", 16), ("B", 16), ("C", 18)):
        village_sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _allowed(column: Any) -> str:
    if column.choices is not None:
        return allowed_labels(column.choices)
    if column.kind == "date":
        return _("a date, e.g. 1980-05-17 (may be left empty: it is read from the ID number)")
    if column.kind == "bool":
        return _("是 or 否")
    if column.key == "village_code":
        return _("the village's 12-digit statistical code (see the Villages sheet)")
    if column.key == "number":
        return _(
            "the household number; rows with the same number are one household. May be left empty: the "
            "household is numbered automatically and its members' rows follow the head's row"
        )
    return ""


def error_report(errors: Iterable[tuple[int, str, str]]) -> bytes:
    """An xlsx listing each error with its row and column (rows in order)."""
    header = [
        pgettext("import error", "Row"),
        pgettext("import error", "Column"),
        pgettext("import error", "Problem"),
    ]
    rows = ([row if row else "", column, message] for row, column, message in errors)
    return xlsx_bytes([Sheet(title=_("Errors"), header=header, rows=rows, widths={"B": 18, "C": 100})])


EXPORT_HEADERS = (
    pgettext_lazy("spreadsheet column", "Household number"),
    pgettext_lazy("spreadsheet column", "Township"),
    pgettext_lazy("spreadsheet column", "Village"),
    pgettext_lazy("spreadsheet column", "Head of household"),
    pgettext_lazy("spreadsheet column", "Resident ID number"),
    pgettext_lazy("spreadsheet column", "Phone"),
    pgettext_lazy("spreadsheet column", "Household attribute"),
    pgettext_lazy("spreadsheet column", "Main poverty cause"),
    pgettext_lazy("spreadsheet column", "Status"),
    pgettext_lazy("spreadsheet column", "Year identified"),
    pgettext_lazy("spreadsheet column", "Members"),
)


def export_workbook(households: Iterable[Household], *, full_ids: bool) -> bytes:
    """The filtered list as xlsx (write-only, streamed from the queryset in chunks). ID numbers and
    phones in full only with `full_ids` (a role that may see them: the view logs the export), masked
    as core.masking declares otherwise."""
    rows = (
        [
            h.number,
            h.village.parent.name if h.village.parent else "",
            h.village.name,
            h.head.name if h.head else "",
            (h.head.id_number if full_ids else masked(h.head, "id_number", h.head.id_number))
            if h.head
            else "",
            h.phone if full_ids else masked(h, "phone", h.phone),
            h.get_attribute_display(),
            h.get_main_cause_display(),
            h.get_status_display(),
            h.year_identified,
            getattr(h, "member_count", None),
        ]
        for h in households
    )
    return xlsx_bytes([Sheet(title=_("Households"), header=[str(h) for h in EXPORT_HEADERS], rows=rows)])
