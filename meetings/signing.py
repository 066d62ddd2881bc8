"""Approving and signing minutes, and the frozen record that signing makes.

The rule (DOMAIN.md "Minutes"; issue 14): draft minutes are agreed "as a correct record" at a later meeting of
the same committee that has been held, and signed by the person who chaired that meeting (recorded as a Person
of the committee, with their name and capacity as they stood, not whichever account clicked). A chair's account
signs only for the person it belongs to. Signing freezes the record (meetings/freeze.py): each part of the minutes
(public, restricted, DHR) is written to SignedMinutes.content and its PDF is built from that content.
"""

import hashlib
import json
import re

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from kcsp.models import Person, User
from kcsp.queueing import send

from .freeze import minutes_frozen_check
from .models import AgendaItem, Attendance, Meeting, MinuteAmendment, OfficeTerm, SignedMinutes
from .numbering import committee_lock
from .record import KINDS, approval_record, minutes_record

IN_THE_CHAIR = (
    Attendance.Capacity.CHAIR,
    Attendance.Capacity.VICE_CHAIR_IN_CHAIR,
    Attendance.Capacity.IN_CHAIR,
)


def content_hash(content: dict) -> str:
    """SHA-256 of the record's canonical JSON (sorted keys, no spaces): the same content, the same hash."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def chairing(meeting: Meeting) -> tuple[Person, str] | None:
    """Who chaired `meeting`: (person, "name, capacity") from its attendance (the person recorded in the chair);
    if no attendance was recorded at all, the committee's chair by office on the meeting's date, else its
    vice-chair (who chairs when there is no chair); None otherwise (record who took the chair on the register)."""
    row = (
        meeting.attendance.filter(capacity__in=IN_THE_CHAIR, kind=Attendance.Kind.PRESENT)
        .select_related("person")
        .first()
    )
    if row is not None:
        name = row.name_as_recorded or row.person.display_name
        return row.person, f"{name}, {row.get_capacity_display()}"
    if meeting.attendance.exists():
        return None  # the register was kept and names nobody in the chair: the office holder may not have been there
    terms = OfficeTerm.objects.current(meeting.date).filter(committee_id=meeting.committee_id).select_related("person")
    for office, capacity in ((OfficeTerm.Office.CHAIR, "Chairman"), (OfficeTerm.Office.VICE_CHAIR, "Vice-Chairman")):
        term = terms.filter(office=office).first()
        if term is not None:
            return term.person, f"{term.person.display_name}, {capacity}"
    return None


def approving_meetings(meeting: Meeting):
    """Meetings that may approve `meeting`'s minutes: later meetings of the committee that have been held."""
    return Meeting.objects.filter(
        committee_id=meeting.committee_id,
        starts_at__gt=meeting.starts_at,
        starts_at__lte=timezone.now(),
        status__in=(Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED),
    ).select_related("committee")


# The agenda item on which the minutes of the previous meeting are agreed: "Notes of meeting held on 18 November
# 2021" (item A4 of the partnership's agendas), "Minutes of the last meeting".
NOTES_ITEM_TITLE = re.compile(r"^\s*(notes|minutes)\s+of\b", re.IGNORECASE)


def previous_minuted_meeting(meeting: Meeting) -> Meeting | None:
    """The latest earlier meeting of the committee that has minutes: the one whose minutes `meeting` agrees."""
    earlier = Meeting.objects.filter(committee_id=meeting.committee_id, starts_at__lt=meeting.starts_at)
    return earlier.filter(minutes__isnull=False).distinct().order_by("-starts_at").first()


def notes_item_approves(item: AgendaItem | None) -> Meeting | None:
    """For a minute on `item`: the meeting whose minutes it agrees when the item is the "Notes of …" item (the
    default the minute form offers for "This minute agrees the minutes of"), else None."""
    if item is None or item.is_restricted or not NOTES_ITEM_TITLE.match(item.title):
        return None
    return previous_minuted_meeting(item.meeting)


def notes_item_to_minute(meeting: Meeting) -> AgendaItem | None:
    """The meeting's "Notes of …" item when it has no minute yet and an earlier meeting has minutes to agree."""
    for item in meeting.items.filter(minutes__isnull=True).order_by("section", "position"):
        if notes_item_approves(item) is not None:
            return item
    return None


