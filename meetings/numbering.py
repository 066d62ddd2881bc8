"""Minute numbers: the committee's own sequence, continued across its meetings in meeting-date order.

The rule (DOMAIN.md "Minute numbers are the committee's own sequence"; issue 14): a meeting's first minute
follows the last number of the latest earlier meeting of the committee that has minutes, unless an officer set
the meeting's first number (a partnership moving from paper continues its own sequence). Within a meeting the
minutes run on without gaps in the order the clerk put them. Numbers are unique per committee. Signed minutes
never renumber; a later unsigned meeting whose first number was not set follows on when an earlier meeting's
minutes change. A change that would give two meetings the same number is refused, naming the other meeting.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Committee, Meeting, Minute


def _day(meeting: Meeting) -> str:
    return f"{timezone.localtime(meeting.starts_at):%-d %B %Y}"


def _span(numbers: list[int]) -> str:
    return f"{numbers[0]}" if len(numbers) == 1 else f"{numbers[0]} to {numbers[-1]}"


@transaction.atomic
def minutes_renumber(*, meeting: Meeting, order: list[Minute] | None = None) -> dict[int, int]:
    """Number `meeting`'s minutes (in `order` if given, else their present order) and those of the committee's
    later unsigned meetings; returns {minute id: new number} for the minutes whose number changed.

    Takes the committee's row lock first (one renumbering at a time per committee). Saves each changed minute
    (so each change is in its history). Raises ValidationError, changing nothing, if `meeting` is signed or if
    the numbers would clash with another meeting's minutes (the message names that meeting and its numbers).
    """
    Committee.objects.select_for_update().get(pk=meeting.committee_id)
    meetings = list(Meeting.objects.filter(committee_id=meeting.committee_id).order_by("starts_at", "pk"))
    minutes: dict[int, list[Minute]] = {m.pk: [] for m in meetings}
    for minute in Minute.objects.filter(committee_id=meeting.committee_id).order_by("number", "pk"):
        minutes[minute.meeting_id].append(minute)
    if order is not None:
        minutes[meeting.pk] = list(order)
    planned: dict[int, list[int]] = {}
    following = 0  # the last number so far, in meeting-date order
    reached = False
    for current in meetings:
        rows = minutes[current.pk]
        reached = reached or current.pk == meeting.pk
        if not reached or current.minutes_signed_at is not None:
            numbers = [row.number for row in rows]
        else:
            start = current.minutes_start_number or following + 1
            numbers = list(range(start, start + len(rows)))
        planned[current.pk] = numbers
        if numbers:
            following = numbers[-1]
    _refuse_clashes(meeting, meetings, planned)
    changed = {}
    for current in meetings:
        for row, number in zip(minutes[current.pk], planned[current.pk], strict=True):
            if row.number != number:
                if current.minutes_signed_at is not None:  # never: signed numbers are kept above
                    raise ValidationError(f"Minute {row.number} is signed and cannot be renumbered.")
                row.number = number
                row.save(update_fields=["number"])
                changed[row.pk] = number
    return changed


def _refuse_clashes(meeting: Meeting, meetings: list[Meeting], planned: dict[int, list[int]]) -> None:
    """Signed meetings claim their numbers first, then those with a first number set, then the rest (the meeting
    being changed last of all): the meeting that cannot claim a number is the one whose first number to set."""

    def rank(current: Meeting) -> tuple:
        return (current.minutes_signed_at is None, not current.minutes_start_number, current.pk == meeting.pk)

    owner: dict[int, Meeting] = {}
    for current in sorted(meetings, key=rank):
        for number in planned[current.pk]:
            other = owner.get(number)
            if other is not None:
                raise ValidationError(
                    f"Minute numbers {_span(planned[current.pk])} of the meeting on {_day(current)} would clash "
                    f"with the minutes of the meeting on {_day(other)} (numbers {_span(planned[other.pk])}"
                    f"{', signed' if other.minutes_signed_at else ''}). Set the number of the first minute of "
                    f"the meeting on {_day(current)} so that they do not overlap.",
                    code="number_clash",
                )
            owner[number] = current


def next_number(meeting: Meeting) -> int:
    """The number the next minute added at the end of `meeting` would take (for the form's hint)."""
    last = meeting.minutes.order_by("-number").values_list("number", flat=True).first()
    if last is not None:
        return last + 1
    if meeting.minutes_start_number:
        return meeting.minutes_start_number
    earlier = (
        Minute.objects.filter(committee_id=meeting.committee_id, meeting__starts_at__lt=meeting.starts_at)
        .order_by("-meeting__starts_at", "-number")
        .values_list("number", flat=True)
        .first()
    )
    return (earlier or 0) + 1
