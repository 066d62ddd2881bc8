"""Pack requests kept in PostgreSQL are sent again: never sent, waiting too long, or held by a dead build."""

import datetime

import pytest
from django.utils import timezone

from meetings.models import AgendaItem, Pack, Paper
from meetings.packbuild.requests import packs_resend_pending
from meetings.packbuild.service import STALE_BUILD
from meetings.tasks import pack_build_task

from .factories import published_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def packs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    made = {}
    for name, fields in {
        "never sent": {"status": "queued", "awaiting_broker": True, "requested_at": now},
        "waiting too long": {"status": "queued", "requested_at": now - datetime.timedelta(minutes=5)},
        "dead build": {
            "status": "building",
            "requested_at": now - STALE_BUILD * 2,
            "build_started_at": now - STALE_BUILD - datetime.timedelta(seconds=1),
            "build_claim": "a-dead-task",
        },
        "just asked": {"status": "queued", "requested_at": now},
        "building now": {"status": "building", "requested_at": now, "build_started_at": now, "build_claim": "alive"},
    }.items():
        meeting = published_meeting()
        item = AgendaItem.objects.create(meeting=meeting, section="B", position=1, title=name)
        Paper.objects.create(item=item, format="written", subject=name)
        made[name] = Pack.objects.create(meeting=meeting, kind="public", **fields)
    return made


def test_waiting_requests_are_sent_again_and_built(packs):
    assert packs_resend_pending() == 3
    status = {name: Pack.objects.get(pk=pack.pk).status for name, pack in packs.items()}
    assert status == {
        "never sent": "ready",
        "waiting too long": "ready",
        "dead build": "ready",
        "just asked": "queued",
        "building now": "building",
    }
    assert not Pack.objects.filter(awaiting_broker=True).exists()


def test_a_copy_of_a_request_already_built_does_nothing(packs):
    pack = packs["waiting too long"]
    stamp = pack.requested_at.isoformat()
    assert pack_build_task.delay(pack.meeting_id, "public", stamp).get() == "ready"
    built = Pack.objects.get(pk=pack.pk)
    assert pack_build_task.delay(pack.meeting_id, "public", stamp).get() == "already built"
    assert Pack.objects.get(pk=pack.pk).file.name == built.file.name
