"""Date arithmetic for statutory timescales: calendar months that end on the last day of a short month."""

import calendar
import datetime


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the last day of that month when it is shorter (31 Jan + 1 → 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def days_left(due: datetime.date | None, today: datetime.date) -> int | None:
    """Days until the due date; negative once overdue."""
    return None if due is None else (due - today).days
