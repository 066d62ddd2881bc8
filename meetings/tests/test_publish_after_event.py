"""A past meeting's agenda entered after the event is published on the date it really was: the officer gives the
date (not in the future, not after the meeting), the front sheet prints it, and the step's history says it was
recorded afterwards. A future meeting's agenda is published now, with no date to give."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from kcsp import roles
from meetings import services
from meetings.models import AgendaItem, MeetingStatusChange

from .factories import CommitteeFactory

pytestmark = pytest.mark.django_db
LABEL = "Date the agenda was published (if it was published before it was entered here)"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def agreed_meeting(make_user, starts_at, name="Kent Community Safety Partnership"):
    committee = CommitteeFactory(name=name)
    meeting = services.meeting_create(committee=committee, starts_at=starts_at, contact_name="Anna Taylor")
    item = AgendaItem(meeting=meeting, section="C", title="Dates of future meetings", kind="verbal")
    services.agenda_item_save(item=item)
    services.agenda_agree(meeting=meeting, chair=make_user(roles.CHAIR))
    return meeting


@pytest.fixture
def past(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    starts = timezone.make_aware(datetime.datetime(2022, 7, 14, 10))
    return agreed_meeting(make_user, starts)


def date_data(on: datetime.date) -> dict:
    return {"published_on_day": on.day, "published_on_month": on.month, "published_on_year": on.year}


def test_a_past_meetings_front_sheet_prints_the_date_its_agenda_was_really_published(
    past, officer_client, django_capture_on_commit_callbacks
):
    url = f"/meetings/{past.pk}/publish/"
    assert LABEL in officer_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(url, date_data(datetime.date(2022, 7, 6)))
    assert response.status_code == 302
    past.refresh_from_db()
    assert past.status == "published"
    assert timezone.localtime(past.published_at) == timezone.make_aware(datetime.datetime(2022, 7, 6, 12))
    front = pdf_text(Client().get(f"/meetings/{past.pk}/packs/public.pdf").content)
    assert "Date published: Wednesday, 6 July 2022" in front
    assert f"{timezone.localdate():%A, %-d %B %Y}" not in front
    change = MeetingStatusChange.objects.get(meeting=past, action="publish")
    assert change.reason == (
        f"Agenda published on 6 July 2022; recorded here after the event on {timezone.localdate():%-d %B %Y}."
    )
    assert "recorded here after the event" in officer_client.get(past.get_absolute_url()).content.decode()


def test_blank_publishes_a_past_meetings_agenda_now(past, officer_client):
    officer_client.post(
        f"/meetings/{past.pk}/publish/", date_data(datetime.date(2022, 7, 6)) | {"published_on_day": ""}
    )
    past.refresh_from_db()
    assert past.status == "agenda_agreed"  # a date in part is an error, not "now"
    officer_client.post(
        f"/meetings/{past.pk}/publish/", {"published_on_day": "", "published_on_month": "", "published_on_year": ""}
    )
    past.refresh_from_db()
    assert past.status == "published" and timezone.now() - past.published_at < datetime.timedelta(minutes=1)


@pytest.mark.parametrize(
    "on, message",
    [
        (datetime.date(2022, 7, 15), "must be on or before the meeting&#x27;s date (14 July 2022)"),
        (None, "must be today or in the past"),
    ],
)
def test_a_future_date_or_one_after_the_meeting_is_refused_and_nothing_changes(past, officer_client, on, message):
    on = on or timezone.localdate() + datetime.timedelta(days=1)
    response = officer_client.post(f"/meetings/{past.pk}/publish/", date_data(on))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    past.refresh_from_db()
    assert past.status == "agenda_agreed" and past.published_at is None
    assert not MeetingStatusChange.objects.filter(meeting=past, action="publish").exists()


def test_the_service_refuses_a_date_after_the_meeting_or_for_a_future_meeting(past, make_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="on or before the meeting's date"):
        services.meeting_publish(meeting=past, published_on=datetime.date(2022, 7, 20))
    future = agreed_meeting(make_user, timezone.now() + datetime.timedelta(days=20), name="Kent CSP Working Group")
    with pytest.raises(ValidationError, match="still to come is published now"):
        services.meeting_publish(meeting=future, published_on=timezone.localdate())
    past.refresh_from_db()
    future.refresh_from_db()
    assert past.published_at is None and future.published_at is None


def test_a_future_meetings_publish_page_has_no_date_and_publishes_now(make_user, officer_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    future = agreed_meeting(make_user, timezone.now() + datetime.timedelta(days=20))
    url = f"/meetings/{future.pk}/publish/"
    page = officer_client.get(url).content.decode()
    assert LABEL not in page and "published_on" not in page
    officer_client.post(url, date_data(datetime.date(2022, 7, 6)))  # ignored: the page has no such field
    future.refresh_from_db()
    assert future.status == "published" and timezone.now() - future.published_at < datetime.timedelta(minutes=1)
    assert MeetingStatusChange.objects.get(meeting=future, action="publish").reason == ""


def test_members_are_told_of_a_coming_meetings_papers_but_not_of_one_already_held(
    past, make_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    from kcsp.tests.factories import PersonFactory

    from .factories import MembershipFactory

    coming = agreed_meeting(make_user, timezone.now() + datetime.timedelta(days=20), name="Coming committee")
    for meeting, email in ((past, "past@test.example"), (coming, "coming@test.example")):
        MembershipFactory(committee=meeting.committee, person=PersonFactory(user=make_user(roles.MEMBER, email=email)))
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_publish(meeting=meeting, user=make_user(roles.OFFICER))
    told = sorted(address for message in mail.outbox if "Agenda published" in message.subject for address in message.to)
    assert told == ["coming@test.example"]
