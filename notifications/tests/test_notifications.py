"""Notices: who gets them, schedule boundaries, never twice, never switched-off ones, never restricted content."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from agreement.models import ProgressUpdate
from agreement.tests.factories import AgreementFactory, add_item
from kcsp import roles
from kcsp.tests.factories import OrganisationFactory, PersonFactory
from meetings import services as meeting_services
from meetings.models import Action, Minute, Paper, TermsOfReference
from meetings.tests.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    held_meeting,
    published_meeting,
)
from notifications import kinds, services
from notifications.models import Preference, SentNotice

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2023, 3, 10)


def links_to_preferences(message) -> bool:
    return "http://testserver.example/account/notifications/" in message.body


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver.example"


@pytest.fixture
def action(make_user):
    owner = PersonFactory(user=make_user(roles.MEMBER, email="owner@test.example"))
    meeting = held_meeting()
    item = AgendaItemFactory(meeting=meeting, section="B", position=1)
    minute = Minute.objects.create(meeting=meeting, item=item, number=1, title="Update")
    return Action.objects.create(minute=minute, text="Circulate the plan", owner=owner, due_on=TODAY)


@pytest.mark.parametrize(
    ("days_until_due", "expected_kind"),
    [(8, None), (7, kinds.ACTION_DUE), (0, kinds.ACTION_DUE), (-1, kinds.ACTION_OVERDUE)],
)
def test_action_reminders_at_their_boundaries(action, days_until_due, expected_kind):
    action.due_on = TODAY + datetime.timedelta(days=days_until_due)
    action.save()
    sent = services.action_reminders_send(today=TODAY)
    assert sent == (1 if expected_kind else 0)
    assert list(SentNotice.objects.values_list("kind", flat=True)) == ([expected_kind] if expected_kind else [])
    if expected_kind:
        assert mail.outbox[0].to == ["owner@test.example"]
        assert "Circulate the plan" in mail.outbox[0].body and links_to_preferences(mail.outbox[0])


def test_a_rerun_sends_nothing_twice_and_a_week_later_only_the_overdue_notice(action):
    action.due_on = TODAY + datetime.timedelta(days=3)
    action.save()
    assert services.action_reminders_send(today=TODAY) == 1
    assert services.action_reminders_send(today=TODAY) == 0
    assert services.action_reminders_send(today=TODAY + datetime.timedelta(days=1)) == 0
    assert services.action_reminders_send(today=TODAY + datetime.timedelta(days=4)) == 1
    assert services.action_reminders_send(today=TODAY + datetime.timedelta(days=5)) == 0
    assert len(mail.outbox) == 2 and mail.outbox[1].subject.startswith("Overdue")
    action.status = Action.Status.DONE
    action.save()
    assert services.action_reminders_send(today=TODAY + datetime.timedelta(days=30)) == 0


def test_a_restricted_action_is_named_in_no_email(action):
    item = action.minute.item
    item.section, item.restriction_reason = "D", "prevent"
    item.save()
    services.action_reminders_send(today=TODAY)
    assert "Circulate the plan" not in mail.outbox[0].body
    assert "restricted item" in mail.outbox[0].body


def test_a_switched_off_notice_is_not_sent_and_not_recorded(action, client):
    client.force_login(action.owner.user)
    offered = kinds.kinds_for(action.owner.user)  # a member is not offered the DHR digest
    response = client.post("/account/notifications/", {"kinds": [k for k in offered if k != kinds.ACTION_DUE]})
    assert response.status_code == 302
    assert Preference.objects.get(user=action.owner.user, kind=kinds.ACTION_DUE).enabled is False
    page = client.get("/account/notifications/").content.decode()
    assert f'value="{kinds.ACTION_DUE}"' in page and "checked" in page
    assert services.action_reminders_send(today=TODAY) == 0
    assert not SentNotice.objects.exists() and not mail.outbox


def test_the_unique_constraint_holds_even_if_a_run_skips_the_check(action):
    services.action_reminders_send(today=TODAY)
    notice = SentNotice.objects.get()
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        SentNotice.objects.create(
            kind=notice.kind,
            content_type=notice.content_type,
            object_id=notice.object_id,
            recipient=notice.recipient,
            period=notice.period,
        )


def test_publishing_tells_the_committee_members_with_a_link_only(make_user, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(status="agenda_agreed", agenda_agreed_at=timezone.now())
    member = MembershipFactory(committee=meeting.committee, person=PersonFactory(user=make_user(roles.MEMBER))).person
    former = MembershipFactory(
        committee=meeting.committee,
        person=PersonFactory(email="former@test.example"),
        ends_on=datetime.date(2021, 1, 1),
    )
    AgendaItemFactory(meeting=meeting, section="D", position=1, title="Secret thing", restriction_reason="prevent")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_publish(meeting=meeting)
    assert [m.to for m in mail.outbox] == [[member.user.email]]
    body = mail.outbox[0].body
    assert f"http://testserver.example/meetings/{meeting.pk}/" in body and links_to_preferences(mail.outbox[0])
    assert "Secret thing" not in body and former.person.email not in str(mail.outbox[0].to)
    assert services.pack_published_notify(meeting=meeting) == 0


def test_a_supplementary_paper_is_announced_but_a_restricted_one_is_not(make_user, django_capture_on_commit_callbacks):
    meeting = published_meeting()
    MembershipFactory(committee=meeting.committee, person=PersonFactory(user=make_user(roles.MEMBER)))
    public = AgendaItemFactory(meeting=meeting, section="B", position=1)
    restricted = AgendaItemFactory(meeting=meeting, section="D", position=1, restriction_reason="prevent")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.paper_save(paper=Paper(item=public, format="written", subject="Late report"))
        meeting_services.paper_save(paper=Paper(item=restricted, format="written", subject="Secret report"))
    assert len(mail.outbox) == 1 and "Late report" in mail.outbox[0].body


def test_apologies_reach_the_contact_officer(make_user, django_capture_on_commit_callbacks):
    meeting = published_meeting(contact_email="Contact@Test.example")
    person = MembershipFactory(committee=meeting.committee, person=PersonFactory(user=make_user(roles.MEMBER))).person
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.apologies_send(meeting=meeting, person=person)
    assert mail.outbox[0].to == ["contact@test.example"]
    assert str(person) in mail.outbox[0].subject and links_to_preferences(mail.outbox[0])


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2022, 6, 16), 0),  # 14 days before the end of Q1: not yet
        (datetime.date(2022, 6, 17), 1),
        (datetime.date(2022, 6, 30), 1),
        (datetime.date(2022, 7, 1), 0),  # Q2 has only just begun
    ],
)
def test_plan_update_reminders_in_the_last_fortnight_of_the_quarter(make_user, day, expected):
    from agreement import services as plan_services
    from agreement.models import ActionPlan, PlanVersion, Priority

    agreement = AgreementFactory(year=2022)
    priority = Priority.objects.create(agreement=agreement, position=1, name="Road Safety")
    plan = ActionPlan.objects.create(agreement=agreement)
    version = PlanVersion.objects.create(plan=plan)
    organisation = OrganisationFactory()
    lead = PersonFactory(organisation=organisation, user=make_user(roles.MEMBER))
    PersonFactory(organisation=organisation)  # no login: not written to
    item = add_item(version, priority, "Share road safety campaigns")
    item.lead_organisations.add(organisation)
    add_item(version, priority, "Led by nobody")
    plan_services.version_publish(version=version)
    assert services.plan_update_reminders_send(today=day) == expected
    assert services.plan_update_reminders_send(today=day) == 0
    if expected:
        assert mail.outbox[0].to == [lead.user.email] and "Share road safety campaigns" in mail.outbox[0].body
        assert "Led by nobody" not in mail.outbox[0].body


def test_no_plan_reminder_once_the_quarter_has_its_update(make_user):
    from agreement import services as plan_services
    from agreement.models import ActionPlan, PlanVersion, Priority

    agreement = AgreementFactory(year=2022)
    priority = Priority.objects.create(agreement=agreement, position=1, name="Road Safety")
    version = PlanVersion.objects.create(plan=ActionPlan.objects.create(agreement=agreement))
    organisation = OrganisationFactory()
    PersonFactory(organisation=organisation, user=make_user(roles.MEMBER))
    item = add_item(version, priority, "Share road safety campaigns")
    item.lead_organisations.add(organisation)
    version = plan_services.version_publish(version=version)
    ProgressUpdate.objects.create(
        plan=version.plan,
        item_key=item.key,
        year=2022,
        quarter=1,
        narrative="Done",
        status="green",
        created_by=make_user(roles.OFFICER),
    )
    assert services.plan_update_reminders_send(today=datetime.date(2022, 6, 20)) == 0


def test_quarters_follow_the_financial_year():
    assert services.quarter_of(datetime.date(2022, 4, 1)) == (2022, 1, datetime.date(2022, 6, 30))
    assert services.quarter_of(datetime.date(2022, 12, 31)) == (2022, 3, datetime.date(2022, 12, 31))
    assert services.quarter_of(datetime.date(2023, 2, 28)) == (2022, 4, datetime.date(2023, 3, 31))


@pytest.mark.parametrize(("agreed_days_ago", "expected"), [(334, 0), (335, 1), (400, 1)])
def test_terms_of_reference_review_reminders_from_a_month_before_a_year(make_user, agreed_days_ago, expected):
    officer = make_user(roles.OFFICER)
    make_user(roles.MEMBER)
    committee = CommitteeFactory()
    TermsOfReference.objects.create(
        committee=committee, agreed_on=TODAY - datetime.timedelta(days=agreed_days_ago), text="Terms"
    )
    assert services.terms_review_reminders_send(today=TODAY) == expected
    assert services.terms_review_reminders_send(today=TODAY) == 0
    assert [m.to for m in mail.outbox] == [[officer.email]] * expected


def test_the_beat_schedule_names_real_tasks(settings):
    from kcsp.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_preferences_page_needs_a_sign_in(client):
    assert client.get("/account/notifications/").status_code == 302
