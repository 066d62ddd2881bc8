"""Build a meeting's packs: gather the parts for the kind, lay them out, then swap the new file in.

Which papers go where (issue 17: a published pack's pages never move, meetings/packbuild/pages.py): papers added
after the agenda was published (`Paper.is_supplementary`) never go between the pages of the public, restricted or
DHR pack. Public ones are in the supplementary pack, with its own numbering (the public pack's front sheet says so
against their item). Restricted and DHR ones have no pack of their own: they go at the END of the restricted or
DHR pack, after a "Supplementary papers" divider page, so no page published earlier moves; that pack's front sheet
gives their pages against their item ("Pages 5 - 7, 41 - 42").
"""

import datetime
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kcsp.exports import OFFICIAL_SENSITIVE as MARKING

from .. import access
from ..agenda_print import (
    EXCLUSION_STATEMENT,
    OPEN_STATEMENT,
    listed_items,
    print_sections,
    whole_restricted_letters,
)
from ..models import AgendaItem, Meeting, Minute, Pack, PackContent, Paper
from .assemble import PackPart, build_pdf
from .manifest import contents_record, holding, stale_reason
from .pages import Layout, lay_out
from .parts import PackBuildError, RenderStats, rendered_part, uploaded_part
from .untagged import TEAM_EMAIL, front_sheet_untagged, untagged_parts
from .withdraw import pack_withdraw

# No build outlives the task's hard time limit: a claim older than that belongs to a dead worker.
STALE_BUILD = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
# "Paper n of N" is written at most this often (seconds): each write is an UPDATE and a page-cache bump.
PROGRESS_EVERY = 0.5


def items_for(meeting: Meeting, kind: str):
    """The items a pack of this kind lists and holds, in agenda order (the rule is access.pack_kind_q)."""
    return meeting.items.for_pack(kind).order_by("section", "position")


def front_sheet_sections(meeting: Meeting, kind: str, items: list[AgendaItem]):
    """The front sheet's sections (meetings/agenda_print.py): a public pack lists the restricted items too, by
    their listed titles only (withheld and DHR titles never); a restricted pack lists its own items, a restricted
    item of an open section under its "RESTRICTED ITEMS" sub-heading."""
    if kind in access.PUBLIC_PACK_KINDS:
        listed = [i for i in listed_items(meeting, exclude_ids=[i.pk for i in items]) if i.is_restricted]
        return print_sections(meeting.committee, [*items, *listed])
    return print_sections(meeting.committee, items, whole_restricted_letters(meeting))


def _notes_item(items):
    return next((i for i in items if i.section == "A" and i.title.startswith("Notes of")), None)


@dataclass
class Source:
    """Something that becomes one part: a paper, an appendix, or the notes of the last meeting."""

    key: str
    item: AgendaItem | None  # None: the supplementary papers' divider
    title: str
    make: object
    parent_key: str | None = None
    holds: list[PackContent] = field(default_factory=list)  # its rows in the pack's manifest
    uploaded: bool = False  # a file an officer uploaded: its own bookmarks are kept


def sources_for(meeting: Meeting, kind: str, stats: RenderStats, items: list[AgendaItem] | None = None) -> list[Source]:
    """The parts of a pack of this kind in order (see the module docstring for supplementary papers)."""
    if items is None:
        items = list(items_for(meeting, kind).prefetch_related("papers__sections", "papers__appendices"))
    sources, late = [], []
    notes_item = _notes_item(items) if kind == Pack.Kind.PUBLIC else None
    previous = meeting.previous_meeting()
    for item in items:
        if item == notes_item and not item.papers.all() and previous and previous.minutes.exists():
            sources.append(
                Source(
                    f"item-{item.pk}",
                    item,
                    f"{item.code} {item.title}",
                    lambda prev=previous: _minutes_part(prev, stats),
                    holds=[holding(minute, item=minute.item) for minute in public_minutes(previous)],
                )
            )
        if kind == Pack.Kind.DHR:
            sources.extend(_dhr_update_paper(item, stats))
        for paper in item.papers.all():
            if paper.is_supplementary != (kind == Pack.Kind.SUPPLEMENTARY):
                if paper.is_supplementary and kind in (Pack.Kind.RESTRICTED, Pack.Kind.DHR):
                    late.extend(_paper_sources(item, paper, stats))
                continue
            sources.extend(_paper_sources(item, paper, stats))
    if late:
        sources.append(_divider(meeting, [source for source in late if source.parent_key is None], stats))
    return sources + late


def _paper_sources(item: AgendaItem, paper: Paper, stats: RenderStats) -> list[Source]:
    """A paper's part, then one per appendix."""
    paper_key = f"paper-{paper.pk}"
    sources = [
        Source(
            paper_key,
            item,
            f"{item.code} {paper.subject}",
            lambda p=paper: _paper_part(p, stats),
            holds=[holding(paper, item=item)],
            uploaded=paper.format == Paper.Format.UPLOADED,
        )
    ]
    for appendix in paper.appendices.all():
        sources.append(
            Source(
                f"appendix-{appendix.pk}",
                item,
                f"Appendix {appendix.letter}: {appendix.title}",
                lambda a=appendix: uploaded_part(
                    a.file, a.file_kind, f"Appendix {a.letter} ({a.original_name})", stats
                ),
                parent_key=paper_key,
                holds=[holding(appendix, item=item)],
                uploaded=True,
            )
        )
    return sources


