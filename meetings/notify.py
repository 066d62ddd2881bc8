"""E-mails about draft minutes, sent once the change is committed and through the notices everyone can switch off:
those who attended hear that the draft is circulated, the contact officer that an amendment is proposed, the
proposer that it is decided. Links only, never a minute's wording (a restricted minute's must not leave the site).
"""

from django.db import transaction
from django.urls import reverse

from kcsp import roles
from kcsp.models import User
from notifications import kinds
from notifications.services import absolute, send_each

from .access import ATTENDED_KINDS


def _on_commit_each(notices: list[dict]) -> int:
    if notices:
        transaction.on_commit(lambda: send_each(notices))
    return len(notices)


def circulation_period(meeting) -> str:
    """One circulation of a meeting's minutes: a second circulation is a new period, so it is sent again."""
    return f"circulated-{meeting.minutes_circulated_at:%Y%m%d%H%M%S%f}"


def attendee_accounts(meeting) -> list[User]:
    """Active accounts, holding a role, of the people recorded as attending `meeting` (access.ATTENDED_KINDS):
    those who may read its circulated draft minutes."""
    return list(
        User.objects.filter(
            is_active=True,
            person__attendance__meeting=meeting,
            person__attendance__kind__in=ATTENDED_KINDS,
            groups__name__in=roles.ALL_ROLES,
        )
        .select_related("person")
        .distinct()
        .order_by("email")
    )


def minutes_circulated(meeting) -> int:
    """Tell each attendee with an account that the draft minutes are out (on commit); returns how many."""
    if meeting.minutes_circulated_at is None:
        return 0
    url = absolute(reverse("meetings:minutes", args=[meeting.pk]))
    return _on_commit_each(
        [
            {
                "kind": kinds.MINUTES_CIRCULATED,
                "about": meeting,
                "recipient": user.email,
                "period": circulation_period(meeting),
                "subject": f"Draft minutes for your comments: {meeting}",
                "template": "minutes_circulated",
                "context": {"meeting": meeting, "url": url, "name": str(user.person)},
            }
            for user in attendee_accounts(meeting)
        ]
    )


def _contact_addresses(meeting) -> list[str]:
    if meeting.contact_email:
        return [meeting.contact_email]
    officers = User.objects.filter(is_active=True, groups__name=roles.OFFICER).values_list("email", flat=True)
    return sorted(set(officers))


def amendment_proposed(amendment) -> int:
    """The meeting's contact officer (officers, if it names no address) hears of a new proposal (on commit)."""
    minute = amendment.minute
    meeting = minute.meeting
    context = {
        "amendment": amendment,
        "minute": minute,
        "meeting": meeting,
        "restricted": minute.is_restricted,  # marks the e-mail OFFICIAL-SENSITIVE (notifications.services.notice_mail)
        "url": absolute(reverse("meetings:amendment_decide", args=[amendment.pk])),
    }
    return _on_commit_each(
        [
            {
                "kind": kinds.AMENDMENT_PROPOSED,
                "about": amendment,
                "recipient": email,
                "period": "",
                "subject": f"Amendment proposed to minute {minute.number}: {meeting}",
                "template": "amendment_proposed",
                "context": context,
            }
            for email in _contact_addresses(meeting)
        ]
    )


def amendment_decided(amendment) -> int:
    """The proposer hears whether their amendment was accepted or rejected (on commit); the reason is given only
    for a minute of an unrestricted item."""
    proposer = amendment.proposed_by
    if not proposer.is_active:
        return 0
    minute = amendment.minute
    meeting = minute.meeting
    context = {
        "amendment": amendment,
        "minute": minute,
        "meeting": meeting,
        "restricted": minute.is_restricted,
        "name": amendment.proposer_name,
        "url": absolute(f"{reverse('meetings:minutes', args=[meeting.pk])}#minute-{minute.number}"),
    }
    return _on_commit_each(
        [
            {
                "kind": kinds.AMENDMENT_DECIDED,
                "about": amendment,
                "recipient": proposer.email,
                "period": amendment.status,
                "subject": f"Your amendment to minute {minute.number} is {amendment.get_status_display().lower()}: "
                f"{meeting}",
                "template": "amendment_decided",
                "context": context,
            }
        ]
    )


def meeting_changed_recipients(meeting) -> list:
    """Who hears that a meeting moved or was called off: the committee's current members (on the meeting's date)
    and everyone who sent apologies for it, each once (notifications.services.person_address: their login address,
    else the address on their record)."""
    from notifications.services import person_address

    from .models import Attendance, Membership

    people = [m.person for m in Membership.objects.current(meeting.date).filter(committee=meeting.committee)]
    apologies = Attendance.objects.filter(meeting=meeting, kind=Attendance.Kind.APOLOGIES, person__isnull=False)
    people += [row.person for row in apologies.select_related("person__user")]
    addresses = {}
    for person in people:
        address = person_address(person)
        if address is not None:
            addresses.setdefault(address.email.strip().lower(), address)
    return sorted(addresses.values(), key=lambda a: a.email)


def meeting_changed(change) -> int:
    """Tell members and apologies senders that `change` (a MeetingStatusChange: rescheduled, postponed, cancelled)
    happened, on commit, once each (SentNotice about the change). The link is the meeting's page once its agenda
    was published, else the calendar (a draft's page is not theirs to open). Returns how many are queued."""
    if change is None:
        return 0
    meeting = change.meeting
    link = meeting.get_absolute_url() if meeting.published_at else reverse("meetings:calendar")
    verb = {"reschedule": "moved", "postpone": "postponed", "cancel": "cancelled"}.get(change.action, "changed")
    context = {"meeting": meeting, "change": change, "verb": verb, "url": absolute(link)}
    return _on_commit_each(
        [
            {
                "kind": kinds.MEETING_CHANGED,
                "about": change,
                "recipient": address.email,
                "period": "",
                "subject": f"Meeting {verb}: {meeting.committee}, {change.was.split(',')[0] or meeting.date}",
                "template": "meeting_changed",
                "context": {**context, "name": address.name},
            }
            for address in meeting_changed_recipients(meeting)
        ]
    )
