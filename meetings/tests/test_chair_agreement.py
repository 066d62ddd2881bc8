"""The chair's agreement as steps (meetings/chair_agreement.py): send with a note, agree what was read, return with
comments, take back; who may take each; the e-mails; the history; the agenda locked while with the chair."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from kcsp import roles
from kcsp.tests.factories import PersonFactory
from meetings import chair_agreement as agreement
from meetings import services
from meetings.models import AgendaItem, Meeting, MeetingStatusChange, OfficeTerm, Paper

from .factories import AgendaItemFactory, CommitteeFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    officer, chair = make_user(roles.OFFICER, full_name="Olive Officer"), make_user(roles.CHAIR, full_name="C Chair")
    other_chair = make_user(roles.CHAIR, full_name="Vic Vice")
    committee = CommitteeFactory()
    chair_person = PersonFactory(user=chair)
    OfficeTerm.objects.create(
        committee=committee, person=chair_person, office="chair", starts_on=datetime.date(2020, 1, 1)
    )
    meeting = MeetingFactory(committee=committee, starts_at=timezone.now() + datetime.timedelta(days=40))
    report = AgendaItemFactory(meeting=meeting, section="B", position=1, title="Action plan update", purpose="decision")
    verbal = AgendaItemFactory(meeting=meeting, section="B", position=2, title="Police update", kind="verbal")
    restricted = AgendaItemFactory(
        meeting=meeting, section="D", position=1, title="Operation Kestrel", restriction_reason="exploitation"
    )
    dhr = AgendaItemFactory(
        meeting=meeting, section="D", position=2, title="DHR Smith family", restriction_reason="dhr"
    )
    return {
        "officer": officer,
        "chair": chair,
        "other_chair": other_chair,
        "meeting": meeting,
        "report": report,
        "verbal": verbal,
        "restricted": restricted,
        "dhr": dhr,
    }


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def actions(meeting) -> list[tuple]:
    return list(
        MeetingStatusChange.objects.filter(meeting=meeting).values_list("action", "from_status", "to_status", "reason")
    )


def test_the_whole_round_is_recorded_and_each_mail_goes_to_the_right_person(world, django_capture_on_commit_callbacks):
    meeting, officer, chair = world["meeting"], world["officer"], world["chair"]
    with django_capture_on_commit_callbacks(execute=True):
        agreement.agenda_send_to_chair(meeting=meeting, user=officer, note="Kestrel moved to D at the police's ask")
    assert Meeting.objects.get(pk=meeting.pk).status == "with_chair"
    assert [m.to for m in mail.outbox] == [[chair.email]]  # the chair in office, not every chair
    body = mail.outbox[0].body
    assert "Kestrel moved to D at the police's ask" in body and "Olive Officer" in body
    assert f"/meetings/{meeting.pk}/agree/" in body and "must be published by" in body
    assert ".." not in body, "the time ends 'a.m.' or 'p.m.': no second full stop after it"
    for title in ("Action plan update", "Operation Kestrel", "DHR Smith family"):
        assert title not in body  # no item's title leaves the site by e-mail

    with django_capture_on_commit_callbacks(execute=True):
        agreement.agenda_return(meeting=meeting, chair=chair, comments="Add the grants report under B")
    assert [m.to for m in mail.outbox[1:]] == [[officer.email]]
    assert "Add the grants report under B" in mail.outbox[1].body
    meeting.refresh_from_db()
    assert meeting.status == "draft" and agreement.chair_comments(meeting).reason == "Add the grants report under B"

    AgendaItemFactory(meeting=meeting, section="B", position=3, title="Grants report")
    with django_capture_on_commit_callbacks(execute=True):
        agreement.agenda_send_to_chair(meeting=meeting, user=officer)
    meeting.refresh_from_db()
    assert agreement.chair_comments(meeting) is None  # until resent
    agreement.agenda_chair_agree(meeting=meeting, chair=chair, seen=agreement.agenda_fingerprint(meeting))
    meeting.refresh_from_db()
    assert meeting.status == "agenda_agreed" and meeting.agenda_agreed_by == chair
    assert actions(meeting) == [
        ("send-to-chair", "draft", "with_chair", "Kestrel moved to D at the police's ask"),
        ("return", "with_chair", "draft", "Add the grants report under B"),
        ("send-to-chair", "draft", "with_chair", ""),
        ("agree", "with_chair", "agenda_agreed", ""),
    ]
    assert len(mail.outbox) == 3  # agreeing sends nothing; the officer publishes


def test_who_may_take_each_step(world, make_user):
    meeting, officer, chair = world["meeting"], world["officer"], world["chair"]
    member = make_user(roles.MEMBER)
    for user in (chair, member):
        with pytest.raises(ValidationError) as refused:
            agreement.agenda_send_to_chair(meeting=meeting, user=user)
        assert refused.value.code == "permission"
    agreement.agenda_send_to_chair(meeting=meeting, user=officer)
    for user in (officer, member):
        with pytest.raises(ValidationError) as refused:
            agreement.agenda_return(meeting=meeting, chair=user, comments="No")
        assert refused.value.code == "permission"
        with pytest.raises(ValidationError) as refused:
            agreement.agenda_chair_agree(meeting=meeting, chair=user, seen=None)
        assert refused.value.code == "permission"
    for user in (chair, member):
        with pytest.raises(ValidationError) as refused:
            agreement.agenda_take_back(meeting=meeting, user=user)
        assert refused.value.code == "permission"
    agreement.agenda_take_back(meeting=meeting, user=officer, reason="A late item")
    assert actions(meeting)[-1] == ("take-back", "with_chair", "draft", "A late item")


def test_refusals_name_the_rule(world):
    meeting, officer, chair = world["meeting"], world["officer"], world["chair"]
    agreement.agenda_send_to_chair(meeting=meeting, user=officer)
    with pytest.raises(ValidationError, match="is with the chair for agreement. Only a draft agenda is sent"):
        agreement.agenda_send_to_chair(meeting=meeting, user=officer)
    with pytest.raises(ValidationError) as refused:
        agreement.agenda_return(meeting=meeting, chair=chair, comments="   ")
    assert refused.value.code == "reason" and "Enter comments for the officer" in refused.value.messages[0]
    agreement.agenda_take_back(meeting=meeting, user=officer)
    with pytest.raises(ValidationError, match="is draft. Only an agenda sent to the chair for agreement is returned"):
        agreement.agenda_return(meeting=meeting, chair=chair, comments="Too late")
    with pytest.raises(ValidationError, match="Only an agenda with the chair for agreement is taken back"):
        agreement.agenda_take_back(meeting=meeting, user=officer)
    empty = MeetingFactory()
    with pytest.raises(ValidationError, match="The agenda has no items"):
        agreement.agenda_send_to_chair(meeting=empty, user=officer)
    assert not MeetingStatusChange.objects.filter(meeting=empty).exists()


def test_the_agenda_does_not_change_while_with_the_chair(world):
    meeting, officer = world["meeting"], world["officer"]
    agreement.agenda_send_to_chair(meeting=meeting, user=officer)
    rule = "The agenda is with the chair for agreement: its items do not change while the chair reads it"
    report = AgendaItem.objects.get(pk=world["report"].pk)
    report.title = "Changed behind the chair's back"
    with pytest.raises(ValidationError, match=rule):
        services.agenda_item_save(item=report, old_section="B")
    with pytest.raises(ValidationError, match=rule):
        services.agenda_item_save(item=AgendaItem(meeting=meeting, section="B", title="New"))
    with pytest.raises(ValidationError, match=rule):
        services.agenda_item_move(item=world["verbal"], direction="up")
    with pytest.raises(ValidationError, match=rule):
        services.agenda_item_delete(item=world["verbal"])
    assert AgendaItem.objects.get(pk=report.pk).title == "Action plan update"
    assert meeting.items.count() == 4 and Meeting.objects.get(pk=meeting.pk).status == "with_chair"


def test_the_chair_agrees_what_they_read_a_paper_changed_since_is_refused(world):
    meeting, officer, chair = world["meeting"], world["officer"], world["chair"]
    agreement.agenda_send_to_chair(meeting=meeting, user=officer)
    seen = agreement.agenda_fingerprint(meeting)
    Paper.objects.create(item=world["report"], format="written", subject="Action plan report")  # papers may arrive
    with pytest.raises(ValidationError, match="The agenda changed after you opened it"):
        agreement.agenda_chair_agree(meeting=meeting, chair=chair, seen=seen)
    assert Meeting.objects.get(pk=meeting.pk).status == "with_chair"
    agreement.agenda_chair_agree(meeting=meeting, chair=chair, seen=agreement.agenda_fingerprint(meeting))
    assert Meeting.objects.get(pk=meeting.pk).status == "agenda_agreed"


def test_a_written_section_or_a_replaced_file_changed_since_the_page_opened_is_refused(world):
    """Every part of a paper the chair can read counts: a section's words, and a file replaced under the paper."""
    from meetings.models import PaperSection

    meeting, officer, chair = world["meeting"], world["officer"], world["chair"]
    paper = Paper.objects.create(item=world["report"], format="written", subject="Action plan report")
    section = PaperSection.objects.create(paper=paper, position=1, heading="Summary", body="Green on 20 of 24.")
    agreement.agenda_send_to_chair(meeting=meeting, user=officer)
    seen = agreement.agenda_fingerprint(meeting)
    PaperSection.objects.filter(pk=section.pk).update(body="Green on 12 of 24.")
    with pytest.raises(ValidationError, match="The agenda changed after you opened it"):
        agreement.agenda_chair_agree(meeting=meeting, chair=chair, seen=seen)
    seen = agreement.agenda_fingerprint(meeting)
    Paper.objects.filter(pk=paper.pk).update(summary="A new summary.")
    with pytest.raises(ValidationError, match="The agenda changed after you opened it"):
        agreement.agenda_chair_agree(meeting=meeting, chair=chair, seen=seen)
    assert Meeting.objects.get(pk=meeting.pk).status == "with_chair"


