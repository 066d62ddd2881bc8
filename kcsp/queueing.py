"""Sending work to the Celery broker without letting a broker outage break the page that asked.

Whatever a task is for is recorded in PostgreSQL first (a queued pack, a render check), so a message
the broker never got is not lost: it is re-sent when the broker is back (see meetings.tasks).
"""

import logging

from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
BROKER_DOWN = (OperationalError, RedisError, ConnectionError)
# One quick retry: a page should say "queued" or "unavailable" within a second, not hang.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def send(task, args: tuple, *, countdown: int = 0) -> bool:
    """Queue the task; False (logged, nothing raised) if the broker cannot be reached."""
    if task.app.conf.task_always_eager:
        task.apply_async(args, countdown=countdown)  # runs here; its errors are real errors
        return True
    try:
        task.apply_async(args, countdown=countdown, retry=True, retry_policy=RETRY_POLICY)
    except BROKER_DOWN as error:
        logger.warning("Broker unavailable, %s%s kept for re-sending: %s", task.name, args, error)
        return False
    return True
