"""Who sees restricted items, DHR items, drafts and non-public bodies: every role, allowed and refused."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from kcsp import roles
from kcsp.testing import assert_queries_constant, otp_verify
from meetings.ical import meeting_uid
from meetings.models import AgendaItem, Paper

from .factories import AgendaItemFactory, MeetingFactory, MembershipFactory, committee_business, published_meeting

pytestmark = pytest.mark.django_db
ANONYMOUS, NON_MEMBER = "anonymous", "member of another committee"
CLEARED_NO_2FA = "dhr_cleared without 2FA"


@pytest.fixture
def world(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    users = {role: make_user(role) for role in roles.ALL_ROLES}
    users[NON_MEMBER] = make_user(roles.MEMBER)
    users[CLEARED_NO_2FA] = make_user(roles.DHR_CLEARED)
    objects = committee_business(member_user=users[roles.MEMBER])
    clients = {ANONYMOUS: Client()}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    otp_verify(clients[roles.DHR_CLEARED], users[roles.DHR_CLEARED])
    return objects, clients


# A cleared user who has not entered a one-time code this session sees restricted items but no DHR item.
SEES_RESTRICTED = {roles.MEMBER, roles.OFFICER, roles.CHAIR, roles.DHR_CLEARED, CLEARED_NO_2FA}
SEES_DHR = {roles.DHR_CLEARED}
EVERY = [ANONYMOUS, NON_MEMBER, *roles.ALL_ROLES, CLEARED_NO_2FA]


@pytest.mark.parametrize("who", EVERY)
def test_agenda_lists_restricted_titles_to_all_but_opens_them_and_dhr_items_only_to_those_entitled(world, who):
    objects, clients = world
    body = clients[who].get(objects["published"].get_absolute_url()).content.decode()
    assert "Action plan update" in body
    # Everyone sees a restricted item's title listed under its heading, as the partnership's agendas print it;
    # only the entitled may open it. A DHR item's title is withheld from all but the DHR-cleared.
    assert "Prevent update" in body and "Restricted items" in body
    assert (f"/meetings/items/{objects['restricted_item'].pk}/" in body) is (who in SEES_RESTRICTED)
    assert ("DHR update" in body) is (who in SEES_DHR)
    assert (f"/meetings/items/{objects['dhr_item'].pk}/" in body) is (who in SEES_DHR)


@pytest.mark.parametrize("who", EVERY)
def test_restricted_pages_and_files_answer_404_to_the_unentitled(world, who):
    objects, clients = world
    restricted = clients[who].get(f"/meetings/items/{objects['restricted_item'].pk}/")
    assert restricted.status_code == (200 if who in SEES_RESTRICTED else 404)
    dhr = clients[who].get(f"/meetings/items/{objects['dhr_item'].pk}/")
    assert dhr.status_code == (200 if who in SEES_DHR else 404)
    file = clients[who].get(f"/meetings/papers/{objects['restricted_paper'].pk}/file/")
    assert file.status_code == (200 if who in SEES_RESTRICTED else 404)
    if file.status_code == 200:
        assert file["Content-Disposition"].startswith("attachment")
        assert file["Cache-Control"] == "private, no-store"
    dhr_paper = Paper.objects.get(item=objects["dhr_item"])
    assert clients[who].get(dhr_paper.get_absolute_url()).status_code == (200 if who in SEES_DHR else 404)


@pytest.mark.parametrize("who", EVERY)
def test_draft_meetings_are_seen_by_officers_and_chairs_only(world, who):
    _, clients = world
    draft = MeetingFactory()
    AgendaItemFactory(meeting=draft, title="Draft business")
    response = clients[who].get(draft.get_absolute_url())
    assert response.status_code == (200 if who in {roles.OFFICER, roles.CHAIR} else 404)
    calendar = clients[who].get("/meetings/").content.decode()
    assert (draft.get_absolute_url() in calendar) is (who in {roles.OFFICER, roles.CHAIR})


@pytest.mark.parametrize("who", EVERY)
def test_non_public_bodies_are_seen_by_their_members_and_staff_only(world, who):
    objects, clients = world
    private = published_meeting(committee__is_public=False)
    MembershipFactory(committee=private.committee, person__user=None)
    entitled = {roles.OFFICER, roles.CHAIR}
    assert clients[who].get(private.get_absolute_url()).status_code == (200 if who in entitled else 404)


@pytest.mark.parametrize("who", EVERY)
def test_draft_minutes_reach_staff_and_committee_members_only(world, who):
    objects, clients = world
    body = clients[who].get(f"/meetings/{objects['held'].pk}/minutes/").content.decode()
    assert ("51. Working Group Update" in body) is (who in {roles.MEMBER, roles.OFFICER, roles.CHAIR})


def test_ical_feed_lists_published_public_meetings_only(world):
    from icalendar import Calendar

    objects, clients = world
    draft = MeetingFactory()
    private = published_meeting(committee__is_public=False)
    response = clients[ANONYMOUS].get("/meetings/meetings.ics")
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    uids = {str(e["UID"]) for e in events}
    assert meeting_uid(objects["published"]) in uids
    assert meeting_uid(draft) not in uids and meeting_uid(private) not in uids
    event = next(e for e in events if str(e["UID"]) == meeting_uid(objects["published"]))
    assert event.decoded("DTSTART") == objects["published"].starts_at.replace(microsecond=0)


def test_meeting_page_query_count_does_not_grow_with_items(world):
    objects, clients = world
    meeting = objects["published"]

    def grow():
        start = meeting.items.filter(section="C").count()
        for n in range(start + 1, start + 9):
            item = AgendaItem.objects.create(meeting=meeting, section="C", position=n, title=f"Info {n}")
            Paper.objects.create(item=item, format="written", subject=f"Paper {n}")

    for who in (ANONYMOUS, roles.OFFICER, roles.DHR_CLEARED):
        assert_queries_constant(clients[who], meeting.get_absolute_url(), grow)


def test_declarations_on_restricted_items_stay_with_their_item(world):
    from kcsp.tests.factories import PersonFactory
    from meetings.models import Declaration

    objects, clients = world
    held = objects["held"]
    restricted = AgendaItemFactory(
        meeting=held, section="D", position=1, title="Exploitation", restriction_reason="exploitation"
    )
    Declaration.objects.create(
        meeting=held, item=restricted, person=PersonFactory(surname="Keers"), interest="Trustee of a charity"
    )
    Declaration.objects.create(
        meeting=held, person=PersonFactory(surname="Platt"), interest="Employed by a district council"
    )
    member_view = clients[roles.MEMBER].get(f"/meetings/{held.pk}/minutes/").content.decode()
    assert "Trustee of a charity" in member_view and "Employed by a district council" in member_view
    outsider_view = clients[NON_MEMBER].get(f"/meetings/{held.pk}/minutes/").content.decode()
    assert "Trustee of a charity" not in outsider_view


def test_a_membership_opens_nothing_once_the_member_role_is_taken_away(world):
    """Access follows the role as well as the membership: an administrator who removes someone's member role
    (or links a committee person to an account without it) takes away the restricted items, pack and minutes."""
    objects, clients = world
    member = clients[roles.MEMBER]
    paper_file = f"/meetings/papers/{objects['restricted_paper'].pk}/file/"
    assert member.get(paper_file).status_code == 200
    user = objects["membership"].person.user
    user.groups.clear()
    assert member.get(paper_file).status_code == 404
    assert member.get(f"/meetings/items/{objects['restricted_item'].pk}/").status_code == 404
    assert member.get(f"/meetings/{objects['published'].pk}/packs/restricted.pdf").status_code == 404
    agenda = member.get(objects["published"].get_absolute_url()).content.decode()
    assert f"/meetings/items/{objects['restricted_item'].pk}/" not in agenda, "listed by title only, as to the public"


def test_reading_the_record_of_a_dhr_download_is_itself_a_logged_dhr_access(make_user, client):
    """The downloads page names DHR papers: the record of a DHR download passes the DHR gate's log when loaded."""
    from dhr.models import AccessLog
    from kcsp.models import FileDownload

    clerk = make_user(roles.OFFICER)
    clerk.groups.add(Group.objects.get(name=roles.DHR_CLEARED))
    objects = committee_business(member_user=make_user(roles.MEMBER))
    paper = Paper.objects.get(item=objects["dhr_item"])
    FileDownload.objects.create(user=clerk, what="Paper D2 DHR case briefing", subject=paper, dhr=True)
    client.force_login(clerk)
    otp_verify(client, clerk)
    before = AccessLog.objects.count()
    page = client.get(f"/meetings/{objects['published'].pk}/downloads/")
    assert "DHR case briefing" in page.content.decode()
    assert AccessLog.objects.count() == before + 1