def test_the_chair_may_still_agree_a_draft_in_person(world):
    meeting, chair = world["meeting"], world["chair"]
    services.agenda_agree(meeting=meeting, chair=chair)
    assert actions(meeting) == [("agree", "draft", "agenda_agreed", "")]


def test_who_is_asked_the_chair_in_office_else_the_vice_chair_else_every_chair(world, make_user):
    meeting, chair, other = world["meeting"], world["chair"], world["other_chair"]
    assert [a.email for a in agreement.chair_addresses(meeting)] == [chair.email]
    term = OfficeTerm.objects.get(committee=meeting.committee)
    term.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    term.save()
    OfficeTerm.objects.create(
        committee=meeting.committee,
        person=PersonFactory(user=other),
        office="vice_chair",
        starts_on=datetime.date(2020, 1, 1),
    )
    assert [a.email for a in agreement.chair_addresses(meeting)] == [other.email]
    OfficeTerm.objects.filter(committee=meeting.committee).delete()
    assert {a.email for a in agreement.chair_addresses(meeting)} == {chair.email, other.email}


def test_the_returned_comments_go_to_the_sender_and_the_meetings_contact(world, make_user):
    meeting = world["meeting"]
    sender = make_user(roles.OFFICER)
    Meeting.objects.filter(pk=meeting.pk).update(contact_email="democratic.services@kent.example")
    meeting.refresh_from_db()
    agreement.agenda_send_to_chair(meeting=meeting, user=sender)
    change = MeetingStatusChange.objects.filter(meeting=meeting, action="send-to-chair").get()
    assert [a.email for a in agreement.officer_addresses(meeting, change.by)] == sorted(
        ["democratic.services@kent.example", sender.email]
    )


