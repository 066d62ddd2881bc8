"""Background work of Domestic Homicide Reviews: the weekly overdue digest (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import overdue_digest_send


@shared_task
def overdue_digest_task() -> int:
    return overdue_digest_send()
