"""Writing and reading xlsx files: the one place that turns rows into a workbook and back.

Every text goes in as text. A household head named `=HYPERLINK("http://x", "点击")` must stay a name in
the clerk's Excel, never become a live formula next to ID numbers (CSV/formula injection): a string that
openpyxl would store as a formula is stored as a string instead. Decimals and integers stay numbers
(no float round trip for Decimals); dates stay dates.
"""

from __future__ import annotations

import io
import re
import zipfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
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


# -- reading --------------------------------------------------------------------------------------
#
# python-calamine (Rust) parses xlsx ten times faster than openpyxl, but it loads a whole sheet into
# memory (about 1 KB per row of a household roster: 1 GB for a county's file). So the sheet's XML is
# streamed out of the zip and handed to calamine in windows of whole rows, each a small workbook of
# its own with the styles (for date cells) and just the shared strings its cells use: memory stays
# bounded by the window, whatever the file's size. Sizes are checked from the zip's directory before
# anything is decompressed (a 200 KB file can hold a 1 GB string).

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix (x:row)
_ROW_END = re.compile(rb"</" + _P + rb"row>")
_ROW_START = re.compile(rb"<" + _P + rb"row\b([^>]*)>")
_DATA_START = re.compile(rb"<" + _P + rb"sheetData\b[^>]*?(/?)>")
_DIMENSION = re.compile(rb"<" + _P + rb"dimension\b[^>]*/>")
_SHARED_CELL = re.compile(
    rb"(<" + _P + rb"c\b[^>]*?\bt=\"s\"[^>]*>\s*<" + _P + rb"v>)\s*(\d+)\s*(</" + _P + rb"v>)"
)
_SI = re.compile(rb"<" + _P + rb"si\b[^>]*?(?:/>|>.*?</" + _P + rb"si>)", re.S)
_SST_START = re.compile(rb"<" + _P + rb"sst\b[^>]*>")


class SpreadsheetError(ValueError):
    """The file cannot be read within the limits; the message is for the user."""


@dataclass(frozen=True)
class ReadLimits:
    """How much a spreadsheet may hold (settings IMPORT_MAX_*, see README)."""

    uncompressed_bytes: int
    shared_strings_bytes: int
    rows: int
    cell_chars: int

    @classmethod
    def from_settings(cls) -> ReadLimits:
        from django.conf import settings

        return cls(
            uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            shared_strings_bytes=settings.IMPORT_MAX_SHARED_STRINGS_BYTES,
            rows=settings.IMPORT_MAX_ROWS,
            cell_chars=settings.IMPORT_MAX_CELL_CHARS,
        )


def _mb(n: int) -> str:
    return f"{n / 1048576:.0f} MB"


@dataclass
class _Workbook:
    sheet: str  # path of the first worksheet in the zip
    styles: bytes
    date1904: bool
    shared_strings: str | None


def xlsx_check(source: Any, limits: ReadLimits) -> _Workbook:
    """Open the zip's directory and refuse what is too large or not a workbook, before decompressing."""
    from django.utils.translation import gettext as _

    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SpreadsheetError(_("The file is not a readable xlsx workbook.")) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > 1000:
            raise SpreadsheetError(_("The file is not a readable xlsx workbook."))
        total = sum(i.file_size for i in infos)
        if total > limits.uncompressed_bytes:
            raise SpreadsheetError(
                _("The workbook unpacks to %(size)s; the limit is %(limit)s. Split it by township.")
                % {"size": _mb(total), "limit": _mb(limits.uncompressed_bytes)}
            )
        names = {i.filename: i for i in infos}
        for small in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"):
            if small in names and names[small].file_size > 20 * 1048576:
                raise SpreadsheetError(_("The file is not a readable xlsx workbook."))
        try:
            workbook = archive.read("xl/workbook.xml")
            rels = archive.read("xl/_rels/workbook.xml.rels")
        except KeyError as exc:
            raise SpreadsheetError(_("The file is not a readable xlsx workbook.")) from exc
        first = re.search(rb"<" + _P + rb"sheet\b[^>]*?\b(?:\w+:)?id=\"([^\"]+)\"", workbook)
        targets = {}
        for element in re.finditer(rb"<" + _P + rb"Relationship\b[^>]*>", rels):
            attrs = dict(re.findall(rb"\b(Id|Target)=\"([^\"]*)\"", element.group()))
            if b"Id" in attrs and b"Target" in attrs:
                targets[attrs[b"Id"]] = attrs[b"Target"]
        if first is None or first.group(1) not in targets:
            raise SpreadsheetError(_("The file is not a readable xlsx workbook."))
        target = targets[first.group(1)].decode()
        sheet = target.lstrip("/") if target.startswith("/") else "xl/" + target
        shared = next((n for n in names if n.lower() == "xl/sharedstrings.xml"), None)
        if shared and names[shared].file_size > limits.shared_strings_bytes:
            raise SpreadsheetError(
                _("The workbook's text table is %(size)s; the limit is %(limit)s.")
                % {"size": _mb(names[shared].file_size), "limit": _mb(limits.shared_strings_bytes)}
            )
        if sheet not in names:
            raise SpreadsheetError(_("The file is not a readable xlsx workbook."))
        return _Workbook(
            sheet=sheet,
            styles=archive.read("xl/styles.xml") if "xl/styles.xml" in names else b"",
            date1904=bool(re.search(rb"date1904=\"(?:1|true)\"", workbook)),
            shared_strings=shared,
        )


