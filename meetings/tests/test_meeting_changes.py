"""When a meeting changes: notices once to members and apologies senders, packs rebuilt with the new details (read
back with pypdf), a cancelled meeting's packs withdrawn, the calendar and the feeds (parsed back with icalendar)
showing each change, a replacement linked both ways, held meetings refused."""

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import dateformat, timezone
from icalendar import Calendar
from pypdf import PdfReader

from kcsp import roles
from kcsp.tests.factories import PersonFactory
from meetings import changes, services
from meetings.ical import meeting_uid
from meetings.models import Attendance, Pack
from meetings.notify import meeting_changed
from meetings.packbuild.service import pack_build
from notifications.models import SentNotice

from .factories import AgendaItemFactory, CommitteeFactory, MembershipFactory, held_meeting

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def at(days: int, hour: int = 10) -> datetime.datetime:
    date = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour)))


@pytest.fixture
def officer(make_user):
    return make_user(roles.OFFICER)


@pytest.fixture
def meeting(officer, make_user):
    """A published meeting 30 days ahead: two members (one with an account), an outsider who sent apologies."""
    committee = CommitteeFactory(name="Kent Community Safety Partnership", usual_length=90)
    meeting = services.meeting_create(
        committee=committee, starts_at=at(30), contact_name="Anna Taylor", venue="Sessions House"
    )
    AgendaItemFactory(meeting=meeting, section="B", position=1, title="Community Safety Agreement")
    services.agenda_agree(meeting=meeting, chair=make_user(roles.CHAIR))
    services.meeting_publish(meeting=meeting, user=officer)
    member = make_user(roles.MEMBER, email="member@test.example")
    MembershipFactory(committee=committee, person=PersonFactory(user=member))
    MembershipFactory(committee=committee, person=PersonFactory(email="no-account@test.example"))
    guest = PersonFactory(email="guest@test.example")
    Attendance.objects.create(meeting=meeting, person=guest, kind=Attendance.Kind.APOLOGIES, name_as_recorded="G")
    meeting.refresh_from_db()
    return meeting


def feed_event(meeting):
    calendar = Calendar.from_ical(Client().get("/meetings/meetings.ics").content)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    return events.get(meeting_uid(meeting))


def test_the_end_time_defaults_to_the_committees_usual_length(meeting):
    assert meeting.ends_at - meeting.starts_at == datetime.timedelta(minutes=90)


def test_the_feed_follows_every_change_with_a_stable_uid(meeting, officer):
    seen = []

    def check(status, starts):
        meeting.refresh_from_db()
        event = feed_event(meeting)
        assert event is not None, "a called-off meeting stays in the feed"
        assert str(event["UID"]) == meeting_uid(meeting)
        assert event.decoded("DTSTART") == starts.replace(microsecond=0)
        assert event.decoded("DTEND") == meeting.ends_at.replace(microsecond=0)
        assert str(event["STATUS"]) == status
        assert event.decoded("LAST-MODIFIED") == meeting.updated_at.replace(microsecond=0)
        seen.append(int(event["SEQUENCE"]))

    check("CONFIRMED", at(30))
    changes.meeting_reschedule(meeting=meeting, user=officer, reason="Room booked", starts_at=at(40, 14))
    check("CONFIRMED", at(40, 14))
    changes.meeting_postpone(meeting=meeting, user=officer, reason="Election period")
    check("CANCELLED", at(40, 14))
    changes.meeting_reschedule(meeting=meeting, user=officer, reason="After the election", starts_at=at(50))
    check("CONFIRMED", at(50))
    changes.meeting_cancel(meeting=meeting, user=officer, reason="No business")
    check("CANCELLED", at(50))
    assert seen == sorted(set(seen)) and len(seen) == 5, seen


