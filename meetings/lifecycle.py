"""A meeting's life as one table: every step a meeting may take, from which statuses, who may take it, what it needs.

Anything not in the table is an illegal move, refused with a message naming the meeting's status. Every step
taken is recorded (MeetingStatusChange: who, when, from what to what, why, and where and when the meeting was
before and after a move). A later step, such as sending the agenda to the chair, is a new row here and an effect
function, never a second path of its own. The pattern is grants/workflow.py's table of bid steps.

    draft ──send-to-chair──▶ with the chair ──agree──▶ agenda agreed ──publish──▶ published ──held──▶ held
    with the chair ──return (the chair, with comments) or take-back (the officer)──▶ draft
    draft ──agree (the chair agrees a draft in person, at a briefing)──▶ agenda agreed
    held ──approve-minutes──▶ minutes approved
    draft, agenda agreed ──record-held (a past meeting entered after the event)──▶ held
    draft, with the chair, agenda agreed, published ──postpone──▶ postponed ──reschedule──▶ (back where it was
        on its new date: published, agreed or draft; an agenda with the chair goes back to draft, to be sent again)
    draft, with the chair, agenda agreed, published, postponed ──cancel──▶ cancelled;  reschedule keeps the status
    postponed, cancelled ──replace──▶ (unchanged: a new meeting is created, linked by Meeting.replaces)

The chair's agreement (meetings/chair_agreement.py, issue 16): an officer sends the draft to the chair with an
optional note (the committee's chair is e-mailed); while it is with the chair its items do not change
(services.agenda_open_check), so the chair agrees what they read; the chair agrees it, or returns it to draft with
comments (the sender is e-mailed, and the officers see them on the meeting page until it is sent again); the officer
may take it back to change it. The chair may still agree a draft directly (at an agenda-setting briefing).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Meeting, MeetingStatusChange
from .numbering import meeting_lock

S = Meeting.Status
SAME = "same"  # target: the step leaves the status as it is
RESUME = "resume"  # target: a postponed meeting goes back to where it was (resumed_status); otherwise SAME
OPEN = (S.DRAFT, S.WITH_CHAIR, S.AGENDA_AGREED, S.PUBLISHED)  # not yet held and not called off


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    sources: tuple
    target: str
    permission: str
    effect: str  # dotted path of effect(meeting, step, user, reason, **extra) -> Outcome | None
    url_name: str = ""  # the page that takes the step (meetings:<url_name>, with the meeting's pk)
    reason_required: bool = False
    reason_label: str = "Reason"
    notify: bool = False  # members and those who sent apologies hear of it (meetings/change_notices.py)
    warning: bool = False  # shown as a warning button: it calls the meeting off
    rule: str = ""  # added to a refusal by status: the rule in the partnership's words


@dataclass
class Outcome:
    """What an effect reports back: the meeting's place and time before and after a move, and work to do once the
    step is recorded (such as freezing signed minutes)."""

    was: str = ""
    now: str = ""
    moved: bool = False
    after: object = None


STEPS = {
    step.action: step
    for step in (
        Step(
            "send-to-chair",
            "Send to the chair for agreement",
            (S.DRAFT,),
            S.WITH_CHAIR,
            "meetings.manage",
            "meetings.chair_agreement.send_effect",
            url_name="agenda_send_to_chair",
            reason_label="Note for the chair (optional)",
            rule="Only a draft agenda is sent to the chair for agreement.",
        ),
        Step(
            "agree",
            "Agree the agenda",
            (S.WITH_CHAIR, S.DRAFT),
            S.AGENDA_AGREED,
            "meetings.agree_agenda",
            "meetings.lifecycle.agree_effect",
            url_name="agenda_agree",
            rule="The chair agrees an agenda sent for agreement (or a draft).",
        ),
        Step(
            "return",
            "Return with comments",
            (S.WITH_CHAIR,),
            S.DRAFT,
            "meetings.agree_agenda",
            "meetings.chair_agreement.return_effect",
            url_name="agenda_return",
            reason_required=True,
            reason_label="Comments for the officer",
            rule="Only an agenda sent to the chair for agreement is returned with comments.",
        ),
        Step(
            "take-back",
            "Take the agenda back to change it",
            (S.WITH_CHAIR,),
            S.DRAFT,
            "meetings.manage",
            "meetings.chair_agreement.take_back_effect",
            url_name="agenda_take_back",
            reason_label="Why you are taking it back (optional)",
            rule="Only an agenda with the chair for agreement is taken back.",
        ),
        Step(
            "publish",
            "Publish the agenda",
            (S.AGENDA_AGREED,),
            S.PUBLISHED,
            "meetings.manage",
            "meetings.lifecycle.publish_effect",
            url_name="meeting_publish",
            rule="The chair must agree the agenda before it is published.",
        ),
        Step(
            "held",
            "Record that it was held",
            (S.PUBLISHED,),
            S.HELD,
            "meetings.manage",
            "meetings.lifecycle.held_effect",
            url_name="meeting_held",
            rule="Only a meeting whose agenda was published can be marked as held "
            "(a past meeting entered afterwards is recorded as held from its draft).",
        ),
        Step(
            "record-held",
            "Record a past meeting as held",
            (S.DRAFT, S.AGENDA_AGREED),
            S.HELD,
            "meetings.manage",
            "meetings.lifecycle.record_held_effect",
            url_name="meeting_record_held",
            rule="Only a meeting whose agenda was never published is recorded as held after the event.",
        ),
        Step(
            "approve-minutes",
            "Approve and sign the minutes",
            (S.HELD,),
            S.MINUTES_APPROVED,
            "meetings.approve_minutes",
            "meetings.signing.minutes_approve_effect",
            url_name="minutes_approve",
            rule="Only the draft minutes of a meeting that has been held can be approved.",
        ),
        Step(
            "reschedule",
            "Reschedule the meeting",
            (*OPEN, S.POSTPONED),
            RESUME,
            "meetings.manage",
            "meetings.changes.reschedule_effect",
            url_name="meeting_reschedule",
            reason_required=True,
            reason_label="Why the meeting is moving",
            notify=True,
        ),
        Step(
            "postpone",
            "Postpone the meeting",
            OPEN,
            S.POSTPONED,
            "meetings.manage",
            "meetings.changes.postpone_effect",
            url_name="meeting_postpone",
            reason_required=True,
            reason_label="Why the meeting is postponed",
            notify=True,
            warning=True,
        ),
        Step(
            "cancel",
            "Cancel the meeting",
            (*OPEN, S.POSTPONED),
            S.CANCELLED,
            "meetings.manage",
            "meetings.changes.cancel_effect",
            url_name="meeting_cancel",
            reason_required=True,
            reason_label="Why the meeting is cancelled",
            notify=True,
            warning=True,
        ),
        Step(
            "replace",
            "Arrange a replacement meeting",
            (S.POSTPONED, S.CANCELLED),
            SAME,
            "meetings.manage",
            "meetings.changes.replace_effect",
            url_name="meeting_replace",
            rule="A replacement is arranged for a postponed or cancelled meeting.",
        ),
    )
}

CALLING_OFF = ("reschedule", "postpone", "cancel")


def steps_for(meeting: Meeting, user) -> list[Step]:
    """The steps this user may take with this meeting now, in the table's order (the meeting page's buttons).
    A past meeting is not moved or called off from its page, and a future one is not recorded as held."""
    steps = [s for s in STEPS.values() if meeting.status in s.sources and user.has_perm(s.permission, meeting)]
    started = meeting.starts_at <= timezone.now()
    if started:
        steps = [s for s in steps if s.action not in ("reschedule", "postpone")]
    else:
        steps = [s for s in steps if s.action not in ("held", "record-held")]
    if steps and meeting.replaced_by.exists():
        steps = [s for s in steps if s.action not in ("replace", "reschedule")]
    return [s for s in steps if s.action != "approve-minutes"]  # from the minutes page, which needs the minutes


def resumed_status(meeting: Meeting) -> str:
    """Where a postponed meeting goes back to on its new date: published if its agenda was, else agreed if the
    chair had agreed it, else draft."""
    if meeting.published_at is not None:
        return S.PUBLISHED
    if meeting.agenda_agreed_at is not None:
        return S.AGENDA_AGREED
    return S.DRAFT


def target_status(meeting: Meeting, step: Step) -> str:
    if step.target == SAME:
        return meeting.status
    if step.target == RESUME:
        return resumed_status(meeting) if meeting.status == S.POSTPONED else meeting.status
    return step.target


def step_check(meeting: Meeting, action: str, user, reason: str = "") -> Step:
    """The step `action` if `meeting` (as locked) may take it now by `user`'s hand, else ValidationError naming the
    rule: code "unknown" (no such step), "frozen" (signed minutes), "status" (not from the meeting's status: the
    message names it), "permission" (the user's role may not) or "reason" (a reason is required and missing).
    `user` None is the system (the demo loader, data fixes), which the permission check lets through."""
    step = STEPS.get(action)
    if step is None:
        raise ValidationError(f"A meeting has no step called '{action}'.", code="unknown")
    status = meeting.get_status_display().lower()
    if meeting.status not in step.sources:
        if meeting.minutes_signed_at is not None:
            from .freeze import minutes_frozen_check

            minutes_frozen_check(meeting)
        rule = f" {step.rule}" if step.rule else ""
        if action in CALLING_OFF and meeting.status in (S.HELD, S.MINUTES_APPROVED):
            rule = " A meeting that has been held cannot be cancelled, postponed or moved."
        elif action in CALLING_OFF:
            rule = " A cancelled meeting stays cancelled: arrange a replacement meeting instead."
        raise ValidationError(f"{step.label} is not possible: {meeting} is {status}.{rule}", code="status")
    if user is not None and not user.has_perm(step.permission, meeting):
        raise ValidationError(f"{step.label}: your role may not take this step.", code="permission")
    if step.reason_required and not (reason or "").strip():
        raise ValidationError(f"Enter {step.reason_label[0].lower()}{step.reason_label[1:]}", code="reason")
    return step


@transaction.atomic
def meeting_step(*, meeting: Meeting, action: str, user=None, reason: str = "", **extra) -> Meeting:
    """Take one step of the table with `meeting`: lock it, check the step (step_check), run its effect (which may
    refuse with a ValidationError naming its own rule, changing nothing), set the new status, add one to the
    calendar sequence when the status, date or place changed, and record who, when and why. Returns the meeting.
    `extra` goes to the effect (a reschedule's new date and place, an approval's approving meeting)."""
    meeting = meeting_lock(meeting.pk)  # the committee's lock first, as every write of the record (numbering.py)
    step = step_check(meeting, action, user, reason)
    target = target_status(meeting, step)
    outcome = import_string(step.effect)(meeting, step, user=user, reason=reason.strip(), **extra) or Outcome()
    from_status = meeting.status
    if target != from_status or outcome.moved:
        meeting.sequence += 1
    meeting.status = target
    meeting.save()
    MeetingStatusChange.objects.create(
        meeting=meeting,
        action=step.action,
        from_status=from_status,
        to_status=target,
        by=user,
        at=timezone.now(),
        reason=reason.strip(),
        was=outcome.was,
        now=outcome.now,
    )
    if callable(outcome.after):
        outcome.after(meeting)
    return meeting


# --- the effects of the steps that were there before the table (the others live in changes.py, signing.py) -----


def _notify_on_commit(task_name: str, object_id: int) -> None:
    """Queue a notice once the change is saved (notifications/tasks.py decides who hears of it)."""
    from notifications import tasks

    transaction.on_commit(lambda: getattr(tasks, task_name).delay(object_id))


def agree_effect(meeting: Meeting, step: Step, *, user, reason: str, seen: str | None = None) -> None:
    """`seen` is the fingerprint of the agenda as the chair's page showed it (chair_agreement.agenda_fingerprint):
    the chair agrees what they read, so an agenda changed since is refused. None (the demo, a data fix) skips it."""
    if not meeting.items.exists():
        raise ValidationError("The agenda has no items to agree.")
    if seen is not None:
        from .chair_agreement import agenda_seen_check

        agenda_seen_check(meeting, seen)
    meeting.agenda_agreed_by, meeting.agenda_agreed_at = user, timezone.now()


def published_on_check(meeting: Meeting, published_on: datetime.date) -> None:
    """The date an agenda entered after the event was really published: only for a meeting whose date has passed
    (a future meeting's agenda is published now), never in the future and never after the meeting's date.
    ValidationError naming the rule otherwise."""
    if meeting.starts_at > timezone.now():
        raise ValidationError(
            "The agenda of a meeting still to come is published now: a past publication date is only for a "
            "meeting entered after the event."
        )
    if published_on > timezone.localdate():
        raise ValidationError("The date the agenda was published must be today or in the past")
    if published_on > meeting.date:
        raise ValidationError(
            f"The date the agenda was published must be on or before the meeting's date ({meeting.date:%-d %B %Y})"
        )


def publish_effect(meeting: Meeting, step: Step, *, user, reason: str, published_on=None) -> Outcome:
    """Publish now, or (for a meeting entered after the event) on `published_on`, a date: stored as noon, UK time,
    of that day, which the front sheets print as "Date published"."""
    from .packbuild.requests import packs_request

    if published_on is None:
        meeting.published_at = timezone.now()
    else:
        published_on_check(meeting, published_on)
        noon = datetime.datetime.combine(published_on, datetime.time(12))
        meeting.published_at = timezone.make_aware(noon)

    entered_after_event = meeting.starts_at <= timezone.now()

    def after(meeting):
        packs_request(meeting=meeting, delay=0)
        if not entered_after_event:  # members are not told of papers for a meeting that has already happened
            _notify_on_commit("pack_published_task", meeting.pk)

    return Outcome(after=after)


def _started_check(meeting: Meeting) -> None:
    if meeting.starts_at > timezone.now():
        raise ValidationError("The meeting has not started yet.")


def held_effect(meeting: Meeting, step: Step, *, user, reason: str) -> None:
    _started_check(meeting)


def record_held_effect(meeting: Meeting, step: Step, *, user, reason: str) -> None:
    """A meeting entered after the event: held without its agenda being agreed and published here (so no
    publication deadline was missed)."""
    _started_check(meeting)
    meeting.recorded_after_event = True
