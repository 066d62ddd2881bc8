"""iCal feeds parsed back with icalendar; tokens and feeds made and revoked on the account page."""

import pytest
from icalendar import Calendar

from api.models import ApiToken, CalendarFeed
from kcsp import roles
from kcsp.tests.factories import PersonFactory
from meetings.ical import meeting_uid
from meetings.tests.factories import MeetingFactory, MembershipFactory, published_meeting

pytestmark = pytest.mark.django_db


def events(response) -> dict:
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_the_public_feed_lists_published_meetings_of_public_bodies_with_their_time_zone(client):
    public = published_meeting()
    published_meeting(committee__is_public=False)
    MeetingFactory()  # draft
    found = events(client.get("/meetings/meetings.ics"))
    assert list(found) == [meeting_uid(public)]
    start = found[meeting_uid(public)].decoded("dtstart")
    assert start.utcoffset() is not None and start == public.starts_at.replace(microsecond=0)
    assert str(found[meeting_uid(public)]["url"]).endswith(f"/meetings/{public.pk}/")


def test_the_private_feed_has_the_meetings_they_may_attend_until_revoked(client, make_user):
    member = make_user(roles.MEMBER)
    mine = published_meeting(committee__is_public=False)
    MembershipFactory(committee=mine.committee, person=PersonFactory(user=member))
    other = published_meeting()
    client.force_login(member)
    assert client.post("/account/tokens/calendar/new/").status_code == 302
    feed = CalendarFeed.live_for(member)
    page = client.get("/account/").content.decode()
    assert f"/account/tokens/calendar/{feed.token}/meetings.ics" in page
    client.logout()
    url = f"/account/tokens/calendar/{feed.token}/meetings.ics"
    assert list(events(client.get(url))) == [meeting_uid(mine)]
    assert meeting_uid(other) not in events(client.get(url))
    client.force_login(member)
    client.post("/account/tokens/calendar/new/")
    assert client.get(url).status_code == 404, "a new address stops the old one"
    new_url = f"/account/tokens/calendar/{CalendarFeed.live_for(member).token}/meetings.ics"
    client.post("/account/tokens/calendar/stop/")
    assert client.get(new_url).status_code == 404 and CalendarFeed.live_for(member) is None


def test_officers_feed_has_every_published_meeting(client, make_user):
    officer = make_user(roles.OFFICER)
    meetings = [published_meeting(), published_meeting(committee__is_public=False)]
    MeetingFactory()
    feed = CalendarFeed.objects.create(user=officer, token="t" * 40)
    found = events(client.get(f"/account/tokens/calendar/{feed.token}/meetings.ics"))
    assert set(found) == {meeting_uid(m) for m in meetings}


def test_an_api_token_is_shown_once_listed_and_revoked_after_confirmation(client, make_user):
    user = make_user(roles.MEMBER)
    client.force_login(user)
    assert "There is a problem" in client.post("/account/tokens/api-tokens/new/", {"name": ""}).content.decode()
    response = client.post("/account/tokens/api-tokens/new/", {"name": "Website"})
    token = response.context["token"]
    assert token.startswith("kcsp_") and token in response.content.decode() and response["Cache-Control"] == "no-store"
    row = ApiToken.objects.get(user=user)
    assert row.digest != token and token not in str(row.__dict__)
    account = client.get("/account/").content.decode()
    assert "Website" in account and token not in account
    assert client.get("/api/v1/meeting/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert "Revoke token" in client.get(f"/account/tokens/api-tokens/{row.pk}/revoke/").content.decode()
    client.post(f"/account/tokens/api-tokens/{row.pk}/revoke/")
    assert client.get("/api/v1/meeting/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    other = make_user(roles.MEMBER)
    theirs, _ = ApiToken.issue(user=other, name="Theirs")
    assert client.post(f"/account/tokens/api-tokens/{theirs.pk}/revoke/").status_code == 404
