"""The forward plan's writes and reads: entries planned, edited, moved, withdrawn, and accepted onto a draft agenda.

Rules (each refusal is a ValidationError naming it):
- An entry belongs to one committee; the meeting it is expected at is one of that committee's, not yet held.
- Domestic Homicide Review business never enters the forward plan (only the DHR-cleared group creates DHR items):
  a DHR restriction is not offered and is refused, and so is a title that names a Domestic Homicide Review.
- A title may be withheld from the public only for a restricted entry.
- Only a waiting entry (planned, or moved on) is edited, moved, withdrawn or accepted; withdrawing needs a reason.
- An entry is accepted onto a meeting's agenda, or put off from it, only while that agenda is a draft (the chair has
  not agreed it): afterwards officers add items to the agenda itself (meetings/services.py).
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from kcsp.history import record_history
from kcsp.locking import RecordLock

from . import access, services
from .agenda_print import section_headings
from .agenda_setup import section_restricted
from .models import AgendaItem, ForwardPlanEntry, Meeting

HELD = (Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED)
NOT_AHEAD = (*HELD, *access.CALLED_OFF_STATUSES)  # a cancelled or postponed meeting takes no entries
DHR_WORDS = re.compile(r"\bDHRs?\b|domestic\s+homicide", re.IGNORECASE)
# The section an accepted entry goes to unless the officer chooses another: the agenda's lettering (DOMAIN.md).
SECTION_FOR_PURPOSE = {
    ForwardPlanEntry.Purpose.DECISION: AgendaItem.Section.DISCUSSION,
    ForwardPlanEntry.Purpose.DISCUSSION: AgendaItem.Section.DISCUSSION,
    ForwardPlanEntry.Purpose.INFORMATION: AgendaItem.Section.INFORMATION,
}
ITEM_PURPOSE = {
    ForwardPlanEntry.Purpose.DECISION: AgendaItem.Purpose.DECISION,
    ForwardPlanEntry.Purpose.DISCUSSION: AgendaItem.Purpose.NONE,
    ForwardPlanEntry.Purpose.INFORMATION: AgendaItem.Purpose.INFORMATION,
}


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def default_section(entry: ForwardPlanEntry) -> str:
    """Restricted entries go to the committee's first restricted section (D by default) when it has one; others,
    and restricted ones on a committee with no restricted section, by purpose (decision B, information C)."""
    if entry.is_restricted:
        restricted = [letter for letter, (_, only) in section_headings(entry.committee).items() if only]
        if restricted:
            return restricted[0]
    return SECTION_FOR_PURPOSE.get(entry.purpose, AgendaItem.Section.INFORMATION)


def _waiting_check(entry: ForwardPlanEntry, doing: str) -> None:
    if entry.status == ForwardPlanEntry.Status.ON_AGENDA:
        raise ValidationError(f"This entry is already on an agenda: it cannot be {doing}. Change the agenda item.")
    if entry.status == ForwardPlanEntry.Status.WITHDRAWN:
        raise ValidationError(f"This entry was withdrawn: it cannot be {doing}.")


def _expected_check(entry: ForwardPlanEntry) -> None:
    """The expected meeting is the committee's and not yet held; the month follows the meeting."""
    meeting = entry.expected_meeting
    if meeting is None:
        if entry.expected_month is None:
            raise ValidationError("Choose the meeting it is expected at, or the month when no meeting is arranged.")
        entry.expected_month = month_start(entry.expected_month)
        return
    if meeting.committee_id != entry.committee_id:
        raise ValidationError("The expected meeting must be a meeting of this committee.")
    if meeting.status in HELD:
        raise ValidationError(f"The meeting on {meeting.date:%-d %B %Y} has been held: choose a later one.")
    if meeting.is_called_off:
        raise ValidationError(
            f"The meeting on {meeting.date:%-d %B %Y} is {meeting.get_status_display().lower()}: choose another."
        )
    entry.expected_month = month_start(meeting.date)


def _content_check(entry: ForwardPlanEntry) -> None:
    if entry.restriction_reason == access.DHR_REASON or DHR_WORDS.search(entry.title or ""):
        raise ValidationError(
            "Domestic Homicide Review business is not planned in the forward plan: only the DHR-cleared group "
            "adds DHR items, on the agenda itself."
        )
    if entry.title_withheld and not entry.is_restricted:
        raise ValidationError("Only a restricted entry's title can be withheld from the public.")
    if not entry.is_restricted:
        entry.restriction_note = ""


