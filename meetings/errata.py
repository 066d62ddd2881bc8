"""Errata to signed minutes: a correction after signing is a separate dated, reasoned and signed note, never an edit.

The rule (issue 14; DOMAIN.md "Minutes"): once signed, the record never changes (meetings/freeze.py). A
correction is recorded as an erratum, shown beside the signed record on the minutes page; the signed PDF stays
the record as signed. An erratum is signed by the committee's chair: the account (with the approve-minutes
permission) of the person in the chair of the meeting that approved the minutes, or of a person holding a
current chair or vice-chair office of the committee. It keeps that person's name as it stands when they sign.
Errata are never edited or deleted: there is no page, service or admin for either.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kcsp.models import Person, User

from .models import Erratum, Meeting, Minute, OfficeTerm
from .numbering import meeting_lock
from .signing import chairing

OFFICE_CAPACITY = {OfficeTerm.Office.CHAIR: "Chairman", OfficeTerm.Office.VICE_CHAIR: "Vice-Chairman"}


def erratum_signatory(meeting: Meeting, user) -> tuple[Person, str] | None:
    """(person, "name, capacity") when `user` may sign an erratum to `meeting`'s signed minutes, else None.

    Their person must hold a current chair or vice-chair office of the meeting's committee ("Mr J Rivers,
    Chairman"), or have been in the chair of the meeting that approved the minutes ("…, in the Chair on 14 July
    2022"). The name is the person's as it stands now."""
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    if person is None or not user.has_perm("meetings.approve_minutes") or meeting.minutes_signed_at is None:
        return None
    term = (
        OfficeTerm.objects.current(timezone.localdate())
        .filter(committee_id=meeting.committee_id, person=person, office__in=list(OFFICE_CAPACITY))
        .order_by("office")
        .first()
    )
    if term is not None:
        return person, f"{person.display_name}, {OFFICE_CAPACITY[term.office]}"
    at = meeting.minutes_approved_at_meeting
    chair = chairing(at) if at is not None else None
    if chair is not None and chair[0].pk == person.pk:
        return person, f"{person.display_name}, in the Chair on {timezone.localtime(at.starts_at):%-d %B %Y}"
    return None


@transaction.atomic
def erratum_record(
    *,
    meeting: Meeting,
    user: User,
    minute: Minute | None,
    text: str,
    reason: str,
    made_on: datetime.date,
) -> Erratum:
    """Record an erratum to `meeting`'s signed minutes, about one `minute` of it or (None) the minutes as a whole.

    `text` is the correction, `reason` why it is made, `made_on` its date. Refuses (ValidationError naming the
    rule, nothing saved): minutes not signed; `user` not the committee's chair (`erratum_signatory`); a minute
    of another meeting or one the user may not read; no correction or no reason; a date before the minutes
    were signed or after today. Stores the signatory as they stand now and the account that recorded it.
    """
    meeting = meeting_lock(meeting.pk)
    if meeting.minutes_signed_at is None:
        raise ValidationError(
            "Errata are recorded only against signed minutes: draft minutes are corrected by editing them."
        )
    signatory = erratum_signatory(meeting, user)
    if signatory is None:
        raise ValidationError(
            f"An erratum is signed by the chair of the {meeting.committee}: the chair or vice-chair in office, or "
            "the person who chaired the meeting that approved these minutes. Your account is not theirs."
        )
    if minute is not None and (
        minute.meeting_id != meeting.pk or not Minute.objects.visible_to(user).filter(pk=minute.pk).exists()
    ):
        raise ValidationError("Choose one of this meeting's minutes, or none for the minutes as a whole.")
    text, reason = (text or "").strip(), (reason or "").strip()
    if not text:
        raise ValidationError("Enter the correction.")
    if not reason:
        raise ValidationError("Enter why the correction is made: every erratum gives its reason.")
    signed_on = timezone.localtime(meeting.minutes_signed_at).date()
    if made_on < signed_on:
        raise ValidationError(
            f"An erratum is dated on or after the day the minutes were signed ({signed_on:%-d %B %Y})."
        )
    if made_on > timezone.localdate():
        raise ValidationError("An erratum cannot be dated in the future.")
    person, name = signatory
    erratum = Erratum(
        meeting=meeting,
        minute=minute,
        text=text,
        reason=reason,
        made_on=made_on,
        signed_by_person=person,
        signed_by_name=name[:200],
        recorded_by=user,
    )
    erratum.full_clean()
    erratum.save()
    return erratum
