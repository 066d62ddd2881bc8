"""What the pack reader's side panel lists: the pack's agenda with each item's pages, papers and supplements.

Reads only, from `visible_to(user)` querysets and the pack's manifest (PackContent first/last pages). Pages are
physical pages of the pack file (1-based); labels are the pack's own numbers ("Page 23"), from Pack.page_labels.
"""

from dataclasses import dataclass, field

from .models import AgendaItem, Pack, PackContent, PackRead, Paper


def page_label(pack: Pack, page: int | None) -> str | None:
    """The pack's own number of physical page `page` (1-based): Pack.page_labels, else the page index itself."""
    if page is None:
        return None
    labels = pack.page_labels or []
    return labels[page - 1] if 0 < page <= len(labels) else str(page)


def pages_text(pack: Pack, first: int | None, last: int | None) -> str:
    """'Page 23' or 'Pages 23 to 27' in the pack's own numbers; '' when the part has no pages in the file."""
    if first is None:
        return ""
    start, end = page_label(pack, first), page_label(pack, last or first)
    return f"Page {start}" if start == end else f"Pages {start} to {end}"


@dataclass
class PaperEntry:
    paper: Paper
    page: int | None  # physical page in the pack it links into
    pages: str
    supplement: bool = False
    new: bool = False
    reader_url: str = ""  # for a supplement: the supplementary pack's reader (at `page`)


@dataclass
class AgendaEntry:
    item: AgendaItem
    page: int | None
    pages: str
    papers: list[PaperEntry] = field(default_factory=list)


def _spans(pack: Pack) -> dict[tuple[str, int], tuple[int, int]]:
    """(what, id) -> (first_page, last_page) of every item and paper the pack file holds with known pages."""
    spans: dict[tuple[str, int], tuple[int, int]] = {}
    rows = PackContent.objects.filter(pack=pack, first_page__isnull=False).values_list(
        "item_id", "paper_id", "first_page", "last_page"
    )
    for item_id, paper_id, first, last in rows:
        last = last or first
        for key in (("item", item_id), ("paper", paper_id)):
            if key[1] is None:
                continue
            low, high = spans.get(key, (first, last))
            spans[key] = (min(low, first), max(high, last))
    return spans


def last_read(user, pack: Pack) -> PackRead | None:
    return PackRead.objects.filter(user=user, pack=pack).first() if user.is_authenticated else None


def last_opened(user, packs: list[Pack]):
    """When `user` last opened any of `packs` (the latest PackRead.read_at among them), or None: never opened."""
    if not user.is_authenticated:
        return None
    times = PackRead.objects.filter(user=user, pack__in=[pack for pack in packs if pack]).values_list(
        "read_at", flat=True
    )
    return max(times, default=None)


def reader_agenda(pack: Pack, user, *, supplementary: Pack | None, supplement_url: str) -> list[AgendaEntry]:
    """The agenda of `pack` as `user` may see it, in agenda order.

    Every item the pack's kind holds (AgendaItem.for_pack) with its code, title and pages in this pack; under it its
    papers in this pack and, for the agenda and restricted packs, the item's supplementary papers in place, marked
    as supplements, linking into `supplementary` (the meeting's supplementary pack, if built and visible) at their
    page. `supplement_url` is the supplementary pack's reader URL.

    "New since you last read" (issue 17): a supplementary paper is new when it was added (Paper.created_at) after
    the user last opened either the pack being read or the supplementary pack, whichever they opened later (their
    two PackRead.read_at markers); opened neither: new. So a member who read the agenda pack before a paper came
    sees it tagged in the agenda pack's panel, and it stops being new once they have opened either pack since."""
    kind = Pack.Kind.PUBLIC if pack.kind == Pack.Kind.SUPPLEMENTARY else pack.kind
    items = list(
        AgendaItem.objects.visible_to(user)
        .filter(meeting_id=pack.meeting_id)
        .for_pack(kind)
        .prefetch_related("papers")
        .order_by("section", "position")
    )
    spans = _spans(pack)
    supplement_spans = _spans(supplementary) if supplementary and pack != supplementary else {}
    read_at = last_opened(user, [pack, supplementary])
    visible_papers = set(Paper.objects.visible_to(user).filter(item__in=items).values_list("pk", flat=True))
    agenda = []
    for item in items:
        first, last = spans.get(("item", item.pk), (None, None))
        entry = AgendaEntry(item, first, pages_text(pack, first, last))
        for paper in item.papers.all():
            if paper.pk not in visible_papers:
                continue
            new = paper.is_supplementary and (read_at is None or paper.created_at > read_at)
            if ("paper", paper.pk) in spans:
                start, end = spans["paper", paper.pk]
                entry.papers.append(
                    PaperEntry(paper, start, pages_text(pack, start, end), supplement=paper.is_supplementary, new=new)
                )
            elif paper.is_supplementary and ("paper", paper.pk) in supplement_spans:
                start, end = supplement_spans["paper", paper.pk]
                supplement_pages = pages_text(supplementary, start, end)
                entry.papers.append(
                    PaperEntry(paper, start, supplement_pages, supplement=True, new=new, reader_url=supplement_url)
                )
        if pack.kind != Pack.Kind.SUPPLEMENTARY or entry.papers:
            agenda.append(entry)
    return agenda
