"""The partnership's financial year (1 April to 31 March) and its quarters: the one place they are worked out.

Q1 is April to June, Q2 July to September, Q3 October to December, Q4 January to March (the councils' and
the Police and Crime Commissioner's year; plan updates, indicator quarters, grant rounds and DHR costs use it).
"""

import datetime


def financial_year(day: datetime.date) -> int:
    """The year a financial year starts in: 2026 for any day from 1 April 2026 to 31 March 2027."""
    return day.year if day.month >= 4 else day.year - 1


def financial_quarter(day: datetime.date) -> int:
    """1 for April to June … 4 for January to March."""
    return (day.month - 4) % 12 // 3 + 1


def year_and_quarter(day: datetime.date) -> tuple[int, int]:
    """(financial year, quarter): 14 May 2026 -> (2026, 1), 20 February 2027 -> (2026, 4)."""
    return financial_year(day), financial_quarter(day)


def quarter_end(day: datetime.date) -> datetime.date:
    """The last day of the quarter `day` falls in: 30 June, 30 September, 31 December or 31 March."""
    end_month = (day.month - 1) // 3 * 3 + 3  # calendar quarters end where financial quarters do
    after = datetime.date(day.year + (end_month == 12), end_month % 12 + 1, 1)
    return after - datetime.timedelta(days=1)


def year_label(year: int) -> str:
    """2022 -> '2022/23'."""
    return f"{year}/{(year + 1) % 100:02d}"