@transaction.atomic
def forward_plan_entry_save(*, entry: ForwardPlanEntry, lock: RecordLock | None = None) -> ForwardPlanEntry:
    """Add a new entry or save an edited one (its title, lead, purpose, restriction, notes and when it is expected).

    With `lock` (the edit form's), a change someone else saved meanwhile raises kcsp.locking.StaleRecord.
    Raises ValidationError for an entry not waiting, a meeting of another committee or already held, DHR business,
    or a withheld title on an entry that is not restricted."""
    if entry.pk is not None:
        locked = ForwardPlanEntry.objects.select_for_update()
        current = lock.check(entry) if lock is not None else locked.get(pk=entry.pk)
        _waiting_check(current, "edited")
        entry.status, entry.agenda_item_id = current.status, current.agenda_item_id
    _content_check(entry)
    _expected_check(entry)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def forward_plan_entry_withdraw(*, entry: ForwardPlanEntry, reason: str) -> ForwardPlanEntry:
    """Take a waiting entry off the forward plan, saying why (kept, with its history, on the officers' list)."""
    entry = ForwardPlanEntry.objects.select_for_update().get(pk=entry.pk)
    _waiting_check(entry, "withdrawn")
    if not (reason or "").strip():
        raise ValidationError("Enter why the entry is being withdrawn.")
    entry.status, entry.status_reason = ForwardPlanEntry.Status.WITHDRAWN, reason.strip()
    entry.save(update_fields=["status", "status_reason"])
    return entry


@transaction.atomic
def forward_plan_entry_move(
    *, entry: ForwardPlanEntry, meeting: Meeting | None = None, month: datetime.date | None = None, reason: str = ""
) -> ForwardPlanEntry:
    """Move a waiting entry to another of the committee's meetings, or to a month when no meeting is arranged.

    Raises ValidationError when the entry is not waiting, or the meeting is another committee's or held."""
    entry = ForwardPlanEntry.objects.select_for_update().get(pk=entry.pk)
    _waiting_check(entry, "moved")
    entry.expected_meeting, entry.expected_month = meeting, month
    _expected_check(entry)
    entry.status, entry.status_reason = ForwardPlanEntry.Status.MOVED, (reason or "").strip()
    entry.save(update_fields=["expected_meeting", "expected_month", "status", "status_reason"])
    return entry


def forward_plan_follow_called_off(*, meeting: Meeting, replacement: Meeting | None = None) -> int:
    """The waiting entries expected at `meeting`, just cancelled or replaced, move on so no business is stranded at
    a meeting that will not take place: to `replacement` when given, else to the cancelled meeting's month (with no
    meeting), where the committee's next draft agenda suggests them (`suggestions_for`). Entries accepted onto a
    cancelled meeting's agenda go back to waiting the same way. Called by meetings/changes.py inside the step's
    transaction; returns how many entries moved."""
    stranded = Q(expected_meeting=meeting, status__in=ForwardPlanEntry.WAITING)
    if replacement is None and meeting.status == Meeting.Status.CANCELLED:
        stranded |= Q(status=ForwardPlanEntry.Status.ON_AGENDA, agenda_item__meeting=meeting)
    ids = list(
        ForwardPlanEntry.objects.filter(stranded, committee_id=meeting.committee_id).values_list("pk", flat=True)
    )
    why = "cancelled" if replacement is None else f"replaced by the meeting on {replacement.date:%-d %B %Y}"
    moved = 0
    for entry in ForwardPlanEntry.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        entry.expected_meeting = replacement
        entry.expected_month = month_start((replacement or meeting).date)
        entry.agenda_item = None
        entry.status = ForwardPlanEntry.Status.MOVED
        entry.status_reason = f"The meeting on {meeting.date:%-d %B %Y} was {why}."
        entry.save(update_fields=["expected_meeting", "expected_month", "agenda_item", "status", "status_reason"])
        moved += 1
    return moved


