"""Background work of committee business: building packs."""

import datetime

from celery import shared_task

from .models import Meeting, Pack
from .packbuild.parts import PackBuildError
from .packbuild.service import BuildBusy, pack_build


@shared_task(bind=True, max_retries=60)
def pack_build_task(self, meeting_id: int, kind: str, requested_at: str) -> str:
    pack = Pack.objects.filter(meeting_id=meeting_id, kind=kind).first()
    if pack is None or (pack.requested_at and pack.requested_at > datetime.datetime.fromisoformat(requested_at)):
        return "superseded"  # a later change asked again: that request builds
    try:
        pack_build(meeting=Meeting.objects.get(pk=meeting_id), kind=kind)
    except BuildBusy as busy:
        raise self.retry(countdown=5) from busy
    except PackBuildError:
        return "failed"  # the reason is on the pack, for the officer
    return "ready"
