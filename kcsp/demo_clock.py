"""Where the demo's 2022 dates land today: the reference papers' timeline moved so that any day reads as mid-year.

The reference "today" is Monday 31 October 2022: the March and July 2022 meetings held (March's minutes signed at
July), the November meeting's agenda with the chair, the 2022/23 plan and grant year open. A load on another day
moves every meeting-timeline date by whole weeks (weekdays stay weekdays; a meeting that lands on a bank holiday
moves to the next working day, meetings/workingdays.py), and every financial-year date by whole years, so the
agreement and grant year are the one that contains today (April to March).
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

from .financial_year import financial_quarter, financial_year

REFERENCE_TODAY = datetime.date(2022, 10, 31)  # a Monday: the week the demo's papers describe
REFERENCE_YEAR = 2022  # the financial year (April 2022 to March 2023) of REFERENCE_TODAY
DATE_IN_TEXT = re.compile(
    r"\b(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|"
    r"November|December) (\d{4})\b"
)


@dataclass(frozen=True)
class DemoClock:
    """The demo's dates for one `today`; `placed_for` (a Monday) names the placement, equal within a week."""

    today: datetime.date

    @classmethod
    def for_today(cls, today: datetime.date | None) -> "DemoClock":
        return cls(today or REFERENCE_TODAY)

    @property
    def shift(self) -> datetime.timedelta:
        return datetime.timedelta(weeks=(self.today - REFERENCE_TODAY).days // 7)

    @property
    def placed_for(self) -> datetime.date:
        return REFERENCE_TODAY + self.shift

    @property
    def year(self) -> int:
        """The financial year containing today (the agreement's and the grant year's)."""
        return financial_year(self.today)

    @property
    def quarter(self) -> int:
        return financial_quarter(self.today)

    def fy(self, reference_year: int) -> int:
        """A financial year of the papers (2021, 2022) moved to today's: the papers' 2022 is today's year."""
        return reference_year + self.year - REFERENCE_YEAR

    def fy_day(self, text: str) -> datetime.date:
        """A date tied to the financial year (April 2022, 31 March 2023) moved by whole years; 29 February -> 28."""
        day = datetime.date.fromisoformat(text)
        year = day.year + self.year - REFERENCE_YEAR
        return day.replace(year=year, day=min(day.day, 28) if day.month == 2 else day.day)

    def day(self, text: str | datetime.date) -> datetime.date:
        """A date of the meeting timeline moved by whole weeks."""
        day = datetime.date.fromisoformat(text) if isinstance(text, str) else text
        return day + self.shift

    def meeting_at(self, text: str) -> datetime.datetime:
        """A meeting's start ('2022-07-14T10:00') moved by whole weeks, then off any bank holiday or weekend."""
        start = datetime.datetime.fromisoformat(text)
        return timezone.make_aware(datetime.datetime.combine(self.meeting_day(start.date()), start.time()))

    def meeting_day(self, day: datetime.date) -> datetime.date:
        """A meeting's day moved by whole weeks, then to the next working day (bank holidays excluded)."""
        from meetings.workingdays import is_working_day

        moved = day + self.shift
        while not is_working_day(moved):
            moved += datetime.timedelta(days=1)
        return moved

    def month(self, text: str) -> str:
        """A timescale month ('September 2022') moved by whole weeks; 'Ongoing' and blanks unchanged."""
        try:
            first = datetime.datetime.strptime(" ".join(text.split()), "%B %Y").date()
        except ValueError:
            return text
        return f"{self.day(first + datetime.timedelta(days=14)):%B %Y}"

    def in_text(self, text: str) -> str:
        """Meeting dates written in an item's title or description ('Notes of meeting held on 24 March 2022',
        'Dates of future meetings: 17 November 2022, 10am …') moved as the meetings are (`meeting_day`), so the
        text names the demo's own dates."""

        def moved(match):
            day = datetime.datetime.strptime(match.group(0), "%d %B %Y").date()
            return f"{self.meeting_day(day):%-d %B %Y}"

        return DATE_IN_TEXT.sub(moved, text)
