"""Background work of committee business: building packs, rendering signed minutes, and re-sending requests the
broker lost."""

import datetime
import logging

from celery import shared_task
from celery.signals import worker_ready

from .models import Meeting, Pack
from .packbuild.parts import PackBuildError
from .packbuild.requests import packs_resend_pending
from .packbuild.service import BuildBusy, pack_build

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=60)
def pack_build_task(self, meeting_id: int, kind: str, requested_at: str) -> str:
    if kind == Pack.Kind.MINUTES:
        return "retired"  # a request queued before the signed record's PDF replaced the minutes pack
    pack = Pack.objects.filter(meeting_id=meeting_id, kind=kind).first()
    asked = datetime.datetime.fromisoformat(requested_at)
    if pack is None or (pack.requested_at and pack.requested_at > asked):
        return "superseded"  # a later change asked again: that request builds
    if pack.status == Pack.Status.REMOVED:
        return "removed"  # nothing is left for this kind since it was asked for
    if pack.status == Pack.Status.READY and pack.build_started_at and pack.build_started_at >= asked:
        return "already built"  # a re-sent or redelivered copy of a request a build started after
    try:
        # A redelivered message keeps its task id, so it may take over the claim its dead run left.
        pack_build(meeting=Meeting.objects.get(pk=meeting_id), kind=kind, claim=self.request.id or "")
    except BuildBusy as busy:
        raise self.retry(countdown=5) from busy
    except PackBuildError:
        return "failed"  # the reason is on the pack, for the officer
    return "ready"


@shared_task
def signed_minutes_render_task(record_id: int) -> str:
    """Render the PDF of one part of signed minutes from its frozen content (meetings/signedpdf.py)."""
    from .models import SignedMinutes
    from .signedpdf import signed_minutes_render

    record = SignedMinutes.objects.filter(pk=record_id).first()
    if record is None:
        return "gone"
    signed_minutes_render(record=record)
    return "rendered"


@shared_task
def signed_minutes_retag_task() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): a tagged rendition of every signed part whose served PDF is untagged
    (meetings/signedpdf.py signed_minutes_retag). Returns how many were re-rendered."""
    from .signedpdf import signed_minutes_retag

    return len(signed_minutes_retag())


@shared_task
def packs_resend_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): re-send pack requests the broker never got or a dead worker held, and
    the first rendering of signed minutes still without their PDF."""
    from .signedpdf import signed_minutes_render_pending

    return packs_resend_pending() + signed_minutes_render_pending()


@worker_ready.connect
def resend_on_worker_start(**kwargs) -> None:
    """A worker starting (often after an outage) sends every request the broker never got."""
    from .signedpdf import signed_minutes_render_pending

    try:
        sent, rendered = packs_resend_pending(), signed_minutes_render_pending()
    except Exception:  # the worker must start even if the database is not ready yet
        logger.exception("Could not re-send waiting pack requests")
    else:
        logger.info("Re-sent %d waiting pack requests", sent)
        if rendered:
            logger.info("Sent %d signed minutes still without their PDF to be rendered", rendered)


@shared_task
def chair_agreement_mail_task(change_id: int) -> int:
    """E-mail the chair an agenda sent for agreement, or the officers the chair's comments (chair_agreement.py)."""
    from .chair_agreement import chair_agreement_mail
    from .models import MeetingStatusChange

    change = MeetingStatusChange.objects.filter(pk=change_id).select_related("meeting__committee", "by").first()
    return chair_agreement_mail(change) if change else 0
