"""Where a postponed or cancelled meeting meets the rest of committee business: its agenda, apologies and the
forward plan follow the step, not only the meeting page's buttons."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kcsp import roles
from kcsp.tests.factories import PersonFactory
from meetings import changes, forward_plan, services
from meetings.models import AgendaItem, Attendance, ForwardPlanEntry, Meeting

from .factories import AgendaItemFactory, CommitteeFactory, MembershipFactory, held_meeting
from .forward_plan_world import draft_meeting, entry_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user(roles.OFFICER)


@pytest.fixture
def agreed(make_user):
    """A meeting 30 days ahead whose agenda the chair has agreed (not yet published)."""
    committee = CommitteeFactory()
    meeting = services.meeting_create(committee=committee, starts_at=timezone.now() + datetime.timedelta(days=30))
    AgendaItemFactory(meeting=meeting, section="B", position=1, title="Community Safety Agreement")
    return services.agenda_agree(meeting=meeting, chair=make_user(roles.CHAIR))


def test_a_postponed_agreed_agenda_cannot_be_changed_and_come_back_agreed(agreed, officer):
    meeting = changes.meeting_postpone(meeting=agreed, user=officer, reason="Not quorate")
    item = AgendaItem(meeting=meeting, section="C", title="Added while postponed", kind="report")
    with pytest.raises(ValidationError, match="postponed"):
        services.agenda_item_save(item=item)
    first = meeting.items.get(section="B")
    first.title = "Changed while postponed"
    with pytest.raises(ValidationError, match="postponed"):
        services.agenda_item_save(item=first, old_section="B")
    meeting = changes.meeting_reschedule(
        meeting=meeting, user=officer, reason="New date", starts_at=timezone.now() + datetime.timedelta(days=50)
    )
    assert meeting.status == Meeting.Status.AGENDA_AGREED
    assert list(meeting.items.values_list("title", flat=True).order_by("section")) != ["Changed while postponed"]
    assert not meeting.items.filter(title="Added while postponed").exists()


def test_a_cancelled_meetings_agenda_does_not_change(agreed, officer):
    meeting = changes.meeting_cancel(meeting=agreed, user=officer, reason="No business")
    item = meeting.items.get(section="B")
    with pytest.raises(ValidationError, match="cancelled"):
        services.agenda_item_save(item=AgendaItem(meeting=meeting, section="C", title="Late", kind="report"))
    with pytest.raises(ValidationError, match="cancelled"):
        services.agenda_item_delete(item=item)
    AgendaItemFactory(meeting=meeting, section="B", position=2, title="Second")
    with pytest.raises(ValidationError, match="cancelled"):
        services.agenda_item_move(item=item, direction="down")


def test_no_apologies_for_a_cancelled_meeting(agreed, officer):
    person = PersonFactory()
    MembershipFactory(committee=agreed.committee, person=person)
    meeting = changes.meeting_cancel(meeting=agreed, user=officer, reason="No business")
    with pytest.raises(ValidationError, match="cancelled"):
        services.apologies_send(meeting=meeting, person=person)
    assert not Attendance.objects.filter(meeting=meeting).exists()


@pytest.fixture
def plan():
    committee = CommitteeFactory()
    held_meeting(committee=committee, starts_at=timezone.now() - datetime.timedelta(days=20))
    november = draft_meeting(committee, days=40)
    return {"committee": committee, "november": november}


def test_forward_plan_entries_of_a_cancelled_meeting_go_back_to_the_plan(plan, officer):
    november = plan["november"]
    entry = entry_for(november)
    accepted = entry_for(november, title="Vision Zero update")
    forward_plan.forward_plan_entry_accept(entry=accepted, meeting=november, section="C")
    changes.meeting_cancel(meeting=november, user=officer, reason="No business")
    accepted.refresh_from_db()
    assert (accepted.status, accepted.agenda_item, accepted.expected_meeting) == ("moved", None, None)
    entry.refresh_from_db()
    assert entry.expected_meeting is None
    assert entry.expected_month == forward_plan.month_start(november.date)
    assert entry.status == ForwardPlanEntry.Status.MOVED
    later = draft_meeting(plan["committee"], days=100)
    assert entry in forward_plan.suggestions_for(later)


def test_forward_plan_entries_of_a_replaced_meeting_go_to_the_replacement(plan, officer):
    november = plan["november"]
    entry = entry_for(november)
    changes.meeting_postpone(meeting=november, user=officer, reason="Not quorate")
    replacement = changes.meeting_replacement_create(
        original=november, user=officer, starts_at=timezone.now() + datetime.timedelta(days=70)
    )
    entry.refresh_from_db()
    assert entry.expected_meeting == replacement
    assert entry in forward_plan.suggestions_for(replacement)


def test_an_agreed_agenda_changed_goes_back_to_draft_on_the_record(agreed):
    """The one status change made outside the table's pages (an edit undoing the chair's agreement) is recorded
    like every step, so the meeting's "Changes" list has no gap between "agree" and the next "agree"."""
    item = agreed.items.get(section="B")
    item.title = "Community Safety Agreement refresh"
    assert services.agenda_item_save(item=item, old_section="B") is True
    change = agreed.status_changes.order_by("-at", "-pk").first()
    assert (change.action, change.from_status, change.to_status) == ("agenda-changed", "agenda_agreed", "draft")


