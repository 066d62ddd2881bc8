"""Every CSV and XLSX the system writes or reads back: formula guard, safe control characters, local dates, markings.

A cell is written by its type. Text people typed (any str) has its control characters made safe (kcsp.text)
and, when a spreadsheet would read it as a formula, a leading apostrophe (the OWASP "CSV injection" advice):
text starting with = + - @ (or their full-width forms), with a tab or carriage return, or with spaces and line
breaks before one of those. Numbers (int, float, Decimal) stay numbers, negative ones included, and dates and
times stay dates and times: an aware datetime is shown in Europe/London (settings.TIME_ZONE), as on the pages.
An XLSX cell holds at most 32,767 characters; longer text is cut with a visible marker. A protective marking
(e.g. "OFFICIAL-SENSITIVE") is the first row of a CSV, and the first row, the sheet title and the printed
header of every XLSX sheet; the marking row and printed header carry the handling line with it, as one cell
("OFFICIAL-SENSITIVE - Not for onward distribution without the partnership's agreement", kcsp.marking), so
table_read still skips it.
"""

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from .marking import marking_line
from .text import text_safe

OFFICIAL_SENSITIVE = settings.PROTECTIVE_MARKING
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}
FORMULA_CHARS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
XLSX_CELL_LIMIT = 32_767  # Excel's limit, in UTF-16 code units
TRUNCATED = "… [cut here: the full text is {length:,} characters, more than one spreadsheet cell holds]"
MARKING_ROW = re.compile(r"^(OFFICIAL|SECRET|TOP SECRET)\b")
SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


def needs_guard(text: str) -> bool:
    """Whether a spreadsheet could read `text` as a formula, or it could be mistaken for a guarded cell."""
    if text.startswith(("\t", "\r")) or text.lstrip(" \t\r\n").startswith(FORMULA_CHARS):
        return True
    return text.startswith("'") and needs_guard(text[1:])


def formula_guard(text: str) -> str:
    """`text` with a leading apostrophe if a spreadsheet could read it as a formula; unguard() undoes it exactly."""
    return "'" + text if needs_guard(text) else text


def unguard(text: str) -> str:
    """The text a cell written by formula_guard() was made from (a typed leading apostrophe is kept)."""
    return text[1:] if text.startswith("'") and needs_guard(text[1:]) else text


def local(value):
    """An aware datetime in local time (Europe/London); anything else unchanged."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def typed_text(value) -> str:
    """Text for a cell: control characters made safe, line endings as \\n, guarded against formulas."""
    text = text_safe(str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return formula_guard(text)


def csv_cell(value) -> str:
    """One CSV field: numbers as plain digits (never exponents), local ISO dates and times, guarded text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime.datetime):
        return local(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return typed_text(value)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def xlsx_cell(value):
    """One XLSX value: numbers and dates as themselves (aware times as local wall-clock times, as Excel has no
    time zones), Yes/No for booleans, guarded text within the cell limit."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return timezone.make_naive(value) if timezone.is_aware(value) else value
    if value is None or isinstance(value, int | float | Decimal | datetime.date | datetime.time):
        return value
    text = typed_text(value)
    if utf16_length(text) <= XLSX_CELL_LIMIT:
        return text
    marker = TRUNCATED.format(length=len(text))
    kept = text[: XLSX_CELL_LIMIT - len(marker)]
    while (excess := utf16_length(kept + marker) - XLSX_CELL_LIMIT) > 0:  # astral characters count twice
        kept = kept[:-excess]
    return kept + marker


def table_csv(headers: Sequence[str], rows: Iterable[Sequence], *, marking: str | None = None, bom=True) -> bytes:
    """A CSV file (UTF-8, with a byte-order mark so Excel reads it as UTF-8 unless `bom` is False): the marking
    with its handling line alone on the first row if given (kcsp.marking.marking_line), then the headers, then
    `rows`, each cell written by csv_cell()."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if marking:
        writer.writerow([marking_line(marking)])
    writer.writerow([csv_cell(header) for header in headers])
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


@dataclass
class Sheet:
    """One worksheet: `widths` per column (Excel character units), `number_formats` by 0-based column, and
    `style_row(values, cells)` to colour a written row (it may style cells, never change their values)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[float] = ()
    number_formats: Mapping[int, str] = field(default_factory=dict)
    style_row: Callable[[Sequence, tuple], None] | None = None


def sheet_title(title: str, marking: str | None) -> str:
    """A title Excel accepts (31 characters, none of []:*?/\\), the marking first when there is one."""
    text = text_safe(f"{marking} {title}" if marking else title).replace("\n", " ")
    return SHEET_TITLE_BAD.sub("-", text).strip("' ")[:31] or "Sheet"


def table_xlsx(*sheets: Sheet, marking: str | None = None) -> bytes:
    """An XLSX workbook of `sheets`: bold frozen headers, wrapped text, each cell written by xlsx_cell();
    with a marking, it is the first row (bold) and the printed header and footer of every sheet, with its handling
    line (kcsp.marking.marking_line), and the prefix of every sheet's title."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    line = marking_line(marking) if marking else ""
    if marking:
        workbook.properties.subject = line
        workbook.properties.keywords = marking
    for spec in sheets:
        sheet = workbook.create_sheet(sheet_title(spec.title, marking))
        if marking:
            sheet.append([line])
            sheet.cell(1, 1).font = Font(bold=True, color="C00000")
            sheet.oddHeader.center.text = sheet.evenHeader.center.text = line
            sheet.oddFooter.center.text = sheet.evenFooter.center.text = line
        sheet.append([xlsx_cell(header) for header in spec.headers])
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        for values in spec.rows:
            sheet.append([xlsx_cell(value) for value in values])
            cells = sheet[sheet.max_row]
            for index, cell in enumerate(cells):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if index in spec.number_formats and isinstance(cell.value, int | float | Decimal):
                    cell.number_format = spec.number_formats[index]
            if spec.style_row:
                spec.style_row(values, cells)
        sheet.freeze_panes = sheet.cell(header_row + 1, 1).coordinate
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_read(upload) -> list[list[str]]:
    """Rows of text from an uploaded .xlsx (first sheet) or .csv (UTF-8): a first row holding only a protective
    marking is skipped, each guarded cell is unguarded and control characters are made safe, so an export reads
    back as it was written. Raises ValidationError (a message for the person uploading) for any other file."""
    name = (upload.name or "").lower()
    if name.endswith(".xlsx"):
        try:
            sheet = load_workbook(upload, read_only=True, data_only=True).active
            rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ValidationError("The selected file could not be read as an Excel workbook.") from error
    elif name.endswith(".csv"):
        try:
            rows = list(csv.reader(io.StringIO(upload.read().decode("utf-8-sig"))))
        except UnicodeDecodeError as error:
            raise ValidationError("The selected CSV file is not in UTF-8: save it as 'CSV UTF-8'.") from error
        except csv.Error as error:
            raise ValidationError("The selected CSV file could not be read: save it again as 'CSV UTF-8'.") from error
    else:
        raise ValidationError("The selected file must be an Excel workbook (.xlsx) or a CSV file.")
    first = [cell.strip() for cell in rows[0] if cell.strip()] if rows else []
    if len(first) == 1 and MARKING_ROW.match(first[0]):
        rows = rows[1:]
    return [[text_safe(unguard(cell)) for cell in row] for row in rows]
