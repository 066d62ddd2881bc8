"""The title a Domestic Homicide Review item is listed by in public: set by DHR-cleared users only.

A DHR item's title is withheld from everyone who may not see the item (meetings/agenda_print.py listed_title);
a DHR-cleared user who has entered their one-time code (kcsp.roles.may_see_dhr, the DHR gate) may publish a
generic title for it, such as "Domestic Homicide Review update". No other form reads or writes the field.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from kcsp import roles

from .models import AgendaItem, Meeting
from .packbuild.requests import packs_refresh_if_published
from .packbuild.withdraw import packs_withdraw_public_listing

GENERIC_TITLE_EXAMPLE = "Domestic Homicide Review update"


@transaction.atomic
def agenda_item_public_title_set(*, item: AgendaItem, public_title: str, user, lock=None) -> AgendaItem:
    """Set (or clear, with "") the public title of a DHR item.

    Raises ValidationError unless `user` may see DHR material (DHR-cleared, code entered), for an item that is not
    a DHR item, or for a meeting already held. The public packs listing the old title are withdrawn in this
    transaction and rebuilt."""
    if not roles.may_see_dhr(user):
        raise ValidationError("Only a DHR-cleared user who has entered their code may set a DHR item's public title.")
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    if lock is not None:
        lock.check(item)
    if not item.is_dhr:
        raise ValidationError("Only a Domestic Homicide Review item has a public title set here.")
    if meeting.status in (Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED):
        raise ValidationError("The meeting has been held: its agenda can no longer change.")
    public_title = " ".join((public_title or "").split())
    if public_title and public_title.casefold() == item.title.strip().casefold():
        raise ValidationError(
            {
                "public_title": "The public title must not be the item's own title: use generic wording, for example "
                f"{GENERIC_TITLE_EXAMPLE}"
            }
        )
    before = AgendaItem.objects.filter(pk=item.pk).values_list("public_title", flat=True).get()
    item.public_title = public_title
    if before != public_title:
        item.save(update_fields=["public_title"])  # through save, so the item's history records who and when
        packs_withdraw_public_listing(meeting=meeting, reason=f"The public title of item {item.code} changed.")
        packs_refresh_if_published(meeting)
    return item
