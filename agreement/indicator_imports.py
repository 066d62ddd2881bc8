"""Import indicator values from a spreadsheet: columns Indicator, Period, Value and Notes; every row checked, a
preview, then saved all or nothing.

A period is a month ("April 2022", "Apr 2022", "Apr-22", an Excel date cell or "01/04/2022" on the first of the
month) or a quarter ("Q1 2022/23", the quarter April to June 2022). It must fall in the years the value grid shows
(agreement/indicator_grid.py grid_years). A monthly indicator takes months; a quarterly one takes quarters or their
first months. An indicator is named as on its page (case and spacing aside) and must be in use. A blank Notes cell
keeps the notes recorded; a value for a period already recorded replaces it (the preview says so, and history keeps
the old one). The confirmation is refused if the values changed after the preview.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from kcsp.exports import table_read

from .indicator_grid import (
    Written,
    grid_indicators,
    grid_locked,
    grid_values,
    grid_version,
    grid_years,
    period_label,
    value_parse,
    values_write,
    year_months,
)
from .models import Agreement, Indicator

COLUMNS = ("Indicator", "Period", "Value", "Notes")
REQUIRED = COLUMNS[:3]
MAX_ROWS = 1000
MAX_NOTES = 300
MONTHS = {
    name: number
    for number in range(1, 13)
    for name in {
        datetime.date(2000, number, 1).strftime("%B").lower(),
        datetime.date(2000, number, 1).strftime("%b").lower(),
    }
} | {"sept": 9}
QUARTER = re.compile(r"^q\s*([1-4])\s+(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
MONTH_YEAR = re.compile(r"^([a-z]+)\.?[\s/-]*(\d{2}|\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
PERIOD_RULE = "must be a month like April 2022 or Apr-22, or a quarter like Q1 2022/23"


@dataclass
class ImportRow:
    """One row of the sheet: its line number, what was read (for the preview) and the broken rules."""

    line: int
    indicator: Indicator | None
    period: datetime.date | None
    value: object
    notes: str
    text: dict
    errors: list[str] = field(default_factory=list)
    before: object = None  # the value recorded now, if any

    @property
    def period_label(self) -> str:
        return period_label(self.period, self.indicator.frequency) if self.period and self.indicator else ""

    def payload(self) -> list:
        return [self.indicator.pk, self.period.isoformat(), str(self.value), self.notes]


def read_values_sheet(upload) -> list[dict]:
    """Rows as {column: text} from .xlsx or .csv (kcsp.exports.table_read). The whole sheet is refused when a
    column is missing or unknown, when it has no rows, or more than 1,000."""
    rows = table_read(upload)
    header = [h.strip() for h in rows[0]] if rows else []
    if not any(header):
        raise ValidationError("The selected file is empty.")
    while header and not header[-1]:
        header.pop()
    unknown = [h or "(a column with no heading)" for h in header if h not in COLUMNS]
    if unknown:
        raise ValidationError(
            f"The sheet has columns this import does not take: {', '.join(unknown)}. "
            f"Use only {', '.join(COLUMNS[:-1])} and {COLUMNS[-1]}."
        )
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ValidationError(f"The sheet is missing these columns: {', '.join(missing)}.")
    body = [row for row in rows[1:] if any(str(cell).strip() for cell in row)]
    if not body:
        raise ValidationError("The sheet has its headings but no values.")
    if len(body) > MAX_ROWS:
        raise ValidationError(f"The sheet has {len(body)} rows: import at most {MAX_ROWS:,} at a time.")
    return [dict(zip(header, [str(c).strip() for c in row], strict=False)) for row in body]


def period_parse(text: str) -> tuple[datetime.date, bool]:
    """(first day of the month, whether it was given as a quarter). Raises ValueError with the rule."""
    text = " ".join(text.lower().split())
    if match := QUARTER.match(text):
        quarter, year, following = int(match[1]), int(match[2]), int(match[3])
        if following % 100 != (year + 1) % 100:
            raise ValueError(f"must name a financial year like 2022/23 (the years follow each other) after Q{quarter}")
        month = (4 + 3 * (quarter - 1) - 1) % 12 + 1
        return datetime.date(year + (month < 4), month, 1), True
    day = None
    if match := ISO_DATE.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := UK_DATE.match(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    elif (match := MONTH_YEAR.match(text)) and match[1] in MONTHS:
        month, year = MONTHS[match[1]], int(match[2])
        year += 2000 if year < 100 else 0
    else:
        raise ValueError(PERIOD_RULE)
    try:
        period = datetime.date(year, month, day or 1)
    except ValueError as error:
        raise ValueError(PERIOD_RULE) from error
    if period.day != 1:
        raise ValueError("is a day, not a month: give the month, like April 2022, or the first day of the month")
    return period, False


def check_value_rows(agreement: Agreement, rows: list[dict]) -> list[ImportRow]:
    """Each row checked against the agreement's indicators in use and the values recorded now (three queries)."""
    indicators = list(Indicator.objects.filter(priority__agreement=agreement))
    by_name = {" ".join(i.name.lower().split()): i for i in indicators if not i.retired}
    retired = {" ".join(i.name.lower().split()) for i in indicators if i.retired}
    first, last = grid_years(agreement)
    months = year_months(first) + year_months(last)
    in_use = [i.pk for i in by_name.values()]
    recorded = {(v.indicator_id, v.period_start): v.value for v in grid_values(in_use, months)}
    years = f"{first}/{(first + 1) % 100:02d} and {last}/{(last + 1) % 100:02d}"
    seen: dict[tuple, int] = {}
    checked = []
    for line, row in enumerate(rows, start=2):
        text = {column: row.get(column, "") for column in COLUMNS}
        errors: list[str] = []
        name = " ".join(text["Indicator"].lower().split())
        indicator = by_name.get(name)
        if not name:
            errors.append("Indicator is empty")
        elif name in retired and indicator is None:
            errors.append(f"Indicator '{text['Indicator']}' is retired: bring it back before importing its values")
        elif indicator is None:
            errors.append(f"Indicator '{text['Indicator']}' is not one of {agreement.year_label}'s indicators")
        period = quarter = None
        try:
            period, quarter = period_parse(text["Period"])
        except ValueError as error:
            errors.append(f"Period '{text['Period']}' {error}")
        if period is not None and period not in months:
            errors.append(f"Period {period:%B %Y} is outside {years}, the years of this agreement's values")
            period = None
        value = None
        if indicator is not None and period is not None:
            if quarter and indicator.frequency == Indicator.Frequency.MONTHLY:
                errors.append(f"{indicator.name} is monthly: give a month, like {period:%B %Y}, not a quarter")
            elif not indicator.takes_period(period):
                errors.append(
                    f"{indicator.name} is quarterly: give the quarter, like Q1 {agreement.year_label}, or its first "
                    "month (April, July, October or January)"
                )
            key = (indicator.pk, period)
            if key in seen:
                errors.append(
                    f"Row {seen[key]} already gives {indicator.name} for {period:%B %Y}: a period appears once"
                )
            seen.setdefault(key, line)
            if not text["Value"]:
                errors.append("Value is empty")
            else:
                try:
                    value = value_parse(text["Value"], indicator, period)
                except ValidationError as error:
                    errors.append(error.messages[0])
        elif not text["Value"]:
            errors.append("Value is empty")
        if len(text["Notes"]) > MAX_NOTES:
            errors.append(f"Notes must be {MAX_NOTES} characters or fewer")
        before = recorded.get((indicator.pk, period)) if indicator and period else None
        checked.append(ImportRow(line, indicator, period, value, text["Notes"], text, errors, before))
    return checked


