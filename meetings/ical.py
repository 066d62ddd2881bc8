"""The meetings as iCalendar (RFC 5545): the public feed, each person's private feed and one meeting's file.

Every file is one VCALENDAR with PRODID, VERSION:2.0 and CALSCALE:GREGORIAN, no METHOD (a published feed, not an
iTIP message), the Europe/London VTIMEZONE (always, so even an empty feed holds the one component RFC 5545 3.6
requires) and one VEVENT a meeting. meetings/ical_checks.py checks the bytes against the RFC's rules.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from kcsp.downloads import Outgoing, Sensitivity, file_send

from .models import Meeting

LONDON = "Europe/London"
PRODID = "-//Kent Community Safety Partnership//Meetings//EN"


def uid_domain() -> str:
    """The right-hand side of every UID: the host of settings.SITE_URL ("kcsp.kent.gov.uk"), never the request's
    host, so a meeting's UID is the same whichever address the calendar was fetched from (RFC 5545 3.8.4.7)."""
    return (urlsplit(settings.SITE_URL).hostname or "localhost").lower()


def meeting_uid(meeting: Meeting) -> str:
    """ "meeting-<pk>@<site host>": a meeting keeps it for good (a moved meeting is the same event, SEQUENCE
    one more)."""
    return f"meeting-{meeting.pk}@{uid_domain()}"


def london_timezone() -> Timezone:
    """The VTIMEZONE for Europe/London (RFC 5545 3.6.5) as UK law has run it since 1996 (the Summer Time Order
    2002, following EU Directive 2000/84/EC): British Summer Time, +0100, from 01:00 GMT on the last Sunday of
    March to 01:00 GMT (02:00 BST) on the last Sunday of October; each observance's DTSTART is local time in its
    TZOFFSETFROM, as 3.6.5 requires. Tested against the tz database (meetings/tests/test_ical_standard.py). Not
    icalendar's Timezone.from_tzid: its Europe/London (icalendar 7.3) puts every change of offset an hour late (DTSTART
    03:00 local), which that test catches."""
    zone = Timezone()
    zone.add("tzid", LONDON)
    summer = TimezoneDaylight()
    summer.add("tzname", "BST")
    summer.add("tzoffsetfrom", datetime.timedelta(0))
    summer.add("tzoffsetto", datetime.timedelta(hours=1))
    summer.add("dtstart", datetime.datetime(1996, 3, 31, 1, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "GMT")
    winter.add("tzoffsetfrom", datetime.timedelta(hours=1))
    winter.add("tzoffsetto", datetime.timedelta(0))
    winter.add("dtstart", datetime.datetime(1996, 10, 27, 2, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def event_status(meeting: Meeting) -> str:
    """RFC 5545 3.8.1.11: CANCELLED for a cancelled or postponed meeting (kept, so calendars strike it out),
    CONFIRMED once published, TENTATIVE before (a draft only staff can see)."""
    if meeting.is_called_off:
        return "CANCELLED"
    return "CONFIRMED" if meeting.is_published else "TENTATIVE"


def meeting_event(meeting: Meeting, page_url: str) -> Event:
    """One VEVENT. DTSTART and DTEND are London wall-clock times with TZID=Europe/London (a 10:00 meeting in July
    is 09:00Z, in January 10:00Z); DTSTAMP and LAST-MODIFIED are the meeting's last change in UTC (3.8.7.2: with
    no METHOD, DTSTAMP is when the event was last revised); SEQUENCE is Meeting.sequence (3.8.7.4)."""
    changed = meeting.updated_at.astimezone(datetime.UTC)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", changed)
    called_off = f"{meeting.get_status_display().upper()}: " if meeting.is_called_off else ""
    event.add("summary", f"{called_off}{meeting.committee}")
    event.add("dtstart", timezone.localtime(meeting.starts_at, timezone.get_default_timezone()))
    event.add("dtend", timezone.localtime(meeting.ends, timezone.get_default_timezone()))
    event.add("last-modified", changed)
    event.add("sequence", meeting.sequence)
    event.add("status", event_status(meeting))
    event.add("location", meeting.venue or meeting.get_venue_kind_display())
    event.add("url", page_url)
    return event


def calendar_bytes(meetings, name: str, page_url) -> bytes:
    """The VCALENDAR of `meetings` (a Meeting queryset or list), earliest first; `page_url(meeting)` gives each
    meeting page's absolute address. Folded at 75 octets with CRLF line ends (RFC 5545 3.1, by icalendar)."""
    if settings.TIME_ZONE != LONDON:  # the VTIMEZONE written below describes London, and only London
        raise ValueError(f"the iCal feeds write {LONDON} times but TIME_ZONE is {settings.TIME_ZONE}")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", LONDON)
    calendar.add_component(london_timezone())
    for meeting in sorted(meetings, key=lambda m: (m.starts_at, m.pk)):
        calendar.add_component(meeting_event(meeting, page_url(meeting)))
    return calendar.to_ical()


def ical_response(
    request, meetings, name: str, sensitivity: str = Sensitivity.PUBLIC, filename: str = "meetings.ics"
) -> HttpResponse:
    """A feed of `meetings` (a Meeting queryset the caller has limited to what the feed may carry), sent through
    kcsp.downloads.file_send as text/calendar; charset=utf-8."""

    def page_url(meeting):
        return request.build_absolute_uri(reverse("meetings:meeting_detail", args=[meeting.pk]))

    data = calendar_bytes(meetings.select_related("committee").order_by("starts_at", "pk"), name, page_url)
    outgoing = Outgoing(filename, "ics", data, sensitivity=sensitivity, inline=True)
    return file_send(request, None, lambda _: outgoing)


def meeting_file_sensitivity(meeting: Meeting) -> str:
    """A meeting in the public feed (a public body's, published or called off after publication) is a public
    file; any other (a closed body's, or a draft an officer opens) is for its reader only: private, no-store."""
    public = meeting.committee.is_public and Meeting.objects.in_calendars().filter(pk=meeting.pk).exists()
    return Sensitivity.PUBLIC if public else Sensitivity.PRIVATE


def meeting_ical_response(request, pk: int) -> HttpResponse:
    """One meeting's .ics (one VEVENT) for whoever may see its page (Meeting.objects.visible_to), else 404."""
    visible = Meeting.objects.visible_to(request.user).select_related("committee")

    def make(meeting):
        data = calendar_bytes([meeting], str(meeting), lambda m: request.build_absolute_uri(m.get_absolute_url()))
        # an attachment: the browser hands it to the calendar application rather than showing the text
        return Outgoing(f"meeting-{meeting.pk}.ics", "ics", data, sensitivity=meeting_file_sensitivity(meeting))

    return file_send(request, visible, make, pk=pk)