def _divider(meeting: Meeting, papers: list[Source], stats: RenderStats) -> Source:
    """The "Supplementary papers" page before a restricted or DHR pack's papers added after publication."""
    context = {"meeting": meeting, "papers": [source.title for source in papers], "marking": MARKING}
    title = "Supplementary papers"
    return Source(
        "supplementary-divider",
        None,
        title,
        lambda: rendered_part(
            "meetings/pdf/supplementary_divider.html", context, title=title, label="divider", stats=stats
        ),
    )


def _dhr_update_paper(item: AgendaItem, stats: RenderStats) -> list[Source]:
    """The generated DHR update paper, for DHR items that ask for it; only ever in the DHR pack."""
    from dhr.packpaper import update_paper_part, wants_update_paper

    if not wants_update_paper(item):
        return []
    return [
        Source(
            f"dhr-update-{item.pk}",
            item,
            f"{item.code} Domestic Homicide Review update",
            lambda: update_paper_part(item, stats),
        )
    ]


def _paper_part(paper: Paper, stats: RenderStats) -> bytes:
    if paper.format == Paper.Format.UPLOADED:
        return uploaded_part(paper.file, paper.file_kind, f"The paper '{paper.subject}' ({paper.original_name})", stats)
    return rendered_part(
        "meetings/pdf/paper.html",
        {"paper": paper, "item": paper.item},
        title=paper.subject,
        label=f"paper {paper.pk}",
        stats=stats,
    )


def public_minutes(meeting: Meeting):
    """The minutes a public pack may print: those of items that are not restricted (access.pack_kind_q)."""
    allowed = Q(item__isnull=True) | access.pack_kind_q(Pack.Kind.PUBLIC, "item__")  # procedural: public
    minutes = Minute.objects.filter(allowed, meeting=meeting)
    return minutes.select_related("item").order_by("number")


def _minutes_part(meeting: Meeting, stats: RenderStats) -> bytes:
    """The public minutes as they print (meetings/record.py): the signed record once signed, else the draft."""
    from ..record import minutes_record

    signed = meeting.signed_minutes.filter(kind="public").first() if meeting.minutes_signed_at else None
    context = {"record": signed.content if signed else minutes_record(meeting, "public")}
    return rendered_part(
        "meetings/pdf/minutes.html", context, title=f"Notes of {meeting}", label=f"minutes {meeting.pk}", stats=stats
    )


def _set(pack: Pack, **fields) -> None:
    Pack.objects.filter(pk=pack.pk).update(**fields)


def _claim(pack: Pack, claim: str = "") -> bool:
    """One build at a time per meeting: claim this pack unless a live build of the meeting holds the claim.

    `claim` names the task; the same task redelivered after its worker died takes its own claim back."""
    now = timezone.now()
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=pack.meeting_id)
        live = Pack.objects.filter(
            meeting_id=pack.meeting_id, status=Pack.Status.BUILDING, build_started_at__gt=now - STALE_BUILD
        )
        if claim:
            live = live.exclude(pk=pack.pk, build_claim=claim)
        if live.exists():
            return False
        Pack.objects.filter(pk=pack.pk).update(
            status=Pack.Status.BUILDING, failure="", progress="Starting", build_started_at=now, build_claim=claim
        )
    return True


