"""Chairs' and vice-chairs' terms of office: added, ended and corrected by officers (issue 15).

Rules (DOMAIN.md "Bodies"; a committee has one chair and one vice-chair at a time):
- no two terms of the same office on a committee overlap (an open-ended term runs on for ever);
- a term ends on or after the day it starts;
- a term under which its holder signed minutes (meetings/signing.py `chairing` reads the terms when no register
  names who was in the chair) keeps its holder and still covers the day of the meeting at which they signed.
  The signed record itself never changes: it stores the name and capacity as signed (meetings/freeze.py).
A term ended early is simply a term whose end date is before the one first planned: the history keeps both.
Each service raises ValidationError naming the rule (a dict of field -> message where a field is at fault).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from kcsp import roles
from kcsp.models import User

from .models import Committee, Meeting, OfficeTerm


def _span(term: OfficeTerm) -> str:
    ends = f"to {term.ends_on:%-d %B %Y}" if term.ends_on else "with no end date"
    return f"from {term.starts_on:%-d %B %Y} {ends}"


def office_term_overlapping(term: OfficeTerm, same_person_other_office: bool = False):
    """Other terms of the same office on the same committee whose dates overlap `term`'s (or, with
    `same_person_other_office`, the holder's overlapping terms of the other office: nobody is chair and vice-chair
    at once)."""
    others = OfficeTerm.objects.filter(committee_id=term.committee_id).exclude(pk=term.pk)
    if same_person_other_office:
        others = others.filter(person_id=term.person_id).exclude(office=term.office)
    else:
        others = others.filter(office=term.office)
    if term.ends_on is not None:
        others = others.filter(starts_on__lte=term.ends_on)
    return others.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=term.starts_on)).select_related("person")


def signed_under(term: OfficeTerm) -> list[Meeting]:
    """Meetings of the term's committee whose minutes were signed by the term's holder at a meeting held while the
    term (as saved) ran: the record they signed names them in that office."""
    saved = OfficeTerm.objects.filter(pk=term.pk).first() if term.pk else None
    if saved is None:
        return []
    signed = Meeting.objects.filter(
        committee_id=saved.committee_id,
        minutes_signed_at__isnull=False,
        minutes_signed_by_person_id=saved.person_id,
        minutes_approved_at_meeting__starts_at__date__gte=saved.starts_on,
    ).select_related("minutes_approved_at_meeting")
    if saved.ends_on is not None:
        signed = signed.filter(minutes_approved_at_meeting__starts_at__date__lte=saved.ends_on)
    return list(signed.order_by("starts_at"))


def committees_in_the_chair(user: User, on: datetime.date | None = None):
    """Ids of the committees (a subquery, not a list) whose chair, by office on `on` (today by default), is the
    person linked to `user`: their chair, or their vice-chair while the committee has no chair in office who can
    agree online (DOMAIN.md "Bodies": the vice-chair takes the chair in the chair's absence; the demo's KCSP, as in
    its 2022 papers, has a Vice-Chairman and no Chairman in office). The same rule picks who is e-mailed to agree an
    agenda (meetings/chair_agreement.py `chair_addresses`): a chair with no active account in the chair role
    cannot agree online, so the vice-chair is asked, and sees the agenda waiting on their home page."""
    current = OfficeTerm.objects.current(on)
    chair_in_office = current.filter(
        committee_id=OuterRef("committee_id"),
        office=OfficeTerm.Office.CHAIR,
        person__user__is_active=True,
        person__user__groups__name=roles.CHAIR,
    )
    mine = current.filter(person__user=user)
    return mine.filter(
        Q(office=OfficeTerm.Office.CHAIR) | Q(office=OfficeTerm.Office.VICE_CHAIR) & ~Exists(chair_in_office)
    ).values("committee")


def _check(term: OfficeTerm) -> None:
    if term.ends_on is not None and term.starts_on is not None and term.ends_on < term.starts_on:
        raise ValidationError({"ends_on": "The end date must be the same as or after the start date"})
    clash = office_term_overlapping(term).first()
    if clash is not None:
        raise ValidationError(
            {
                "starts_on": f"{clash.person.display_name} is {clash.get_office_display()} of the committee "
                f"{_span(clash)}: a committee has one {clash.get_office_display().lower()} at a time. End or "
                "correct that term first, or choose dates that do not overlap it"
            }
        )
    both = office_term_overlapping(term, same_person_other_office=True).first()
    if both is not None:
        raise ValidationError(
            {
                "person": f"{both.person.display_name} is {both.get_office_display()} of the committee {_span(both)}: "
                "one person cannot hold both offices at once. End that term first, or choose dates that do not "
                "overlap it"
            }
        )
    for meeting in signed_under(term):
        at = meeting.minutes_approved_at_meeting
        day = at.starts_at.date() if at is not None else None
        covers = day is not None and term.starts_on <= day and (term.ends_on is None or day <= term.ends_on)
        saved_person = OfficeTerm.objects.filter(pk=term.pk).values_list("person_id", flat=True).first()
        if term.person_id != saved_person or not covers:
            raise ValidationError(
                f"{meeting.minutes_signed_name} signed the minutes of {meeting} at the meeting on "
                f"{day:%-d %B %Y} under this term: it must keep its holder and cover that day. The signed minutes "
                "do not change; if the term itself was wrong, record an erratum to those minutes"
            )


@transaction.atomic
def office_term_add(*, committee: Committee, term: OfficeTerm, user: User | None = None) -> OfficeTerm:
    """Record a chair's or vice-chair's term on `committee` (rules: module docstring)."""
    Committee.objects.select_for_update().get(pk=committee.pk)  # one writer of a committee's terms at a time
    term.committee = committee
    _check(term)
    if user is not None:
        term._history_user = user
    term.save()
    return term


@transaction.atomic
def office_term_save(*, term: OfficeTerm, user: User | None = None, lock=None) -> OfficeTerm:
    """Correct a term's holder, office or dates (rules: module docstring). `lock` (kcsp.locking.RecordLock) checks
    the version the edit page was opened on, after the committee's lock."""
    Committee.objects.select_for_update().get(pk=term.committee_id)
    if lock is not None:
        lock.check(term)
    _check(term)
    if user is not None:
        term._history_user = user
    term.save()
    return term


@transaction.atomic
def office_term_end(
    *, term: OfficeTerm, ends_on: datetime.date, user: User | None = None, opened_ends_on: datetime.date | None = None
) -> OfficeTerm:
    """End `term` on `ends_on` (before its planned end: ended early). Refuses a date before the term started or a
    term someone else ended or re-dated since the page was opened (`opened_ends_on`: its end date then)."""
    Committee.objects.select_for_update().get(pk=term.committee_id)
    saved = OfficeTerm.objects.select_for_update().get(pk=term.pk)
    if saved.ends_on != opened_ends_on:
        now = f"{saved.ends_on:%-d %B %Y}" if saved.ends_on else "no end date"
        raise ValidationError(f"Someone else changed this term's end date since you opened it: it now has {now}.")
    saved.ends_on = ends_on
    _check(saved)
    if user is not None:
        saved._history_user = user
    saved.save(update_fields=["ends_on"])
    return saved
