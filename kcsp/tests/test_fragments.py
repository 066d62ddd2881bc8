"""Fragments cached per viewer's rights (kcsp/fragments.py): viewers with different rights never share one, a
restricted item cached for a member never reaches a viewer who may not see it, a committed change shows at once,
and a page still renders with the cache down."""

import functools
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django_otp.middleware import is_verified

from kcsp import roles
from kcsp.fragments import fragment_key
from kcsp.testing import otp_verify
from kcsp.tests.factories import PersonFactory
from meetings.models import Attendance
from meetings.tests.factories import AgendaItemFactory, CommitteeFactory, MembershipFactory, published_meeting

pytestmark = pytest.mark.django_db

SECRET = "Exploitation of a named child"


def member_of(committee, make_user):
    user = make_user(roles.MEMBER)
    MembershipFactory(committee=committee, person=PersonFactory(user=user))
    return user


def verified(user, device):
    """As django-otp's middleware leaves a user who entered a code from `device` this session."""
    user.otp_device = device
    user.is_verified = functools.partial(is_verified, user)
    return user


def keys(user, *, shared):
    return fragment_key("meeting-agenda", user, [1, "2026-11-30"], shared=shared, generation=7)


def test_viewers_with_different_rights_never_share_a_fragment_key(make_user, client):
    x, y = CommitteeFactory(is_public=False), CommitteeFactory(is_public=False)
    cleared_with_code = make_user(roles.DHR_CLEARED)
    viewers = {role: make_user(role) for role in roles.ALL_ROLES}
    viewers |= {
        "dhr cleared, code confirmed": verified(cleared_with_code, otp_verify(client, cleared_with_code)),
        "member of X": member_of(x, make_user),
        "member of Y": member_of(y, make_user),
        "no role": make_user(None),
        "anonymous": AnonymousUser(),
    }
    attendee = make_user(roles.MEMBER)
    Attendance.objects.create(
        meeting=published_meeting(committee=x), person=PersonFactory(user=attendee), kind=Attendance.Kind.PRESENT
    )
    viewers["member who attended X's meeting"] = attendee
    for (a, first), (b, second) in itertools.combinations(viewers.items(), 2):
        assert keys(first, shared=True) != keys(second, shared=True), f"{a} and {b} share a fragment"

    twin = member_of(x, make_user)
    assert keys(twin, shared=True) == keys(viewers["member of X"], shared=True), "same rights: one shared fragment"
    assert keys(twin, shared=False) != keys(viewers["member of X"], shared=False), "a personal fragment is per user"


@pytest.fixture
def restricted_agenda(make_user):
    meeting = published_meeting(committee=CommitteeFactory(is_public=True))
    AgendaItemFactory(meeting=meeting, section="B", position=1, title="Road safety update")
    AgendaItemFactory(
        meeting=meeting, section="D", position=1, title=SECRET, restriction_reason="exploitation", title_withheld=True
    )
    return meeting, member_of(meeting.committee, make_user)


def page(user, meeting) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_restricted_item_cached_for_a_member_never_reaches_a_viewer_who_may_not_see_it(
    fragments_on, restricted_agenda, make_user
):
    meeting, member = restricted_agenda
    assert SECRET in page(member, meeting)
    assert SECRET in page(member, meeting), "the member's second visit, from the cached fragment"
    other_member = member_of(CommitteeFactory(), make_user)
    for viewer in (other_member, make_user(None), None):
        shown = page(viewer, meeting)
        assert "Road safety update" in shown
        assert SECRET not in shown


def test_a_committed_change_shows_at_once(fragments_on, restricted_agenda, django_capture_on_commit_callbacks):
    meeting, member = restricted_agenda
    assert "Road safety update" in page(member, meeting)
    item = meeting.items.get(title="Road safety update")
    with django_capture_on_commit_callbacks(execute=True):
        item.title = "Road safety: the casualty figures"
        item.save()
    shown = page(member, meeting)
    assert "Road safety: the casualty figures" in shown
    assert "Road safety update" not in shown


def test_the_page_renders_with_the_cache_down(fragments_on, restricted_agenda, settings):
    meeting, member = restricted_agenda
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}  # nothing listens there
    }
    shown = page(member, meeting)
    assert SECRET in shown
    assert "Road safety update" in page(None, meeting)


def test_home_panels_are_cached_per_person_and_new_papers_stay_live(fragments_on, make_user):
    from django.urls import reverse

    from kcsp.testing import count_queries
    from kcsp.tests.home_world import home_world
    from kcsp.tests.test_home import _count

    people = {role: make_user(role) for role in (roles.OFFICER, roles.CHAIR, roles.MEMBER)}
    world = home_world(officer=people[roles.OFFICER], chair=people[roles.CHAIR], member=people[roles.MEMBER])
    member = Client()
    member.force_login(people[roles.MEMBER])
    first = count_queries(member, "/")
    assert count_queries(member, "/") < first, "the second visit reads the panel from its fragment"
    page = member.get("/").content.decode()
    assert (_count(page, "my-actions"), _count(page, "new-papers")) == (1, 1)

    same_rights = member_of(world["published"].committee, make_user)  # but no actions of their own
    twin = Client()
    twin.force_login(same_rights)
    assert _count(twin.get("/").content.decode(), "my-actions") == 0

    download = member.get(reverse("meetings:pack_download", args=[world["published"].pk, "public"]))
    b"".join(download.streaming_content) if download.streaming else download.content
    assert _count(member.get("/").content.decode(), "new-papers") == 0, "a pack read (no generation move) shows"


