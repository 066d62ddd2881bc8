"""Multi-step writes of committee business: agendas, the meeting's status, papers and minutes."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kcsp.locking import RecordLock
from kcsp.models import Person, User

from . import access
from .agenda_print import listed_title
from .agenda_setup import section_restricted, standard_items_copy
from .freeze import minutes_frozen_check
from .lifecycle import meeting_step
from .models import (
    AgendaItem,
    Appendix,
    Attendance,
    Committee,
    Meeting,
    MeetingStatusChange,
    Membership,
    Minute,
    Paper,
)
from .numbering import meeting_lock, minutes_renumber
from .packbuild.requests import packs_refresh_if_published
from .packbuild.withdraw import packs_withdraw_holding, packs_withdraw_public_listing
from .uploads import extract_text, upload_untagged


def _notify_on_commit(task_name: str, object_id: int) -> None:
    """Queue a notice once the change is saved (notifications/tasks.py decides who hears of it)."""
    from notifications import tasks

    transaction.on_commit(lambda: getattr(tasks, task_name).delay(object_id))


@transaction.atomic
def meeting_clash_check(*, committee_id: int, starts_at: datetime.datetime, exclude_pk: int | None = None) -> None:
    """A committee meets once at a time: another of its meetings (not cancelled) starting at the same moment raises
    ValidationError naming it (the same meeting entered twice)."""
    other = (
        Meeting.objects.filter(committee_id=committee_id, starts_at=starts_at)
        .exclude(pk=exclude_pk)
        .exclude(status=Meeting.Status.CANCELLED)
        .first()
    )
    if other is not None:
        raise ValidationError(
            f"{other.committee} already has a meeting at {timezone.localtime(starts_at):%H:%M} on "
            f"{other.date:%-d %B %Y}: open that meeting rather than entering it again."
        )


def meeting_create(*, committee: Committee, starts_at: datetime.datetime, **fields) -> Meeting:
    """A new meeting starts with its committee's standard items (agenda_setup.standard_items_copy). ValidationError
    when the committee already has a meeting at that moment."""
    meeting_clash_check(committee_id=committee.pk, starts_at=starts_at)
    meeting = Meeting.objects.create(committee=committee, starts_at=starts_at, **fields)
    held_before = (  # the last meeting that took place or was published: a draft never held is no "last meeting"
        Meeting.objects.filter(committee_id=committee.pk, starts_at__lt=starts_at, status__in=access.PUBLISHED_STATUSES)
        .order_by("-starts_at")
        .first()
    )
    standard_items_copy(meeting=meeting, previous=held_before)
    return meeting


MEETING_EDITED = ("starts_at", "ends_at", "venue_kind", "venue", "contact_name", "contact_phone", "contact_email")
MEETING_RECORDED = ("starts_at", "venue_kind", "venue")  # the signed minutes' heading: "held in … on …"
MEETING_TIME_AND_PLACE = ("starts_at", "ends_at", "venue_kind", "venue")  # what calendars follow (SEQUENCE)
ANNOUNCED = (Meeting.Status.PUBLISHED, Meeting.Status.POSTPONED, Meeting.Status.CANCELLED)


@transaction.atomic
def meeting_save(*, meeting: Meeting) -> Meeting:
    """Save an edited meeting's date, place and contact (only those fields: a step such as signing made meanwhile
    is never undone). Once its minutes are signed, the date and place are part of the record: changing them
    raises ValidationError naming the signing (meetings/freeze.py), as the database would refuse it. Once the
    agenda is published (or the meeting called off), the date, time and place change only by rescheduling
    (meetings/changes.py: members are told and the packs rebuilt). A change of time or place adds one to the
    calendar sequence (iCal SEQUENCE)."""
    current = meeting_lock(meeting.pk)
    if meeting.ends_at is None:
        meeting.ends_at = meeting.starts_at + datetime.timedelta(minutes=current.committee.usual_length)
    elif meeting.ends_at == current.ends_at and meeting.starts_at != current.starts_at:
        meeting.ends_at = current.ends + (meeting.starts_at - current.starts_at)  # moved: it keeps its length
    if meeting.ends_at <= meeting.starts_at:
        raise ValidationError("The meeting must end after it starts.")
    if any(getattr(current, name) != getattr(meeting, name) for name in MEETING_RECORDED):
        minutes_frozen_check(current)
    if meeting.starts_at != current.starts_at:
        meeting_clash_check(committee_id=current.committee_id, starts_at=meeting.starts_at, exclude_pk=current.pk)
    moved = any(getattr(current, name) != getattr(meeting, name) for name in MEETING_TIME_AND_PLACE)
    if moved and current.status in ANNOUNCED:
        raise ValidationError(
            f"{current} is {current.get_status_display().lower()}: its date, time and venue change only by "
            "rescheduling it, which tells the members and rebuilds the packs."
        )
    approved = Meeting.objects.filter(minutes_approved_at_meeting=current, starts_at__gte=meeting.starts_at).first()
    if meeting.starts_at != current.starts_at and approved is not None:
        raise ValidationError(
            f"This meeting approved the minutes of the meeting on {approved.date:%-d %B %Y}: it cannot move to "
            "that date or before it (minutes are approved at a later meeting)."
        )
    if moved:
        meeting.sequence = current.sequence + 1
    meeting.save(update_fields=[*MEETING_EDITED, "sequence", "updated_at"])
    if meeting.starts_at != current.starts_at:
        _minutes_follow_the_dates(meeting, earliest=min(meeting.starts_at, current.starts_at))
    return meeting


def _minutes_follow_the_dates(meeting: Meeting, *, earliest) -> None:
    """Minute numbers run in meeting-date order (meetings/numbering.py): a meeting with minutes moved in time
    renumbers the unsigned minutes from the earlier of its old and new dates on; a clash is refused (nothing saved)."""
    if not Minute.objects.filter(committee_id=meeting.committee_id, meeting__starts_at__gte=earliest).exists():
        return
    first = (
        Meeting.objects.filter(committee_id=meeting.committee_id, starts_at__gte=earliest, minutes_signed_at=None)
        .order_by("starts_at", "pk")
        .first()
    )
    if first is not None:
        minutes_renumber(meeting=first)


def agenda_open_check(meeting: Meeting) -> None:
    """An agenda changes until the meeting is held, and not while it is postponed or cancelled: a postponed meeting
    goes back to where it was when rescheduled (an agreed agenda stays agreed, a published one published), so a
    change made meanwhile would skip the chair's agreement or the supplementary marking (meetings/lifecycle.py).
    Nor while the agenda is with the chair for agreement: the chair agrees the agenda they read, so the officer
    takes it back first (meetings/chair_agreement.py). Raises ValidationError naming the rule."""
    if meeting.status in (Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED):
        raise ValidationError("The meeting has been held: its agenda can no longer change.")
    if meeting.status == Meeting.Status.WITH_CHAIR:
        raise ValidationError(
            "The agenda is with the chair for agreement: its items do not change while the chair reads it. Take the "
            "agenda back from the chair to change it, then send it again."
        )
    if meeting.is_called_off:
        raise ValidationError(
            f"The meeting is {meeting.get_status_display().lower()}: its agenda does not change until it is "
            "rescheduled (or change the agenda of its replacement meeting)."
        )


def _agenda_changed(meeting: Meeting) -> bool:
    """A change after the chair agreed the agenda needs agreeing again; returns True when that happened."""
    if meeting.status == Meeting.Status.AGENDA_AGREED:
        meeting.status = Meeting.Status.DRAFT
        meeting.agenda_agreed_by = None
        meeting.agenda_agreed_at = None
        meeting.save(update_fields=["status", "agenda_agreed_by", "agenda_agreed_at"])
        MeetingStatusChange.objects.create(  # recorded like a step of meetings/lifecycle.py (the caller holds the lock)
            meeting=meeting,
            action="agenda-changed",
            from_status=Meeting.Status.AGENDA_AGREED,
            to_status=Meeting.Status.DRAFT,
            reason="The agenda changed after the chair agreed it: the chair agrees it again.",
        )
        return True
    return False


def _next_position(meeting: Meeting, section: str) -> int:
    return (meeting.items.filter(section=section).aggregate(m=Max("position"))["m"] or 0) + 1


def _renumber(meeting: Meeting, section: str) -> None:
    items = list(meeting.items.filter(section=section).order_by("position", "pk"))
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def agenda_item_save(*, item: AgendaItem, old_section: str | None = None, lock: RecordLock | None = None) -> bool:
    """Add or update an item, coding it at the end of its section; True if the chair must agree again.

    A change of the item's restriction (who may see it) withdraws every pack holding it, in this transaction.
    With `lock` (an edit form's), a change someone else saved since the form was opened raises StaleRecord.
    """
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    if lock is not None:
        lock.check(item)
    agenda_open_check(meeting)
    item_section_check(item, meeting.committee)
    before = AgendaItem.objects.filter(pk=item.pk).values("restriction_reason", "title", "title_withheld").first()
    was = before["restriction_reason"] if before else None
    if item.pk is None or old_section != item.section:
        item.position = _next_position(meeting, item.section)
    if item.pk is None:
        item.is_supplementary = meeting.is_published
    if not item.is_restricted:
        item.title_withheld = False
    elif was == access.DHR_REASON and not item.is_dhr:
        item.title_withheld = True  # a DHR title was never public: leaving DHR does not list it (a later edit may)
    if not item.is_dhr:
        item.public_title = ""
    item.full_clean()
    item.save()
    if was is not None and was != item.restriction_reason:
        packs_withdraw_holding(items=[item], reason=f"Who may see item {item.code} changed (its restriction).")
    if before and access.is_restricted(was) and _listed(before) != item.listed_title:
        packs_withdraw_public_listing(meeting=meeting, reason=f"The public title of item {item.code} changed.")
    if old_section and old_section != item.section:
        _renumber(meeting, old_section)
    packs_refresh_if_published(meeting)
    return _agenda_changed(meeting)


def _listed(values: dict) -> str:
    return listed_title(values["restriction_reason"], values["title_withheld"], "", values["title"])


def item_section_check(item: AgendaItem, committee: Committee) -> None:
    """The item's section must be one of the committee's; a restricted section takes restricted items only.
    Raises ValidationError naming the rule."""
    restricted = section_restricted(committee, item.section)
    if restricted is None:
        raise ValidationError({"section": "Select one of the committee's sections"})
    if restricted and not item.is_restricted:
        raise ValidationError(
            {
                "restriction_reason": f"Select why the item is restricted: items in section {item.section} are "
                "restricted (or move it to another section)"
            }
        )


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: str) -> bool:
    """Swap an item with its neighbour in the section; codes follow the new order."""
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    agenda_open_check(meeting)
    step = -1 if direction == "up" else 1
    neighbour = meeting.items.filter(section=item.section, position=item.position + step).first()
    if neighbour is None:
        return False
    # Three steps through a spare position, so the swap also works where constraints cannot be deferred.
    mine, theirs = item.position, neighbour.position
    item.position = 32000
    item.save(update_fields=["position"])
    neighbour.position = mine
    neighbour.save(update_fields=["position"])
    item.position = theirs
    item.save(update_fields=["position"])
    _agenda_changed(meeting)
    packs_refresh_if_published(meeting)
    return True


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    agenda_open_check(meeting)
    if meeting.is_published:
        raise ValidationError("The agenda has been published: items can no longer be removed.")
    if item.minutes.exists():
        raise ValidationError("This item has minutes and cannot be removed.")
    section = item.section
    packs_withdraw_holding(items=[item], reason=f"Item {item.code} was removed from the agenda.")
    item.delete()
    _renumber(meeting, section)
    _agenda_changed(meeting)
    packs_refresh_if_published(meeting)


def agenda_agree(*, meeting: Meeting, chair: User) -> Meeting:
    """The chair agrees the agenda (the "agree" step of meetings/lifecycle.py)."""
    return meeting_step(meeting=meeting, action="agree", user=chair)


def meeting_publish(*, meeting: Meeting, user: User | None = None, published_on=None) -> Meeting:
    """Publish the agreed agenda: packs built, members told (the "publish" step of meetings/lifecycle.py).
    `published_on` (a date) is for a past meeting's agenda entered after the event: the date it was really
    published (lifecycle.published_on_check: not in the future, not after the meeting); the step's reason records
    that it was entered afterwards. None publishes now. ValidationError naming the rule otherwise."""
    reason = ""
    if published_on is not None:
        today = timezone.localdate()
        reason = f"Agenda published on {published_on:%-d %B %Y}; recorded here after the event on {today:%-d %B %Y}."
    return meeting_step(meeting=meeting, action="publish", user=user, reason=reason, published_on=published_on)


def meeting_mark_held(*, meeting: Meeting, user: User | None = None) -> Meeting:
    """Record that a published meeting took place (the "held" step of meetings/lifecycle.py)."""
    return meeting_step(meeting=meeting, action="held", user=user)


@transaction.atomic
def paper_save(*, paper: Paper, user: User | None = None) -> Paper:
    """Papers added once the agenda is out are supplementary. A paper moved to another item is withdrawn
    from every pack holding it, in this transaction (the other item may be seen by other people). A new uploaded
    paper's stored file (saved to the field before this) is checked for tags: `untagged` (uploads.upload_untagged)."""
    is_new = paper.pk is None
    if is_new:  # supplementary once the agenda has gone out, even while the meeting is postponed
        published = Meeting.objects.filter(pk=paper.item.meeting_id, published_at__isnull=False)
        paper.is_supplementary = published.exists()
        paper.created_by = user
        if paper.format == Paper.Format.UPLOADED and paper.file:
            with paper.file.open("rb") as stored:
                paper.untagged = upload_untagged(stored, paper.file_kind)
    else:
        was_on = Paper.objects.filter(pk=paper.pk).values_list("item_id", flat=True).first()
        if was_on != paper.item_id:
            packs_withdraw_holding(papers=[paper], reason=f"Paper {paper.pk} moved to another agenda item.")
    paper.save()
    if is_new and paper.is_supplementary:
        _notify_on_commit("supplementary_paper_task", paper.pk)
    packs_refresh_if_published(paper.item.meeting)
    return paper


APPENDIX_PREFIX = re.compile(r"^\s*appendix\s+[a-z0-9]{1,3}\s*(?:[:.\-–—)]\s*|\s+)(?=\S)", re.IGNORECASE)


def appendix_title(title: str) -> str:
    """`title` without an "Appendix B:" the officer typed: the app numbers appendices itself ("Appendix B: Plan"),
    so the typed one would print twice. A title that is only "Appendix B" is kept as typed."""
    return APPENDIX_PREFIX.sub("", title.strip(), count=1)


@transaction.atomic
def appendix_add(*, paper: Paper, title: str, file, original_name: str, file_kind: str) -> Appendix:
    """The paper's next lettered appendix from the cleaned upload `file` ("pdf" or "docx" `file_kind`), its text
    kept for search and an untagged PDF marked `untagged` (uploads.upload_untagged); published packs rebuilt."""
    Paper.objects.select_for_update().get(pk=paper.pk)
    letter = chr(ord("A") + paper.appendices.count())
    packs_refresh_if_published(paper.item.meeting)
    return Appendix.objects.create(
        paper=paper,
        letter=letter,
        title=appendix_title(title),
        file=file,
        original_name=original_name,
        file_kind=file_kind,
        extracted_text=extract_text(file, file_kind),
        untagged=upload_untagged(file, file_kind),
    )


@transaction.atomic
def apologies_send(*, meeting: Meeting, person: Person) -> Attendance:
    """A member sends apologies before the meeting; the contact officer sees them on the meeting page."""
    if meeting.starts_at <= timezone.now():
        raise ValidationError("The meeting has started: apologies can no longer be sent online.")
    if meeting.is_called_off:
        raise ValidationError(f"The meeting is {meeting.get_status_display().lower()}: no apologies are needed.")
    membership = Membership.objects.current(meeting.date).filter(committee=meeting.committee, person=person).first()
    if membership is None:
        raise ValidationError("Only members of this committee can send apologies.")
    Meeting.objects.select_for_update().get(
        pk=meeting.pk
    )  # one writer of the register at a time (meetings/register.py)
    attendance, _ = Attendance.objects.update_or_create(
        meeting=meeting,
        person=person,
        defaults={"kind": Attendance.Kind.APOLOGIES, "organisation": membership.organisation, "sent_online": True},
        create_defaults={
            "kind": Attendance.Kind.APOLOGIES,
            "organisation": membership.organisation,
            "sent_online": True,
            "name_as_recorded": person.display_name,
        },
    )
    _notify_on_commit("apologies_task", attendance.pk)
    return attendance
