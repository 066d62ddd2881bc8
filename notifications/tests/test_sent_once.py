"""Every scheduled and event notice is sent once, through the one recorded-notice path (issue 13 §11).

The schedule is walked from CELERY_BEAT_SCHEDULE, so a new scheduled task is run here without being listed:
with data that makes each send something, a second run (a second beat, a redelivered task, a manual rerun)
adds nothing to the outbox. Event notices are triggered twice and go out once. No module but
notifications/services.py sends mail, so nothing can go round the record.
"""

import datetime
import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from agreement.models import ActionPlan, PlanVersion
from agreement.services import version_publish
from agreement.tests.factories import AgreementFactory, add_item
from dhr.tests.factories import make_case
from grants import notify
from grants.tests.factories import BidFactory
from kcsp import roles
from kcsp.tests.factories import OrganisationFactory, PersonFactory
from meetings.models import Action, Attendance, Minute, Paper, TermsOfReference
from meetings.tests.factories import AgendaItemFactory, MembershipFactory, held_meeting, published_meeting
from notifications.models import SentNotice

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 25)  # in the last fortnight of a quarter, so every schedule has work
PREFERENCES = "http://testserver.example/account/notifications/"
# Scheduled tasks that send no mail at all (they are still run twice).
NOT_MAIL = {  # housekeeping: no notices
    "meetings.tasks.packs_resend_task",
    "kcsp.tasks.kept_copies_expire_task",
    "meetings.tasks.signed_minutes_retag_task",
    "kcsp.governance.tasks.disposal_resend_task",
}


def task_named(name: str):
    module, attribute = name.rsplit(".", 1)
    return getattr(importlib.import_module(module), attribute)


@pytest.fixture
def world(make_user, settings, monkeypatch):
    """Something due for every schedule on TODAY, and a member, officer, chair and cleared user to hear of it."""
    settings.SITE_URL = "http://testserver.example"
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    organisation = OrganisationFactory()
    member = PersonFactory(user=make_user(roles.MEMBER, email="member@once.example"), organisation=organisation)
    make_user(roles.OFFICER, email="officer@once.example")
    make_user(roles.CHAIR, email="chair@once.example")
    cleared = make_user(roles.DHR_CLEARED, email="cleared@once.example")
    make_user(roles.DPO, email="dpo@once.example")
    from dhr.models import AccessLog

    # a month of the DHR access log past its ten years: the monthly disposal list tells the DPO
    AccessLog.objects.create(
        user=cleared, action="view", what="Case", path="/r/", at=datetime.datetime(2015, 1, 5, tzinfo=datetime.UTC)
    )
    meeting = held_meeting()
    MembershipFactory(committee=meeting.committee, person=member, organisation=organisation)
    minute = Minute.objects.create(
        meeting=meeting, item=AgendaItemFactory(meeting=meeting, section="B", position=1), number=1, title="Update"
    )
    Action.objects.create(minute=minute, text="Circulate", owner=member, due_on=TODAY + datetime.timedelta(days=3))
    TermsOfReference.objects.create(committee=meeting.committee, agreed_on=datetime.date(2025, 7, 10), text="Terms")
    agreement = AgreementFactory(year=2026)
    priority = agreement.priorities.create(position=1, name="Domestic Abuse")
    version = PlanVersion.objects.create(plan=ActionPlan.objects.create(agreement=agreement))
    item = add_item(version, priority, "Refresh the website", timescale="March 2027")
    item.lead_organisations.set([organisation])
    version_publish(version=version)
    make_case()  # notified in 2023 and never decided: overdue
    published = published_meeting(committee=meeting.committee)
    paper_item = AgendaItemFactory(meeting=published, section="B", position=1)
    return {
        "meeting": published,
        "paper": Paper.objects.create(item=paper_item, format="written", subject="Late paper", is_supplementary=True),
        "attendance": Attendance.objects.create(
            meeting=published, person=member, organisation=organisation, kind="apologies"
        ),
        "bid": BidFactory(status="recommended", created_by=member.user, contact_email="contact@once.example"),
    }


def test_every_scheduled_task_run_twice_sends_each_notice_once(world):
    sent, problems = {}, []
    for entry, spec in sorted(django_settings.CELERY_BEAT_SCHEDULE.items()):
        task = task_named(spec["task"])
        before = len(mail.outbox)
        task.apply().get()
        first = len(mail.outbox) - before
        task.apply().get()  # a second beat, a redelivery or a manual rerun
        second = len(mail.outbox) - before - first
        sent[entry] = first
        if second:
            problems.append(f"{entry}: the second run sent {second} more e-mail(s)")
        if not first and spec["task"] not in NOT_MAIL:
            problems.append(f"{entry}: sent nothing; give it data in this test's world, or list it in NOT_MAIL")
    assert not problems, "\n".join(problems)
    assert all(PREFERENCES in message.body for message in mail.outbox), "every notice links to the preferences page"
    assert SentNotice.objects.count() == len(mail.outbox)
    digests = [message.to for message in mail.outbox if "Domestic Homicide" in message.subject]
    assert sent["dhr-overdue-digest"] == 1 and digests == [["cleared@once.example"]]
    reviews = [message for message in mail.outbox if message.to == ["dpo@once.example"]]
    assert [m.subject for m in reviews] == ["1 record waits for your disposal review"]
    assert "1 of them is a Domestic Homicide Review record" in reviews[0].body  # counted, never named


