"""Asking for packs to be built: debounced, queued after commit, one build at a time per pack.

The request lives in PostgreSQL (the pack's status and requested_at); the broker message only wakes a
worker. If the broker is down the request waits, and `packs_resend_pending` sends it again later.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kcsp.queueing import send

from ..models import Meeting, Pack
from .withdraw import pack_remove, pack_withdraw, packs_remove_unneeded


def kinds_needed(meeting: Meeting) -> list[str]:
    kinds = [Pack.Kind.PUBLIC]
    for kind in (Pack.Kind.RESTRICTED, Pack.Kind.DHR):
        if meeting.items.for_pack(kind).exists():
            kinds.append(kind)
    if meeting.papers_added_after_publication().exists():
        kinds.append(Pack.Kind.SUPPLEMENTARY)
    return kinds


def packs_request(*, meeting: Meeting, kinds: list[str] | None = None, delay: int | None = None) -> list[Pack]:
    """Mark the packs queued and build them a little later; a newer request replaces an older one.

    Without `kinds`, every kind the meeting needs, and a kind with nothing left is removed."""
    from ..tasks import pack_build_task

    delay = settings.PACK_REBUILD_DELAY_SECONDS if delay is None else delay
    now = timezone.now()
    stamp = now.isoformat()
    packs = []
    if kinds is None:
        kinds = kinds_needed(meeting)
        packs_remove_unneeded(meeting=meeting, needed=kinds)
    for kind in kinds:
        pack, _ = Pack.objects.get_or_create(meeting=meeting, kind=kind)
        Pack.objects.filter(pk=pack.pk).exclude(status=Pack.Status.BUILDING).update(status=Pack.Status.QUEUED)
        Pack.objects.filter(pk=pack.pk).update(requested_at=now)
        pack.sent = None  # known once the transaction commits: True, or False if the broker was down

        def queue(pack=pack):
            pack.sent = send(pack_build_task, (meeting.pk, pack.kind, stamp), countdown=delay)
            Pack.objects.filter(pk=pack.pk).update(awaiting_broker=not pack.sent)

        transaction.on_commit(queue)
        packs.append(pack)
    return packs


def packs_resend_pending(*, older_than: datetime.timedelta | None = None) -> int:
    """Send again every request still waiting: never sent, queued too long, or claimed by a build that died."""
    from ..tasks import pack_build_task
    from .service import STALE_BUILD

    now = timezone.now()
    if older_than is None:
        older_than = datetime.timedelta(seconds=settings.PACK_REBUILD_DELAY_SECONDS + 60)
    waiting = Pack.objects.filter(
        Q(awaiting_broker=True)
        | Q(status=Pack.Status.QUEUED, requested_at__lte=now - older_than)
        | Q(status=Pack.Status.BUILDING, build_started_at__lte=now - STALE_BUILD)
    ).exclude(Q(requested_at=None) | Q(kind=Pack.Kind.MINUTES))  # the minutes kind is retired: never built again
    sent = 0
    for pack in waiting:
        if send(pack_build_task, (pack.meeting_id, pack.kind, pack.requested_at.isoformat())):
            Pack.objects.filter(pk=pack.pk).update(awaiting_broker=False)
            sent += 1
    return sent


def packs_refresh_if_published(meeting: Meeting) -> None:
    """Called whenever the agenda or a paper changes: a published meeting's packs follow by themselves."""
    if Meeting.objects.filter(pk=meeting.pk, status=Meeting.Status.PUBLISHED).exists():
        packs_request(meeting=meeting)


@transaction.atomic
def pack_withdraw_stale(*, pack: Pack, reason: str) -> None:
    """A download found the pack stale with no withdrawal recorded (changed by some path that did not withdraw
    it): withdraw it now, and have it rebuilt, or removed if its kind has nothing left."""
    pack_withdraw(pack=pack, reason=reason)
    meeting = Meeting.objects.get(pk=pack.meeting_id)
    if not meeting.is_published:
        return
    if pack.kind == Pack.Kind.MINUTES:
        return  # retired: never built again (the signed record's PDF is the approved minutes)
    if pack.kind in kinds_needed(meeting):
        packs_request(meeting=meeting, kinds=[pack.kind])
    else:
        pack_remove(pack=pack, reason=f"Nothing is left to put in the {pack.get_kind_display().lower()}.")