def _draft_check(meeting: Meeting, doing: str) -> None:
    if meeting.status != Meeting.Status.DRAFT:
        raise ValidationError(
            f"Forward plan entries are {doing} only while the agenda is a draft: the meeting's agenda is "
            f"{meeting.get_status_display().lower()}. Add an item to the agenda instead."
        )


@transaction.atomic
def forward_plan_entry_accept(*, entry: ForwardPlanEntry, meeting: Meeting, section: str) -> AgendaItem:
    """Put a waiting entry on a meeting's draft agenda as an item at the end of `section` (through
    services.agenda_item_save, with the entry's title, purpose and restriction); the entry is then "on an agenda"
    and links to the item. Locks the meeting, then the entry.

    Raises ValidationError when the agenda is not a draft, the meeting is another committee's, the entry is not
    waiting, or the section does not fit the restriction (section D holds restricted items only)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    entry = ForwardPlanEntry.objects.select_for_update().get(pk=entry.pk)
    _draft_check(meeting, "added")
    if meeting.committee_id != entry.committee_id:
        raise ValidationError("This entry is on another committee's forward plan.")
    _waiting_check(entry, "added to an agenda")
    only_restricted = section_restricted(meeting.committee, section)
    if only_restricted is None:
        raise ValidationError(f"The committee's agendas have no section {section}: choose one of its sections.")
    if only_restricted and not entry.is_restricted:
        raise ValidationError(f"Section {section} holds restricted items only: choose another section for this entry.")
    item = AgendaItem(
        meeting=meeting,
        section=section,
        title=entry.title,
        kind=AgendaItem.Kind.REPORT,
        purpose=ITEM_PURPOSE.get(entry.purpose, AgendaItem.Purpose.NONE),
        restriction_reason=entry.restriction_reason,
        restriction_note=entry.restriction_note,
        title_withheld=entry.title_withheld,
    )
    services.agenda_item_save(item=item)
    entry.status, entry.status_reason, entry.agenda_item = ForwardPlanEntry.Status.ON_AGENDA, "", item
    entry.expected_meeting, entry.expected_month = meeting, month_start(meeting.date)
    entry.save(update_fields=["status", "status_reason", "agenda_item", "expected_meeting", "expected_month"])
    return item


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The committee's next meeting after this one, not yet held, cancelled or postponed."""
    return (
        Meeting.objects.filter(committee_id=meeting.committee_id, starts_at__gt=meeting.starts_at)
        .exclude(status__in=NOT_AHEAD)
        .order_by("starts_at")
        .first()
    )


@transaction.atomic
def forward_plan_entry_put_off(*, entry: ForwardPlanEntry, meeting: Meeting) -> ForwardPlanEntry:
    """ "Not this meeting": the entry moves on to the committee's next meeting, or, when none is arranged, to the
    month after this meeting's. Only while this meeting's agenda is a draft (ValidationError otherwise)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _draft_check(meeting, "put off")
    if meeting.committee_id != entry.committee_id:
        raise ValidationError("This entry is on another committee's forward plan.")
    later = next_meeting(meeting)
    return forward_plan_entry_move(
        entry=entry,
        meeting=later,
        month=None if later else next_month(meeting.date),
        reason=f"Not taken at the meeting on {meeting.date:%-d %B %Y}.",
    )


def suggestions_for(meeting: Meeting):
    """The waiting entries a draft agenda suggests: those expected at this meeting, and those with no meeting whose
    month starts after the committee's previous meeting and on or before this one. None once the agenda is agreed."""
    if meeting.status != Meeting.Status.DRAFT:
        return ForwardPlanEntry.objects.none()
    by_month = Q(expected_meeting__isnull=True, expected_month__lte=meeting.date)
    previous = meeting.previous_meeting()
    if previous is not None:
        by_month &= Q(expected_month__gt=previous.date)
    entries = ForwardPlanEntry.objects.waiting().filter(committee_id=meeting.committee_id)
    return (
        entries.filter(Q(expected_meeting=meeting) | by_month)
        .select_related("committee")
        .prefetch_related("committee__agenda_sections")  # each suggestion's section choices, in one query
        .in_date_order()
    )


def entry_changes(entry: ForwardPlanEntry):
    """The entry's history field by field, newest first (kcsp.history.record_history: its agenda item named by
    code only, the month as "March 2023")."""
    return record_history(entry, shown={"expected_month": lambda month: f"{month:%B %Y}"})
