"""When a meeting changes: rescheduled, postponed, cancelled, or replaced by a new meeting.

Each is a step of the one table (meetings/lifecycle.py), taken with a reason and recorded. Members of the committee
and those who sent apologies hear of it once (meetings/notify.py, through the recorded notices of notifications/).
The packs follow the meeting:
- rescheduled: every pack with a file is withdrawn at once ("the meeting moved") and, if the agenda is published,
  rebuilt with the new date, time and venue on its front sheet; a build restores it.
- postponed or cancelled: every pack is withdrawn by the officer's hand, with the reason, so no later build puts
  it back; the meeting page says the meeting is postponed or cancelled, and a cancelled meeting's packs stay
  withdrawn for good (decided here: a pack for a meeting that will not take place is not served). A postponed
  meeting rescheduled gets its packs rebuilt with the new details.
A held or signed meeting cannot be called off or moved: the table has no such step.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from kcsp.models import User

from .lifecycle import Outcome, Step, meeting_step
from .models import Meeting, MeetingStatusChange
from .packbuild.requests import packs_request
from .packbuild.withdraw import pack_withdraw


def where_and_when(meeting: Meeting) -> str:
    """ "Thursday 24 March 2022, 10.00 a.m. to 12.00 p.m. (Council Chamber)": the date, the times in the site's one
    format (the meeting page's "g.i a") and the place in brackets ("online", "venue to be confirmed" …), so the
    words read in a sentence — what a move changes."""
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends)
    venue = meeting.venue
    place = {
        Meeting.Venue.ONLINE: "online",
        Meeting.Venue.HYBRID: f"{venue} and online" if venue else "in a room and online",
        Meeting.Venue.TBC: "venue to be confirmed",
    }.get(meeting.venue_kind, venue or "room to be named")
    return f"{starts:%A %-d %B %Y}, {date_format(starts, 'g.i a')} to {date_format(ends, 'g.i a')} ({place})"


POSTPONED = "The meeting is postponed: "  # how a postponement's withdrawals begin (released on the new date)


def _packs_withdraw(meeting: Meeting, reason: str, by: User | None) -> int:
    """Withdraw every pack of the meeting that has a file; `by` an officer keeps them withdrawn through builds. A
    pack an officer already withdrew by hand keeps that withdrawal (its reason, and its end at their rebuild)."""
    packs = list(meeting.packs.exclude(file=""))
    if by is not None:
        packs = [p for p in packs if p.withdrawn_by_id is None or p.withdrawn_reason.startswith(POSTPONED)]
    for pack in packs:
        pack_withdraw(pack=pack, reason=reason, by=by)
    return len(packs)


def _postponement_withdrawals_release(meeting: Meeting) -> int:
    """On the new date, end the postponement's own withdrawals only (an officer's earlier one stays)."""
    packs = meeting.packs.filter(withdrawn_by__isnull=False, withdrawn_reason__startswith=POSTPONED)
    return packs.update(withdrawn_by=None)


def _notify(meeting: Meeting) -> None:
    """Tell members and apologies senders of the step just recorded (on commit, once each)."""
    from .notify import meeting_changed

    meeting_changed(meeting.status_changes.order_by("-at", "-pk").first())


# --- effects (called by lifecycle.meeting_step with the meeting locked) --------------------------------------------


def reschedule_effect(
    meeting: Meeting,
    step: Step,
    *,
    user,
    reason: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None = None,
    venue_kind: str | None = None,
    venue: str | None = None,
) -> Outcome:
    """New date, time and venue: must be in the future, end after they start and differ from the present ones."""
    if starts_at <= timezone.now():
        raise ValidationError("A meeting is rescheduled to a date and time still to come.")
    if ends_at is None:
        ends_at = starts_at + datetime.timedelta(minutes=meeting.committee.usual_length)
    if ends_at <= starts_at:
        raise ValidationError("The meeting must end after it starts.")
    venue_kind = meeting.venue_kind if venue_kind is None else venue_kind
    venue = meeting.venue if venue is None else venue
    present = (meeting.starts_at, meeting.ends, meeting.venue_kind, meeting.venue)
    if (starts_at, ends_at, venue_kind, venue) == present and meeting.status != Meeting.Status.POSTPONED:
        raise ValidationError("These are the meeting's present date, time and venue: enter what changes.")
    if meeting.replaced_by.exists():
        raise ValidationError(f"{meeting} has been replaced by another meeting: reschedule that one instead.")
    if starts_at != meeting.starts_at:
        from .services import meeting_clash_check

        meeting_clash_check(committee_id=meeting.committee_id, starts_at=starts_at, exclude_pk=meeting.pk)
    was = where_and_when(meeting)
    meeting.starts_at, meeting.ends_at, meeting.venue_kind, meeting.venue = starts_at, ends_at, venue_kind, venue
    now = where_and_when(meeting)
    postponed = meeting.status == Meeting.Status.POSTPONED

    def after(meeting):
        _packs_withdraw(meeting, f"The meeting moved to {now}: the pack is rebuilt with the new details.", None)
        if postponed:
            _postponement_withdrawals_release(meeting)  # the postponement's withdrawals end with the new build
        if meeting.status == Meeting.Status.PUBLISHED:
            packs_request(meeting=meeting, delay=0)
        _notify(meeting)

    return Outcome(was=was, now=now, moved=True, after=after)


def postpone_effect(meeting: Meeting, step: Step, *, user, reason: str) -> Outcome:
    if meeting.starts_at <= timezone.now():
        raise ValidationError("The meeting has started: it can no longer be postponed.")

    def after(meeting):
        _packs_withdraw(meeting, f"{POSTPONED}{reason}", user)
        _notify(meeting)

    return Outcome(was=where_and_when(meeting), after=after)


def cancel_effect(meeting: Meeting, step: Step, *, user, reason: str) -> Outcome:
    from .forward_plan import forward_plan_follow_called_off

    def after(meeting):
        _packs_withdraw(meeting, f"The meeting is cancelled: {reason}", user)
        forward_plan_follow_called_off(meeting=meeting)  # its expected business goes back to the plan
        _notify(meeting)

    return Outcome(was=where_and_when(meeting), after=after)


def replace_effect(meeting: Meeting, step: Step, *, user, reason: str, replacement: Meeting) -> Outcome:
    """The replacement is already created, linked to this meeting (meeting_replacement_create)."""
    if meeting.replaced_by.exclude(pk=replacement.pk).exists():
        raise ValidationError(f"{meeting} already has a replacement meeting.")
    from .forward_plan import forward_plan_follow_called_off

    def after(meeting):
        forward_plan_follow_called_off(meeting=meeting, replacement=replacement)

    return Outcome(now=f"Replaced by the meeting on {where_and_when(replacement)}", after=after)


# --- the services the pages call -------------------------------------------------------------------------------


def meeting_reschedule(
    *,
    meeting: Meeting,
    user: User | None,
    reason: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None = None,
    venue_kind: str | None = None,
    venue: str | None = None,
) -> Meeting:
    """Move the meeting to a new date, time and venue (the same meeting: same page, same calendar UID); a postponed
    meeting goes back to where it was (published, agreed or draft). ValidationError naming the rule otherwise."""
    return meeting_step(
        meeting=meeting,
        action="reschedule",
        user=user,
        reason=reason,
        starts_at=starts_at,
        ends_at=ends_at,
        venue_kind=venue_kind,
        venue=venue,
    )


def meeting_postpone(*, meeting: Meeting, user: User | None, reason: str) -> Meeting:
    """Postpone: shown as postponed on its date, cancelled in calendars, until rescheduled or replaced."""
    return meeting_step(meeting=meeting, action="postpone", user=user, reason=reason)


def meeting_cancel(*, meeting: Meeting, user: User | None, reason: str) -> Meeting:
    """Cancel for good: shown as cancelled, kept in calendars as cancelled, its packs withdrawn."""
    return meeting_step(meeting=meeting, action="cancel", user=user, reason=reason)


@transaction.atomic
def meeting_replacement_create(
    *, original: Meeting, user: User | None, starts_at: datetime.datetime, **fields
) -> Meeting:
    """A new meeting of the same committee replacing a postponed or cancelled one (Meeting.replaces; the original's
    page says "replaced by" and the new one's "replaces"). It starts as a draft with the standard items, like any
    new meeting; the step is recorded on the original. ValidationError (nothing created) if the original may not
    be replaced: not postponed or cancelled, already replaced, or the new date not still to come."""
    from .lifecycle import step_check
    from .numbering import meeting_lock
    from .services import meeting_create

    locked = meeting_lock(original.pk)
    step_check(locked, "replace", user)
    if locked.replaced_by.exists():
        raise ValidationError(f"{locked} already has a replacement meeting.")
    if starts_at <= timezone.now():
        raise ValidationError("A replacement meeting is arranged for a date and time still to come.")
    replacement = meeting_create(committee=locked.committee, starts_at=starts_at, replaces=locked, **fields)
    meeting_step(meeting=locked, action="replace", user=user, replacement=replacement)
    return replacement


def status_changes_for(meeting: Meeting):
    """The recorded steps of the meeting, oldest first, for its page's "Changes" section."""
    return MeetingStatusChange.objects.filter(meeting=meeting).select_related("by").order_by("at", "pk")
