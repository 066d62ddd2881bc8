"""Every iCal file we send (public feed, private feed, one meeting's file) against RFC 5545, read by our own checker
(meetings/ical_checks.py), and the checker against files that break the RFC's rules."""

import datetime
import re
import zoneinfo

import pytest
from django.test import Client
from icalendar import Calendar

from api.models import CalendarFeed
from kcsp import roles
from kcsp.tests.factories import PersonFactory
from meetings import changes
from meetings.ical import london_timezone, meeting_uid
from meetings.ical_checks import ical_problems

from .factories import CommitteeFactory, MeetingFactory, MembershipFactory, published_meeting

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = datetime.UTC
LONG_VENUE = "Council Chamber, Sessions House, County Road, Maidstone ME14 1XQ – Łódź Room, ask at reception"


def london(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def world(make_user, settings):
    """A public body's meetings: one in British Summer Time, one in winter (GMT), one moved, one cancelled; a closed
    body's meeting with one member; an officer and a non-member with private feeds."""
    settings.SITE_URL = "https://kcsp.kent.gov.uk"
    officer = make_user(roles.OFFICER)
    body = CommitteeFactory(name="Kent Community Safety Partnership", is_public=True)
    summer = published_meeting(committee=body, starts_at=london(2027, 7, 14, 10), venue=LONG_VENUE)
    winter = published_meeting(committee=body, starts_at=london(2027, 1, 13, 10), venue="Sessions House")
    moved = published_meeting(committee=body, starts_at=london(2027, 3, 10, 10), venue="Sessions House")
    changes.meeting_reschedule(meeting=moved, user=officer, reason="Room booked", starts_at=london(2027, 3, 31, 14))
    cancelled = published_meeting(committee=body, starts_at=london(2027, 5, 12, 10))
    changes.meeting_cancel(meeting=cancelled, user=officer, reason="No business")
    closed = published_meeting(
        committee=CommitteeFactory(name="Prevent Panel", is_public=False), starts_at=london(2027, 6, 2, 10)
    )
    member, outsider = make_user(roles.MEMBER), make_user(roles.MEMBER)
    MembershipFactory(committee=closed.committee, person=PersonFactory(user=member))
    meetings = {"summer": summer, "winter": winter, "moved": moved, "cancelled": cancelled, "closed": closed}
    for meeting in meetings.values():
        meeting.refresh_from_db()
    feeds = {who: CalendarFeed.objects.create(user=user, token=f"feed-{who}") for who, user in [("officer", officer)]}
    return {"meetings": meetings, "member": member, "outsider": outsider, "officer": officer, "feeds": feeds}


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def every_file(world) -> dict[str, object]:
    """{label: response} for the public feed, the officer's private feed and each meeting's own file."""
    files = {
        "public feed": Client().get("/meetings/meetings.ics"),
        "private feed": Client().get("/account/tokens/calendar/feed-officer/meetings.ics"),
    }
    for name, meeting in world["meetings"].items():
        reader = world["member"] if name == "closed" else None
        files[f"{name} meeting.ics"] = client_for(reader).get(f"/meetings/{meeting.pk}/meeting.ics")
    return files


def events(data: bytes) -> dict:
    return {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_every_feed_and_meeting_file_passes_the_rfc_5545_checker(world):
    for label, response in every_file(world).items():
        assert response.status_code == 200, label
        assert response["Content-Type"] == "text/calendar; charset=utf-8", label
        assert response.sent_by_file_send, label
        assert ical_problems(response.content) == [], label
    feed = events(every_file(world)["private feed"].content)
    assert set(feed) == {meeting_uid(m) for m in world["meetings"].values()}


def test_each_meeting_file_holds_its_one_event_as_the_feed_has_it(world):
    public = events(Client().get("/meetings/meetings.ics").content)
    for name, meeting in world["meetings"].items():
        if name == "closed":
            continue
        response = Client().get(f"/meetings/{meeting.pk}/meeting.ics")
        assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
        assert "no-store" not in response.get("Cache-Control", "")  # a public file
        (uid, event), *others = events(response.content).items()
        assert not others and uid == meeting_uid(meeting)
        assert event.to_ical() == public[uid].to_ical()


def test_times_are_london_wall_clock_with_the_vtimezone_and_utc_stamps(world):
    data = Client().get("/meetings/meetings.ics").content
    found = events(data)
    summer, winter = world["meetings"]["summer"], world["meetings"]["winter"]
    assert b"DTSTART;TZID=Europe/London:20270714T100000\r\n" in data
    assert found[meeting_uid(summer)].decoded("DTSTART").astimezone(UTC) == datetime.datetime(
        2027, 7, 14, 9, tzinfo=UTC
    )
    assert found[meeting_uid(winter)].decoded("DTSTART").astimezone(UTC) == datetime.datetime(
        2027, 1, 13, 10, tzinfo=UTC
    )
    end = found[meeting_uid(summer)].decoded("DTEND")
    assert end == summer.ends.replace(microsecond=0)
    # DTSTAMP and LAST-MODIFIED: the last change, in UTC "Z" form (RFC 5545 3.8.7.2, 3.8.7.3)
    stamp = summer.updated_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    block = data.split(f"UID:{meeting_uid(summer)}".encode())[0].rsplit(b"BEGIN:VEVENT", 1)[1]
    block += data.split(f"UID:{meeting_uid(summer)}".encode())[1].split(b"END:VEVENT")[0]
    assert f"DTSTAMP:{stamp}\r\n".encode() in block and f"LAST-MODIFIED:{stamp}\r\n".encode() in block
    # the same instants read with our own VTIMEZONE rather than the reader's tz database
    ours = london_timezone().to_tz(lookup_tzid=False)
    assert datetime.datetime(2027, 7, 14, 10, tzinfo=ours).astimezone(UTC).hour == 9
    assert datetime.datetime(2027, 1, 13, 10, tzinfo=ours).astimezone(UTC).hour == 10


def test_our_london_vtimezone_agrees_with_the_tz_database_from_1997_to_2037():
    ours = london_timezone().to_tz(lookup_tzid=False)
    moment, end, wrong = datetime.datetime(1997, 1, 1, 12, tzinfo=UTC), datetime.datetime(2038, 1, 1, tzinfo=UTC), []
    while moment < end:  # noon every day, and every quarter hour either side of each change
        if moment.astimezone(ours).utcoffset() != moment.astimezone(LONDON).utcoffset():
            wrong.append(moment)
        moment += datetime.timedelta(days=1)
    for year in range(1997, 2038):
        for month in (3, 10):
            last_sunday = max(
                datetime.date(year, month, day)
                for day in range(25, 32)
                if datetime.date(year, month, day).weekday() == 6
            )
            change = datetime.datetime.combine(last_sunday, datetime.time(1), tzinfo=UTC)
            for minutes in range(-60, 75, 15):
                moment = change + datetime.timedelta(minutes=minutes)
                if moment.astimezone(ours).utcoffset() != moment.astimezone(LONDON).utcoffset():
                    wrong.append(moment)
    assert wrong == []


def test_a_moved_meeting_has_a_higher_sequence_and_a_cancelled_one_is_cancelled(world):
    found = events(Client().get("/meetings/meetings.ics").content)
    moved, cancelled, summer = (world["meetings"][k] for k in ("moved", "cancelled", "summer"))
    assert int(found[meeting_uid(moved)]["SEQUENCE"]) > 0
    assert found[meeting_uid(moved)].decoded("DTSTART") == london(2027, 3, 31, 14)  # in BST since 28 March
    assert str(found[meeting_uid(cancelled)]["STATUS"]) == "CANCELLED"
    assert int(found[meeting_uid(cancelled)]["SEQUENCE"]) > 0
    assert str(found[meeting_uid(summer)]["STATUS"]) == "CONFIRMED"
    assert int(found[meeting_uid(summer)]["SEQUENCE"]) == 0


def test_long_lines_are_folded_at_75_octets_with_crlf_and_unfold_to_the_venue(world):
    data = Client().get("/meetings/meetings.ics").content
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in b"".join(lines) and b"\r" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # the long venue was folded
    summer = events(data)[meeting_uid(world["meetings"]["summer"])]
    assert str(summer["LOCATION"]) == LONG_VENUE


def test_uids_take_the_site_host_not_the_request_host(world):
    meeting = world["meetings"]["summer"]
    data = Client(HTTP_HOST="localhost").get("/meetings/meetings.ics").content
    assert meeting_uid(meeting) == f"meeting-{meeting.pk}@kcsp.kent.gov.uk"
    assert meeting_uid(meeting) in events(data)


def test_an_empty_feed_still_conforms(db):
    data = Client().get("/meetings/meetings.ics").content
    assert events(data) == {} and ical_problems(data) == []  # its VTIMEZONE is the one component 3.6 requires


def test_a_closed_bodys_meeting_is_only_for_those_who_may_see_its_page(world):
    closed = world["meetings"]["closed"]
    url = f"/meetings/{closed.pk}/meeting.ics"
    assert meeting_uid(closed) not in events(Client().get("/meetings/meetings.ics").content)
    assert Client().get(url).status_code == 404
    assert client_for(world["outsider"]).get(url).status_code == 404
    assert client_for(world["outsider"]).get(f"/meetings/{closed.pk}/").status_code == 404
    response = client_for(world["member"]).get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert list(events(response.content)) == [meeting_uid(closed)]
    officer = client_for(world["officer"]).get(url)
    assert officer.status_code == 200 and ical_problems(officer.content) == []


def test_a_draft_is_404_to_the_public_and_tentative_to_an_officer(world):
    draft = MeetingFactory(committee=world["meetings"]["summer"].committee, starts_at=london(2027, 9, 8, 10))
    url = f"/meetings/{draft.pk}/meeting.ics"
    assert Client().get(url).status_code == 404
    response = client_for(world["officer"]).get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert ical_problems(response.content) == []
    assert str(events(response.content)[meeting_uid(draft)]["STATUS"]) == "TENTATIVE"
    assert meeting_uid(draft) not in events(Client().get("/meetings/meetings.ics").content)


def test_the_meeting_page_offers_its_calendar_file(world):
    meeting = world["meetings"]["summer"]
    for client in (Client(), client_for(world["officer"])):
        page = client.get(f"/meetings/{meeting.pk}/").content.decode()
        assert f'href="/meetings/{meeting.pk}/meeting.ics"' in page and "Add to your calendar" in page


# --- the checker on files that break the rules ----------------------------------------------------------------

GOOD = (
    "BEGIN:VCALENDAR\r\nPRODID:-//Test//Test//EN\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\n"
    "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"
    "BEGIN:STANDARD\r\nDTSTART:19961027T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
    "BEGIN:VEVENT\r\nUID:meeting-1@kcsp.kent.gov.uk\r\nDTSTAMP:20270101T120000Z\r\n"
    "DTSTART;TZID=Europe/London:20270714T100000\r\nDTEND;TZID=Europe/London:20270714T113000\r\n"
    "SUMMARY:Kent Community Safety Partnership\r\nLOCATION:Sessions House\r\nSEQUENCE:0\r\nSTATUS:CONFIRMED\r\n"
    "LAST-MODIFIED:20270101T120000Z\r\nURL:https://kcsp.kent.gov.uk/meetings/1/\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)
EVENT = re.search(r"BEGIN:VEVENT\r\n.*END:VEVENT\r\n", GOOD, re.DOTALL).group(0)
TIMEZONE = re.search(r"BEGIN:VTIMEZONE\r\n.*END:VTIMEZONE\r\n", GOOD, re.DOTALL).group(0)


def broken(old: str, new: str) -> bytes:
    assert old in GOOD
    return GOOD.replace(old, new).encode()


BAD = {
    "bare LF": (GOOD.replace("\r\n", "\n").encode(), "bare LF"),
    "last line without CRLF": (GOOD.encode()[:-2], "last line does not end with CRLF"),
    "line over 75 octets": (broken("SUMMARY:Kent", "SUMMARY:" + "Kent " * 20), "fold lines at 75"),
    "fold splitting a character": (  # "Ł" is C5 81 in UTF-8: folded between its two octets
        GOOD.encode().replace(b"LOCATION:Sessions", b"LOCATION:\xc5\r\n \x81Sessions"),
        "splits a character",
    ),
    "DTSTAMP not UTC": (broken("DTSTAMP:20270101T120000Z", "DTSTAMP:20270101T120000"), "DTSTAMP must be a UTC"),
    "DTSTAMP with a TZID": (
        broken("DTSTAMP:20270101T120000Z", "DTSTAMP;TZID=Europe/London:20270101T120000"),
        "DTSTAMP must be a UTC",
    ),
    "LAST-MODIFIED not UTC": (
        broken("LAST-MODIFIED:20270101T120000Z", "LAST-MODIFIED:20270101T120000"),
        "LAST-MODIFIED must be a UTC",
    ),
    "TZID without VTIMEZONE": (broken(TIMEZONE, ""), "TZID=Europe/London but no VTIMEZONE"),
    "VTIMEZONE without rules": (
        broken(TIMEZONE, "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\nEND:VTIMEZONE\r\n"),
        "no STANDARD or DAYLIGHT",
    ),
    "no UID": (broken("UID:meeting-1@kcsp.kent.gov.uk\r\n", ""), "has no UID"),
    "no DTSTAMP": (broken("DTSTAMP:20270101T120000Z\r\n", ""), "has no DTSTAMP"),
    "no DTSTART": (broken("DTSTART;TZID=Europe/London:20270714T100000\r\n", ""), "has no DTSTART"),
    "no PRODID": (broken("PRODID:-//Test//Test//EN\r\n", ""), "PRODID exactly once"),
    "VERSION 1.0": (broken("VERSION:2.0", "VERSION:1.0"), "not 2.0"),
    "two SUMMARY": (broken("SUMMARY:Kent", "SUMMARY:Again\r\nSUMMARY:Kent"), "SUMMARY 2 times"),
    "unknown STATUS": (broken("STATUS:CONFIRMED", "STATUS:DONE"), "STATUS DONE is not one of"),
    "negative SEQUENCE": (broken("SEQUENCE:0", "SEQUENCE:-1"), "SEQUENCE must be an integer 0 or more"),
    "DTEND before DTSTART": (broken("20270714T113000", "20270714T090000"), "DTEND must be later than DTSTART"),
    "DTEND and DURATION": (broken("SEQUENCE:0", "SEQUENCE:0\r\nDURATION:PT1H"), "both DTEND and DURATION"),
    "floating time": (
        broken("DTSTART;TZID=Europe/London:20270714T100000", "DTSTART:20270714T100000"),
        "DTSTART must be UTC or carry a TZID",
    ),
    "bare @kcsp UID": (broken("@kcsp.kent.gov.uk", "@kcsp"), "no domain right of '@'"),
    "UID on two events": (broken(EVENT, EVENT * 2), "is on more than one event"),
    "missing URL (our profile)": (broken("URL:https://kcsp.kent.gov.uk/meetings/1/\r\n", ""), "has no URL"),
    "no component": (broken(TIMEZONE + EVENT, ""), "holds no component"),
    "not iCalendar at all": (b"<html>Not found</html>\r\n", "not an iCalendar object"),
}


def test_the_good_example_passes():
    assert ical_problems(GOOD.encode()) == []


@pytest.mark.parametrize("case", sorted(BAD))
def test_the_checker_names_the_rule_a_bad_file_breaks(case):
    data, expected = BAD[case]
    problems = ical_problems(data)
    assert any(expected in problem for problem in problems), problems


def test_the_projects_own_rules_are_apart_from_the_rfcs():
    data = broken("URL:https://kcsp.kent.gov.uk/meetings/1/\r\nEND:VEVENT", "END:VEVENT")
    assert ical_problems(data) and ical_problems(data, profile=False) == []
