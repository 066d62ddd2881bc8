"""What a built pack holds and at which restriction, and the one check that says whether its file may be served.

A build records a row per agenda item, paper, appendix and minute in the pack (`PackContent`), with the
restriction reason its item had then, in the transaction that swaps the file in. `pack_withdrawal_reason`
compares that record with the database at download time: a pack whose contents were removed, moved, or
changed restriction since it was built is never served, whichever code path made the change.
"""

from .. import access
from ..models import AgendaItem, Appendix, Minute, Pack, PackContent, Paper

What = PackContent.What


def holding(thing, *, item: AgendaItem | None = None) -> PackContent:
    """An unsaved manifest row for an agenda item, paper, appendix or minute; `item` saves a query when known.

    Labels name things by code and number, never by title: officers who may not see an item read them."""
    if isinstance(thing, AgendaItem):
        item, links, label = thing, {}, f"item {thing.code}"
    elif isinstance(thing, Paper):
        item = item or thing.item
        links, label = {"paper": thing}, f"paper {thing.pk} of item {item.code}"
    elif isinstance(thing, Appendix):
        item = item or thing.paper.item
        links = {"paper_id": thing.paper_id, "appendix": thing}
        label = f"appendix {thing.letter} to paper {thing.paper_id} of item {item.code}"
    elif isinstance(thing, Minute):
        item = item or thing.item
        links, label = {"minute": thing}, f"minute {thing.number}"
    else:
        raise TypeError(f"A pack cannot hold {type(thing).__name__}")
    what = {AgendaItem: What.ITEM, Paper: What.PAPER, Appendix: What.APPENDIX, Minute: What.MINUTE}[type(thing)]
    reason = item.restriction_reason if item is not None else ""  # a procedural minute hangs on no item
    return PackContent(what=what, item=item, restriction_reason=reason, label=label, **links)


def contents_record(pack: Pack, contents: list[PackContent]) -> None:
    """Replace the pack's manifest; call inside the transaction that points the pack at its new file."""
    PackContent.objects.filter(pack=pack).delete()
    for row in contents:
        row.pack = pack
    PackContent.objects.bulk_create(contents)
    Pack.objects.filter(pk=pack.pk).update(contents_recorded=True)


def _row_problem(kind: str, row: tuple) -> str:
    (
        what,
        label,
        recorded,
        item_id,
        reason,
        paper_id,
        paper_item,
        appendix_id,
        appendix_paper,
        minute_id,
        minute_item,
    ) = row
    if not access.pack_kind_admits(kind, recorded):
        return f"It holds {label}, which this pack's readers may not see."
    if what == What.MINUTE:  # a procedural minute hangs on no item (item_id None both then and now)
        if minute_id is None or minute_item != item_id:
            return f"Removed or moved to another item since the pack was built: {label}."
        if item_id is not None and reason != recorded:
            return f"Who may see {label} changed (its restriction) since the pack was built."
        return ""
    if item_id is None:
        return f"Removed since the pack was built: {label}."
    if reason != recorded:
        return f"Who may see {label} changed (its restriction) since the pack was built."
    if what in (What.PAPER, What.APPENDIX) and (paper_id is None or paper_item != item_id):
        return f"Removed or moved to another item since the pack was built: {label}."
    if what == What.APPENDIX and (appendix_id is None or appendix_paper != paper_id):
        return f"Removed since the pack was built: {label}."
    return ""


def stale_reason(pack: Pack) -> str:
    """Why what the pack holds no longer matches what its readers may see ("" if it all does): one query."""
    rows = pack.contents.values_list(
        "what",
        "label",
        "restriction_reason",
        "item_id",
        "item__restriction_reason",
        "paper_id",
        "paper__item_id",
        "appendix_id",
        "appendix__paper_id",
        "minute_id",
        "minute__item_id",
    )
    for row in rows:
        problem = _row_problem(pack.kind, row)
        if problem:
            return problem
    return ""


def pack_withdrawal_reason(pack: Pack) -> str:
    """Why this pack's file may not be served now, or "" when it may. THE freshness rule for every download.

    Not served: a withdrawn pack (by an officer, or automatically on a change of visibility: `withdrawn_reason`);
    a pack with nothing left in it; a pack whose meeting is no longer published; a pack of the retired
    minutes kind (the signed record's PDF is the approved minutes: meetings/signedpdf.py); a pack built before
    packs recorded their contents; and a pack holding anything removed, moved, or at another restriction than
    when it was built (`stale_reason`). At most two queries whatever the pack's size: the meeting (none if
    already loaded) and the manifest."""
    if pack.withdrawn_at is not None:
        return pack.withdrawn_reason or "Withdrawn."
    if pack.status == Pack.Status.REMOVED or not pack.file:
        return "There is nothing to put in this pack."
    meeting = pack.meeting
    if not meeting.is_published:
        return "The meeting's agenda is no longer published."
    if pack.kind == Pack.Kind.MINUTES:
        return "The approved minutes are the signed record's PDF, on the minutes page."
    if not pack.contents_recorded:
        return "Built before packs recorded what they hold."
    return stale_reason(pack)