# --- the pages ------------------------------------------------------------------------------------------------


def test_the_officer_sends_and_the_chairs_page_shows_the_whole_agenda(world, django_capture_on_commit_callbacks):
    meeting, officer, chair = world["meeting"], world["officer"], world["chair"]
    officer_client = signed_in(officer)
    page = officer_client.get(meeting.get_absolute_url()).content.decode()
    assert f"/meetings/{meeting.pk}/send-to-chair/" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(f"/meetings/{meeting.pk}/send-to-chair/", {"note": "Please check D1"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    page = officer_client.get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="with-chair-notice"' in page and f"/meetings/{meeting.pk}/take-back/" in page
    assert f"/items/{world['report'].pk}/edit/" not in page and "Add an agenda item" not in page

    page = signed_in(chair).get(f"/meetings/{meeting.pk}/agree/").content.decode()
    for words in (
        "Please check D1",
        "Action plan update",
        "For Decision",
        "Verbal update",
        "None needed (verbal update)",
        "Operation Kestrel",
        "Exploitation and safeguarding",
        'data-testid="paper-missing"',
        "Publication deadline",
        f"{meeting.publication_due_on:%-d %B %Y}",
        "Return with comments",
    ):
        assert words in page, words
    assert "DHR Smith family" not in page  # the chair is not DHR-cleared: listed, not read
    assert "you may not read this item" in page


def test_the_chair_returns_with_comments_the_officer_sees_them_until_resent(world):
    meeting, officer, chair = world["meeting"], world["officer"], world["chair"]
    agreement.agenda_send_to_chair(meeting=meeting, user=officer)
    chair_client = signed_in(chair)
    response = chair_client.post(f"/meetings/{meeting.pk}/return-to-officer/", {"comments": ""})
    assert response.status_code == 200 and "Enter comments for the officer" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == "with_chair"
    response = chair_client.post(f"/meetings/{meeting.pk}/return-to-officer/", {"comments": "Move B2 first"})
    assert response.status_code == 302
    officer_client = signed_in(officer)
    page = officer_client.get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="chair-comments"' in page and "Move B2 first" in page
    assert ".m.." not in page and "send it to the chair again" in page  # "4.41 p.m." ends its own sentence
    chair_page = chair_client.get(meeting.get_absolute_url()).content.decode()
    assert "Move B2 first" in chair_page and "send it to the chair again" not in chair_page  # the officer's step
    officer_client.post(f"/meetings/{meeting.pk}/send-to-chair/", {"note": ""})
    page = officer_client.get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="chair-comments"' not in page


def test_the_chair_agrees_from_the_page_and_a_stale_page_is_refused(world):
    meeting, officer, chair = world["meeting"], world["officer"], world["chair"]
    agreement.agenda_send_to_chair(meeting=meeting, user=officer)
    chair_client = signed_in(chair)
    response = chair_client.post(f"/meetings/{meeting.pk}/agree/", {"seen": "0" * 64})
    assert response.status_code == 200 and "The agenda changed after you opened it" in response.content.decode()
    response = chair_client.post(f"/meetings/{meeting.pk}/agree/", {"seen": agreement.agenda_fingerprint(meeting)})
    assert response.status_code == 302 and Meeting.objects.get(pk=meeting.pk).status == "agenda_agreed"
    page = chair_client.get(f"/meetings/{meeting.pk}/agree/").content.decode()
    assert 'data-testid="nothing-to-agree"' in page and 'name="seen"' not in page


def test_the_pages_refuse_the_wrong_roles(world, make_user):
    meeting = world["meeting"]
    member, chair, officer = signed_in(make_user(roles.MEMBER)), signed_in(world["chair"]), signed_in(world["officer"])
    for url in ("agree", "return-to-officer"):
        assert member.get(f"/meetings/{meeting.pk}/{url}/").status_code == 403
        assert officer.get(f"/meetings/{meeting.pk}/{url}/").status_code == 403
    for url in ("send-to-chair", "take-back"):
        assert member.get(f"/meetings/{meeting.pk}/{url}/").status_code == 403
        assert chair.get(f"/meetings/{meeting.pk}/{url}/").status_code == 403


def test_the_chairs_page_reads_a_fixed_number_of_queries_as_the_agenda_grows(world, django_assert_max_num_queries):
    meeting, chair = world["meeting"], world["chair"]
    Paper.objects.create(item=world["report"], format="written", subject="Action plan report")
    client = signed_in(chair)
    url = f"/meetings/{meeting.pk}/agree/"
    client.get(url)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    for n in range(6):
        item = AgendaItemFactory(meeting=meeting, section="C", position=n + 1, title=f"Extra {n}")
        Paper.objects.create(item=item, format="written", subject=f"Paper {n}")
    assert count() == small


def test_a_chair_who_cannot_agree_online_leaves_it_to_the_vice_chair_by_mail_and_on_their_home_page(world):
    """chair_addresses and committees_in_the_chair apply one rule: the vice-chair is asked when the chair in office
    has no active account in the chair role, and then the agenda is theirs to agree (their home page's list)."""
    from meetings.office_terms import committees_in_the_chair

    meeting, chair, vice = world["meeting"], world["chair"], world["other_chair"]
    OfficeTerm.objects.create(
        committee=meeting.committee,
        person=PersonFactory(user=vice),
        office="vice_chair",
        starts_on=datetime.date(2020, 1, 1),
    )
    mine = lambda user: set(committees_in_the_chair(user).values_list("committee", flat=True))  # noqa: E731
    assert [a.email for a in agreement.chair_addresses(meeting)] == [chair.email]
    assert mine(chair) == {meeting.committee_id} and mine(vice) == set()
    chair.is_active = False
    chair.save()
    assert [a.email for a in agreement.chair_addresses(meeting)] == [vice.email]
    assert mine(vice) == {meeting.committee_id}
