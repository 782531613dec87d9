"""xlsx exports of the dashboard tables: every chart's table can be downloaded."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from openpyxl.utils import get_column_letter

from core.downloads import as_download
from core.spreadsheets import XLSX_CONTENT_TYPE, Sheet, xlsx_bytes


def xlsx_response(*, filename: str, title: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    widths = {
        get_column_letter(i + 1): min(40, max(8, max(len(str(v or "")) for v in column) * 1.6))
        for i, column in enumerate(zip(header, *rows, strict=False))
    }
    response = HttpResponse(
        xlsx_bytes([Sheet(title=title, header=header, rows=rows, widths=widths)]),
        content_type=XLSX_CONTENT_TYPE,
    )
    return as_download(response, filename)