def test_members_and_apologies_senders_are_told_once(meeting, officer, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        changes.meeting_reschedule(
            meeting=meeting, user=officer, reason="The chamber is being repaired", starts_at=at(45), venue="Room 2"
        )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "guest@test.example",
        "member@test.example",
        "no-account@test.example",
    ]
    body = mail.outbox[0].body
    assert "The chamber is being repaired" in body and "Room 2" in body
    change = meeting.status_changes.get(action="reschedule")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_changed(change)  # a repeat sends nothing: every notice once, recorded
    assert len(mail.outbox) == 3
    assert SentNotice.objects.filter(kind="meeting_changed", object_id=change.pk).count() == 3


def _pdf_text(pack) -> str:
    pack.refresh_from_db()
    with pack.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _front_sheet_date(when) -> str:
    return dateformat.format(timezone.localtime(when), "l, jS F, Y")


def test_the_rebuilt_pack_shows_the_new_date(meeting, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pack_build(meeting=meeting, kind="public")
    pack = Pack.objects.get(meeting=meeting, kind="public")
    old, new = _front_sheet_date(at(30)), _front_sheet_date(at(47, 14))
    assert old in _pdf_text(pack)
    changes.meeting_reschedule(meeting=meeting, user=officer, reason="Clash", starts_at=at(47, 14))
    pack.refresh_from_db()
    assert pack.withdrawn_at is not None and "moved" in pack.withdrawn_reason  # the old date is not served meanwhile
    assert pack.status == Pack.Status.QUEUED  # the rebuild is asked for
    meeting.refresh_from_db()  # as the build task loads it
    pack_build(meeting=meeting, kind="public")
    text = _pdf_text(pack)
    assert new in text and old not in text
    pack.refresh_from_db()
    assert pack.withdrawn_at is None


def test_a_cancelled_meetings_packs_stay_withdrawn(meeting, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pack_build(meeting=meeting, kind="public")
    changes.meeting_cancel(meeting=meeting, user=officer, reason="No business to transact")
    pack = Pack.objects.get(meeting=meeting, kind="public")
    assert pack.withdrawn_at is not None and "cancelled" in pack.withdrawn_reason
    pack_build(meeting=meeting, kind="public")  # a build queued before the cancellation does not restore it
    pack.refresh_from_db()
    assert pack.withdrawn_at is not None


def test_the_public_calendar_and_page_show_cancelled_and_postponed(meeting, officer, make_user):
    other = services.meeting_create(committee=meeting.committee, starts_at=at(60), contact_name="A")
    other.status, other.agenda_agreed_at, other.published_at = "published", timezone.now(), timezone.now()
    other.save()
    changes.meeting_cancel(meeting=meeting, user=officer, reason="No business")
    changes.meeting_postpone(meeting=other, user=officer, reason="Election period")
    calendar = Client().get("/meetings/").content.decode()
    assert "Cancelled</strong>" in calendar and "Postponed</strong>" in calendar
    page = Client().get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="called-off"' in page and "Reason: No business" in page


def test_a_replacement_is_linked_both_ways(meeting, officer):
    changes.meeting_postpone(meeting=meeting, user=officer, reason="Election period")
    replacement = changes.meeting_replacement_create(
        original=meeting, user=officer, starts_at=at(70), contact_name="Anna Taylor"
    )
    assert replacement.replaces == meeting and replacement.status == "draft"
    officer_client = Client()
    officer_client.force_login(officer)
    original_page = officer_client.get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="replaced-by"' in original_page and replacement.get_absolute_url() in original_page
    new_page = officer_client.get(replacement.get_absolute_url()).content.decode()
    assert 'data-testid="replaces"' in new_page and meeting.get_absolute_url() in new_page
    with pytest.raises(ValidationError, match="already has a replacement"):
        changes.meeting_replacement_create(original=meeting, user=officer, starts_at=at(80), contact_name="A")
    with pytest.raises(ValidationError, match="replaced"):
        changes.meeting_reschedule(meeting=meeting, user=officer, reason="x", starts_at=at(90))


def test_held_and_signed_meetings_cannot_be_called_off_or_moved(officer):
    held = held_meeting()
    for call in (changes.meeting_cancel, changes.meeting_postpone):
        with pytest.raises(ValidationError, match="has been held cannot be cancelled, postponed or moved"):
            call(meeting=held, user=officer, reason="x")
    with pytest.raises(ValidationError, match="has been held"):
        changes.meeting_reschedule(meeting=held, user=officer, reason="x", starts_at=at(5))


def test_a_published_meeting_moves_only_by_rescheduling(meeting):
    meeting.starts_at = at(33)
    with pytest.raises(ValidationError, match="only by rescheduling"):
        services.meeting_save(meeting=meeting)


def test_the_pages_take_a_reason_and_refuse_without_one(meeting, officer):
    client = Client()
    client.force_login(officer)
    url = f"/meetings/{meeting.pk}/cancel/"
    assert "Why the meeting is cancelled" in client.get(url).content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "Enter why the meeting is cancelled" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "published"
    new = at(41)
    response = client.post(
        f"/meetings/{meeting.pk}/reschedule/",
        {
            "date_day": new.day,
            "date_month": new.month,
            "date_year": new.year,
            "time": "11:00",
            "end_time": "10:00",
            "venue_kind": "room",
            "venue": "Room 3",
            "reason": "Clash",
        },
    )
    assert "The end time must be after the start time" in response.content.decode()
    response = client.post(
        f"/meetings/{meeting.pk}/reschedule/",
        {
            "date_day": new.day,
            "date_month": new.month,
            "date_year": new.year,
            "time": "11:00",
            "end_time": "13:00",
            "venue_kind": "room",
            "venue": "Room 3",
            "reason": "Clash",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.starts_at).hour == 11 and meeting.venue == "Room 3"
    assert client.post(url, {"reason": "Nothing to decide"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"


def test_the_same_meeting_cannot_be_entered_twice_nor_moved_onto_another(meeting, officer):
    with pytest.raises(ValidationError, match="already has a meeting at 10:00"):
        services.meeting_create(committee=meeting.committee, starts_at=meeting.starts_at, contact_name="A Clerk")
    later = services.meeting_create(committee=meeting.committee, starts_at=at(60), contact_name="A Clerk")
    with pytest.raises(ValidationError, match="already has a meeting"):
        changes.meeting_reschedule(meeting=meeting, user=officer, reason="Room", starts_at=later.starts_at)
    later.starts_at = meeting.starts_at
    with pytest.raises(ValidationError, match="already has a meeting"):
        services.meeting_save(meeting=later)
    changes.meeting_cancel(meeting=meeting, user=officer, reason="Called off")
    services.meeting_save(meeting=later)  # a cancelled meeting's slot is free
    assert later.starts_at == meeting.starts_at


def test_a_pack_withdrawn_by_hand_stays_withdrawn_through_a_postponement_and_reschedule(
    meeting, officer, settings, tmp_path
):
    """An officer's withdrawal (a paper with a mistake) ends only with their own rebuild: postponing and then
    rescheduling the meeting must not release it (packbuild/withdraw.py packs_withdrawals_release)."""
    from meetings.packbuild.withdraw import pack_withdraw

    settings.MEDIA_ROOT = tmp_path
    pack_build(meeting=meeting, kind="public")
    pack = Pack.objects.get(meeting=meeting, kind="public")
    pack_withdraw(pack=pack, reason="Paper B1 has the wrong figures", by=officer)
    changes.meeting_postpone(meeting=meeting, user=officer, reason="Not quorate")
    changes.meeting_reschedule(meeting=meeting, user=officer, reason="New date", starts_at=at(47, 14))
    meeting.refresh_from_db()
    pack_build(meeting=meeting, kind="public")
    pack.refresh_from_db()
    assert pack.withdrawn_at is not None and pack.withdrawn_reason == "Paper B1 has the wrong figures"