def import_version(agreement: Agreement) -> str:
    """The version of every value the import may write (both of the grid's years), to refuse a stale confirmation."""
    indicators = list(grid_indicators(agreement))
    months = [m for year in grid_years(agreement) for m in year_months(year)]
    return grid_version(indicators, list(grid_values([i.pk for i in indicators], months)))


@transaction.atomic
def indicator_values_import(*, agreement: Agreement, rows: list[list], version: str, user=None) -> Written:
    """Save the previewed rows [[indicator id, ISO month, value text, notes]] all or nothing. Refused
    (ValidationError) when the values changed since the preview (`version`, import_version then) or a row no
    longer passes the grid's rules."""
    months = [m for year in grid_years(agreement) for m in year_months(year)]
    indicators, values = grid_locked(agreement, months)
    if grid_version(indicators, values).partition(".")[0] != (version or "").partition(".")[0]:
        raise ValidationError(
            "Nothing was imported: the indicators or their values changed after you checked the sheet. Upload it "
            "again to check it against the values recorded now."
        )
    by_id = {i.pk: i for i in indicators}
    wanted = {}
    for indicator_id, period_text, value_text, notes in rows:
        indicator, period = by_id.get(indicator_id), datetime.date.fromisoformat(period_text)
        value = value_parse(value_text, indicator, period) if indicator and indicator.takes_period(period) else None
        if value is None or period not in months:
            raise ValidationError("Nothing was imported: a row no longer passes the checks. Upload the sheet again.")
        wanted[(indicator_id, period)] = (value, notes[:MAX_NOTES] or None)
    if not wanted:
        raise ValidationError("Nothing was imported: the sheet has no rows.")
    existing = {(v.indicator_id, v.period_start): v for v in values}
    return values_write(by_id, wanted, existing, user)
