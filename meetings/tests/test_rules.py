"""Business rules: item codes, working-day deadlines, quorum, minute numbers and the approval flow."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kcsp import roles
from kcsp.models import Organisation
from kcsp.tests.factories import OrganisationFactory, PersonFactory
from meetings import minuting, services
from meetings.models import AgendaItem, Attendance, Committee, Meeting, Minute
from meetings.quorum import meeting_quorum
from meetings.signing import minutes_approve
from meetings.workingdays import is_working_day, working_days_before

from .factories import CommitteeFactory, MeetingFactory, MembershipFactory, chaired_by, held_meeting

pytestmark = pytest.mark.django_db


def new_meeting(**fields):
    committee = fields.pop("committee", None) or CommitteeFactory()
    starts_at = fields.pop("starts_at", timezone.now() + datetime.timedelta(days=40))
    return services.meeting_create(committee=committee, starts_at=starts_at, contact_name="Anna Taylor", **fields)


def codes(meeting):
    return [item.code + " " + item.title for item in meeting.items.order_by("section", "position")]


def add(meeting, section, title, **fields):
    item = AgendaItem(meeting=meeting, section=section, title=title, **fields)
    services.agenda_item_save(item=item)
    return item


def test_new_meeting_starts_with_the_standard_committee_business_items():
    committee = CommitteeFactory()
    earlier = held_meeting(committee=committee, starts_at=timezone.make_aware(datetime.datetime(2022, 3, 24, 10)))
    assert earlier
    meeting = new_meeting(committee=committee, starts_at=timezone.make_aware(datetime.datetime(2022, 7, 14, 10)))
    assert codes(meeting) == [
        "A1 Introduction",
        "A2 Apologies",
        "A3 Declarations of Interest",
        "A4 Notes of meeting held on 24 March 2022",
    ]


def test_items_are_coded_in_order_within_their_section_and_moving_renumbers():
    meeting = new_meeting()
    b1 = add(meeting, "B", "Community Safety Agreement")
    b2 = add(meeting, "B", "Working Group Update")
    add(meeting, "C", "Dates of future meetings")
    add(meeting, "D", "Domestic Homicide Review Update", restriction_reason="dhr")
    assert (b1.code, b2.code) == ("B1", "B2")
    assert services.agenda_item_move(item=b2, direction="up")
    b1.refresh_from_db(), b2.refresh_from_db()
    assert (b2.code, b1.code) == ("B1", "B2")
    assert not services.agenda_item_move(item=b2, direction="up"), "the first item cannot move up"
    assert codes(meeting)[4:] == [
        "B1 Working Group Update",
        "B2 Community Safety Agreement",
        "C1 Dates of future meetings",
        "D1 Domestic Homicide Review Update",
    ]


def test_deleting_and_changing_section_close_the_gap():
    meeting = new_meeting()
    first, second, third = (add(meeting, "B", t) for t in ("One", "Two", "Three"))
    services.agenda_item_delete(item=first)
    second.refresh_from_db()
    second.section = "C"
    services.agenda_item_save(item=second, old_section="B")
    assert [c for c in codes(meeting) if c[0] in "BC"] == ["B1 Three", "C1 Two"]
    assert third


def test_items_in_a_restricted_section_need_a_reason_and_other_sections_may_be_restricted():
    """Which sections take restricted items only is the committee's (D by default); the database keeps the
    section a capital letter."""
    meeting = new_meeting()
    with pytest.raises(ValidationError, match="items in section D are restricted"):
        add(meeting, "D", "Prevent update")
    with pytest.raises(ValidationError, match="one of the committee's sections"):
        add(meeting, "Q", "Unknown section")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(meeting=meeting, section="d", position=9, title="x", restriction_reason="")
    late = add(meeting, "C", "Exploitation case", restriction_reason="exploitation")
    assert late.is_restricted and late.code == "C1"
    assert list(AgendaItem.objects.filter(meeting=meeting).restricted()) == [late]
    assert late not in AgendaItem.objects.filter(meeting=meeting).public()


def test_changing_an_agreed_agenda_needs_the_chair_again_and_publication_needs_agreement(make_user):
    meeting = new_meeting()
    with pytest.raises(ValidationError, match="chair must agree"):
        services.meeting_publish(meeting=meeting)
    chair = make_user(roles.CHAIR)
    services.agenda_agree(meeting=meeting, chair=chair)
    assert add(meeting, "B", "Late item") and Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.DRAFT
    services.agenda_agree(meeting=meeting, chair=chair)
    published = services.meeting_publish(meeting=meeting)
    assert published.status == Meeting.Status.PUBLISHED and published.published_at
    late = add(published, "C", "Supplementary note")
    assert late.is_supplementary
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PUBLISHED


def test_publication_is_due_five_working_days_before_skipping_bank_holidays():
    # Thursday 14 July 2022: five working days before is Thursday 7 July.
    july = MeetingFactory(starts_at=timezone.make_aware(datetime.datetime(2022, 7, 14, 10)))
    assert july.publication_due_on == datetime.date(2022, 7, 7)
    # Thursday 9 June 2022: the Jubilee bank holidays (2 and 3 June) are not working days.
    assert not is_working_day(datetime.date(2022, 6, 2)) and not is_working_day(datetime.date(2022, 6, 3))
    june = MeetingFactory(starts_at=timezone.make_aware(datetime.datetime(2022, 6, 9, 10)))
    assert june.publication_due_on == datetime.date(2022, 5, 31)
    assert working_days_before(datetime.date(2022, 12, 29), 2) == datetime.date(2022, 12, 23)


def test_deadline_warning_states():
    meeting = MeetingFactory(starts_at=timezone.make_aware(datetime.datetime(2022, 7, 14, 10)))
    assert meeting.publication_deadline_state(datetime.date(2022, 6, 20)) == "open"
    assert meeting.publication_deadline_state(datetime.date(2022, 7, 4)) == "near"
    assert meeting.publication_deadline_state(datetime.date(2022, 7, 8)) == "missed"
    meeting.status = Meeting.Status.PUBLISHED
    assert meeting.publication_deadline_state(datetime.date(2022, 7, 8)) == "published"


def test_quorum_counts_distinct_responsible_authorities_present():
    committee = CommitteeFactory(quorum_count=4)
    meeting = held_meeting(committee=committee)
    authorities = OrganisationFactory.create_batch(4, kind=Organisation.Kind.RESPONSIBLE_AUTHORITY)
    invited = OrganisationFactory(kind=Organisation.Kind.COOPERATING_BODY)
    for org in authorities[:3]:
        Attendance.objects.create(meeting=meeting, person=PersonFactory(), organisation=org, kind="present")
    Attendance.objects.create(meeting=meeting, person=PersonFactory(), organisation=authorities[0], kind="present")
    Attendance.objects.create(meeting=meeting, person=PersonFactory(), organisation=invited, kind="present")
    Attendance.objects.create(meeting=meeting, person=PersonFactory(), organisation=authorities[3], kind="apologies")
    quorum = meeting_quorum(meeting)
    assert len(quorum.counted) == 3 and not quorum.is_quorate
    substitute_for = PersonFactory()
    Attendance.objects.create(
        meeting=meeting,
        person=PersonFactory(),
        organisation=authorities[3],
        kind="substitute",
        substitute_for=substitute_for,
    )
    assert meeting_quorum(meeting).is_quorate


def test_dhr_steering_group_counts_members_from_different_organisations():
    committee = CommitteeFactory(quorum_count=4, quorum_basis=Committee.QuorumBasis.ORGANISATIONS)
    meeting = held_meeting(committee=committee)
    for org in OrganisationFactory.create_batch(4, kind=Organisation.Kind.COOPERATING_BODY):
        Attendance.objects.create(meeting=meeting, person=PersonFactory(), organisation=org, kind="present")
    assert meeting_quorum(meeting).is_quorate


def minute(meeting, item, title):
    return minuting.minute_add(minute=Minute(meeting=meeting, item=item, title=title))


def test_minute_numbers_continue_across_a_committees_meetings_but_not_across_committees():
    committee = CommitteeFactory()
    march = held_meeting(committee=committee, starts_at=timezone.now() - datetime.timedelta(days=100))
    july = held_meeting(committee=committee, starts_at=timezone.now() - datetime.timedelta(days=5))
    march_item = AgendaItem.objects.create(meeting=march, section="B", position=1, title="x")
    july_item = AgendaItem.objects.create(meeting=july, section="B", position=1, title="y")
    assert [minute(march, march_item, f"M{i}").number for i in range(3)] == [1, 2, 3]
    assert minute(july, july_item, "next").number == 4
    other = held_meeting()
    assert minute(other, AgendaItem.objects.create(meeting=other, section="B", position=1, title="z"), "o").number == 1


def test_minutes_are_only_written_for_held_meetings_and_for_their_own_items():
    meeting = MeetingFactory()
    item = AgendaItem.objects.create(meeting=meeting, section="B", position=1, title="x")
    with pytest.raises(ValidationError, match="held"):
        minute(meeting, item, "too early")
    held = held_meeting()
    with pytest.raises(ValidationError, match="another meeting"):
        minute(held, item, "wrong item")


def test_minutes_are_approved_at_a_later_meeting_and_signed_by_the_chair(make_user):
    committee = CommitteeFactory()
    march = held_meeting(committee=committee, starts_at=timezone.now() - datetime.timedelta(days=100))
    july = held_meeting(committee=committee, starts_at=timezone.now() - datetime.timedelta(days=2))
    chair = make_user(roles.CHAIR)
    person = chaired_by(july, chair)
    with pytest.raises(ValidationError, match="no minutes"):
        minutes_approve(meeting=march, at_meeting=july, user=chair)
    minute(march, AgendaItem.objects.create(meeting=march, section="A", position=4, title="Notes"), "Notes")
    minute(july, AgendaItem.objects.create(meeting=july, section="A", position=4, title="Notes"), "Notes")
    with pytest.raises(ValidationError, match="later meeting"):
        minutes_approve(meeting=july, at_meeting=march, user=chair)
    with pytest.raises(ValidationError, match="Your account is not theirs"):
        minutes_approve(meeting=march, at_meeting=july, user=make_user(roles.CHAIR))
    approved = minutes_approve(meeting=march, at_meeting=july, user=chair)
    assert approved.status == Meeting.Status.MINUTES_APPROVED
    assert approved.minutes_signed_by == chair and approved.minutes_signed_at
    assert approved.minutes_signed_by_person == person and person.display_name in approved.minutes_signed_name
    with pytest.raises(ValidationError, match="signed"):
        minutes_approve(meeting=march, at_meeting=july, user=chair)


def test_members_send_apologies_before_the_meeting_only():
    membership = MembershipFactory()
    meeting = MeetingFactory(committee=membership.committee)
    attendance = services.apologies_send(meeting=meeting, person=membership.person)
    assert attendance.kind == Attendance.Kind.APOLOGIES and attendance.sent_online
    assert attendance.organisation == membership.organisation
    with pytest.raises(ValidationError, match="Only members"):
        services.apologies_send(meeting=meeting, person=PersonFactory())
    past = MeetingFactory(committee=membership.committee, starts_at=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError, match="started"):
        services.apologies_send(meeting=past, person=membership.person)
