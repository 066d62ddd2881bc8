"""Background work of information governance: the monthly disposal list and the approved disposals."""

from celery import shared_task
from django.utils import timezone


@shared_task
def disposal_list_make_task() -> int:
    """Monthly (1st of the month, early morning: CELERY_BEAT_SCHEDULE): list the records past their period and
    tell each data protection officer how many wait for review (kcsp.governance.notify, once a month each).
    Returns the number of candidates listed."""
    from .lists import disposal_list_make
    from .notify import disposal_review_notify

    disposal_list = disposal_list_make(timezone.localdate())
    disposal_review_notify(disposal_list)
    return disposal_list.candidates.count()


@shared_task
def disposal_resend_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE, every 15 minutes): send again the approved disposals the broker never got
    or a dead worker held (kcsp.governance.lists.approved_resend). Returns how many candidates. Sends no mail."""
    from .lists import approved_resend

    return approved_resend()


@shared_task
def disposal_run(candidate_ids: list[int], approver_id: int) -> dict:
    """Dispose of approved candidates, each in its own transaction (kcsp.governance.disposal.record_dispose).
    Returns {status: count}."""
    from kcsp.models import User

    from .disposal import candidates_dispose

    approver = User.objects.filter(pk=approver_id).first()
    return candidates_dispose(candidate_ids, approver)
