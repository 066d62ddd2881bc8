"""The words on meeting pages read as the partnership writes them: who agreed the agenda said once, the cancel
page's time in the site's one format with the venue in brackets, and the calendar telling "nothing coming up"
apart from "nothing published"."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from kcsp import roles
from kcsp.tests.factories import PersonFactory
from meetings import services

from .factories import AgendaItemFactory, CommitteeFactory, MeetingFactory, held_meeting

pytestmark = pytest.mark.django_db


def at(days: int, hour: int = 10) -> datetime.datetime:
    date = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour)))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_status_names_who_agreed_the_agenda_once(make_user):
    chair = make_user(roles.CHAIR, full_name="Demo chair")
    PersonFactory(title="Mr", initials="R", surname="Rivers", user=chair)
    meeting = MeetingFactory(starts_at=at(30))
    AgendaItemFactory(meeting=meeting)
    services.agenda_agree(meeting=meeting, chair=chair)
    body = client_for(make_user(roles.OFFICER)).get(meeting.get_absolute_url()).content.decode()
    status = body[body.index('data-testid="meeting-status"') :].split("</dd>")[0]
    assert "Agenda agreed by " in status and "(Demo chair) on " in status and "Rivers" in status
    assert "the chair" not in status and status.count("greed") == 1


def test_an_account_named_after_its_person_is_not_named_twice(make_user):
    """The demo chair's account is "Demo chair (Mr Rivers)": the status reads "Agenda agreed by Mr Rivers on …",
    not "Mr Rivers (Demo chair (Mr Rivers))"."""
    chair = make_user(roles.CHAIR, full_name="Demo chair (Mr Rivers)")
    PersonFactory(title="Mr", initials="", surname="Rivers", user=chair)
    meeting = MeetingFactory(starts_at=at(30))
    AgendaItemFactory(meeting=meeting)
    services.agenda_agree(meeting=meeting, chair=chair)
    body = client_for(make_user(roles.OFFICER)).get(meeting.get_absolute_url()).content.decode()
    status = body[body.index('data-testid="meeting-status"') :].split("</dd>")[0]
    assert "Agenda agreed by Mr Rivers on " in status and status.count("Rivers") == 1


def test_the_cancel_page_reads_as_a_sentence_with_the_sites_time_format(make_user):
    meeting = MeetingFactory(starts_at=at(30), venue_kind="tbc", committee=CommitteeFactory(usual_length=120))
    body = client_for(make_user(roles.OFFICER)).get(f"/meetings/{meeting.pk}/cancel/").content.decode()
    assert "10.00 a.m. to 12.00 p.m. (venue to be confirmed) will show as cancelled" in body
    assert " am " not in body and "to be confirmed will" not in body


def test_the_calendar_says_nothing_is_coming_up_when_only_past_meetings_are_published(make_user):
    member = client_for(make_user(roles.MEMBER))
    assert "No meetings have been published yet." in member.get("/meetings/").content.decode()
    held_meeting()
    body = member.get("/meetings/").content.decode()
    assert "No meetings are coming up." in body and "No meetings have been published yet." not in body
