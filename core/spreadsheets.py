"""Writing xlsx files: the one place that turns rows into a workbook.

Every text goes in as text. A household head named `=HYPERLINK("http://x", "点击")` must stay a name in
the clerk's Excel, never become a live formula next to ID numbers (CSV/formula injection): a string that
openpyxl would store as a formula is stored as a string instead. Decimals and integers stay numbers
(no float round trip for Decimals); dates stay dates.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    """One worksheet: a bold header row, then the rows (any iterable, streamed)."""

    title: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    widths: dict[str, float] = field(default_factory=dict)  # column letter -> width


def cell(sheet: WriteOnlyWorksheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    """A write-only cell holding `value`; text is always text, never a formula."""
    written = WriteOnlyCell(sheet, value="" if value is None else _plain(value))
    if written.data_type == "f":
        written.data_type = "s"  # openpyxl took a leading "=" for a formula: keep it as the text it is
    if bold:
        written.font = Font(bold=True)
    return written


def _plain(value: Any) -> Any:
    # Lazy translations and other str-likes become str; numbers, Decimals and dates are kept as they are.
    if isinstance(value, str | int | float) or hasattr(value, "isoformat") or hasattr(value, "quantize"):
        return value
    return str(value)


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """The workbook of `sheets`, written in streaming (write-only) mode."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(str(spec.title)[:31])
        for letter, width in spec.widths.items():
            sheet.column_dimensions[letter].width = width
        sheet.append([cell(sheet, value, bold=True) for value in spec.header])
        for row in spec.rows:
            sheet.append([cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
