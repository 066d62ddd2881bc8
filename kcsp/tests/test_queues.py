"""Celery queues by kind of work (kcsp/settings/base.py, CELERY_TASK_ROUTES): pack and other PDF builds on "packs",
e-mail on "email", housekeeping on "default"; every task of ours routed, and a real message lands where it should."""

import json

import pytest
import redis
from django.conf import settings

from kcsp.celery import app as celery_app
from kcsp.testing import all_queues

# The queue each task of ours is meant for. A new task must be added here AND routed in CELERY_TASK_ROUTES.
INTENDED = {
    "meetings.tasks.pack_build_task": "packs",
    "meetings.tasks.signed_minutes_render_task": "packs",
    "meetings.tasks.signed_minutes_retag_task": "packs",
    "agreement.tasks.plan_pdf_task": "packs",
    "kcsp.tasks.render_check_task": "packs",
    "notifications.tasks.pack_published_task": "email",
    "notifications.tasks.supplementary_paper_task": "email",
    "notifications.tasks.apologies_task": "email",
    "notifications.tasks.action_reminders_task": "email",
    "notifications.tasks.plan_update_reminders_task": "email",
    "notifications.tasks.terms_review_reminders_task": "email",
    "meetings.tasks.chair_agreement_mail_task": "email",
    "dhr.tasks.overdue_digest_task": "email",
    "meetings.tasks.packs_resend_task": "default",
    "kcsp.tasks.kept_copies_expire_task": "default",
    "kcsp.governance.tasks.disposal_list_make_task": "default",
    "kcsp.governance.tasks.disposal_run": "default",
    "kcsp.governance.tasks.disposal_resend_task": "default",
}
QUEUES = {"packs", "email", "default"}


def our_tasks() -> list[str]:
    celery_app.loader.import_default_modules()  # every app's tasks module, as a worker loads them
    return sorted(name for name in celery_app.tasks if not name.startswith("celery."))


def routed_queue(task_name: str) -> str:
    return celery_app.amqp.router.route({}, task_name)["queue"].name


def test_every_task_of_ours_is_routed_to_its_intended_queue():
    names = our_tasks()
    unlisted = [name for name in names if name not in INTENDED]
    assert not unlisted, (
        f"tasks with no intended queue: {unlisted}. Route each in CELERY_TASK_ROUTES (kcsp/settings/base.py: "
        "'packs' for PDF builds, 'email' for sending e-mail, 'default' otherwise) and add it to INTENDED here."
    )
    assert not set(INTENDED) - set(names), f"INTENDED names tasks that no longer exist: {set(INTENDED) - set(names)}"
    wrong = {name: routed_queue(name) for name in names if routed_queue(name) != INTENDED[name]}
    assert not wrong, f"tasks routed to the wrong queue (task: queue it got): {wrong}"


def test_the_queues_are_declared_so_a_worker_without_q_consumes_them_all():
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "default"
    assert set(celery_app.amqp.queues) == QUEUES
    for name, queue in celery_app.amqp.queues.items():
        assert (queue.exchange.name, queue.routing_key) == (name, name), f"queue {name} shares a binding"
    assert set(all_queues().split(",")) == QUEUES, "test workers (kcsp.testing.start_worker) consume every queue"
    assert {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} == QUEUES


def test_every_scheduled_task_exists_and_is_routed():
    names = our_tasks()
    for entry, schedule in settings.CELERY_BEAT_SCHEDULE.items():
        assert schedule["task"] in names, f"beat entry {entry} names an unknown task {schedule['task']}"
        assert routed_queue(schedule["task"]) == INTENDED[schedule["task"]], entry
    assert routed_queue("meetings.tasks.packs_resend_task") == "default"
    assert routed_queue("notifications.tasks.action_reminders_task") == "email"


@pytest.mark.django_db
def test_a_pack_build_sent_for_real_lands_on_the_packs_queue(django_capture_on_commit_callbacks):
    from meetings.models import Pack
    from meetings.packbuild.requests import packs_request
    from meetings.tests.factories import published_meeting

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(*QUEUES)  # only this run's Redis db (TEST_REDIS_URL), and only the queues
    meeting = published_meeting()
    celery_app.conf.task_always_eager = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            (pack,) = packs_request(meeting=meeting, kinds=[Pack.Kind.PUBLIC], delay=0)
        lengths = {queue: broker.llen(queue) for queue in QUEUES}
        messages = [json.loads(raw) for raw in broker.lrange("packs", 0, -1)]
    finally:
        celery_app.conf.task_always_eager = True
        broker.delete(*QUEUES)
    assert pack.sent is True
    assert lengths == {"packs": 1, "email": 0, "default": 0}
    (message,) = messages
    assert message["headers"]["task"] == "meetings.tasks.pack_build_task"
    assert message["headers"]["argsrepr"].startswith(f"({meeting.pk}, 'public'")
    assert message["properties"]["delivery_info"]["routing_key"] == "packs"