def test_the_dhr_digest_can_be_switched_off_and_is_offered_to_cleared_users_only(world, client, make_user):
    from notifications.models import Preference

    cleared = make_user(roles.DHR_CLEARED, email="quiet@once.example")
    Preference.objects.create(user=cleared, kind="dhr_overdue", enabled=False)
    task_named("dhr.tasks.overdue_digest_task").apply().get()
    assert [m.to for m in mail.outbox] == [["cleared@once.example"]]
    client.force_login(cleared)
    assert "Domestic Homicide Reviews are overdue" in client.get("/account/notifications/").content.decode()
    client.force_login(make_user(roles.OFFICER))
    assert "Domestic Homicide Reviews are overdue" not in client.get("/account/notifications/").content.decode()


EVENTS = {
    "notifications.tasks.pack_published_task": lambda w: [w["meeting"].pk],
    "notifications.tasks.supplementary_paper_task": lambda w: [w["paper"].pk],
    "notifications.tasks.apologies_task": lambda w: [w["attendance"].pk],
}


def test_every_event_notice_triggered_twice_is_sent_once(world, django_capture_on_commit_callbacks):
    from kcsp.celery import app

    scheduled = {spec["task"] for spec in django_settings.CELERY_BEAT_SCHEDULE.values()}
    importlib.import_module("notifications.tasks")
    event_tasks = sorted(name for name in app.tasks if name.startswith("notifications.") and name not in scheduled)
    assert event_tasks == sorted(EVENTS), "a new event notice: add how to trigger it to EVENTS"
    for name in event_tasks:
        before = len(mail.outbox)
        for _ in range(2):
            task_named(name).apply(args=EVENTS[name](world)).get()
        assert len(mail.outbox) - before >= 1, name
        assert len({(m.subject, tuple(m.to)) for m in mail.outbox[before:]}) == len(mail.outbox) - before, name
    bid = world["bid"]
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify.chair_bids_awaiting(bid)
            notify.applicant_bid_decided(bid, None, "")
    recipients = sorted(tuple(m.to) for m in mail.outbox if "Crime Reduction Grant" in m.subject)
    assert recipients == [("chair@once.example",), ("contact@once.example",), ("member@once.example",)]


SENDERS = re.compile(r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage|EmailMultiAlternatives)\b")


# Account-security messages a person asks for themselves (their own enrolment code) are not notices: they are sent
# at once, every time, and cannot be switched off, so they stay outside the recorded-notice path.
SECURITY_SENDERS = ["kcsp/enrolment.py"]


def test_no_module_but_the_notice_service_sends_mail():
    root = Path(django_settings.BASE_DIR)
    senders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not {".venv", "node_modules", "tests", "migrations"} & set(path.relative_to(root).parts)
        and SENDERS.search(path.read_text(encoding="utf-8"))
    ]
    assert sorted(senders) == sorted(["notifications/services.py", *SECURITY_SENDERS])


class SlowBackend:
    """The test mail backend, slowed so two senders overlap while the first is still 'talking to the server'."""

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.backend = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        import time

        time.sleep(0.5)
        return self.backend.send_messages(messages)


def test_two_beats_running_the_same_schedule_at_once_send_once(transactional_db, make_user, settings):
    """Two processes at the same moment: the second waits on the first's record, then finds it and sends nothing."""
    import threading

    from django.db import connection

    from notifications.services import action_reminders_send

    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    owner = PersonFactory(user=make_user(roles.MEMBER, email="owner@once.example"))
    meeting = held_meeting()
    minute = Minute.objects.create(
        meeting=meeting, item=AgendaItemFactory(meeting=meeting, section="B", position=1), number=1, title="Update"
    )
    Action.objects.create(minute=minute, text="Circulate", owner=owner, due_on=TODAY)
    start, results = threading.Barrier(2), []

    def beat():
        start.wait()
        try:
            results.append(action_reminders_send(today=TODAY))
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [0, 1] and len(mail.outbox) == 1


def test_minutes_notices_triggered_twice_are_sent_once(make_user, settings, django_capture_on_commit_callbacks):
    """Circulation, a proposed amendment and its decision (meetings/notify.py): each event twice, each mail once;
    a second circulation is a new event and is sent again."""
    from meetings import notify
    from meetings.amendments import amendment_decide, amendment_propose, minutes_circulate

    settings.SITE_URL = "http://testserver.example"
    clerk = make_user(roles.OFFICER, email="clerk@once.example")
    attendee = PersonFactory(user=make_user(roles.MEMBER, email="attendee@once.example"))
    meeting = held_meeting(contact_email="contact@once.example")
    Attendance.objects.create(meeting=meeting, person=attendee, kind="in_attendance")
    minute = Minute.objects.create(meeting=meeting, number=1, title="Update", text="Noted.")
    with django_capture_on_commit_callbacks(execute=True):
        circulated = minutes_circulate(meeting=meeting, user=clerk).meeting
        notify.minutes_circulated(circulated)
    with django_capture_on_commit_callbacks(execute=True):
        amendment = amendment_propose(minute=minute, user=attendee.user, proposed_text="Noted with thanks.")
        notify.amendment_proposed(amendment)
    with django_capture_on_commit_callbacks(execute=True):
        amendment = amendment_decide(amendment=amendment, user=clerk, accept=True, reason="Thanks were given.")
        notify.amendment_decided(amendment)
    sent = sorted((m.to[0], m.subject.split(":")[0]) for m in mail.outbox)
    assert sent == [
        ("attendee@once.example", "Draft minutes for your comments"),
        ("attendee@once.example", "Your amendment to minute 1 is accepted"),
        ("contact@once.example", "Amendment proposed to minute 1"),
    ]
    assert all(PREFERENCES in message.body for message in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        minutes_circulate(meeting=meeting, user=clerk)
    assert len(mail.outbox) == 4 and SentNotice.objects.count() == 4
