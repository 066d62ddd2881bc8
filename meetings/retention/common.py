"""What the meetings record types share: which meetings are signed, which papers are the public record, dates."""

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncDate

from meetings import access
from meetings.models import Meeting, SignedMinutes

REFUSED_SIGNED = (
    "The minutes of this meeting are signed: with its attendance and declarations they are the frozen public "
    "record (meetings/freeze.py) and are kept."
)
REFUSED_PUBLIC = "Papers published on a public agenda are the public record: they are kept, archived or reviewed."


def signed_q(prefix: str = "") -> Q:
    """Meetings (reached by `prefix`, e.g. "meeting__") whose minutes are signed: signed by the chair, or a
    SignedMinutes record exists."""
    signed = Exists(SignedMinutes.objects.filter(meeting_id=OuterRef(prefix[:-2] if prefix else "pk")))
    return Q(**{f"{prefix}minutes_signed_at__isnull": False}) | Q(signed)


def is_signed(meeting_id: int) -> bool:
    return Meeting._base_manager.filter(signed_q(), pk=meeting_id).exists()


def published_public_q(item_prefix: str = "item__") -> Q:
    """Rows (papers, through `item_prefix`) on a public agenda item of a published meeting: the public record."""
    return ~access.restricted_q(item_prefix) & Q(**{f"{item_prefix}meeting__published_at__isnull": False})


def meeting_day(prefix: str = ""):
    """The meeting's date (Europe/London), the MEETING trigger."""
    return TruncDate(f"{prefix}starts_at")


def meeting_label(values: dict) -> str:
    """ "Community Safety Partnership, 24 March 2022" from values "l_committee" and "l_starts"."""
    from django.utils import timezone

    return f"{values['l_committee']}, {timezone.localtime(values['l_starts']):%-d %B %Y}"
