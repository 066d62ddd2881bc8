"""Helpers for the tests of minutes as the formal record: meetings on given days, minutes added through the write
service, signing through the real signing service."""

import datetime

from django.utils import timezone

from kcsp import roles
from meetings import minuting
from meetings.models import Meeting, Minute
from meetings.signing import minutes_approve

from .factories import chaired_by, held_meeting


def on(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, 0))


def day(meeting: Meeting) -> str:
    """How refusals name a meeting's date: "14 July 2022"."""
    return f"{timezone.localtime(meeting.starts_at):%-d %B %Y}"


def meeting_on(committee, year: int, month: int, day: int) -> Meeting:
    """A held meeting of `committee` on that day (in the past)."""
    return held_meeting(committee=committee, starts_at=on(year, month, day))


def add(meeting: Meeting, title: str, *, item=None, text: str | None = None, **placement) -> Minute:
    """A minute added through the write service (minuting.minute_add), at the end unless `first`/`after`."""
    minute = Minute(meeting=meeting, item=item, title=title, text=text if text is not None else f"{title} noted.")
    return minuting.minute_add(minute=minute, **placement)


def numbered(meeting: Meeting) -> list[tuple[int, str]]:
    """The meeting's minutes as (number, title), in number order, read from the database."""
    return list(Minute.objects.filter(meeting=meeting).order_by("number").values_list("number", "title"))


def history_numbers(minute: Minute) -> list[int]:
    """Every number the minute has had, oldest first (its django-simple-history rows)."""
    rows = Minute.history.filter(id=minute.pk).order_by("history_date", "history_id")
    return list(rows.values_list("number", flat=True))


def sign(meeting: Meeting, *, at_meeting: Meeting, chair) -> Meeting:
    """Approve and sign `meeting`'s minutes at `at_meeting` through the real signing service, `chair` (a user of
    the chair role) recorded in the chair of `at_meeting`."""
    assert roles.has_role(chair, roles.CHAIR)
    chaired_by(at_meeting, chair)
    return minutes_approve(meeting=meeting, at_meeting=at_meeting, user=chair)
