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
from .numbering import committee_lock, minutes_renumber


def minute_style(committee: Committee) -> Style:
    return Style(wording=committee.resolution_wording, label_style=committee.resolution_label_style)


@transaction.atomic
def minutes_restyle(*, committee: Committee) -> int:
    """Reprint the committee's unsigned minutes in its (changed) decision wording and lettering; signed minutes
    keep the style they were signed in. Returns how many minutes changed."""
    style = minute_style(committee)
    changed = 0
    committee_lock(committee.pk)  # the one lock order: the committee, the meetings, then the minutes
    meetings = Meeting.objects.select_for_update().filter(committee=committee, minutes_signed_at__isnull=True)
    list(meetings.order_by("pk").values_list("pk", flat=True))
    for minute in Minute.objects.select_for_update(of=("self",)).filter(
        committee=committee, meeting__minutes_signed_at__isnull=True
    ):
        blocks = minute_blocks(minute.text, style)
        if blocks != minute.blocks:
            minute.blocks = blocks
            minute.save(update_fields=["blocks"])
            changed += 1
    return changed


def _locked_meeting(meeting_id: int) -> Meeting:
    """The meeting's row lock, after its committee's (the one lock order of every write of the record: the
    committee, the meeting, then the record's rows), so a renumbering never waits on a lock it holds elsewhere."""
    committee_id = Meeting.objects.values_list("committee_id", flat=True).get(pk=meeting_id)
    committee_lock(committee_id)
    return Meeting.objects.select_for_update().select_related("committee").get(pk=meeting_id)


def _check_item(minute: Minute, meeting: Meeting) -> None:
    if minute.item_id is not None and minute.item.meeting_id != meeting.pk:
        raise ValidationError("The agenda item belongs to another meeting: choose one of this meeting's items.")
    if minute.approves_minutes_of_id is not None:
        earlier = minute.approves_minutes_of
        if earlier.committee_id != meeting.committee_id or earlier.starts_at >= meeting.starts_at:
            raise ValidationError("A minute can approve only the minutes of an earlier meeting of the same committee.")


GONE = "Minute {number} has been deleted by someone else since you opened this page: look at the minutes again."


def minute_add(*, minute: Minute, after: Minute | None = None, first: bool = False) -> Minute:
    """Add `minute` to its meeting: at the end, first (`first=True`), or straight after `after`; the meeting's
    minutes (and later unsigned meetings' that follow on) renumber. Raises ValidationError, saving nothing (and
    leaving `minute` unsaved), if the minutes are not open, `after` is not one of the meeting's minutes, or the
    numbers would clash with another meeting's (numbering.minutes_renumber)."""
    try:
        return _minute_add(minute=minute, after=after, first=first)
    except BaseException:
        minute.pk, minute._state.adding = None, True  # the insert was rolled back with the rest
        raise


@transaction.atomic
def _minute_add(*, minute: Minute, after: Minute | None, first: bool) -> Minute:
    meeting = _locked_meeting(minute.meeting_id)
    minutes_open_check(meeting)
    _check_item(minute, meeting)
    order = list(meeting.minutes.order_by("number", "pk"))
    ids = [row.pk for row in order]
    if after is not None and after.pk not in ids:
        if after.meeting_id == meeting.pk:
            raise ValidationError(GONE.format(number=after.number))
        raise ValidationError("Choose where to put the minute among this meeting's minutes.")
    position = 0 if first else (ids.index(after.pk) + 1 if after is not None else len(order))
    minute.meeting = meeting
    minute.committee_id = meeting.committee_id
    minute.blocks = minute_blocks(minute.text, minute_style(meeting.committee))
    minute.full_clean(exclude=["number"])
    order.insert(position, minute)
    minutes_renumber(meeting=meeting, order=order)  # saves the new minute with the number it takes
    return minute


@transaction.atomic
def minute_save(*, minute: Minute, lock: RecordLock | None = None) -> Minute:
    """Save an edited minute (its printed form recomputed); with `lock`, someone else's change since the form was
    opened raises StaleRecord (kcsp.locking) and nothing is saved. Refused (ValidationError) once signed."""
    meeting = _locked_meeting(minute.meeting_id)
    if lock is not None:
        lock.check(minute)
    else:
        Minute.objects.select_for_update().get(pk=minute.pk)
    minutes_open_check(meeting)
    _check_item(minute, meeting)
    minute.blocks = minute_blocks(minute.text, minute_style(meeting.committee))
    minute.full_clean(exclude=["number"])
    # Only what the clerk edits: the number is the renumbering's (a move meanwhile must not be written back).
    minute.save(update_fields=["item", "title", "text", "blocks", "approves_minutes_of"])
    minute.refresh_from_db(fields=["number"])
    return minute


@transaction.atomic
def minute_move(*, minute: Minute, direction: str) -> bool:
    """Swap a minute with its neighbour ("up" or "down"); numbers follow the new order. False at either end."""
    meeting = _locked_meeting(minute.meeting_id)
    minutes_open_check(meeting)
    order = list(meeting.minutes.order_by("number", "pk"))
    index = next((i for i, row in enumerate(order) if row.pk == minute.pk), None)
    if index is None:
        raise ValidationError(GONE.format(number=minute.number))
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
    order = list(meeting.minutes.order_by("number", "pk"))
    if minute.pk not in [row.pk for row in order]:
        raise ValidationError(GONE.format(number=minute.number))
    order = [row for row in order if row.pk != minute.pk]
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


RECORDED = ("text", "owner_id", "due_on")  # part of the minutes: frozen once they are signed
FOLLOW_UP = ("status", "progress")  # lives on the action: open to change after signing, until it is closed


@transaction.atomic
def action_save(*, action: Action, lock: RecordLock | None = None) -> Action:
    """Add or update an action; the owner's name is kept as it stood when the owner was set (Action.owner_name).

    Once the minutes are signed the wording, owner and due date are part of the record and never change (a
    change raises ValidationError naming the signing, as the database trigger of migration 0009 would refuse
    it); the status and progress are followed up at later meetings and may change until the action is closed
    (done or no longer needed), after which it is refused too. An unchanged action is not saved again (no
    history row for nothing). With `lock`, someone else's change since the form was opened raises StaleRecord.
    """
    minute = Minute.objects.select_related("meeting").get(pk=action.minute_id)
    meeting = _locked_meeting(minute.meeting_id)
    before = lock.check(action) if lock is not None and action.pk else Action.objects.filter(pk=action.pk).first()
    if before is not None:
        if before.minute_id != action.minute_id:
            raise ValidationError("An action stays under the minute it was recorded in.")
        if all(getattr(before, name) == getattr(action, name) for name in (*RECORDED, *FOLLOW_UP)):
            return action
    if meeting.minutes_signed_at is not None:
        if before is None or any(getattr(before, name) != getattr(action, name) for name in RECORDED):
            minutes_frozen_check(meeting)
        if before.status != Action.Status.OPEN:
            raise ValidationError(
                f"This action of the signed minutes was closed ({before.get_status_display().lower()}): "
                "its status and progress no longer change. Record new work as an action of a later meeting.",
                code="closed",
            )
    elif before is None or not action.owner_name or before.owner_id != action.owner_id:
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
