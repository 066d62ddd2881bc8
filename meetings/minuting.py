"""Writing a held meeting's minutes: add, edit, move, delete, the first number, actions and declarations.

Every write here checks that the minutes are open (the meeting held, its minutes not signed: meetings/freeze.py),
takes the committee's lock where numbers change, and saves rows one by one so each change is in their history.
Numbers follow meetings/numbering.py; how a minute prints follows meetings/minutetext.py in the committee's style.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from kcsp.locking import RecordLock
from kcsp.models import User

from .freeze import minutes_frozen_check, minutes_open_check
from .minutetext import Style, minute_blocks
from .models import Action, Attendance, Committee, Declaration, Meeting, Minute
from .numbering import minutes_renumber


def minute_style(committee: Committee) -> Style:
    return Style(wording=committee.resolution_wording, label_style=committee.resolution_label_style)


@transaction.atomic
def minutes_restyle(*, committee: Committee) -> int:
    """Reprint the committee's unsigned minutes in its (changed) decision wording and lettering; signed minutes
    keep the style they were signed in. Returns how many minutes changed."""
    style = minute_style(committee)
    changed = 0
    for minute in Minute.objects.select_for_update().filter(
        committee=committee, meeting__minutes_signed_at__isnull=True
    ):
        blocks = minute_blocks(minute.text, style)
        if blocks != minute.blocks:
            minute.blocks = blocks
            minute.save(update_fields=["blocks"])
            changed += 1
    return changed


def _locked_meeting(meeting_id: int) -> Meeting:
    return Meeting.objects.select_for_update().select_related("committee").get(pk=meeting_id)


def _check_item(minute: Minute, meeting: Meeting) -> None:
    if minute.item_id is not None and minute.item.meeting_id != meeting.pk:
        raise ValidationError("The agenda item belongs to another meeting: choose one of this meeting's items.")
    if minute.approves_minutes_of_id is not None:
        earlier = minute.approves_minutes_of
        if earlier.committee_id != meeting.committee_id or earlier.starts_at >= meeting.starts_at:
            raise ValidationError("A minute can approve only the minutes of an earlier meeting of the same committee.")


@transaction.atomic
def minute_add(*, minute: Minute, after: Minute | None = None, first: bool = False) -> Minute:
    """Add `minute` to its meeting: at the end, first (`first=True`), or straight after `after`; the meeting's
    minutes (and later unsigned meetings' that follow on) renumber. Raises ValidationError, saving nothing, if
    the minutes are not open or the numbers would clash with another meeting's (numbering.minutes_renumber)."""
    meeting = _locked_meeting(minute.meeting_id)
    minutes_open_check(meeting)
    _check_item(minute, meeting)
    order = list(meeting.minutes.order_by("number", "pk"))
    if after is not None and after.meeting_id != meeting.pk:
        raise ValidationError("Choose where to put the minute among this meeting's minutes.")
    position = 0 if first else (order.index(after) + 1 if after is not None else len(order))
    minute.meeting = meeting
    minute.blocks = minute_blocks(minute.text, minute_style(meeting.committee))
    minute.number = 2_000_000_000 - len(order)  # placeholder until the renumbering below, inside this transaction
    minute.full_clean(exclude=["number"])
    minute.save()
    order.insert(position, minute)
    minutes_renumber(meeting=meeting, order=order)
    minute.refresh_from_db(fields=["number"])
    return minute


@transaction.atomic
def minute_save(*, minute: Minute, lock: RecordLock | None = None) -> Minute:
    """Save an edited minute (its printed form recomputed); with `lock`, someone else's change since the form was
    opened raises StaleRecord (kcsp.locking) and nothing is saved."""
    current = lock.check(minute) if lock is not None else Minute.objects.select_for_update().get(pk=minute.pk)
    meeting = _locked_meeting(current.meeting_id)
    minutes_open_check(meeting)
    _check_item(minute, meeting)
    minute.blocks = minute_blocks(minute.text, minute_style(meeting.committee))
    minute.full_clean(exclude=["number"])
    minute.save()
    return minute


@transaction.atomic
def minute_move(*, minute: Minute, direction: str) -> bool:
    """Swap a minute with its neighbour ("up" or "down"); numbers follow the new order. False at either end."""
    meeting = _locked_meeting(minute.meeting_id)
    minutes_open_check(meeting)
    order = list(meeting.minutes.order_by("number", "pk"))
    index = next(i for i, row in enumerate(order) if row.pk == minute.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(order):
        return False
    order[index], order[other] = order[other], order[index]
    minutes_renumber(meeting=meeting, order=order)
    return True


@transaction.atomic
def minute_delete(*, minute: Minute) -> None:
    """Delete a draft minute (its actions and proposed amendments with it); the rest renumber without a gap."""
    meeting = _locked_meeting(minute.meeting_id)
    minutes_open_check(meeting)
    order = [row for row in meeting.minutes.order_by("number", "pk") if row.pk != minute.pk]
    minute.delete()
    minutes_renumber(meeting=meeting, order=order)


@transaction.atomic
def minutes_start_set(*, meeting: Meeting, start: int | None) -> Meeting:
    """Set (or clear, with None) the number of the meeting's first minute; its minutes and later unsigned
    meetings' that follow on renumber. Refused when signed, or when the numbers would clash (naming whose)."""
    meeting = _locked_meeting(meeting.pk)
    minutes_frozen_check(meeting)
    if start is not None and start < 1:
        raise ValidationError("The number of the first minute must be 1 or more.")
    meeting.minutes_start_number = start
    meeting.save(update_fields=["minutes_start_number"])
    minutes_renumber(meeting=meeting)
    return meeting


@transaction.atomic
def action_save(*, action: Action, lock: RecordLock | None = None) -> Action:
    """Add or update an action. Once the minutes are signed only its status and progress may change (the
    wording, owner and due date are part of the record); the owner's name is kept as it stood when set."""
    if lock is not None:
        lock.check(action)
    minute = Minute.objects.select_related("meeting").get(pk=action.minute_id)
    if minute.meeting.minutes_signed_at is not None:
        before = Action.objects.filter(pk=action.pk).first()
        if before is None or (before.text, before.owner_id, before.due_on) != (
            action.text,
            action.owner_id,
            action.due_on,
        ):
            minutes_frozen_check(minute.meeting)
    if (
        action.pk is None
        or not action.owner_name
        or Action.objects.filter(pk=action.pk).exclude(owner_id=action.owner_id).exists()
    ):
        action.owner_name = action.owner.display_name
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def declaration_save(*, declaration: Declaration, user: User | None = None) -> Declaration:
    """Record an interest declared at a held meeting whose minutes are not signed; the name is kept as it
    stood. Refused for an item of another meeting."""
    meeting = _locked_meeting(declaration.meeting_id)
    minutes_frozen_check(meeting)
    if declaration.item_id is not None and declaration.item.meeting_id != meeting.pk:
        raise ValidationError("The agenda item belongs to another meeting.")
    declaration.name_as_recorded = declaration.name_as_recorded or declaration.person.display_name
    declaration.full_clean()
    declaration.save()
    return declaration


@transaction.atomic
def attendance_remove(*, row: Attendance) -> None:
    meeting = _locked_meeting(row.meeting_id)
    minutes_frozen_check(meeting)
    row.delete()
