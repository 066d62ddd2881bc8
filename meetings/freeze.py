"""Signed minutes are frozen: the rule every write service of the record checks, and the demo loader's way round.

The rule (issue 14; DOMAIN.md "Minutes"): once the chair has signed a meeting's minutes, its minutes, attendance
(with the names as recorded), declarations and the wording, owner and due date of its actions never change; a
correction is an erratum (meetings/signing.py). Write services call `minutes_frozen_check`; the database refuses
the same writes with triggers (migration 0009), so a write that forgets the check still fails.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

FROZEN = (
    "The minutes of {meeting} were signed on {date}: the record can no longer change. "
    "Record a correction as an erratum."
)


def minutes_frozen_check(meeting) -> None:
    """Raise ValidationError (naming the meeting and the signing date) if `meeting`'s minutes are signed."""
    if meeting.minutes_signed_at is not None:
        date = f"{timezone.localtime(meeting.minutes_signed_at):%-d %B %Y}"
        raise ValidationError(FROZEN.format(meeting=meeting, date=date), code="frozen")


def minutes_open_check(meeting) -> None:
    """Minutes are written from when the meeting is held until they are signed (ValidationError otherwise)."""
    minutes_frozen_check(meeting)
    if meeting.status != meeting.Status.HELD:
        raise ValidationError(
            f"Minutes are written once the meeting is held: {meeting} is "
            f"{meeting.get_status_display().lower()}. Mark it as held first.",
            code="not_held",
        )


@contextmanager
def frozen_writes_allowed():
    """Inside a transaction, let the demo loader replace its own signed demo records (PostgreSQL triggers)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL kcsp.frozen_write_allowed = 'on'")
        try:
            yield
        finally:
            if connection.vendor == "postgresql" and not connection.needs_rollback:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL kcsp.frozen_write_allowed = 'off'")