def test_a_section_made_restricted_later_does_not_print_over_a_held_meetings_open_items():
    """committee_section_save lets a section become restricted while held agendas have open items in it (their
    record is kept); those agendas must not then print the exclusion statement over items that were open."""
    from meetings import agenda_setup
    from meetings.agenda_print import print_sections
    from meetings.models import CommitteeSection

    committee = CommitteeFactory()
    meeting = held_meeting(committee=committee, starts_at=timezone.now() - datetime.timedelta(days=10))
    AgendaItemFactory(meeting=meeting, section="C", position=1, title="Dates of future meetings")
    AgendaItemFactory(meeting=meeting, section="C", position=2, title="Gangs", restriction_reason="exploitation")
    section = CommitteeSection.objects.get(committee=committee, letter="C")
    section.restricted = True
    agenda_setup.committee_section_save(section=section)
    (printed,) = [s for s in print_sections(committee, list(meeting.items.all())) if s.letter == "C"]
    assert printed.restricted is False
    assert [run.restricted for run in printed.runs] == [False, True]


def test_nobody_is_recorded_present_at_a_cancelled_meeting(agreed, officer):
    from meetings.register import RegisterRow, attendance_register_save

    person = PersonFactory()
    MembershipFactory(committee=agreed.committee, person=person)
    meeting = changes.meeting_cancel(meeting=agreed, user=officer, reason="No business")
    with pytest.raises(ValidationError, match="cancelled"):
        attendance_register_save(meeting=meeting, rows=[RegisterRow(person=person, kind="present")], user=officer)
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_the_reason_form_says_the_public_reads_the_reason(agreed, officer, client):
    """The reason for calling a meeting off is printed on its page to everyone who may see it (the public once its
    agenda was published): the officer is told so, not only that members hear it."""
    client.force_login(officer)
    page = client.get(f"/meetings/{agreed.pk}/postpone/").content.decode()
    assert "shown on the meeting&#x27;s page to everyone" in page or "shown on the meeting's page to everyone" in page


def test_an_item_leaving_dhr_keeps_its_title_withheld_until_an_officer_lists_it(agreed):
    """A DHR item's title was never public; moved to another restriction in the same save, it stays withheld (the
    checkbox was never shown ticked for it); a later, separate edit may list it."""
    item = AgendaItem(meeting=agreed, section="D", title="Review of Adult A", kind="report", restriction_reason="dhr")
    services.agenda_item_save(item=item)
    item.restriction_reason, item.title_withheld = "personal", False
    services.agenda_item_save(item=item, old_section="D")
    item.refresh_from_db()
    assert item.title_withheld is True and item.listed_title == "Restricted item"
    item.title_withheld = False
    services.agenda_item_save(item=item, old_section="D")
    item.refresh_from_db()
    assert item.listed_title == "Review of Adult A"


def test_a_paper_added_while_a_published_meeting_is_postponed_is_supplementary(agreed, officer):
    from meetings.models import Paper

    item = agreed.items.get(section="B")
    services.meeting_publish(meeting=agreed, user=officer)
    changes.meeting_postpone(meeting=agreed, user=officer, reason="Not quorate")
    paper = services.paper_save(paper=Paper(item=item, format=Paper.Format.WRITTEN, subject="Update"), user=officer)
    assert paper.is_supplementary, "the agenda went out before the postponement"
