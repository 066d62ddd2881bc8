"""The private calendar feed: the published meetings one person may attend, at an address only they know."""

from django.http import Http404
from django.views import View

from kcsp.downloads import Sensitivity
from meetings import access
from meetings.ical import ical_response
from meetings.models import Meeting

from .models import CalendarFeed


def meetings_to_attend(user):
    """Published meetings of the committees they sit on (and those called off after publication, kept in calendars
    as cancelled); officers and chairs attend them all."""
    published = Meeting.objects.visible_to(user).in_calendars()
    if access.is_staff(user):
        return published
    return published.filter(committee_id__in=access.member_committee_ids(user))


class PrivateICalFeedView(View):
    def get(self, request, token):
        feed = CalendarFeed.objects.filter(token=token, revoked_at__isnull=True, user__is_active=True).first()
        if feed is None:
            raise Http404
        meetings = meetings_to_attend(feed.user)
        return ical_response(request, meetings, "Your partnership meetings", Sensitivity.PRIVATE)
