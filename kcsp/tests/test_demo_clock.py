"""The demo clock moves dates written in the papers' texts as it moves the meetings themselves."""

import datetime

from kcsp.demo_clock import REFERENCE_TODAY, DemoClock
from meetings.demo import send_note
from meetings.models import Meeting


def test_meeting_dates_in_text_are_the_meetings_own():
    """November 2022's meeting moved onto Christmas Day 2025 (a Thursday) is held on the next working day: a text
    naming it names that day, as the meeting's own start does."""
    shift = datetime.date(2025, 12, 25) - datetime.date(2022, 11, 17)
    clock = DemoClock(REFERENCE_TODAY + shift)
    november = clock.meeting_at("2022-11-17T10:00")
    assert november.date() == datetime.date(2025, 12, 29)  # Boxing Day a Friday, then the weekend
    text = clock.in_text("17 November 2022, 10am\n16 March 2023, 10am\n6 July 2023, 10am")
    assert text.splitlines()[0] == "29 December 2025, 10am"
    assert text.splitlines()[1] == f"{clock.meeting_at('2023-03-16T10:00'):%-d %B %Y}, 10am"
    assert "2022" not in text and "2023" not in text


def test_the_send_note_names_the_last_meeting_by_its_month():
    last = Meeting(starts_at=datetime.datetime(2027, 3, 4, 10, tzinfo=datetime.UTC))
    assert "March's agenda" in send_note(last) and "July" not in send_note(last)