def test_every_view_of_a_dhr_item_is_logged_with_fragments_on(fragments_on, dhr_client):
    from dhr.models import AccessLog

    meeting = published_meeting(committee=CommitteeFactory(is_public=True))
    AgendaItemFactory(meeting=meeting, section="D", position=1, title="Review of a death", restriction_reason="dhr")
    for visit in (1, 2):
        assert "Review of a death" in dhr_client.get(meeting.get_absolute_url()).content.decode()
        assert AccessLog.objects.filter(user=dhr_client.user).count() == visit, "each view reaches the DHR log"
    assert count_home_logs(dhr_client) == 2


def count_home_logs(client) -> int:
    """The home page of a person who may see DHR material: never from a fragment, so every view is logged."""
    from dhr.models import AccessLog

    before = AccessLog.objects.filter(user=client.user).count()
    client.get("/")
    client.get("/")
    return AccessLog.objects.filter(user=client.user).count() - before


# Public pages from fragments (issue 18): the anonymous meeting page, the calendar and the grant year.


PAST_HEADING = '<h2 class="govuk-heading-l">Past meetings</h2>'


def body_of(user, url: str) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_the_anonymous_meeting_page_is_one_fragment_never_a_members_and_gone_once_hidden(
    fragments_on, restricted_agenda, django_capture_on_commit_callbacks
):
    from kcsp.testing import count_queries
    from meetings.models import Meeting

    meeting, member = restricted_agenda
    url = meeting.get_absolute_url()
    assert SECRET in body_of(member, url), "the member first: their header and agenda fragments"
    count_queries(Client(), url)
    assert count_queries(Client(), url) == 0, "another visitor's page comes whole from the shared fragment"
    shown = body_of(None, url)
    assert "Road safety update" in shown
    assert SECRET not in shown
    assert SECRET in body_of(member, url), "and the visitor's fragment never reaches the member"
    with django_capture_on_commit_callbacks(execute=True):
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED, published_at=None)
    assert Client().get(url).status_code == 404, "a committed change hiding the meeting shows at once"


def test_the_packs_panel_shows_a_status_written_by_update_at_once(
    fragments_on, restricted_agenda, django_capture_on_commit_callbacks
):
    from meetings.models import Pack

    meeting, member = restricted_agenda
    pack = Pack.objects.create(meeting=meeting, kind=Pack.Kind.PUBLIC, status=Pack.Status.READY)
    for viewer in (member, None):
        assert 'data-testid="pack-public" data-state="ready"' in body_of(viewer, meeting.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        Pack.objects.filter(pk=pack.pk).update(status=Pack.Status.FAILED)
    for viewer in (member, None):
        assert 'data-testid="pack-public" data-state="failed"' in body_of(viewer, meeting.get_absolute_url())


def test_the_calendar_is_shared_per_rights_and_moves_on_when_a_meeting_starts(
    fragments_on, make_user, monkeypatch, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from kcsp.testing import count_queries

    now = timezone.now()
    private, public = CommitteeFactory(is_public=False, name="Private board"), CommitteeFactory(name="Open board")
    member = member_of(private, make_user)
    soon = published_meeting(committee=public, starts_at=now + datetime.timedelta(hours=1))
    published_meeting(committee=private, starts_at=now + datetime.timedelta(days=2))
    for viewer in (member, None, member, None):
        assert ("Private board" in body_of(viewer, "/meetings/")) == (viewer is member)
    assert count_queries(Client(), "/meetings/") == 0, "warm: from the shared fragment"
    upcoming, past = body_of(None, "/meetings/").split(PAST_HEADING)
    assert soon.get_absolute_url() in upcoming

    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(hours=2))
    upcoming, past = body_of(None, "/meetings/").split(PAST_HEADING)
    assert soon.get_absolute_url() in past, "once it starts, the cached calendar is built again"
    assert soon.get_absolute_url() not in upcoming

    with django_capture_on_commit_callbacks(execute=True):
        later = published_meeting(committee=public, starts_at=now + datetime.timedelta(days=9))
    assert later.get_absolute_url() in body_of(None, "/meetings/"), "a committed change shows at once"
    assert Client().get("/meetings/?page=9").status_code == 404
    assert Client().get("/meetings/?page=junk").status_code == 404


def test_the_grant_year_is_shared_per_rights_and_a_change_shows_at_once(
    fragments_on, make_user, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from grants.models import GrantYear
    from grants.tests.factories import GrantYearFactory
    from kcsp.testing import count_queries

    year = GrantYearFactory(year=2031)
    officer, url = make_user(roles.OFFICER), year.get_absolute_url()
    for viewer in (officer, None, officer, None):
        assert ("Change the grant year" in body_of(viewer, url)) == (viewer is officer)
    assert count_queries(Client(), url) == 0, "warm: from the shared fragment"
    with django_capture_on_commit_callbacks(execute=True):
        GrantYear.objects.filter(pk=year.pk).update(amount_granted=Decimal("54321.00"))
    assert "£54,321" in body_of(None, url)
    assert Client().get("/grants/1999/").status_code == 404