@transaction.atomic
def minutes_approve(*, meeting: Meeting, at_meeting: Meeting, user: User) -> Meeting:
    """Record that `at_meeting` agreed `meeting`'s minutes as a correct record, signed by its chair; freeze them
    (the "approve-minutes" step of meetings/lifecycle.py, recorded with who and when).

    Refuses (ValidationError naming the rule, nothing changed): minutes already signed; the meeting not held or
    with no minutes; `at_meeting` not a later, held meeting of the same committee; amendments still undecided;
    nobody recorded in the chair of `at_meeting`; `user` not the account of the person who chaired it.
    Queues the PDF of each part of the record on commit (meetings.tasks.signed_minutes_render_task).
    """
    from .lifecycle import meeting_step

    committee_lock(meeting.committee_id)  # no renumbering of these minutes while they are frozen (numbering.py)
    return meeting_step(meeting=meeting, action="approve-minutes", user=user, at_meeting=at_meeting)


def minutes_approve_effect(meeting: Meeting, step, *, user: User, reason: str, at_meeting: Meeting):
    """The rules of approving and signing (minutes_approve); sets the signature, and freezes the record once the
    step is recorded."""
    from .lifecycle import Outcome

    minutes_frozen_check(meeting)
    if not meeting.minutes.exists():
        raise ValidationError("There are no minutes to approve.")
    if not approving_meetings(meeting).filter(pk=at_meeting.pk).exists():
        raise ValidationError(
            "Minutes are approved at a later meeting of the same committee that has been held: "
            f"{at_meeting} is not one (mark it as held first if it has taken place)."
        )
    undecided = MinuteAmendment.objects.filter(minute__meeting=meeting, status=MinuteAmendment.Status.PROPOSED)
    if undecided.exists():
        raise ValidationError(
            f"{undecided.count()} proposed amendment(s) to these minutes are not yet accepted or rejected: "
            "the clerk decides each before the minutes are approved."
        )
    chair = chairing(at_meeting)
    if chair is None:
        raise ValidationError(
            f"Nobody is recorded in the chair of the meeting on {at_meeting.date:%-d %B %Y} and the committee has "
            "no chair: record who took the chair on that meeting's attendance register first."
        )
    person, signed_name = chair
    if getattr(user, "person", None) != person:
        raise ValidationError(
            f"These minutes are signed by the person who chaired the meeting on {at_meeting.date:%-d %B %Y}: "
            f"{signed_name}. Your account is not theirs."
        )
    meeting.minutes_approved_at_meeting = at_meeting
    meeting.minutes_signed_by, meeting.minutes_signed_at = user, timezone.now()
    meeting.minutes_signed_by_person, meeting.minutes_signed_name = person, signed_name
    return Outcome(after=lambda meeting: minutes_freeze(meeting=meeting))


def _signing(meeting: Meeting) -> None:
    """Tell PostgreSQL this transaction signs `meeting`: the one time its signed records may be inserted
    (migration 0024's trigger refuses any other insert)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('kcsp.signing_meeting', %s, true)", [str(meeting.pk)])


def minutes_freeze(*, meeting: Meeting) -> list[SignedMinutes]:
    """Write the signed record of each part of `meeting`'s minutes that has minutes, and queue their PDFs (sent
    after commit; one the broker never got is sent again by signedpdf.signed_minutes_render_pending). The
    public part's PDF is the one approved-minutes PDF of the meeting: there is no separate minutes pack."""
    from .tasks import signed_minutes_render_task

    approval = approval_record(meeting)
    _signing(meeting)
    records = []
    for kind in KINDS:
        content = minutes_record(meeting, kind, approval=approval)
        if not (content["minutes"] or content["declarations"]):
            continue
        record = SignedMinutes.objects.create(
            meeting=meeting,
            kind=kind,
            content=content,
            content_sha256=content_hash(content),
            signed_at=meeting.minutes_signed_at,
        )
        transaction.on_commit(lambda pk=record.pk: send(signed_minutes_render_task, (pk,)))
        records.append(record)
    return records