class _SharedStrings:
    """The shared-string table as raw `<si>` fragments in one buffer (8 bytes of index per string)."""

    def __init__(self, archive: zipfile.ZipFile, name: str | None) -> None:
        self.blob = bytearray()
        self.offsets = array("Q", [0])
        self.head = b'<sst xmlns="' + _NS_MAIN.encode() + b'">'
        if name is None:
            return
        buffer, found_head = b"", False
        with archive.open(name) as stream:
            while chunk := stream.read(1 << 20):
                buffer += chunk
                if not found_head and (m := _SST_START.search(buffer)):
                    found_head = True
                    self.head = re.sub(rb"\s(?:count|uniqueCount)=\"\d*\"", b"", m.group())
                end = 0
                for m in _SI.finditer(buffer):
                    self.blob += m.group()
                    self.offsets.append(len(self.blob))
                    end = m.end()
                buffer = buffer[end:]

    def window(self, xml: bytes) -> tuple[bytes, bytes]:
        """The window's XML with its shared-string indexes renumbered, and its own string table."""
        local: dict[int, int] = {}
        parts: list[bytes] = []

        def renumber(m: re.Match[bytes]) -> bytes:
            index = int(m.group(2))
            if index not in local:
                local[index] = len(parts)
                known = index + 1 < len(self.offsets)
                parts.append(
                    bytes(self.blob[self.offsets[index] : self.offsets[index + 1]])
                    if known
                    else b"<si><t/></si>"
                )
            return m.group(1) + str(local[index]).encode() + m.group(3)

        xml = _SHARED_CELL.sub(renumber, xml)
        close = b"</" + self.head[1:].split(b" ", 1)[0].rstrip(b">") + b">"
        return xml, self.head + b"".join(parts) + close


def _window_workbook(book: _Workbook, sheet_xml: bytes, strings: bytes) -> io.BytesIO:
    out = io.BytesIO()
    date1904 = b' date1904="1"' if book.date1904 else b""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_NS_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'.encode()
            + b"<workbookPr"
            + date1904
            + b'/><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_NS_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_NS_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{_NS_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        if book.styles:
            z.writestr("xl/styles.xml", book.styles)
        z.writestr("xl/sharedStrings.xml", strings)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    out.seek(0)
    return out


def _windows(stream: Any, window_bytes: int) -> Iterator[tuple[bytes, bytes]]:
    """(head, rows) pieces of the sheet's XML, each holding whole rows; head ends with <sheetData>."""
    buffer = b""
    head: bytes | None = None
    while True:
        chunk = stream.read(window_bytes)
        buffer += chunk
        if head is None:
            match = _DATA_START.search(buffer)
            if match is None:
                if not chunk:
                    return
                continue
            if match.group(1):  # <sheetData/>: no rows at all
                return
            head = _DIMENSION.sub(b"", buffer[: match.end()])
            buffer = buffer[match.end() :]
            first = _ROW_START.search(buffer)
            if first is not None and b" r=" not in b" " + first.group(1):
                window_bytes = 1 << 62  # rows without numbers: read the sheet in one piece
        last = None
        for last in _ROW_END.finditer(buffer):  # noqa: B007 - the last match is wanted
            pass
        if last is not None and (chunk or buffer):
            yield head, buffer[: last.end()]
            buffer = buffer[last.end() :]
        if not chunk:
            return


def _closing_tags(head: bytes) -> bytes:
    """`</sheetData></worksheet>` with the prefixes the file uses."""
    data = re.search(rb"<(" + _P + rb"sheetData)\b", head)
    sheet = re.search(rb"<(" + _P + rb"worksheet)\b", head)
    return (
        b"</"
        + (data.group(1) if data else b"sheetData")
        + b"></"
        + (sheet.group(1) if sheet else b"worksheet")
        + b">"
    )


def xlsx_rows(
    source: Any, *, limits: ReadLimits, window_bytes: int = 2 * 1048576
) -> Iterator[tuple[int, list[Any]]]:
    """(row number as Excel shows it, cell values) of the first sheet's non-empty rows, streamed.

    Values are str, int, float, bool, date or datetime (date-formatted cells), None when empty. A text
    longer than limits.cell_chars is replaced by a SpreadsheetCellTooLong marker for the caller to
    report; more than limits.rows data rows raise SpreadsheetError.
    """
    from django.utils.translation import gettext as _
    from python_calamine import CalamineWorkbook

    book = xlsx_check(source, limits)
    if hasattr(source, "seek"):
        source.seek(0)
    with zipfile.ZipFile(source) as archive:
        strings = _SharedStrings(archive, book.shared_strings)
        seen = 0
        with archive.open(book.sheet) as stream:
            for head, rows_xml in _windows(stream, window_bytes):
                xml, table = strings.window(rows_xml)
                end = _closing_tags(head)
                sheet = CalamineWorkbook.from_filelike(_window_workbook(book, head + xml + end, table))
                grid = sheet.get_sheet_by_index(0)
                start_row, start_col = grid.start or (0, 0)
                for offset, values in enumerate(grid.to_python(skip_empty_area=True)):
                    if not any(v not in ("", None) for v in values):
                        continue
                    seen += 1
                    if seen > limits.rows + 1:  # the header row is not a data row
                        raise SpreadsheetError(
                            _("The file has more than %(n)d rows; split it by township.") % {"n": limits.rows}
                        )
                    cells: list[Any] = [None] * start_col
                    for value in values:
                        if value == "":
                            cells.append(None)
                        elif isinstance(value, str) and len(value) > limits.cell_chars:
                            cells.append(CellTooLong(len(value)))
                        else:
                            cells.append(value)
                    yield start_row + offset + 1, cells


@dataclass(frozen=True)
class CellTooLong:
    """A cell whose text is over the limit (its length; the text itself is not kept)."""

    length: int
