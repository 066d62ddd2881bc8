"""Asking for packs to be built: debounced, queued after commit, one build at a time per pack."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import access
from ..models import Meeting, Pack


def kinds_needed(meeting: Meeting) -> list[str]:
    kinds = [Pack.Kind.PUBLIC]
    restricted = meeting.items.filter(section=access.RESTRICTED_SECTION)
    if restricted.exclude(restriction_reason=access.DHR_REASON).exists():
        kinds.append(Pack.Kind.RESTRICTED)
    if restricted.filter(restriction_reason=access.DHR_REASON).exists():
        kinds.append(Pack.Kind.DHR)
    if meeting.papers_added_after_publication().exists():
        kinds.append(Pack.Kind.SUPPLEMENTARY)
    return kinds


def packs_request(*, meeting: Meeting, kinds: list[str] | None = None, delay: int | None = None) -> list[Pack]:
    """Mark the packs queued and build them a little later; a newer request replaces an older one."""
    from ..tasks import pack_build_task

    delay = settings.PACK_REBUILD_DELAY_SECONDS if delay is None else delay
    now = timezone.now()
    packs = []
    for kind in kinds or kinds_needed(meeting):
        pack, _ = Pack.objects.get_or_create(meeting=meeting, kind=kind)
        Pack.objects.filter(pk=pack.pk).exclude(status=Pack.Status.BUILDING).update(status=Pack.Status.QUEUED)
        Pack.objects.filter(pk=pack.pk).update(requested_at=now)
        stamp = now.isoformat()
        transaction.on_commit(
            lambda kind=kind, stamp=stamp: pack_build_task.apply_async((meeting.pk, kind, stamp), countdown=delay)
        )
        packs.append(pack)
    return packs


def packs_refresh_if_published(meeting: Meeting) -> None:
    """Called whenever the agenda or a paper changes: a published meeting's packs follow by themselves."""
    if Meeting.objects.filter(pk=meeting.pk, status=Meeting.Status.PUBLISHED).exists():
        packs_request(meeting=meeting)