def pack_build(*, meeting: Meeting, kind: str, claim: str = "") -> RenderStats:
    """Build one pack. On failure the last good file stays in place and the reason is recorded.

    The minutes kind is retired (the signed record's PDF is the approved minutes): ValueError."""
    if kind == Pack.Kind.MINUTES:
        raise ValueError("The minutes pack is no longer built: the signed record's PDF is the approved minutes.")
    pack, _ = Pack.objects.get_or_create(meeting=meeting, kind=kind)
    stats = RenderStats()
    if not _claim(pack, claim):
        raise BuildBusy(f"{pack} is already being built.")
    try:
        items = list(items_for(meeting, kind).prefetch_related("papers__sections", "papers__appendices"))
        sources = sources_for(meeting, kind, stats, items=items)
        contents = [holding(item) for item in items] + [row for source in sources for row in source.holds]
        parts, shown = [], time.monotonic()
        for n, source in enumerate(sources, start=1):
            if time.monotonic() - shown >= PROGRESS_EVERY:  # a part from the cache takes milliseconds: no write
                _set(pack, progress=f"Paper {n} of {len(sources)}")
                shown = time.monotonic()
            part = PackPart(source.key, source.title, source.make(), source.parent_key, source.uploaded)
            parts.append(part)
        _set(pack, progress="Numbering pages")
        untagged = untagged_parts(parts)  # recorded with the file, named on the front sheet (untagged.py)
        restricted = kind in (Pack.Kind.RESTRICTED, Pack.Kind.DHR)
        item_keys = _item_keys(sources)
        elsewhere = (
            {p.item_id for i in items for p in i.papers.all() if p.is_supplementary} if kind == Pack.Kind.PUBLIC else ()
        )

        def front_sheet(layout: Layout):
            context = {
                "meeting": meeting,
                "kind": kind,
                "kind_label": Pack.Kind(kind).label,
                "items": items,
                "sections": front_sheet_sections(meeting, kind, items),
                "exclusion_statement": EXCLUSION_STATEMENT,
                "open_statement": OPEN_STATEMENT,
                "pages": {item: layout.pages_text(keys) for item, keys in item_keys.items()},
                "in_supplementary_pack": elsewhere,
                "unused_pages": layout.unused_text(),
                "marking": MARKING if restricted else "",
                "untagged": front_sheet_untagged(untagged, layout),
                "team_email": TEAM_EMAIL,
            }
            return rendered_part(
                "meetings/pdf/front_sheet.html",
                context,
                title=f"{Pack.Kind(kind).label}: {meeting}",
                label="front sheet",
                stats=stats,
            )

        published_at = meeting.published_at.isoformat() if meeting.published_at else None
        sizes = [(part.key, part.page_count) for part in parts]
        front, layout = lay_out(front_sheet, sizes, plan=pack.page_plan, published_at=published_at)
        pdf = build_pdf(
            front=front,
            layout=layout,
            parts=parts,
            title=f"{Pack.Kind(kind).label}: {meeting}",
            marking=MARKING if restricted else "",
        )
        _place(contents, sources, layout)
    except Exception as error:
        reason = str(error) if isinstance(error, PackBuildError) else f"Unexpected error: {type(error).__name__}"
        _set(pack, status=Pack.Status.FAILED, progress="", failure=reason)
        raise
    _swap_in(pack, pdf, layout, contents, untagged=untagged)
    return stats


class BuildBusy(Exception):
    """Another build of the same pack is running: try again shortly."""


def _item_keys(sources: list[Source]) -> dict[int, list[str]]:
    """Each item's parts, by key, in order."""
    keys: dict[int, list[str]] = {}
    for source in sources:
        if source.item is not None:
            keys.setdefault(source.item.pk, []).append(source.key)
    return keys


def _place(contents: list[PackContent], sources: list[Source], layout: Layout) -> None:
    """Fill each manifest row's first and last page of the file (1-based): a paper's, appendix's or minute's are
    those of its part; an item's run from its first part's first page to its last part's last page. An item
    with no part of its own keeps None."""
    spans: dict[int, tuple[int, int]] = {}
    for source in sources:
        first, last = layout.physical(source.key)
        for row in source.holds:
            row.first_page, row.last_page = first, last
        if source.item is not None:
            low, high = spans.get(source.item.pk, (first, last))
            spans[source.item.pk] = (min(low, first), max(high, last))
    for row in contents:
        if row.what == PackContent.What.ITEM and row.item_id in spans:
            row.first_page, row.last_page = spans[row.item_id]


def _swap_in(pack: Pack, pdf: bytes, layout: Layout, contents: list[PackContent], *, untagged: list[dict]) -> None:
    """Write the new file completely, then point the pack at it with its manifest, page labels, page plan and
    untagged parts (untagged.py); the
    old file goes only after commit. A withdrawal made after this build started stays (the build may predate the
    change), and so does one the new manifest itself shows is still due; a removed pack stays removed."""
    storage = pack.file.storage
    name = storage.save(pack.file.field.generate_filename(pack, "pack.pdf"), ContentFile(pdf))
    committed = []  # set by the first callback after the commit: the new file is the pack's from then on
    try:
        with transaction.atomic():
            transaction.on_commit(lambda: committed.append(True))
            locked = Pack.objects.select_for_update().get(pk=pack.pk)
            if locked.status == Pack.Status.REMOVED:
                transaction.on_commit(lambda: storage.delete(name))
                return
            old = locked.file.name if locked.file else None
            contents_record(locked, contents)
            Pack.objects.filter(pk=pack.pk).update(
                file=name,
                status=Pack.Status.READY,
                progress="",
                failure="",
                page_count=layout.total,
                page_labels=layout.labels,
                page_plan=layout.plan,
                untagged_parts=untagged,
                built_at=timezone.now(),
            )
            started = locked.build_started_at
            # Only a withdrawal nobody holds by hand ends with a build that started after it (see withdraw.py).
            restores = locked.withdrawn_at is None or (
                locked.withdrawn_by_id is None and started is not None and locked.withdrawn_at <= started
            )
            still_stale = stale_reason(locked)
            if still_stale:
                pack_withdraw(pack=locked, reason=still_stale)
            elif restores:
                Pack.objects.filter(pk=pack.pk).update(withdrawn_at=None, withdrawn_by=None, withdrawn_reason="")
            if old:
                transaction.on_commit(lambda: storage.delete(old))
    except BaseException:
        # Only a file the pack never pointed at goes: a worker stopped (SIGTERM) while the callbacks after the commit
        # ran must not take away the file the committed row now serves.
        if not committed:
            storage.delete(name)
        raise
