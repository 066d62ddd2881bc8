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

from .freeze import minutes_frozen_check
from .models import Committee, Meeting, Minute


def _day(meeting: Meeting) -> str:
    return f"{timezone.localtime(meeting.starts_at):%-d %B %Y}"


def _span(numbers: list[int]) -> str:
    return f"{numbers[0]}" if len(numbers) == 1 else f"{numbers[0]} to {numbers[-1]}"


@transaction.atomic
def minutes_renumber(*, meeting: Meeting, order: list[Minute] | None = None) -> dict[int, int]:
    """Number `meeting`'s minutes (in `order` if given, else their present order) and those of the committee's
    later unsigned meetings; returns {minute id: new number} for the minutes whose number changed. A new minute
    (not yet saved) in `order` is saved with its number, so its history starts with the number it took.

    Takes the committee's row lock first (one renumbering at a time per committee) and reads every row after
    it, so `order` gives only the order (by id: the numbers it carries may be stale). Saves each changed minute
    (so each change is in its history). Raises ValidationError, changing nothing, if `meeting` is signed or if
    the numbers would clash with another meeting's minutes (the message names that meeting and its numbers).
    """
    committee_lock(meeting.committee_id)
    meetings = list(Meeting.objects.filter(committee_id=meeting.committee_id).order_by("starts_at", "pk"))
    meeting = next(current for current in meetings if current.pk == meeting.pk)
    minutes_frozen_check(meeting)
    minutes: dict[int, list[Minute]] = {m.pk: [] for m in meetings}
    for minute in Minute.objects.filter(committee_id=meeting.committee_id).order_by("number", "pk"):
        minutes[minute.meeting_id].append(minute)
    if order is not None:
        fresh = {row.pk: row for row in minutes[meeting.pk]}
        ordered = [row if row.pk is None else fresh.pop(row.pk) for row in order if row.pk is None or row.pk in fresh]
        minutes[meeting.pk] = ordered + list(fresh.values())  # a row `order` missed keeps its place at the end
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
            if row.pk is None:  # a new minute goes in with its number (the constraint is checked at commit)
                row.number = number
                row.save()
                changed[row.pk] = number
            elif row.number != number:
                if current.minutes_signed_at is not None:  # never: signed numbers are kept above
                    raise ValidationError(f"Minute {row.number} is signed and cannot be renumbered.")
                row.number = number
                row.save(update_fields=["number"])
                changed[row.pk] = number
    return changed


def committee_lock(committee_id: int) -> None:
    """The committee's row lock: taken first by every write that may renumber its minutes (then the meeting's)."""
    Committee.objects.select_for_update().filter(pk=committee_id).values_list("pk", flat=True).get()


def meeting_lock(meeting_id: int) -> Meeting:
    """The meeting's row lock after its committee's: the one lock order of every write of the record (the
    committee, the meeting, then the record's rows), so no two writes ever wait on each other in a circle."""
    committee_id = Meeting.objects.values_list("committee_id", flat=True).get(pk=meeting_id)
    committee_lock(committee_id)
    return Meeting.objects.select_for_update().select_related("committee").get(pk=meeting_id)


def _refuse_clashes(meeting: Meeting, meetings: list[Meeting], planned: dict[int, list[int]]) -> None:
    """The meetings not being changed claim their numbers first (signed ones, then those with a first number set,
    then the rest), the meeting being changed last of all: so a refusal is about the change the officer made and
    names the meeting it would collide with; the meeting that cannot claim a number is the one to renumber."""

    def rank(current: Meeting) -> tuple:
        return (current.pk == meeting.pk, current.minutes_signed_at is None, not current.minutes_start_number)

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


def next_number(meeting: Meeting, *, after: Minute | None = None, first: bool = False) -> int:
    """The number a minute added to `meeting` would take (for the form's preview): at the end, first
    (`first=True`) or straight after `after`, as meetings.minuting.minute_add would place it."""
    if after is not None:
        return after.number + 1
    numbers = meeting.minutes.order_by("number").values_list("number", flat=True)
    if first and numbers.exists():
        return numbers.first()
    last = numbers.last()
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
