"""Withdrawing packs: at once, in the transaction of the change that makes them stale, or by an officer's hand.

A withdrawn pack's file is never served (manifest.pack_withdrawal_reason); readers see "being rebuilt" while a
build is queued, else "withdrawn while it is corrected" (Pack.state), and officers see who, when and why on the
packs panel. A build started after the withdrawal restores the pack.
A kind with nothing left in it is removed: its file is deleted once the change commits, and its row stays,
emptied, as the anchor of its withdrawal and download records.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Pack, PackContent, PackWithdrawal

# Kinds that exist only while the meeting has something for them; the agenda pack always exists (the minutes
# kind is retired: the signed record's PDF is the approved minutes).
OPTIONAL_KINDS = (Pack.Kind.RESTRICTED, Pack.Kind.DHR, Pack.Kind.SUPPLEMENTARY)


def _record(pack: Pack, reason: str, by) -> None:
    now = timezone.now()
    Pack.objects.filter(pk=pack.pk).update(withdrawn_at=now, withdrawn_by=by, withdrawn_reason=reason)
    PackWithdrawal.objects.create(pack=pack, at=now, by=by, reason=reason)
    pack.withdrawn_at, pack.withdrawn_by, pack.withdrawn_reason = now, by, reason


@transaction.atomic
def pack_withdraw(*, pack: Pack, reason: str, by=None) -> Pack:
    """Stop serving the pack's file now, recording who (None: automatic), when and why.

    Raises ValidationError when no reason is given or the pack has no file to withdraw."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Enter why the pack is being withdrawn")
    locked = Pack.objects.select_for_update().get(pk=pack.pk)
    if not locked.file:
        raise ValidationError("This pack has no file to withdraw.")
    if by is None and locked.withdrawn_at is not None:
        return locked  # two readers found it stale at once: it is withdrawn (and its rebuild asked for) once
    _record(locked, reason, by)
    return locked


def packs_withdrawals_release(*, meeting) -> int:
    """An officer's rebuild: their own withdrawals of this meeting's packs end when the new build lands.

    Until then a pack withdrawn by hand stays withdrawn whatever else is rebuilt (an unrelated edit's rebuild
    must not put a paper with a mistake back in front of readers); the PackWithdrawal rows keep who and why.
    Returns how many packs were released."""
    return Pack.objects.filter(meeting=meeting, withdrawn_by__isnull=False).update(withdrawn_by=None)


def packs_holding(*, items=(), papers=(), appendices=(), minutes=()):
    """The packs with a file whose manifest holds any of these agenda items, papers, appendices or minutes
    (an item's papers, appendices and minutes count as the item's)."""
    held = Q(pk__in=[])
    for field, things in (("item", items), ("paper", papers), ("appendix", appendices), ("minute", minutes)):
        ids = [thing.pk for thing in things if thing.pk is not None]
        if ids:
            held |= Q(**{f"{field}__in": ids})
    return Pack.objects.filter(pk__in=PackContent.objects.filter(held).values("pack_id")).exclude(file="")


def packs_withdraw_holding(*, reason: str, items=(), papers=(), appendices=(), minutes=()) -> list[Pack]:
    """Withdraw, in the caller's transaction, every pack holding any of these: call from the service that
    changes who may see them (a restriction changed, a thing removed or moved). Returns the packs withdrawn."""
    packs = list(packs_holding(items=items, papers=papers, appendices=appendices, minutes=minutes).select_for_update())
    for pack in packs:
        _record(pack, reason, None)
    return packs


def packs_withdraw_public_listing(*, meeting, reason: str) -> list[Pack]:
    """Withdraw, in the caller's transaction, the meeting's public packs (agenda, supplementary): their front sheet
    lists the restricted items by public title (meetings/agenda_print.py), so a changed listing, a title withheld
    above all, must not be served from a file made before it. Returns the packs withdrawn."""
    kinds = (Pack.Kind.PUBLIC, Pack.Kind.SUPPLEMENTARY)
    packs = list(Pack.objects.filter(meeting=meeting, kind__in=kinds).exclude(file="").select_for_update())
    for pack in packs:
        _record(pack, reason, None)
    return packs


def pack_remove(*, pack: Pack, reason: str) -> None:
    """A kind with nothing left: never served again; the file is deleted once the transaction commits."""
    locked = Pack.objects.select_for_update().get(pk=pack.pk)
    old = locked.file.name if locked.file else None
    PackContent.objects.filter(pack=locked).delete()
    Pack.objects.filter(pk=locked.pk).update(
        status=Pack.Status.REMOVED, file="", page_count=None, progress="", failure="", contents_recorded=False
    )
    _record(locked, reason, None)
    if old:
        storage = locked.file.storage
        transaction.on_commit(lambda: storage.delete(old))


def packs_remove_unneeded(*, meeting, needed: list[str]) -> list[Pack]:
    """Remove the meeting's optional packs whose kind has nothing left (`needed`: requests.kinds_needed)."""
    gone = list(
        meeting.packs.filter(kind__in=OPTIONAL_KINDS).exclude(kind__in=needed).exclude(status=Pack.Status.REMOVED)
    )
    for pack in gone:
        pack_remove(pack=pack, reason=f"Nothing is left to put in the {pack.get_kind_display().lower()}.")
    return gone
